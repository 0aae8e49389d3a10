"""Teaching actions that move (issue #20): windows of pose landmarks through WindowEmbedder
into the same Classifier; a still raised hand is not taken for a wave."""

from __future__ import annotations

import math
import random

import pytest

from frontml.learn import Classifier
from frontml.learn.temporal import WindowEmbedder

# a standing person, BlazePose indices (x, y normalised, y down)
BASE = {0: (0.50, 0.20), 11: (0.42, 0.35), 12: (0.58, 0.35), 13: (0.38, 0.50),
        14: (0.62, 0.50), 15: (0.37, 0.65), 16: (0.63, 0.65), 23: (0.45, 0.70),
        24: (0.55, 0.70)}


def _pose(action: str, t: float, phase: float) -> dict[int, tuple[float, float]]:
    p = dict(BASE)
    if action in ("wave", "raised"):
        swing = 0.06 * math.sin(2 * math.pi * 2.0 * t + phase) if action == "wave" else 0.0
        p[14] = (0.66, 0.30)
        p[16] = (0.68 + swing, 0.15)
    elif action == "shake":
        p[0] = (0.50 + 0.03 * math.sin(2 * math.pi * 2.5 * t + phase), 0.20)
    elif action == "mouth":
        k = 0.5 - 0.5 * math.cos(2 * math.pi * 1.0 * t + phase)  # hand up to the mouth and back
        p[16] = (0.63 + k * (0.52 - 0.63), 0.65 + k * (0.24 - 0.65))
        p[14] = (0.62 + k * 0.02, 0.50 - k * 0.12)
    return p


def _track(action: str, seed: int, seconds: float = 1.0, fps: float = 30.0):
    """A 'recording': random place, size, phase and landmark jitter."""
    rng = random.Random(seed)
    dx, dy, scale = rng.uniform(-0.1, 0.1), rng.uniform(-0.05, 0.05), rng.uniform(0.7, 1.2)
    phase = rng.uniform(0, 2 * math.pi)
    frames = []
    for i in range(int(seconds * fps)):
        t = i / fps
        pose = _pose(action, t, phase)
        pts = [(0.0, 0.0)] * 33
        for j, (x, y) in pose.items():
            pts[j] = (0.5 + (x - 0.5) * scale + dx + rng.gauss(0, 0.004),
                      0.5 + (y - 0.5) * scale + dy + rng.gauss(0, 0.004))
        frames.append((t * 1000.0, pts))
    return frames


ACTIONS = ("wave", "raised", "shake", "mouth")


def _embed(window: WindowEmbedder, frames) -> tuple[float, ...]:
    vec = None
    window.reset()
    for t, pts in frames:
        vec = window.push(pts, t) or vec
    assert vec is not None
    return vec


def test_taught_actions_are_recognised_and_a_still_hand_is_not_a_wave():
    window = WindowEmbedder()
    clf = Classifier(window.backbone, head="knn", k=3)
    for action in ACTIONS:
        for seed in range(6):
            clf.add(action, _embed(window, _track(action, seed)))
    right = 0
    for action in ACTIONS:
        for seed in range(100, 110):
            p = clf.predict(_embed(window, _track(action, seed)))
            right += p.label == action
            if action == "raised":
                assert p.label != "wave"
    assert right >= 38  # of 40
    ev = clf.evaluate(folds=3)
    assert ev.accuracy >= 0.9
    back = Classifier.from_bytes(clf.to_bytes(), backbone=window.backbone)
    q = _embed(window, _track("wave", 7))
    assert back.predict(q).to_json() == clf.predict(q).to_json()


def test_an_untaught_motion_is_unknown_when_calibrated():
    window = WindowEmbedder()
    clf = Classifier(window.backbone, head="knn", threshold=None)
    for action in ("wave", "raised"):
        for seed in range(6):
            clf.add(action, _embed(window, _track(action, seed)))
    clf.calibrate()
    assert clf.predict(_embed(window, _track("wave", 50))).label == "wave"
    assert clf.predict(_embed(window, _track("shake", 50))).unknown


def test_window_needs_a_full_second_and_restarts_on_time_jumps():
    window = WindowEmbedder(window_ms=1000)
    frames = _track("wave", 1, seconds=2.0)
    out = [window.push(pts, t) for t, pts in frames]
    assert all(v is None for v in out[:24]) and out[-1] is not None
    assert window.push(frames[-1][1], frames[-1][0]) is None  # same timestamp again
    assert window.push(frames[0][1], 0.0) is None  # backwards: restarted
    assert len(out[-1]) == window.backbone.dim == 9 * (8 * 2 + 3)
    with pytest.raises(ValueError):
        window.embed(frames[:1])
