"""Ports of MediaPipe's low-pass, One-Euro and relative-velocity filters and the smoothers."""

import math
import random

import pytest

from frontml.calculators import (
    Landmark,
    LandmarksSmoothing,
    LowPassFilter,
    NormalizedRect,
    OneEuroFilter,
    OneEuroFilterOptions,
    RelativeVelocityFilter,
    VelocityFilterOptions,
    VisibilitySmoothing,
    get_object_scale_from_roi,
)
from frontml.tasks.pose.constants import POSE_LANDMARKS_FILTER
from frontml.tasks.pose.filtering import PoseLandmarkFiltering

FRAME_US = 33_333  # ~30 fps


def _variance(xs):
    m = sum(xs) / len(xs)
    return sum((x - m) ** 2 for x in xs) / len(xs)


def test_low_pass_filter():
    f = LowPassFilter(0.25)
    assert not f.has_last_raw_value()
    assert f.apply(4.0) == 4.0  # first value passes through
    assert f.apply(0.0) == pytest.approx(3.0)
    assert f.last_raw_value() == 0.0 and f.last_value() == pytest.approx(3.0)
    f.set_alpha(2.0)  # out of range: ignored, as in MediaPipe
    assert f.apply(0.0) == pytest.approx(2.25)


def test_one_euro_constant_signal_stays_constant():
    f = OneEuroFilter(frequency=30, min_cutoff=1.0, beta=0.5, derivate_cutoff=1.0)
    out = [f.apply(FRAME_US * (i + 1), 1.0, 3.5) for i in range(50)]
    assert all(v == pytest.approx(3.5) for v in out)


def test_one_euro_step_converges():
    f = OneEuroFilter(frequency=30, min_cutoff=1.0, beta=0.0, derivate_cutoff=1.0)
    t = 0
    for _ in range(10):
        t += FRAME_US
        f.apply(t, 1.0, 0.0)
    outs = []
    for _ in range(120):
        t += FRAME_US
        outs.append(f.apply(t, 1.0, 1.0))
    assert 0.0 < outs[0] < 0.5  # lags right after the step
    assert all(b >= a for a, b in zip(outs, outs[1:], strict=False))  # monotone approach
    assert outs[-1] == pytest.approx(1.0, abs=1e-3)


def test_one_euro_alpha_matches_formula():
    f = OneEuroFilter(frequency=30, min_cutoff=1.0, beta=0.0, derivate_cutoff=1.0)
    f.apply(FRAME_US, 1.0, 0.0)
    got = f.apply(2 * FRAME_US, 1.0, 1.0)
    te = 1 / (1 / (FRAME_US * 1e-6))
    alpha = 1 / (1 + (1 / (2 * math.pi)) / te)
    assert got == pytest.approx(alpha, rel=1e-6)


def test_one_euro_reduces_noise():
    rng = random.Random(1234)
    f = OneEuroFilter(frequency=30, min_cutoff=0.5, beta=0.0, derivate_cutoff=1.0)
    noisy = [5.0 + rng.gauss(0, 0.1) for _ in range(300)]
    out = [f.apply(FRAME_US * (i + 1), 1.0, v) for i, v in enumerate(noisy)]
    assert _variance(out[50:]) < 0.2 * _variance(noisy[50:])
    assert sum(out[50:]) / 250 == pytest.approx(5.0, abs=0.05)


def test_one_euro_ignores_non_increasing_timestamps():
    f = OneEuroFilter()
    f.apply(100, 1.0, 1.0)
    assert f.apply(100, 1.0, 7.0) == 7.0  # returned as is
    assert f.apply(200, 1.0, 1.0) == pytest.approx(1.0)  # state unaffected by the rejected one


def test_relative_velocity_filter():
    f = RelativeVelocityFilter(window_size=5, velocity_scale=10.0)
    assert f.apply(FRAME_US, 1.0, 2.0) == 2.0  # first value passes through (alpha 1)
    # Constant -> constant.
    for i in range(2, 10):
        assert f.apply(FRAME_US * i, 1.0, 2.0) == pytest.approx(2.0)
    # Small jitter is damped: alpha = 1 - 1/(1 + 10*|v|) with v = 0.01 / (10 frames)...
    out = f.apply(FRAME_US * 10 + FRAME_US, 1.0, 2.01)
    assert 2.0 < out < 2.005
    # A fast move is followed closely.
    g = RelativeVelocityFilter(window_size=5, velocity_scale=10.0)
    g.apply(FRAME_US, 1.0, 0.0)
    assert g.apply(2 * FRAME_US, 1.0, 10.0) > 9.9


