"""Per-stage timings (grab, pre, infer, post, render) for the HUD and the benchmarks."""

from __future__ import annotations

import time
from contextlib import contextmanager

STAGES = ("grab", "pre", "infer", "post", "render")


class StageTimer:
    """Accumulates milliseconds per named stage for one frame."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - start) * 1000.0

    def add(self, name: str, ms: float) -> None:
        self.ms[name] = self.ms.get(name, 0.0) + ms

    def reset(self) -> None:
        self.ms.clear()

    @property
    def total(self) -> float:
        return sum(self.ms.values())
