"""teach.html's actions on the fake camera: a video of the astronaut swaying (the photo moving
sideways and tilting, 0.5 Hz) is taught as "sway", the still astronaut as "still"; each camera
is then predicted as its own class (the still one never as the moving one), with the classes
carried between the two browsers in the exported file, as a user would."""

from __future__ import annotations

import math
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.video_clips import Pose2D, photo, render
from tests.e2e.conftest import ms, wait_ready
from tests.media import write_y4m

RESULTS = "window.frontml.results"
PERIOD_S = 2.0  # one sway left-right-left: slow enough for a page at a few FPS


def sway_frames(fps: int = 30) -> list:
    img = photo("astronaut")
    frames = []
    for i in range(int(PERIOD_S * fps)):
        s = math.sin(2 * math.pi * i / (PERIOD_S * fps))
        frames.append(render(img, Pose2D(320 + 110 * s, 240, 0.94, 12.0 * s)))
    return frames


@pytest.fixture(scope="module")
def sway_browser(browser_type, browser_type_launch_args, tmp_path_factory):
    video = write_y4m(tmp_path_factory.mktemp("actions") / "sway.y4m", sway_frames())
    args = [a for a in browser_type_launch_args["args"]
            if not a.startswith("--use-file-for-fake-video-capture")]
    browser = browser_type.launch(**{**browser_type_launch_args,
                                     "args": args + [f"--use-file-for-fake-video-capture={video}"]})
    yield browser
    browser.close()


@pytest.fixture
def sway_page(sway_browser):
    """A page on the swaying camera, with the same guard as conftest's `page`."""
    context = sway_browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(ms(30_000))
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


def wait_for(page, condition: str, timeout: int = 180_000) -> dict:
    """The first published results that meet `condition` (those results, not a later frame's)."""
    try:
        handle = page.wait_for_function(
            f"(() => {{ const r = {RESULTS}; return r && ({condition}) ? r : null; }})()",
            timeout=ms(timeout))
    except PlaywrightTimeout:
        raise AssertionError(f"waited for {condition}; the page has {page.evaluate(RESULTS)}, "
                             f"HUD {page.locator('#hud').inner_text()!r}, error banner "
                             f"{page.locator('#error').inner_text()!r}") from None
    return handle.json_value()


def teach(page, label: str, examples: int, hold_s: float = 1.5 * PERIOD_S) -> dict:
    """Add `label` and hold its record button until it has `examples` windows and at least
    `hold_s` have passed: a user shows the whole action (a fast page would otherwise collect its
    windows within part of one sway, and the other phases would fall outside the class's
    automatic threshold)."""
    page.fill("#new-class", label)
    page.click("#add-class")
    button = page.locator(f"button.record[data-label='{label}']")
    started = time.monotonic()
    button.dispatch_event("pointerdown")
    try:
        got = wait_for(page, f"({RESULTS}.classes['{label}'] || 0) >= {examples}")
        left = hold_s - (time.monotonic() - started)
        if left > 0:
            page.wait_for_timeout(left * 1000)
        return got
    finally:
        button.dispatch_event("pointerup")


def export(page, path) -> None:
    with page.expect_download() as info:
        page.click("#export")
    info.value.save_as(path)


def live_windows(page, n: int = 6) -> list[dict]:
    """The next `n` predictions, about a second apart (distance, threshold, window size)."""
    out = []
    for _ in range(n):
        page.wait_for_timeout(ms(1000))
        res = wait_for(page, f"{RESULTS}.prediction", 60_000)
        out.append({**res["prediction"], "threshold": res.get("threshold"),
                    "window_frames": res.get("window_frames")})
    return out


def test_taught_actions_are_recognised_and_still_is_not_sway(page, sway_page, server_url,
                                                              tmp_path):
    url = f"{server_url}/teach.html?feature=action"
    sway_page.goto(url)
    wait_ready(sway_page)
    wait_for(sway_page, f"{RESULTS}.has_vector === true")
    teach(sway_page, "sway", 8)  # a sway varies more window to window than standing still
    sway_file = tmp_path / "sway.json"
    export(sway_page, sway_file)
    # the still camera, in the other browser: import the sway, teach still
    page.goto(url)
    wait_ready(page)
    wait_for(page, f"{RESULTS}.has_vector === true")
    page.set_input_files("#import", str(sway_file))
    wait_for(page, f"{RESULTS}.classes.sway >= 8")
    teach(page, "still", 4)
    still = live_windows(page)
    # never the moving class; mostly still (an odd window may fall outside the tight still
    # examples' automatic threshold: "unknown", still the nearest)
    assert all(p["best"] == "still" for p in still), still
    assert sum(p["label"] == "still" for p in still) >= 4, still
    both = tmp_path / "both.json"
    export(page, both)
    # back on the swaying camera with both classes: it is the sway
    sway_page.set_input_files("#import", str(both))
    wait_for(sway_page, f"{RESULTS}.classes.still >= 4 && {RESULTS}.prediction")
    sway = live_windows(sway_page)
    assert all(p["best"] == "sway" for p in sway), sway
    assert sum(p["label"] == "sway" for p in sway) >= 4, sway
    print("still windows", still, "sway windows", sway)
    # the same evaluation as every teachable feature
    sway_page.click("#evaluate")
    assert sway_page.locator("#evaluation table.confusion").count() == 1
    assert "accuracy" in sway_page.locator("#evaluation").inner_text()