def test_relative_velocity_first_step_alpha():
    f = RelativeVelocityFilter(window_size=5, velocity_scale=2.0)
    f.apply(1_000_000, 1.0, 0.0)
    got = f.apply(1_500_000, 1.0, 1.0)  # velocity = 1 / 0.5 s = 2
    alpha = 1 - 1 / (1 + 2.0 * 2.0)
    assert got == pytest.approx(alpha)


def test_landmarks_smoothing_velocity_normalised_and_reset():
    s = LandmarksSmoothing(VelocityFilterOptions(window_size=5, velocity_scale=10.0))
    lms = [Landmark(0.2, 0.3, 0.0, 0.9), Landmark(0.6, 0.7, 0.1, 0.8)]
    first = s.apply(lms, FRAME_US, 640, 480)
    flat = [c for p in first for c in (p.x, p.y, p.z)]
    assert flat == pytest.approx([0.2, 0.3, 0.0, 0.6, 0.7, 0.1])
    assert first[0].visibility == 0.9
    moved = [Landmark(0.201, 0.3, 0.0), Landmark(0.601, 0.7, 0.1)]
    second = s.apply(moved, 2 * FRAME_US, 640, 480)
    assert 0.2 < second[0].x < 0.201
    assert s.apply(None, 3 * FRAME_US, 640, 480) is None  # reset
    again = s.apply(moved, 4 * FRAME_US, 640, 480)
    assert again[0].x == pytest.approx(0.201)  # fresh filters pass the first value through


def test_landmarks_smoothing_tiny_object_passes_through():
    s = LandmarksSmoothing(OneEuroFilterOptions(min_allowed_object_scale=10.0))
    lms = [Landmark(1.0, 1.0), Landmark(2.0, 2.0)]  # absolute (world) path, scale 1 < 10
    s.apply(lms, FRAME_US)
    out = s.apply([Landmark(5.0, 5.0), Landmark(6.0, 6.0)], 2 * FRAME_US)
    assert (out[0].x, out[1].y) == (5.0, 6.0)


def test_object_scale_from_roi():
    assert get_object_scale_from_roi(NormalizedRect(0.5, 0.5, 0.5, 0.5), 640, 480) == 280.0


def test_no_filter():
    s = LandmarksSmoothing(None)
    out = s.apply([Landmark(0.1, 0.2)], FRAME_US, 10, 10)
    assert (out[0].x, out[0].y) == pytest.approx((0.1, 0.2))


def test_visibility_smoothing():
    v = VisibilitySmoothing(0.1)
    assert v.apply([Landmark(0, 0, 0, 1.0)])[0].visibility == 1.0
    assert v.apply([Landmark(0, 0, 0, 0.0)])[0].visibility == pytest.approx(0.9)
    assert v.apply(None) is None
    assert v.apply([Landmark(0, 0, 0, 0.0)])[0].visibility == 0.0


def test_pose_landmark_filtering_graph():
    p = PoseLandmarkFiltering()
    lms = [Landmark(0.4 + 0.005 * i, 0.5, 0.0, 0.9) for i in range(33)]
    aux = [Landmark(0.5, 0.6), Landmark(0.5, 0.3)]
    world = [Landmark(0.1 * i, 0.0, 0.0, 0.9) for i in range(33)]
    r = p.apply(FRAME_US, 640, 480, lms, aux, world)
    assert len(r.landmarks) == 33 and len(r.auxiliary_landmarks) == 2
    assert len(r.world_landmarks) == 33
    jitter = [Landmark(lm.x + 0.002, lm.y, lm.z, 0.1) for lm in lms]
    r2 = p.apply(2 * FRAME_US, 640, 480, jitter, aux, world)
    assert lms[0].x < r2.landmarks[0].x < jitter[0].x + 1e-12
    assert r2.landmarks[0].visibility == pytest.approx(0.82)
    assert POSE_LANDMARKS_FILTER.beta == 80.0
    empty = p.apply(3 * FRAME_US, 640, 480, None, None, None)
    assert empty.landmarks is None and empty.world_landmarks is None
