"""Teaching actions that move (issue #20): windows of pose landmarks through WindowEmbedder
into the same Classifier; a still raised hand is not taken for a wave.

Two sources of landmarks: a hand-made stick figure (below), and a real pose track recorded by
the CPython pose task from a video of a package photo with the actions' motion added on top
(the `recorded` tests at the end)."""

from __future__ import annotations

import math
import random

import pytest

from frontml.calculators.types import Landmark
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
    assert len(out[-1]) == window.backbone.dim == 13 * (2 * 2 + 1)
    with pytest.raises(ValueError):
        window.embed(frames[:1])


def test_a_slow_page_still_fills_the_window():
    """At 2 FPS (a loaded machine) the window stretches to the last 4 frames (1.5 s) instead of
    never filling; a gap longer than 3 windows restarts it."""
    window = WindowEmbedder(window_ms=1000, min_frames=4, max_span=3)
    frames = _track("wave", 1, seconds=3.0, fps=2.0)
    out = [window.push(pts, t) for t, pts in frames]
    assert out[:3] == [None] * 3 and all(v is not None for v in out[3:])
    assert window.n_frames == 4
    assert window.push(frames[-1][1], frames[-1][0] + 3100.0) is None and window.n_frames == 1


# ------------------------------------------------------------------ a recorded pose track

W, H = 640, 480  # the recorded video's size: motion is added in pixels, not in x/y units
FACE = range(0, 11)  # BlazePose nose, eyes, ears, mouth
TRACK_FRAMES = 48  # 1.6 s at 30 FPS: 1 s windows start anywhere in the first 18 frames
WARMUP = 10  # a fresh tracker's first frames (detector ROI -> tracked ROI) move the arms


@pytest.fixture(scope="module")
def recorded() -> list[list[tuple[float, float, float]]]:
    """The astronaut standing still, as the pose task tracks her in video mode: 48 frames (after
    10 of tracker warm-up) of a 640x480 video, the photo plus +-2 grey levels of fresh sensor
    noise per frame, so the landmarks carry the tracker's real jitter, drift and visibility
    (the wrists, at the photo's bottom edge, are half visible and wander most)."""
    import numpy as np

    from frontml.image import ArrayFrame
    from frontml.runtime import run_sync
    from frontml.tasks.pose import PoseOptions, create_pose_detector
    from tests.media import astronaut_frame

    base = astronaut_frame(W, H).astype(np.int16)
    rng = np.random.default_rng(0)
    detector = run_sync(create_pose_detector(PoseOptions(model="lite", running_mode="video")))
    track = []
    try:
        for i in range(WARMUP + TRACK_FRAMES):
            noisy = np.clip(base + rng.integers(-2, 3, base.shape), 0, 255).astype(np.uint8)
            result = run_sync(detector.process(ArrayFrame(noisy), i * 1000.0 / 30))
            assert len(result.poses) == 1, f"frame {i}: {len(result.poses)} poses"
            track.append([(p.x, p.y, p.visibility) for p in result.poses[0].landmarks])
    finally:
        detector.close()
    return track[WARMUP:]


