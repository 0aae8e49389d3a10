# segment.html: person segmentation with background effects, cut-out and body parts.
# Python picks the model and the parameters; the mask buffer goes to the canvas (segRender in
# web/js/segment.js), which thresholds, smooths, feathers and composites it: no pixel loops here.
from pyodide.ffi import JsException, to_js

from frontml.tasks.segmentation.parts import PART_COLOURS
from frontml.web.page import Page, to_plain_js

page = await Page().init("./py/segment.py")  # noqa: F704 (PyScript runs this with top-level await)
loaded = {"key": None}  # what the current task was created for


def options() -> dict:
    return {name: controls[name] for name in ("threshold", "softness", "smoothing", "feather")} | {
        "model": controls["model"], "body_parts": controls["parts"]}


async def load():
    opts = options()
    key = (opts["model"], opts["body_parts"])
    if key == loaded["key"] and page.task is not None:
        return  # only post-processing parameters changed: no reload
    page.glue.segResetSmoothing()
    loaded["key"] = key if await page.create_task("segmentation", opts) is not None else None


controls = page.bind_controls("model", "effect", "blur", "color", "threshold", "softness",
                              "smoothing", "feather", "mask", "parts", on_change=load)


def render_params() -> dict:
    return options() | {"effect": controls["effect"], "blur": controls["blur"],
                        "color": controls["color"], "parts": controls["parts"],
                        "showMask": controls["mask"], "partColours": PART_COLOURS}


async def step(frame, timer):
    result = await page.task.process(frame, frame.timestamp_ms, timer)
    with timer.stage("render"):
        params = render_params()
        # the mask crosses as a typed array (one memcpy), never a list
        rendered = page.glue.segRender(
            page.overlay, frame.canvas, to_js(result.mask.data), result.mask_width,
            result.mask_height, *result.mask_affine, result.logits, to_plain_js(params),
            to_js(result.segments) if len(result.segments) else None,
        )
    out = result.to_json()
    out["effect"] = params["effect"]
    out["alpha_mean"] = float(rendered.alpha_mean)
    page.show_result(f"model {result.model} ({result.mask_width}×{result.mask_height}), person "
                     f"covers {100 * result.coverage:.1f}% of the frame")
    if page.debug:  # tests compare with CPython on exactly these pixels
        out.update(page.debug_payload(frame))
        out["mask_b64"] = page.glue.toBase64(to_js(result.mask.data))
    return out


async def on_background(event):
    files = event.target.files
    if not files.length:
        return
    try:
        await page.glue.segLoadBackground(files.item(0))
    except JsException as exc:  # not an image: say so, keep the current background
        page.error(str(exc.js_error.message))
        return
    page.glue.clearError()
    controls.set("effect", "image")
    page.refresh()


def on_export(*_):
    url = page.glue.segCutoutDataUrl()
    link = page.doc.getElementById("download")
    if url:
        link.href = url
        link.hidden = False
        link.click()


page.listen("background", "change", on_background)
page.listen("export", "click", on_export)
await page.start(step, load=load, on_source=page.glue.segResetSmoothing)  # noqa: F704
