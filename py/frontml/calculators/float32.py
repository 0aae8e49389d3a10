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


def sigmoid_f32(x: float) -> float:
    """`1.0f / (1.0f + std::exp(-x))` on a float."""
    e = f32(math.exp(-x)) if x > -709.0 else math.inf  # expf overflows to inf: result 0
    return f32(1.0 / f32(1.0 + e))
