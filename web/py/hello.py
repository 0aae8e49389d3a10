# hello.html: camera frame -> Python -> onnxruntime-web -> Python -> page.
import json

import js
from pyodide.ffi import to_js

from frontml.tasks.hello import HelloSegmenter
from frontml.web.page import Page, query_param

page = await Page().init()  # noqa: F704 (PyScript runs this file with top-level await)
await page.glue.showSource("./py/hello.py", js.document.getElementById("source"))  # noqa: F704
debug = query_param("debug") == "1"


async def step(frame, timer):
    result = await task.process(frame, frame.timestamp_ms, timer)
    with timer.stage("render"):
        ctx = page.glue.fitCanvas(page.overlay, frame.width, frame.height)
        ctx.drawImage(frame.canvas, 0, 0)
        page.glue.drawMask(page.overlay, to_js(result.mask.data), 256, 256)
    summary = result.summary()
    js.document.getElementById("result").textContent = json.dumps(summary, indent=2)
    if debug:  # let tests compare with CPython on exactly these pixels
        summary["input_b64"] = page.glue.toBase64(to_js(task.last_input.data))
        summary.update(page.debug_payload(frame))
    return summary


page.on_file_input(step)
try:
    source = query_param("image")
    if source:
        await page.open_image_url(source)  # noqa: F704
    else:
        await page.open_camera()  # noqa: F704 (on failure the page says why; files still work)
    sessions = await page.load_models("selfie_segmentation")  # noqa: F704
    if sessions:
        task = HelloSegmenter(sessions["selfie_segmentation"])
        if page.source is not None:
            page.run(step)
finally:
    page.ready()
