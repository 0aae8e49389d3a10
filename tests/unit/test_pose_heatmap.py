"""Heatmap refinement pinned by behaviour: the pinned MediaPipe wheel runs a 9x9 kernel.

RefineLandmarksFromHeatmapCalculator's source pbtxt says kernel_size 7, but the 0.10.21 wheel's
compiled graph runs its options' default, 9 (7 lands up to 2.4 px from its landmarks). The
heatmaps below have mass exactly 4 cells from the landmark's cell: inside a 9x9 window, outside
a 7x7 one, so the two kernels give different answers and the default must give the 9x9 one.
"""

from __future__ import annotations

from array import array

import numpy as np
import pytest

from frontml.calculators.types import Landmark
from frontml.tasks.pose.blazepose import refine_landmarks_from_heatmap
from frontml.tasks.pose.constants import HEATMAP_KERNEL_SIZE

SIZE = 16  # heatmap height = width
CHANNELS = 2


def _heatmap() -> np.ndarray:
    """Logits [H, W, C]: confident peak at (8, 8) for both channels; channel 0 has a second
    blob 4 columns right, channel 1 one 4 rows up."""
    hm = np.full((SIZE, SIZE, CHANNELS), -10.0, np.float32)
    hm[8, 8, :] = 3.0
    hm[8, 12, 0] = 2.0
    hm[4, 8, 1] = 2.0
    return hm


def _expected(hm: np.ndarray, channel: int, kernel: int) -> tuple[float, float]:
    """The calculator's sigmoid-weighted centroid over a kernel x kernel window around cell
    (8, 8), by numpy in float64 (the port sums in float32, as MediaPipe: within 1e-6)."""
    off = (kernel - 1) // 2
    rows = np.arange(8 - off, 8 + off + 1)
    cols = np.arange(8 - off, 8 + off + 1)
    conf = 1.0 / (1.0 + np.exp(-hm[np.ix_(rows, cols, [channel])][..., 0].astype(np.float64)))
    total = conf.sum()
    x = float((conf * cols[None, :]).sum() / SIZE / total)
    y = float((conf * rows[:, None]).sum() / SIZE / total)
    return x, y


def _refined(hm: np.ndarray, **kwargs) -> list[Landmark]:
    lms = [Landmark(8.5 / SIZE, 8.5 / SIZE) for _ in range(CHANNELS)]
    data = memoryview(array("f", hm.ravel().tolist()))
    refine_landmarks_from_heatmap(lms, data, SIZE, SIZE, CHANNELS, **kwargs)
    return lms


def test_kernel_size_is_nine() -> None:
    assert HEATMAP_KERNEL_SIZE == 9


def test_default_refinement_is_the_9x9_centroid() -> None:
    hm = _heatmap()
    lms = _refined(hm)
    for c, lm in enumerate(lms):
        x9, y9 = _expected(hm, c, 9)
        x7, y7 = _expected(hm, c, 7)
        # the cases tell 7 from 9 apart by far more than the tolerance
        assert abs(x9 - x7) + abs(y9 - y7) > 0.01
        assert (lm.x, lm.y) == pytest.approx((x9, y9), abs=1e-6)
    # channel 0 pulled right (x only), channel 1 pulled up (y only)
    assert lms[0].x > 8 / SIZE and lms[0].y == pytest.approx(8 / SIZE, abs=1e-6)
    assert lms[1].y < 8 / SIZE and lms[1].x == pytest.approx(8 / SIZE, abs=1e-6)


def test_explicit_kernel_7_ignores_the_far_blob() -> None:
    hm = _heatmap()
    for c, lm in enumerate(_refined(hm, kernel_size=7)):
        assert (lm.x, lm.y) == pytest.approx(_expected(hm, c, 7), abs=1e-6)
        assert (lm.x, lm.y) == pytest.approx((8 / SIZE, 8 / SIZE), abs=1e-6)


def test_not_confident_enough_keeps_the_landmark() -> None:
    hm = np.full((SIZE, SIZE, CHANNELS), -1.0, np.float32)  # sigmoid 0.27 < 0.5 everywhere
    for lm in _refined(hm):
        assert (lm.x, lm.y) == (8.5 / SIZE, 8.5 / SIZE)
