# detect.html: frame -> resize (canvas) -> CenterNet / SSD -> decode, NMS, tracker in Python ->
# boxes with labels and ids, per-class counts, enter/leave events.
from frontml.web.page import Page

page = await Page().init("./py/detect.py")  # noqa: F704 (PyScript runs this with top-level await)
events_shown: list[str] = []


async def load():
    await page.create_task("detection", {
        "model": controls["model"], "score_threshold": float(controls["threshold"]),
        "category_allowlist": controls["allow"], "nms": controls["nms"],
        "mirrored": bool(controls["mirror"])})
    events_shown.clear()


controls = page.bind_controls("model", "threshold", "allow", "nms", "mirror", on_change=load)


async def step(frame, timer):
    result = await page.task.process(frame, frame.timestamp_ms, timer)
    with timer.stage("render"):
        if page.task.options.mirrored:
            page.glue.drawFrameMirrored(page.overlay, frame.canvas, frame.width, frame.height)
        else:
            page.draw_frame(frame)
        boxes = [(x, y, x + w, y + h) for x, y, w, h in (d.box for d in result.detections)]
        labels = [f"{d.label}{'' if d.id is None else f' #{d.id}'} {d.score:.2f}"
                  for d in result.detections]
        page.draw_boxes(boxes, labels, "#ffab00")
        counts = result.counts
        if counts is None:  # image mode: what is in this picture
            counts = {}
            for d in result.detections:
                counts[d.label] = counts.get(d.label, 0) + 1
        page.doc.getElementById("counts").textContent = (
            ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none")
        for e in result.events:
            events_shown.append(f"{e.timestamp_ms / 1000:.1f} s {e.label} #{e.id} {e.kind}")
        del events_shown[:-10]
        page.doc.getElementById("events").innerHTML = "".join(
            f"<li>{text}</li>" for text in events_shown)
    out = result.to_json()
    page.show_result(f"{len(result.detections)} objects: " + ", ".join(
        f"{d.label} {d.score:.2f}" for d in result.detections[:5]))
    if page.debug:  # tests compare with CPython on exactly these pixels
        out.update(page.debug_payload(frame))
    return out


await page.start(step, load=load)  # noqa: F704
