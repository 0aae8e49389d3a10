# segment.html: person segmentation with background effects, cut-out and body parts.
# Python picks the model and the parameters; the mask buffer goes to the canvas (segRender in
# web/js/frontml.js), which thresholds, smooths, feathers and composites it: no pixel loops here.
import asyncio

import js
from pyodide.ffi import JsException, create_proxy, to_js

from frontml.tasks.segmentation import PersonSegmenter, SegmentationOptions
from frontml.web.page import Page, query_param, to_plain_js

page = await Page().init()  # noqa: F704 (PyScript runs this file with top-level await)
await page.glue.showSource("./py/segment.py", js.document.getElementById("source"))  # noqa: F704
doc = js.document
debug = query_param("debug") == "1"
NAMES = ("model", "effect", "blur", "color", "threshold", "softness", "smoothing", "feather",
         "mask", "parts")
controls = {name: doc.getElementById(name) for name in NAMES}
for name in ("model", "effect", "blur", "color", "threshold", "softness", "smoothing", "feather"):
    if query_param(name):
        controls[name].value = query_param(name)
for name in ("mask", "parts"):
    if query_param(name):
        controls[name].checked = query_param(name) == "1"
state = {"segmenter": None, "key": None}


def value(name: str) -> float:
    return float(controls[name].value)


def options() -> SegmentationOptions:
    return SegmentationOptions(
        model=str(controls["model"].value),
        threshold=value("threshold"),
        softness=value("softness"),
        smoothing=value("smoothing"),
        feather=value("feather"),
        body_parts=bool(controls["parts"].checked),
        running_mode=query_param("mode", "video"),
        provider=page.provider,
    )


def render_params(opts: SegmentationOptions) -> dict:
    return {"threshold": opts.threshold, "softness": opts.softness, "smoothing": opts.smoothing,
            "feather": opts.feather, "effect": str(controls["effect"].value),
            "blur": value("blur"), "color": str(controls["color"].value),
            "parts": opts.body_parts, "showMask": bool(controls["mask"].checked)}


async def load_segmenter(*_):
    opts = options()
    key = (opts.model, opts.body_parts)
    if key == state["key"] and state["segmenter"] is not None:
        return  # only post-processing parameters changed: no reload
    old, state["segmenter"], state["key"] = state["segmenter"], None, None
    page.glue.segResetSmoothing()
    state["segmenter"] = await page.replace_task(old, PersonSegmenter.create, opts)
    state["key"] = key if state["segmenter"] is not None else None


async def step(frame, timer):
    segmenter = state["segmenter"]
    if segmenter is None:
        return {"loading": True}
    result = await segmenter.process(frame, frame.timestamp_ms, timer)
    opts = segmenter.options
    with timer.stage("render"):
        params = render_params(opts)
        # the mask crosses as a typed array (one memcpy), never a list
        rendered = page.glue.segRender(
            page.overlay, frame.canvas, to_js(result.mask.data), result.mask_width,
            result.mask_height, *result.mask_affine, result.logits, to_plain_js(params),
            to_js(result.segments) if len(result.segments) else None,
        )
    out = result.to_json()
    out["effect"] = params["effect"]
    out["alpha_mean"] = float(rendered.alpha_mean)
    doc.getElementById("result").textContent = (
        f"model {result.model} ({result.mask_width}×{result.mask_height}), person covers "
        f"{100 * result.coverage:.1f}% of the frame")
    if debug:  # tests compare with CPython on exactly these pixels
        out.update(page.debug_payload(frame))
        out["mask_b64"] = page.glue.toBase64(to_js(result.mask.data))
    return out


async def process_image():
    try:
        await page.process_once(step)
    except Exception as exc:  # noqa: BLE001 (shown on the page)
        page.error(f"{type(exc).__name__}: {exc}")


def start():
    """The loop for a video/camera; an image is processed once (directly: Page.run's one-shot
    timer calls its tick without the argument it needs)."""
    if page.source is None:
        return
    if page.source is page.video:
        page.run(step)
    else:
        page.stop()
        asyncio.ensure_future(process_image())


def rerun_image():
    if page.source is not None and page.source is not page.video:
        start()  # an image is processed once: redo it with the new settings


async def on_change(*_):
    await load_segmenter()
    for name in ("blur", "threshold", "smoothing"):
        label = doc.getElementById(f"{name}-value")
        label.textContent = str(controls[name].value)
    rerun_image()


async def on_file(event):
    files = event.target.files
    if files.length:
        await page.open_file(files.item(0))
        page.glue.segResetSmoothing()
        start()


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
    controls["effect"].value = "image"
    rerun_image()


def on_export(*_):
    url = page.glue.segCutoutDataUrl()
    link = doc.getElementById("download")
    if url:
        link.href = url
        link.hidden = False
        link.click()


doc.getElementById("file").addEventListener("change", create_proxy(on_file))
doc.getElementById("background").addEventListener("change", create_proxy(on_background))
doc.getElementById("export").addEventListener("click", create_proxy(on_export))
for control in controls.values():
    control.addEventListener("change", create_proxy(on_change))
try:
    if query_param("image"):
        await page.open_image_url(query_param("image"))  # noqa: F704
    else:
        await page.open_camera()  # noqa: F704 (on failure the page says why; files still work)
    await load_segmenter()  # noqa: F704
    start()
finally:
    page.ready()
