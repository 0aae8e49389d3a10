"""The vectorised post-processing (#13) against the scalar code it replaced, bit for bit.

Every reference below is the previous per-value implementation (one f32() per float operation,
one filter object per coordinate); the fast paths must give the same floats, not close ones.
"""

from __future__ import annotations

import math
import random
from array import array

import pytest

from frontml.calculators.detection_letterbox import remove_landmark_letterbox
from frontml.calculators.filters import (
    LandmarksSmoothing,
    LowPassFilter,
    OneEuroFilter,
    OneEuroFilterBank,
    OneEuroFilterOptions,
    VisibilitySmoothing,
)
from frontml.calculators.float32 import f32, sigmoid_f32, sum_f32, sums_f32
from frontml.calculators.head_pose import (
    _mat_vec,
    fit_similarity,
    jacobi_eigen,
    quaternion_to_matrix,
)
from frontml.calculators.landmarks import (
    TensorsToLandmarksCalculatorOptions,
    landmark_projection,
    tensors_to_normalized_landmarks,
)
from frontml.calculators.types import Landmark, NormalizedRect
from frontml.tasks.pose.blazepose import refine_landmarks_from_heatmap


def bits(landmarks) -> list:
    return [(lm.x, lm.y, lm.z, lm.visibility, lm.presence) for lm in landmarks]


def same(a, b) -> bool:
    """Equal floats, NaN equal to NaN and 0.0 unequal to -0.0 (bit-level)."""
    return repr(a) == repr(b)


# ------------------------------------------------------------------ references (scalar code)


def ref_normalized(raw, options, flip_h=False):
    out = []
    nd = len(raw) // options.num_landmarks
    for i in range(options.num_landmarks):
        x = raw[i * nd]
        if flip_h:
            x = f32(options.input_image_width - x)
        y = raw[i * nd + 1]
        z = raw[i * nd + 2] if nd > 2 else 0.0
        v = sigmoid_f32(raw[i * nd + 3]) if nd > 3 and options.visibility_activation == \
            "SIGMOID" else (raw[i * nd + 3] if nd > 3 else 1.0)
        p = sigmoid_f32(raw[i * nd + 4]) if nd > 4 and options.presence_activation == \
            "SIGMOID" else (raw[i * nd + 4] if nd > 4 else 1.0)
        out.append(Landmark(f32(x / options.input_image_width),
                            f32(y / options.input_image_height),
                            f32(f32(z / options.input_image_width) / f32(options.normalize_z)),
                            v, p))
    return out


def ref_letterbox(landmarks, padding):
    left, top, right, bottom = (f32(p) for p in padding)
    sx = f32(1.0 - f32(left + right))
    sy = f32(1.0 - f32(top + bottom))
    return [Landmark(f32(f32(lm.x - left) / sx), f32(f32(lm.y - top) / sy), f32(lm.z / sx),
                     lm.visibility, lm.presence) for lm in landmarks]


def ref_projection(landmarks, rect):
    angle = f32(rect.rotation)
    c, s = f32(math.cos(angle)), f32(math.sin(angle))
    width, height = f32(rect.width), f32(rect.height)
    xc, yc = f32(rect.x_center), f32(rect.y_center)
    out = []
    for lm in landmarks:
        x, y = f32(lm.x - 0.5), f32(lm.y - 0.5)
        new_x = f32(f32(f32(f32(c * x) - f32(s * y)) * width) + xc)
        new_y = f32(f32(f32(f32(s * x) + f32(c * y)) * height) + yc)
        out.append(Landmark(new_x, new_y, f32(lm.z * width), lm.visibility, lm.presence))
    return out


def ref_refine(landmarks, heatmap, size, channels, kernel=9, min_conf=0.5):
    offset = (kernel - 1) // 2
    for index, lm in enumerate(landmarks):
        if not (math.isfinite(lm.x) and math.isfinite(lm.y)):
            continue
        cc, cr = int(f32(lm.x * size)), int(f32(lm.y * size))
        if cc < 0 or cc >= size or cr < 0 or cc >= size:
            continue
        conf, cols, rows = [], [], []
        for row in range(max(0, cr - offset), min(size, cr + offset + 1)):
            for col in range(max(0, cc - offset), min(size, cc + offset + 1)):
                conf.append(sigmoid_f32(heatmap[size * channels * row + index + channels * col]))
                cols.append(col)
                rows.append(row)
        if not conf or max(conf) < min_conf:
            continue
        total = sum_f32(conf)
        wc = sum_f32(array("f", [c * v for c, v in zip(cols, conf, strict=True)]))
        wr = sum_f32(array("f", [r * v for r, v in zip(rows, conf, strict=True)]))
        if total > 0:
            lm.x = f32(f32(wc / size) / total)
            lm.y = f32(f32(wr / size) / total)


