# classify.html: frame -> centre square crop (canvas) -> EfficientNet-Lite0 (logits + embedding
# in one pass) -> softmax, filters, smoothing with hysteresis in Python -> top-k bars.
from frontml.web.page import Page

page = await Page().init("./py/classify.py")  # noqa: F704 (PyScript runs this with top-level await)


async def load():
    await page.create_task("classification", {
        "max_results": int(controls["topk"]), "score_threshold": float(controls["threshold"]),
        "smoothing": float(controls["smoothing"])})


controls = page.bind_controls("topk", "threshold", "smoothing", on_change=load)


def bars(classifications) -> str:
    rows = []
    for c in classifications:
        name = c.label.split(",")[0]
        rows.append(f'<div class="bar"><span style="display:inline-block;'
                    f'width:{100 * c.score:.1f}%;background:#00e676;height:0.6em"></span> '
                    f'{name} {c.score:.2f}</div>')
    return "".join(rows) or "nothing above the threshold"


async def step(frame, timer):
    result = await page.task.process(frame, frame.timestamp_ms, timer)
    with timer.stage("render"):
        page.draw_frame(frame)
        a, _, x, _, _, y = page.task.crop_affine(frame)  # the square the model sees
        side = a * 224
        page.draw_boxes([(x / frame.width, y / frame.height, (x + side) / frame.width,
                          (y + side) / frame.height)], ["model input"], "#40c4ff")
        page.doc.getElementById("bars").innerHTML = bars(result.classifications)
        d = result.decision
        page.doc.getElementById("decision").textContent = (
            "" if d is None else f"decision: {d.label.split(',')[0]} ({d.score:.2f}, "
                                 f"{d.frames} frames)")
    out = result.to_json()
    top = result.classifications[0] if result.classifications else None
    page.show_result(f"{top.label} {top.score:.2f}" if top else "nothing above the threshold")
    out["embedding_size"] = len(result.embedding)
    if page.debug:  # tests compare with CPython on exactly these pixels
        out.update(page.debug_payload(frame))
    return out


await page.start(step, load=load)  # noqa: F704
