# pose.html: BlazePose (lite/full/heavy) or MoveNet MultiPose on the camera, drawn live.
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


def draw(result, frame) -> None:
    page.draw_frame(frame)
    for i, pose in enumerate(result.poses):
        if pose.mask is not None:
            page.draw_mask(pose.mask, 256, 256, pose.mask_affine, logits=True)
        page.draw_landmarks(pose.landmarks, result.connections, COLOURS[i % len(COLOURS)])
        if pose.id is not None:
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