# ------------------------------------------------------------------ tests


def test_decode_letterbox_projection_match_the_scalar_code():
    rng = random.Random(3)
    options = TensorsToLandmarksCalculatorOptions(
        num_landmarks=39, input_image_width=256, input_image_height=256,
        visibility_activation="SIGMOID", presence_activation="SIGMOID", normalize_z=0.4)
    for k in range(20):
        raw = memoryview(array("f", [rng.uniform(-800, 800) for _ in range(39 * 5)]))
        got = tensors_to_normalized_landmarks(raw, options, flip_horizontally=k % 2 == 1)
        want = ref_normalized(raw, options, flip_h=k % 2 == 1)
        assert bits(got) == bits(want)
        padding = (0.0, 0.0, 0.0, 0.0) if k % 3 == 0 else tuple(
            rng.uniform(0, 0.2) for _ in range(4))
        assert bits(remove_landmark_letterbox(got, padding)) == bits(ref_letterbox(got, padding))
        rect = NormalizedRect(rng.random(), rng.random(), rng.uniform(0.1, 1.5),
                              rng.uniform(0.1, 1.5), rng.uniform(-4, 4) if k % 4 else 0.0)
        assert bits(landmark_projection(got, rect)) == bits(ref_projection(got, rect))


@pytest.mark.parametrize("mean", [-9.0, -4.0, -1.0, 2.0])
def test_heatmap_refinement_matches_the_scalar_code(mean):
    """Confident and unconfident kernels (the gate skips the latter), borders, NaN/inf."""
    rng = random.Random(int(mean * 10))
    size, channels = 16, 12
    heatmap = array("f", [rng.gauss(mean, 3) for _ in range(size * size * channels)])
    heatmap[5] = math.nan  # a NaN inside some kernel
    lms = [Landmark(f32(rng.uniform(-0.1, 1.1)), f32(rng.uniform(-0.1, 1.1)), 0.0)
           for _ in range(channels)]
    lms[0].x, lms[1].y = math.nan, math.inf
    lms[2].x, lms[2].y = 0.01, 0.99  # a kernel cut by two borders
    want = [Landmark(lm.x, lm.y, lm.z) for lm in lms]
    ref_refine(want, heatmap, size, channels)
    refine_landmarks_from_heatmap(lms, memoryview(heatmap), size, size, channels)
    assert all(same(a, b) for a, b in zip(sum(bits(lms), ()), sum(bits(want), ()), strict=True))


def test_heatmap_gate_with_nan_in_first_place():
    """max() cannot see past a leading NaN: then every sigmoid decides (NaN's is 0)."""
    size, channels = 9, 1
    heatmap = array("f", [-20.0] * (size * size))
    heatmap[0] = math.nan
    heatmap[40] = 5.0
    lms = [Landmark(0.5, 0.5, 0.0)]
    want = [Landmark(0.5, 0.5, 0.0)]
    ref_refine(want, heatmap, size, channels)
    refine_landmarks_from_heatmap(lms, memoryview(heatmap), size, size, channels)
    assert bits(lms) == bits(want) and lms[0].x != 0.5


def test_sums_f32_is_sum_f32_per_vector():
    rng = random.Random(5)
    vectors = [array("f", [rng.random() for _ in range(rng.randint(1, 81))]) for _ in range(30)]
    assert list(sums_f32(vectors)) == [sum_f32(v) for v in vectors]
    assert list(sums_f32([])) == []


def _drift(rng, n, frames):
    base = [rng.uniform(0, 600) for _ in range(n)]
    return [[b + rng.gauss(0, 3) * t for b in base] for t in range(frames)]


