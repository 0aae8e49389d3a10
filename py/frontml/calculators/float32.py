"""float32 rounding, stdlib-only: MediaPipe's calculators compute in C++ `float` and store
protos (NormalizedRect, NormalizedLandmark, Detection) in float32. Rounding after each float
operation reproduces that arithmetic (an IEEE float op equals the double op rounded to float
for + - * / and sqrt), so ROIs match MediaPipe's to the bit instead of to ~1e-4 px.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from operator import add

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


def sigmoids_f32(values: Sequence[float]) -> array:
    """sigmoid_f32 of each value, rounded in batches through array('f') (a hot loop: the heatmap
    refinement's 81 values per landmark)."""
    exp, inf = math.exp, math.inf
    e = array("f", [exp(-v) if v > -709.0 else inf for v in values])  # _exp_neg, inlined
    d = array("f", [1.0 + x for x in e])
    return array("f", [1.0 / x for x in d])


def sum_f32(values: array) -> float:
    """A C `float` running sum: each partial sum rounded to float32."""
    acc = array("f", [0.0])  # `acc[0] += v`: the double sum, stored (rounded) in the float
    for v in values:
        acc[0] += v
    return acc[0]


def sums_f32(vectors: list[Sequence[float]]) -> array:
    """sum_f32 of each vector, all at once: step k adds the k-th value of every vector in one
    array('f') (C-level map), instead of one Python loop step per value. Vectors shorter than
    the longest are padded with 0.0 at the end, which leaves a sum of values >= +0.0 as it is
    (callers: sums of sigmoids and of their non-negative products)."""
    if not vectors:
        return array("f")
    longest = max(len(v) for v in vectors)
    padded = [v if len(v) == longest else [*v, *([0.0] * (longest - len(v)))] for v in vectors]
    totals = array("f", [0.0] * len(vectors))
    for step in zip(*padded, strict=True):
        totals = array("f", list(map(add, totals, step)))  # (a list: array(map) is slower)
    return totals


def f32s(values) -> array:
    """Each value rounded to float32 at once (one array('f') for a vector: the hot loops round
    whole landmark lists per operation instead of calling f32 per value)."""
    return array("f", values)
