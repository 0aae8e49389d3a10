"""float32 rounding, stdlib-only: MediaPipe's calculators compute in C++ `float` and store
protos (NormalizedRect, NormalizedLandmark, Detection) in float32. Rounding after each float
operation reproduces that arithmetic (an IEEE float op equals the double op rounded to float
for + - * / and sqrt), so ROIs match MediaPipe's to the bit instead of to ~1e-4 px.
"""

from __future__ import annotations

import math
from array import array

_F = array("f", [0.0])


def f32(x: float) -> float:
    """x rounded to the nearest float32 (what a C++ `float` stores)."""
    _F[0] = x
    return _F[0]


def _exp_neg(x: float) -> float:
    """`std::exp(-x)` before float rounding; expf overflows to inf (the sigmoid is then 0)."""
    return math.exp(-x) if x > -709.0 else math.inf


def sigmoid_f32(x: float) -> float:
    """`1.0f / (1.0f + std::exp(-x))` on a float."""
    return f32(1.0 / f32(1.0 + f32(_exp_neg(x))))


def sigmoids_f32(values: list[float]) -> array:
    """sigmoid_f32 of each value, rounded in batches through array('f') (a hot loop: the heatmap
    refinement's 81 values per landmark)."""
    e = array("f", [_exp_neg(v) for v in values])
    d = array("f", [1.0 + x for x in e])
    return array("f", [1.0 / x for x in d])


def sum_f32(values: array) -> float:
    """A C `float` running sum: each partial sum rounded to float32."""
    acc = _F  # one buffer, no allocation per sum
    total = 0.0
    for v in values:
        acc[0] = total + v
        total = acc[0]
    return total
