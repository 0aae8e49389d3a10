"""The hands page on a fake camera showing a hand (a committed crop of face-api's sample5):
the page's hands equal CPython's on the same pixels, and the teach UI learns a sign from the
live frame and then labels the frame with it."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from PIL import Image

from frontml.image import ArrayFrame
from frontml.runtime import run_sync
from frontml.tasks.hands import HandsOptions, create_hand_landmarker
from tests.e2e.conftest import ms, wait_ready
from tests.media import write_y4m

DATA = Path(__file__).resolve().parent.parent / "data"
PHOTO = DATA / "hands_sample5.jpg"


def hand_frame(width: int = 640, height: int = 480) -> np.ndarray:
    """The hand photo at its own size, centred in a 640x480 frame on grey. (Scaled up to fill
    the frame, MediaPipe's own full model, like ours, finds a knee instead of the hand.)"""
    img = Image.open(PHOTO).convert("RGB")
    canvas = Image.new("RGB", (width, height), (128, 128, 128))
    canvas.paste(img, ((width - img.width) // 2, (height - img.height) // 2))
    return np.asarray(canvas)


@pytest.fixture(scope="module")
def hand_browser(browser_type, browser_type_launch_args, tmp_path_factory):
    video = write_y4m(tmp_path_factory.mktemp("hands") / "hand.y4m", [hand_frame()] * 2)
    args = [a for a in browser_type_launch_args["args"]
            if not a.startswith("--use-file-for-fake-video-capture")]
    browser = browser_type.launch(**{**browser_type_launch_args,
                                     "args": args + [f"--use-file-for-fake-video-capture={video}"]})
    yield browser
    browser.close()


@pytest.fixture
def hand_page(hand_browser):
    context = hand_browser.new_context()
    page = context.new_page()
    problems: list[str] = []

    def on_request(req):
        url = urlparse(req.url)
        if url.scheme not in ("data", "blob") and url.hostname != "127.0.0.1":
            problems.append(f"off-origin request {req.url}")

    page.on("request", on_request)
    page.on("pageerror", lambda err: problems.append(f"page error {err}"))
    yield page
    context.close()
    assert not problems, problems


def wait_hands(page, extra: str = "", timeout: int | None = None) -> dict:
    page.wait_for_function(
        "window.frontml.results && window.frontml.results.hands"
        " && window.frontml.results.hands.length > 0" + extra, timeout=timeout or ms(90_000))
    return page.evaluate("window.frontml.results")


def test_page_hands_equal_cpython_on_the_same_frame(hand_page, server_url):
    page = hand_page
    page.goto(f"{server_url}/hands.html?debug=1&mode=image&model=full")
    wait_ready(page)
    res = wait_hands(page)
    assert len(res["hands"]) == 1
    hand = res["hands"][0]
    assert hand["handedness"] == "Right" and hand["score"] > 0.9
    assert len(hand["landmarks"]) == 21 and len(hand["world_landmarks"]) == 21
    assert set(hand["gesture"]) == {"name", "score"}
    w, h = res["image"]["width"], res["image"]["height"]
    pixels = np.frombuffer(base64.b64decode(res["frame_b64"]), np.uint8).reshape(h, w, 4)
    landmarker = run_sync(create_hand_landmarker(HandsOptions(model="full",
                                                              running_mode="image")))
    cpu = run_sync(landmarker.process(ArrayFrame(pixels), 0.0)).to_json()
    landmarker.close()
    assert len(cpu["hands"]) == 1
    ours, theirs = hand["landmarks"], cpu["hands"][0]["landmarks"]
    diff = max(max(abs(p["x"] - q["x"]), abs(p["y"] - q["y"]))
               for p, q in zip(ours, theirs, strict=True))
    # canvas vs numpy resampling (~0.5 grey levels) through detector + landmark model
    assert diff <= 0.01, f"page vs CPython landmarks differ by {diff:.4f}"
    assert cpu["hands"][0]["handedness"] == hand["handedness"]
    assert cpu["hands"][0]["gesture"]["name"] == hand["gesture"]["name"]
    hud = page.locator("#hud").inner_text()
    for stage in ("grab", "pre", "infer", "post", "render", "python %"):
        assert stage in hud


def test_teach_a_sign_then_the_live_frame_is_labelled(hand_page, server_url, tmp_path):
    page = hand_page
    page.goto(f"{server_url}/hands.html?model=lite&hold=3")
    wait_ready(page)
    res = wait_hands(page)
    assert res["examples"] == 0 and res["hands"][0]["sign"] is None  # nothing taught yet
    page.fill("#new-label", "hi")
    page.click("#add-label")
    page.click("button.record[data-label='hi']")
    assert "Recorded 'hi'" in page.locator("#teach-status").inner_text()
    res = wait_hands(page, " && window.frontml.results.examples === 1"
                           " && window.frontml.results.hands[0].sign")
    sign = res["hands"][0]["sign"]
    assert sign["name"] == "hi" and sign["score"] > 0.5
    assert "hi" in page.locator("#result").inner_text()
    # spell mode types the held sign once
    page.check("#spell")
    page.wait_for_function("window.frontml.results.spelled === 'hi'", timeout=ms(30_000))
    # malformed import: a clear error, the example is kept
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    page.set_input_files("#import", str(bad))
    page.wait_for_function("document.querySelector('#error').textContent.includes('kept')")
    assert "not valid JSON" in page.locator("#error").inner_text()
    res = wait_hands(page, " && window.frontml.results.examples === 1")
    assert res["hands"][0]["sign"]["name"] == "hi"
    # persisted in IndexedDB: a reload still knows the sign
    page.reload()
    wait_ready(page)
    res = wait_hands(page, " && window.frontml.results.examples === 1")
    assert res["hands"][0]["sign"]["name"] == "hi"
    # importing a valid file replaces the examples
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"format": "frontml.signs", "version": 1, "k": 3,
                                "max_distance": 0.45,
                                "examples": [{"label": "far", "features": [9.0] * 63}]}))
    page.set_input_files("#import", str(good))
    page.wait_for_function("window.frontml.results.examples === 1"
                           " && document.querySelector('#teach-status').textContent"
                           ".includes('far')")
