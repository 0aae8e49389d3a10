# makeup.html: face mesh -> makeup layer triangles in Python -> WebGL2 shader (web/js/makeup.js).
from frontml.tasks.makeup import Look
from frontml.web.page import Page

page = await Page().init("./py/makeup.py")  # noqa: F704 (PyScript runs this with top-level await)
renderer = page.glue.createMakeup(page.doc.getElementById("stage"), 640, 480)
LAYER_SWITCHES = {"lips": "lip_color", "blush": "blush_color", "liner": "liner_color",
                  "brow": "brow_color"}
LOOK_IDS = ("lip_color", "lip_intensity", "lip_finish", "blush_color", "blush_intensity",
            "liner_color", "liner_intensity", "brow_color", "brow_intensity", "guard")


def current_look() -> Look:
    values = {name: look[name] for name in LOOK_IDS}
    for switch, colour in LAYER_SWITCHES.items():
        if not look[switch]:
            values[colour] = ""  # layer off
    return Look(**values)


async def load():
    await page.create_task("makeup", {"detector": page.param("detector", "short"),
                                      "num_faces": 4 if controls["multi"] else 1,
                                      "smooth_landmarks": controls["smooth"],
                                      **current_look().to_json()})


def restyle() -> None:
    """A look control changed: new colours from the next frame on, no model reload."""
    if page.task is not None:
        page.task.set_look(current_look())


controls = page.bind_controls("smooth", "multi", on_change=load)
look = page.bind_controls(*LOOK_IDS, *LAYER_SWITCHES, on_change=restyle)
view = page.bind_controls("split")  # drawing only
page.listen("snapshot", "click", lambda *_: renderer.snapshot("makeup.png", view["split"]))


async def step(frame, timer):
    result = await page.task.process(frame, frame.timestamp_ms, timer)
    # the face model's share (detector + mesh: pre, infer, post) as one HUD row
    timer.add("model", sum(timer.ms.get(k, 0.0) for k in ("pre", "infer", "post")))
    geo = result.geometry
    with timer.stage("render"):  # the arrays go as they are: JS reads them in place
        renderer.render(frame.canvas, geo.vertices, geo.counts, result.params, geo.samples,
                        view["split"])
    out = result.to_json()
    tris = sum(geo.triangles.values())
    page.show_result(f"{len(result.faces)} face(s), {tris} makeup triangles"
                     if result.faces else "no face: nothing painted")
    if page.debug:  # tests render the same frame + landmarks in CPython and compare pixels
        out.update(page.debug_payload(frame))
        out["render_b64"] = page.glue.toBase64(renderer.pixels())
        out["params"] = list(result.params)
    return out


await page.start(step, load=load)  # noqa: F704
