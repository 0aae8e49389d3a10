# pose.html: BlazePose (lite/full/heavy) or MoveNet MultiPose on the camera, drawn live.
from array import array

import js
from pyodide.ffi import create_proxy, to_js

from frontml.tasks.pose import POSE_CONNECTIONS, PoseOptions, create_pose_detector
from frontml.tasks.pose.movenet import COCO_SKELETON
from frontml.web.page import Page, query_param

page = await Page().init()  # noqa: F704 (PyScript runs this file with top-level await)
await page.glue.showSource("./py/pose.py", js.document.getElementById("source"))  # noqa: F704
doc = js.document
debug = query_param("debug") == "1"
controls = {name: doc.getElementById(name) for name in ("model", "multi", "smooth", "mask")}
controls["model"].value = query_param("model", "full")
controls["multi"].checked = query_param("multi") == "1"
EDGES = {
    "blazepose": to_js(array("i", [i for edge in POSE_CONNECTIONS for i in edge])),
    "movenet": to_js(array("i", [i for edge in COCO_SKELETON for i in edge])),
}
COLOURS = ["#00e676", "#ffab00", "#40c4ff", "#ff4081", "#b388ff", "#ffff00"]
state = {"detector": None}


def options() -> PoseOptions:
    model = str(controls["model"].value)
    multi = bool(controls["multi"].checked)
    return PoseOptions(
        model=model,
        running_mode=query_param("mode", "video"),
        num_poses=(6 if model.startswith("movenet") else 3) if multi else 1,
        smooth_landmarks=bool(controls["smooth"].checked),
        output_mask=bool(controls["mask"].checked) and not model.startswith("movenet"),
        provider=page.provider,
    )


async def load_detector(*_):
    old, state["detector"] = state["detector"], None
    state["detector"] = await page.replace_task(old, create_pose_detector, options(),
                                                keep_last=debug)


def draw(result, frame) -> None:
    page.glue.fitCanvas(page.overlay, frame.width, frame.height).drawImage(frame.canvas, 0, 0)
    w, h = frame.width, frame.height
    edges = EDGES["movenet" if str(controls["model"].value).startswith("movenet") else "blazepose"]
    for i, pose in enumerate(result.poses):
        colour = COLOURS[i % len(COLOURS)]
        if getattr(pose, "mask", None) is not None:
            page.glue.drawMaskAffine(page.overlay, to_js(pose.mask.data), 256, 256,
                                     *pose.mask_affine, True)
        points = array("f", [v for lm in pose.landmarks for v in (lm.x * w, lm.y * h)])
        page.glue.drawSkeleton(page.overlay, to_js(points), edges, colour)
        if getattr(pose, "id", None) is not None:
            page.glue.drawLabel(page.overlay, f"#{pose.id}", pose.box[0] * w, pose.box[1] * h)


async def step(frame, timer):
    detector = state["detector"]
    if detector is None:
        return {"loading": True}
    result = await detector.process(frame, frame.timestamp_ms, timer)
    with timer.stage("render"):
        draw(result, frame)
    out = result.to_json()
    doc.getElementById("result").textContent = f"{len(result.poses)} pose(s)"
    if debug:  # tests compare with CPython on exactly these pixels and model inputs
        out.update(page.debug_payload(frame, detector))
    return out


page.on_file_input(step)
for control in controls.values():
    control.addEventListener("change", create_proxy(load_detector))
try:
    if query_param("image"):
        await page.open_image_url(query_param("image"))  # noqa: F704
    else:
        await page.open_camera()  # noqa: F704 (on failure the page says why; files still work)
    await load_detector()  # noqa: F704
    if page.source is not None:
        page.run(step)
finally:
    page.ready()