def _act(track, action: str, rng: random.Random, fps: float = 30.0,
         place: tuple[float, float, float] | None = None):
    """One second of `track` with `action`'s motion added, at a random start, phase and (unless
    given) place and size: [(timestamp_ms, 33 landmarks)]. Motion is sized by the person's
    shoulder width; a moved limb is visible and follows the recorded shoulder's jitter.
    wave: right elbow and wrist raised above the shoulder, swinging sideways at 2 Hz; raised:
    the same arm held still somewhere in the wave's swing; shake: face points moving sideways
    at 2.5 Hz; mouth: right wrist to the mouth and back (1 Hz); flap (never taught): both arms
    out to the sides, flapping up and down at 1.5 Hz; still: the recording as it is."""
    mean = [(sum(f[j][0] for f in track) / len(track) * W,
             sum(f[j][1] for f in track) / len(track) * H) for j in range(33)]
    sw = math.dist(mean[11], mean[12])
    sx, sy = mean[12]
    phase = rng.uniform(0, 2 * math.pi)
    dx, dy, scale = place or (rng.uniform(-0.1, 0.1), rng.uniform(-0.05, 0.05),
                              rng.uniform(0.7, 1.2))
    start = rng.randrange(0, TRACK_FRAMES - 30)
    out = []
    for i in range(int(fps)):
        k = round(i * 30.0 / fps)
        t = k / 30.0
        frame = [(x * W, y * H) for x, y, _ in track[start + k]]
        vis = [v for _, _, v in track[start + k]]
        jx, jy = frame[12][0] - sx, frame[12][1] - sy  # the arm moves with its shoulder
        pts = list(frame)
        if action in ("wave", "raised"):
            swing = 0.3 * sw * math.sin(2 * math.pi * 2.0 * t * (action == "wave") + phase)
            ex, ey = sx - 0.35 * sw + swing / 3, sy - 0.3 * sw
            pts[14] = (ex + jx, ey + jy)
            pts[16] = (ex + swing + jx, ey - 0.6 * sw + jy)
            vis[14] = vis[16] = 0.95
        elif action == "shake":
            s = math.sin(2 * math.pi * 2.5 * t + phase)
            for j in FACE:
                amp = 0.12 if j == 0 else 0.05 if j in (7, 8) else 0.09
                pts[j] = (frame[j][0] + amp * sw * s, frame[j][1])
        elif action == "mouth":
            u = 0.5 - 0.5 * math.cos(2 * math.pi * 1.0 * t + phase)
            mouth = ((mean[9][0] + mean[10][0]) / 2, (mean[9][1] + mean[10][1]) / 2 + 0.05 * sw)
            for j, (gx, gy) in ((16, mouth), (14, (sx - 0.1 * sw, sy + 0.4 * sw))):
                rx, ry = mean[j]
                pts[j] = (rx + u * (gx - rx) + jx, ry + u * (gy - ry) + jy)
                vis[j] = 0.95
        elif action == "flap":
            s = math.sin(2 * math.pi * 1.5 * t + phase)
            for shoulder, elbow, wrist, side in ((12, 14, 16, -1), (11, 13, 15, 1)):
                bx, by = mean[shoulder]
                pts[elbow] = (bx + side * 0.4 * sw + jx, by + 0.2 * sw * s + jy)
                pts[wrist] = (bx + side * 0.8 * sw + jx, by + 0.5 * sw * s + jy)
                vis[elbow] = vis[wrist] = 0.95
        elif action != "still":
            raise ValueError(action)
        out.append((t * 1000.0, [Landmark((x / W - 0.5) * scale + 0.5 + dx,
                                          (y / H - 0.5) * scale + 0.5 + dy, visibility=v)
                                 for (x, y), v in zip(pts, vis, strict=True)]))
    return out


TAUGHT = ("still", "raised", "wave", "shake", "mouth")


@pytest.mark.requires_models("pose_detection", "pose_landmark_lite")
def test_recorded_track_actions_are_recognised(recorded):
    """Taught from 5 windows each at 30 FPS, tested on 12 new windows each (half at 12 FPS, the
    page's rate on a slow machine), with the Classifier's automatic unknown threshold."""
    window = WindowEmbedder()
    rng = random.Random(1)
    clf = Classifier(window.backbone, head="knn", k=3)
    for action in TAUGHT:
        for _ in range(5):
            clf.add(action, window.embed(_act(recorded, action, rng)))
    wrong = {}
    for action in TAUGHT + ("flap",):
        for n in range(12):
            p = clf.predict(window.embed(_act(recorded, action, rng, fps=30 if n % 2 else 12)))
            got = "unknown" if p.unknown else p.label
            if action == "raised":
                assert got != "wave", "a still raised hand was taken for a wave"
            if got != (action if action in TAUGHT else "unknown"):
                wrong.setdefault(action, []).append(got)
    assert sum(map(len, wrong.values())) <= 2, wrong  # of 72
    ev = clf.evaluate(folds=5)
    assert ev.accuracy >= 0.85, ev.to_json()
    assert ev.per_class["wave"]["accuracy"] == 1.0 and ev.per_class["still"]["accuracy"] == 1.0
    # the same file format as every teachable feature; another window recipe is refused
    back = Classifier.from_bytes(clf.to_bytes(), backbone=window.backbone)
    q = window.embed(_act(recorded, "wave", rng))
    assert back.predict(q).to_json() == clf.predict(q).to_json()
    from frontml.learn import BackboneMismatchError

    with pytest.raises(BackboneMismatchError):
        Classifier.from_bytes(clf.to_bytes(), backbone=WindowEmbedder(window_ms=500).backbone)


@pytest.mark.requires_models("pose_detection", "pose_landmark_lite")
def test_recorded_track_embedding_ignores_place_and_size(recorded):
    window = WindowEmbedder()
    for action in ("still", "wave"):
        a = window.embed(_act(recorded, action, random.Random(5), place=(0.0, 0.0, 1.0)))
        b = window.embed(_act(recorded, action, random.Random(5), place=(0.15, -0.08, 0.6)))
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 1e-6
    # ... but not the motion: the same place, a wave vs a still raised hand
    wave = window.embed(_act(recorded, "wave", random.Random(5)))
    raised = window.embed(_act(recorded, "raised", random.Random(5)))
    assert math.dist(wave, raised) > 1.0


