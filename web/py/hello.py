# hello.html: camera frame -> Python -> onnxruntime-web -> Python -> page.
import json

from frontml.web.page import Page

page = await Page().init("./py/hello.py")  # noqa: F704 (PyScript runs this with top-level await)


async def load():
    await page.create_task("hello")


async def step(frame, timer):
    result = await page.task.process(frame, frame.timestamp_ms, timer)
    with timer.stage("render"):
        page.draw_frame(frame)
        page.draw_mask(result.mask, 256, 256)
    summary = result.summary()
    page.show_result(json.dumps(summary, indent=2))
    if page.debug:  # let tests compare with CPython on exactly these pixels
        summary.update(page.debug_payload(frame))
    return summary


await page.start(step, load=load)  # noqa: F704
