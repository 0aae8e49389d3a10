# tryon.html: face mesh + head pose in Python, glasses rendered by Three.js (web/js/tryon.js).
from array import array

import js
from pyodide.code import run_js
from pyodide.ffi import create_proxy, to_js

from frontml.tasks.face import FaceOptions, create_face_mesh
from frontml.web.page import Page, query_param

page = await Page().init()  # noqa: F704 (PyScript runs this file with top-level await)
await page.glue.showSource("./py/tryon.py", js.document.getElementById("source"))  # noqa: F704
tryon_js = await run_js(  # noqa: F704
    "import(new URL('./js/tryon.js', document.baseURI).href)")
doc = js.document
debug = query_param("debug") == "1"
controls = {name: doc.getElementById(name)
            for name in ("glasses", "mesh", "iris", "smooth", "multi")}
controls["mesh"].checked = query_param("mesh") == "1"
controls["iris"].checked = query_param("iris") == "1"
controls["multi"].checked = query_param("multi") == "1"
scene = tryon_js.createTryOn(doc.getElementById("stage"), 640, 480)
NO_EDGES = to_js(array("i"))
state = {"mesh": None}


def options() -> FaceOptions:
    return FaceOptions(
        detector=query_param("detector", "short"),
        num_faces=4 if controls["multi"].checked else 1,
        refine_landmarks=bool(controls["iris"].checked),
        running_mode=query_param("mode", "video"),
        smooth_landmarks=bool(controls["smooth"].checked),
        provider=page.provider,
    )


async def load_mesh(*_):
    old, state["mesh"] = state["mesh"], None
    state["mesh"] = await page.replace_task(old, create_face_mesh, options(), keep_last=debug)


def draw(result, frame) -> None:
    page.glue.fitCanvas(page.overlay, frame.width, frame.height).drawImage(frame.canvas, 0, 0)
    w, h = frame.width, frame.height
    if controls["mesh"].checked:
        for face in result.faces:
            points = array("f", [v for lm in face.landmarks for v in (lm.x * w, lm.y * h)])
            page.glue.drawSkeleton(page.overlay, to_js(points), NO_EDGES, "#40c4ff", 1)
    matrices = array("f", [v for face in result.faces for v in face.pose.matrix])
    scene.visible = bool(controls["glasses"].checked)
    scene.update(to_js(matrices), len(result.faces), w, h)


async def step(frame, timer):
    mesh = state["mesh"]
    if mesh is None:
        return {"loading": True}
    result = await mesh.process(frame, frame.timestamp_ms, timer)
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
    doc.getElementById("result").textContent = "\n".join(text)
    if debug:  # tests compare with CPython on exactly these pixels and model inputs
        out.update(page.debug_payload(frame, mesh))
        out["detector_runs"] = mesh.detector_runs
    return out


page.on_file_input(step)
for name in ("iris", "smooth", "multi"):
    controls[name].addEventListener("change", create_proxy(load_mesh))
try:
    if query_param("image"):
        await page.open_image_url(query_param("image"))  # noqa: F704
    else:
        await page.open_camera()  # noqa: F704 (on failure the page says why; files still work)
    await load_mesh()  # noqa: F704
    if page.source is not None:
        page.run(step)
finally:
    page.ready()