@pytest.mark.requires_models("pose_detection", "pose_landmark_lite")
def test_recorded_track_live_windows_and_phase(recorded):
    """Frame by frame through push() as the page does: a wave taught from a few recordings is
    recognised in another wave at every moment of the swing, never in a still raised hand."""
    window = WindowEmbedder()
    clf = Classifier(window.backbone, head="knn", k=3)
    rng = random.Random(2)
    for action in ("raised", "wave"):
        for _ in range(4):
            clf.add(action, window.embed(_act(recorded, action, rng)))
    for action in ("wave", "raised"):
        frames = _act(recorded, action, rng)
        window.reset()
        labels = []
        for rep in range(2):  # two seconds: the same second again, 1 s later
            for t, pts in frames:
                vec = window.push(pts, t + 1000.0 * rep + 33.3 * rep)
                if vec is not None:
                    labels.append(clf.predict(vec).label)
        assert labels, "no window filled"
        if action == "wave":
            assert set(labels) == {"wave"}, labels
        else:  # held at a new height: "raised" or "unknown", never a wave
            assert "wave" not in labels, labels


def test_hand_windows_any_landmark_set_in_3d():
    """Not only pose: all 21 hand landmarks (points=None) in 3-D; a hand opening and closing
    is not a still open hand, wherever the hand is."""
    window = WindowEmbedder(points=None, dims=3, name="hand")
    assert window.backbone.dim == 0  # sized by the first vector (points=None)

    def hand(t: float, moving: bool, dx: float) -> list[tuple[float, float, float]]:
        grip = 0.5 + 0.5 * math.sin(2 * math.pi * 1.5 * t) if moving else 1.0
        pts = [(0.5 + dx, 0.8, 0.0)]
        for f in range(5):  # five fingers of four joints fanning out from the wrist
            ang = math.radians(-40 + 20 * f)
            for j in range(1, 5):
                r = 0.06 * j * (0.4 + 0.6 * grip)
                pts.append((0.5 + dx + r * math.sin(ang), 0.8 - r * math.cos(ang), -0.01 * j))
        return pts

    def embed(moving: bool, dx: float) -> tuple[float, ...]:
        return window.embed([(i * 33.3, hand(i / 30, moving, dx)) for i in range(30)])

    open_a, open_b, grip = embed(False, 0.0), embed(False, 0.2), embed(True, 0.0)
    assert len(grip) == 21 * (2 * 3 + 1)
    assert math.dist(open_a, open_b) < 1e-9 < 1.0 < math.dist(open_a, grip)


def _sway(t_ms: float, rng: random.Random, jitter: float) -> list[tuple[float, float]]:
    """The stick figure swaying sideways and tilting (2 s period), with landmark jitter."""
    s = math.sin(2 * math.pi * t_ms / 2000.0)
    c, si = math.cos(math.radians(12 * s)), math.sin(math.radians(12 * s))
    pts = [(0.0, 0.0)] * 33
    for j, (x, y) in BASE.items():
        x, y = x - 0.5, y - 0.5
        pts[j] = (0.5 + 0.17 * s + c * x - si * y + rng.gauss(0, jitter),
                  0.5 + si * x + c * y + rng.gauss(0, jitter))
    return pts


def _unknown_live_windows(record_every_frame: bool) -> tuple[int, int]:
    """Teach a sway on a fast page (30 fps, 3 s held), predict it on a slow one (4 fps): the
    case of a page teaching alone and then sharing the machine."""
    rng = random.Random(0)
    window = WindowEmbedder()
    clf = Classifier(window.backbone, head="knn")
    for i in range(4 * 30):
        t = i * 1000 / 30
        vec = window.push(_sway(t, rng, 0.012), t)
        if vec is not None and (record_every_frame or window.example_due(t)):
            clf.add("sway", vec)
    window.reset()
    labels = [clf.predict(v).label for i in range(80) if (v := window.push(
        _sway(t := 50_000 + i * 250 + rng.uniform(-20, 20), rng, 0.012), t)) is not None]
    return labels.count("unknown"), len(clf)


def test_recorded_examples_are_spaced_so_a_slower_page_still_knows_the_action():
    # examples recorded every frame are mostly the same frames shifted by one: the automatic
    # threshold (leave-one-out distances) shrinks to the floor and a slower page's windows
    # fall outside it; spaced examples measure the action's own spread
    unknown, examples = _unknown_live_windows(record_every_frame=True)
    assert unknown > 0 and examples > 80
    unknown, examples = _unknown_live_windows(record_every_frame=False)
    assert unknown == 0 and examples <= 3 * 4 + 1  # one per 250 ms over the 3 s window-full


def test_example_due_spaces_examples_and_restarts_with_the_window():
    window = WindowEmbedder(window_ms=1000)
    due = [t for t in range(0, 2000, 33) if window.example_due(t)]
    assert due == [0, 264, 528, 792, 1056, 1320, 1584, 1848]
    assert not window.example_due(1900)
    assert window.example_due(100)  # a timestamp that went back (a looped video): a new take
    window.reset()
    assert window.example_due(110)
