# tryon.html: face mesh + head pose in Python, glasses rendered by Three.js (web/js/tryon.js).
from array import array

from pyodide.code import run_js
from pyodide.ffi import to_js

from frontml.tasks.face.options import DETECTORS
from frontml.web.page import Page
from frontml.web.params import choice

page = await Page().init("./py/tryon.py")  # noqa: F704 (PyScript runs this with top-level await)
tryon_js = await run_js(  # noqa: F704
    "import(new URL('./js/tryon.js', document.baseURI).href)")
scene = tryon_js.createTryOn(page.doc.getElementById("stage"), 640, 480)
DETECTOR = page.param(choice("detector", "short", DETECTORS))  # read (and checked) once


async def load():
    await page.create_task("face", {"detector": DETECTOR,
                                    "num_faces": 4 if controls["multi"] else 1,
                                    "refine_landmarks": controls["iris"],
                                    "smooth_landmarks": controls["smooth"]})


controls = page.bind_controls("iris", "smooth", "multi", on_change=load)
view = page.bind_controls("glasses", "mesh")  # drawing only: no reload


def draw(result, frame) -> None:
    page.draw_frame(frame)
    if view["mesh"]:
        for face in result.faces:
            page.draw_landmarks(face.landmarks, (), "#40c4ff", 1)
    matrices = array("f", [v for face in result.faces for v in face.pose.matrix])
    scene.visible = view["glasses"]
    scene.update(to_js(matrices), len(result.faces), frame.width, frame.height)


async def step(frame, timer):
    result = await page.task.process(frame, frame.timestamp_ms, timer)
    with timer.stage("render"):
        draw(result, frame)
    out = result.to_json()
    out["measures"] = [face.measures() for face in result.faces]
    text = [f"{len(result.faces)} face(s)"]
    for face in result.faces:
        p = face.pose
        text.append(f"yaw {p.yaw:+.0f}° pitch {p.pitch:+.0f}° roll {p.roll:+.0f}°  "
                    f"blink L/R {int(face.blink_left)}/{int(face.blink_right)}  "
                    f"mouth {face.mouth_open:.2f}")
    page.show_result("\n".join(text))
    if page.debug:  # tests compare with CPython on exactly these pixels and model inputs
        out.update(page.debug_payload(frame))
        out["detector_runs"] = page.task.detector_runs
    return out


await page.start(step, load=load)  # noqa: F704
