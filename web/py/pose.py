# pose.html: BlazePose (lite/full/heavy) or MoveNet MultiPose on the camera, drawn live.
from frontml.tasks.pose import POSE_CONNECTIONS  # transitional, see edges()
from frontml.tasks.pose.movenet import COCO_SKELETON
from frontml.web.page import Page

page = await Page().init("./py/pose.py")  # noqa: F704 (PyScript runs this with top-level await)
COLOURS = ["#00e676", "#ffab00", "#40c4ff", "#ff4081", "#b388ff", "#ffff00"]


async def load():
    movenet = controls["model"].startswith("movenet")
    await page.create_task("pose", {
        "model": controls["model"],
        "num_poses": (6 if movenet else 3) if controls["multi"] else 1,
        "smooth_landmarks": controls["smooth"],
        "output_mask": controls["mask"] and not movenet,
    })


controls = page.bind_controls("model", "multi", "smooth", "mask", on_change=load)


def edges(result):  # transitional until PoseResult.connections (core-py) is merged
    movenet = controls["model"].startswith("movenet")
    return getattr(result, "connections", COCO_SKELETON if movenet else POSE_CONNECTIONS)


def draw(result, frame) -> None:
    page.draw_frame(frame)
    for i, pose in enumerate(result.poses):
        if getattr(pose, "mask", None) is not None:
            page.draw_mask(pose.mask, 256, 256, pose.mask_affine, logits=True)
        page.draw_landmarks(pose.landmarks, edges(result), COLOURS[i % len(COLOURS)])
        if getattr(pose, "id", None) is not None:
            page.draw_labels([f"#{pose.id}"], [pose.box[:2]])


async def step(frame, timer):
    result = await page.task.process(frame, frame.timestamp_ms, timer)
    with timer.stage("render"):
        draw(result, frame)
    page.show_result(f"{len(result.poses)} pose(s)")
    out = result.to_json()
    if page.debug:  # tests compare with CPython on exactly these pixels and model inputs
        out.update(page.debug_payload(frame))
    return out


await page.start(step, load=load)  # noqa: F704
