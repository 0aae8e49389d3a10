"""page == CPython in video mode: the page's tracking loop (ROI from the last frame's landmarks,
smoothing, next ROI) driven frame by frame over a fixed clip gives CPython's landmarks.

The live camera loop is not deterministic (which frames it grabs depends on timing), so the
test feeds frames through the ?debug=1 hook `window.frontml.feed(canvas, timestamp_ms, reset)`
(frontml.web.page.Page.feed) and runs the CPython task on the very pixels the page published,
at the same timestamps.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest

from frontml.image import ArrayFrame
from frontml.runtime import run_sync
from tests.e2e.conftest import ms, wait_ready

FRAMES = 16
FRAME_MS = 1000.0 / 30.0
TOLERANCE = 1e-3  # normalised x/y, the still-image page == CPython bound

FEED_JS = """async ([b64, w, h, ts, reset]) => {
  const bin = atob(b64);
  const px = new Uint8ClampedArray(bin.length);
  for (let i = 0; i < bin.length; i++) px[i] = bin.charCodeAt(i);
  const canvas = document.createElement('canvas');
  canvas.width = w; canvas.height = h;
  canvas.getContext('2d').putImageData(new ImageData(px, w, h), 0, 0);
  return await window.frontml.feed(canvas, ts, reset);
}"""


def clip_frames(name: str, count: int) -> list[np.ndarray]:
    """The first `count` RGBA frames of one of bench/video_clips.py's clips (package photos)."""
    from bench.video_clips import CLIPS, photo, render

    clip = next(c for c in CLIPS if c.name == name)
    img = photo(clip.photo)
    out = []
    for i in range(count):
        rgb = render(img, clip.path(i / (clip.frames - 1)))
        out.append(np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)]))
    return out


def feed_clip(page, url: str, frames: list[np.ndarray]) -> list[dict]:
    page.goto(url)
    wait_ready(page)
    page.wait_for_function("window.frontml.feed && window.frontml.frames >= 1",
                           timeout=ms(120_000))
    results = []
    for i, rgba in enumerate(frames):
        h, w = rgba.shape[:2]
        b64 = base64.b64encode(rgba.tobytes()).decode()
        res = page.evaluate(FEED_JS, [b64, w, h, FRAME_MS * (i + 1), i == 0])
        assert res is not None, f"frame {i}: the page had no task"
        page_rgba = np.frombuffer(base64.b64decode(res["frame_b64"]), np.uint8)
        assert np.array_equal(page_rgba, rgba.reshape(-1)), f"frame {i}: page saw other pixels"
        results.append(res)
    return results


def cpython_results(task_name: str, options: dict, frames: list[np.ndarray]) -> tuple:
    import frontml.tasks

    task = run_sync(frontml.tasks.create(task_name, {"running_mode": "video", **options}))
    try:
        out = [run_sync(task.process(ArrayFrame(f), FRAME_MS * (i + 1))).to_json()
               for i, f in enumerate(frames)]
        return out, task.detector_runs
    finally:
        task.close()


def max_diff(page_items: list[dict], cpu_items: list[dict]) -> float:
    worst = 0.0
    for a, b in zip(page_items, cpu_items, strict=True):
        for p, q in zip(a["landmarks"], b["landmarks"], strict=True):
            worst = max(worst, abs(p["x"] - q["x"]), abs(p["y"] - q["y"]))
    return worst


@pytest.mark.parametrize("model", ["full"])
def test_pose_tracking_page_equals_cpython_frame_by_frame(page, server_url, model):
    frames = clip_frames("cameraman_pan_zoom", FRAMES)
    res = feed_clip(page, f"{server_url}/pose.html?debug=1&model={model}&smooth=1", frames)
    cpu, detector_runs = cpython_results(
        "pose", {"model": model, "smooth_landmarks": True}, frames)
    assert detector_runs < FRAMES // 2, "CPython did not track (detector ran every frame)"
    diffs = []
    for i, (p, c) in enumerate(zip(res, cpu, strict=True)):
        assert len(p["poses"]) == len(c["poses"]) == 1, f"frame {i}: pose counts differ"
        diffs.append(max_diff(p["poses"], c["poses"]))
    worst = max(diffs)
    assert worst <= TOLERANCE, ("page vs CPython per frame: "
                                + " ".join(f"{d:.1e}" for d in diffs))


def test_hands_tracking_page_equals_cpython_frame_by_frame(page, server_url):
    frames = clip_frames("hand_move", FRAMES)
    res = feed_clip(page, f"{server_url}/hands.html?debug=1&model=full", frames)
    cpu, detector_runs = cpython_results(
        "hands", {"model": "full", "num_hands": 2, "smooth_landmarks": True}, frames)
    assert any(c["hands"] for c in cpu), "CPython found no hand on the clip"
    diffs = []
    for i, (p, c) in enumerate(zip(res, cpu, strict=True)):
        assert len(p["hands"]) == len(c["hands"]), f"frame {i}: hand counts differ"
        diffs.append(max_diff(p["hands"], c["hands"]))
    worst = max(diffs)
    assert worst <= TOLERANCE, ("page vs CPython per frame: "
                                + " ".join(f"{d:.1e}" for d in diffs))
