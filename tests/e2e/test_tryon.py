"""The AR try-on page on the fake camera: the mesh lands on the astronaut's face (equal to
CPython's on the same pixels), the glasses follow the head pose, a mirrored video flips yaw."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from frontml.calculators.head_pose import euler_yxz
from frontml.image import ArrayFrame
from frontml.runtime import run_sync
from frontml.tasks.face import FaceOptions, create_face_mesh
from tests.e2e.conftest import ms, wait_ready
from tests.media import astronaut_frame, write_y4m

FACE_READY = ("window.frontml.frames >= {n} && window.frontml.results"
              " && window.frontml.results.faces && window.frontml.results.faces.length > 0"
              " && window.frontml.tryon && window.frontml.tryon.visible > 0")


def page_result(page, url: str, min_frames: int = 1) -> dict:
    page.goto(url)
    wait_ready(page)
    page.wait_for_function(FACE_READY.format(n=min_frames), timeout=ms(60_000))
    return page.evaluate("({...window.frontml.results, tryon: window.frontml.tryon})")


def frame_of(res: dict) -> ArrayFrame:
    w, h = res["image"]["width"], res["image"]["height"]
    return ArrayFrame(np.frombuffer(base64.b64decode(res["frame_b64"]), np.uint8).reshape(h, w, 4))


def check_glasses_follow_pose(res: dict) -> None:
    face, tryon = res["faces"][0], res["tryon"]
    assert tryon["visible"] == 1
    # the glasses object's world matrix is the head pose matrix (float32 round trip)
    assert np.allclose(tryon["matrices"][0], face["pose"]["matrix"], rtol=1e-5, atol=1e-3)
    # ...whose origin (between the eyes) is where mesh landmark 168 is, in head space
    w, h = res["image"]["width"], res["image"]["height"]
    lm = face["landmarks"][168]
    x, y, _ = tryon["positions"][0]
    assert abs(x - (lm["x"] * w - w / 2)) < 6 and abs(y - (h / 2 - lm["y"] * h)) < 6


def test_tryon_mesh_equals_cpython_and_glasses_follow(page, server_url):
    res = page_result(page, f"{server_url}/tryon.html?debug=1&mode=image&mesh=1")
    (face,) = res["faces"]
    assert set(face) == {"score", "box", "landmarks", "pose"} and len(face["landmarks"]) == 468
    # the astronaut sits centred in the 640x480 fake camera: her nose tip is in her face
    nose = face["landmarks"][1]
    assert 0.40 < nose["x"] < 0.56 and 0.12 < nose["y"] < 0.40, nose
    # CPython on the very same pixels
    mesh = run_sync(create_face_mesh(FaceOptions(running_mode="image")))
    cpu = run_sync(mesh.process(frame_of(res), 0.0)).to_json()
    mesh.close()
    assert len(cpu["faces"]) == 1
    ours, theirs = face["landmarks"], cpu["faces"][0]["landmarks"]
    diff = max(max(abs(p["x"] - q["x"]), abs(p["y"] - q["y"])) for p, q in zip(ours, theirs,
                                                                              strict=True))
    assert diff <= 3e-3, f"page vs CPython landmarks differ by {diff:.4f}"
    for key in ("yaw", "pitch", "roll"):
        assert face["pose"][key] == pytest.approx(cpu["faces"][0]["pose"][key], abs=1.5)
    check_glasses_follow_pose(res)
    assert res["measures"][0]["blink_left"] is False
    hud = page.locator("#hud").inner_text()
    for stage in ("grab", "pre", "infer", "post", "render", "fps"):
        assert stage in hud


def test_tryon_video_tracks_and_glasses_stay_on(page, server_url):
    res = page_result(page, f"{server_url}/tryon.html?debug=1&iris=1", min_frames=5)
    assert len(res["faces"][0]["landmarks"]) == 478
    assert res["detector_runs"] == 1  # tracking from landmarks: the detector ran once
    check_glasses_follow_pose(res)


@pytest.fixture
def mirrored_page(browser_type, browser_type_launch_args, tmp_path):
    video = write_y4m(tmp_path / "mirrored.y4m",
                      [np.ascontiguousarray(astronaut_frame()[:, ::-1])] * 2)
    args = [a for a in browser_type_launch_args["args"]
            if not a.startswith("--use-file-for-fake-video-capture")]
    browser = browser_type.launch(**{**browser_type_launch_args,
                                     "args": args + [f"--use-file-for-fake-video-capture={video}"]})
    page = browser.new_page()
    yield page
    browser.close()


def test_mirrored_video_flips_yaw(page, mirrored_page, server_url):
    url = f"{server_url}/tryon.html?mode=image"
    straight = page_result(page, url)["faces"][0]["pose"]
    mirrored = page_result(mirrored_page, url)
    flipped = mirrored["faces"][0]["pose"]
    assert abs(straight["yaw"]) > 0.5 or abs(straight["roll"]) > 0.5
    assert flipped["yaw"] == pytest.approx(-straight["yaw"], abs=1.5)
    assert flipped["roll"] == pytest.approx(-straight["roll"], abs=1.5)
    # the glasses object's own world matrix carries the flipped yaw and roll
    for res, pose in ((None, straight), (mirrored, flipped)):
        m = (page.evaluate("window.frontml.tryon.matrices[0]") if res is None
             else res["tryon"]["matrices"][0])
        cols = np.asarray(m, float).reshape(4, 4)[:3, :3]  # column-major: rows are columns
        rot = cols.T / np.linalg.norm(cols[0])
        yaw, _, roll = euler_yxz(tuple(map(tuple, rot)))
        assert yaw == pytest.approx(pose["yaw"], abs=1.0)
        assert roll == pytest.approx(pose["roll"], abs=1.0)