@pytest.mark.parametrize("beta", [80.0, 10.0, 0.0, -2.0])
def test_one_euro_bank_is_one_filter_per_value(beta):
    """Same floats as n OneEuroFilter(float32=True), also through repeated timestamps and an
    alpha out of [0, 1] (negative beta), where the bank falls back to per-value filters."""
    rng = random.Random(7)
    n = 40
    bank = OneEuroFilterBank(n, 30.0, 0.05, beta, 1.0)
    filters = [OneEuroFilter(30.0, 0.05, beta, 1.0, float32=True) for _ in range(n)]
    t = 0
    for k, values in enumerate(_drift(rng, n, 25)):
        t += 0 if k == 7 else rng.choice([33333, 16667, 100000])
        scale = f32(1.0 / rng.uniform(50, 300))
        got = bank.apply(t, scale, values)
        want = [f.apply(t, scale, v) for f, v in zip(filters, values, strict=True)]
        assert [repr(v) for v in got] == [repr(v) for v in want], k


def test_landmarks_and_visibility_smoothing_match_per_value_filters():
    rng = random.Random(11)
    options = OneEuroFilterOptions(min_cutoff=0.05, beta=80.0, derivate_cutoff=1.0)
    smoothing = LandmarksSmoothing(options)
    visibility = VisibilitySmoothing(0.1)
    xyz = [(OneEuroFilter(30.0, 0.05, 80.0, 1.0, float32=True),
            OneEuroFilter(30.0, 0.05, 80.0, 1.0, float32=True),
            OneEuroFilter(30.0, 0.05, 80.0, 1.0, float32=True)) for _ in range(33)]
    lows = [LowPassFilter(0.1, float32=True) for _ in range(33)]
    w, h = 640, 480
    for k in range(20):
        t = 33333 * (k + 1)
        lms = [Landmark(f32(rng.random()), f32(rng.random()), f32(rng.uniform(-0.3, 0.3)),
                        rng.random(), rng.random()) for _ in range(33)]
        roi = NormalizedRect(0.5, 0.5, rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8))
        got = smoothing.apply(visibility.apply(lms), t, w, h, roi)
        scale = f32(1.0 / f32(f32(f32(roi.width * w) + f32(roi.height * h)) / 2.0))
        want = []
        for lm, (fx, fy, fz), low in zip(lms, xyz, lows, strict=True):
            x = f32(fx.apply(t, scale, f32(lm.x * w)) / w)
            y = f32(fy.apply(t, scale, f32(lm.y * h)) / h)
            z = f32(fz.apply(t, scale, f32(lm.z * w)) / w)
            want.append(Landmark(x, y, z, low.apply(lm.visibility), lm.presence))
        assert bits(got) == bits(want), k
    assert smoothing.apply(None, 10**9) is None and visibility.apply(None) is None


def ref_fit(source, target, w):
    """fit_similarity's scale and residual as computed before the loops were inlined
    (through _mat_vec and SimilarityFit.apply), on the fit's own rotation."""
    fit = fit_similarity(source, target, w)
    wsum = sum(w)
    ca = [sum(wi * p[k] for wi, p in zip(w, source, strict=True)) / wsum for k in range(3)]
    cb = [sum(wi * p[k] for wi, p in zip(w, target, strict=True)) / wsum for k in range(3)]
    num = norm_a = 0.0
    for wi, p, t in zip(w, source, target, strict=True):
        ax, ay, az = p[0] - ca[0], p[1] - ca[1], p[2] - ca[2]
        norm_a += wi * (ax * ax + ay * ay + az * az)
        r = _mat_vec(fit.rotation, (ax, ay, az))
        num += wi * (r[0] * (t[0] - cb[0]) + r[1] * (t[1] - cb[1]) + r[2] * (t[2] - cb[2]))
    err = 0.0
    for wi, p, t in zip(w, source, target, strict=True):
        f = fit.apply(p)
        err += wi * ((f[0] - t[0]) ** 2 + (f[1] - t[1]) ** 2 + (f[2] - t[2]) ** 2)
    return fit, num / norm_a, math.sqrt(err / wsum)


def test_fit_similarity_inlined_loops_are_the_same_arithmetic():
    rng = random.Random(13)
    source = [(rng.uniform(-50, 50), rng.uniform(-50, 50), rng.uniform(-20, 20))
              for _ in range(60)]
    rot = quaternion_to_matrix(0.9, 0.1, -0.2, 0.3)
    target = [tuple(v * 1.7 + rng.gauss(0, 0.5) for v in _mat_vec(rot, p)) for p in source]
    weights = [rng.random() for _ in source]
    fit, scale, rms = ref_fit(source, target, weights)
    assert fit.scale == scale and fit.rms == rms
    assert jacobi_eigen([[2.0, 1.0], [1.0, 2.0]])[0] == pytest.approx([1.0, 3.0])
