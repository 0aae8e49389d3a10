"""Options of the image classification task (MediaPipe Tasks' ImageClassifierOptions + ours)."""

from __future__ import annotations

from dataclasses import dataclass

from frontml.tasks.core.filters import FilterOptions
from frontml.tasks.core.options import check_choice, check_unit

MODELS = ("efficientnet_lite0",)


def check_roi(value) -> tuple[float, float, float, float] | None:
    """(x, y, width, height), normalised to the image, inside [0, 1], non-empty."""
    if value is None:
        return None
    if isinstance(value, str):
        value = [float(v) for v in value.split(",")]
    try:
        x, y, w, h = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"region_of_interest must be (x, y, width, height), got {value!r}"
                         ) from None
    if not (0.0 <= x < 1.0 and 0.0 <= y < 1.0 and w > 0.0 and h > 0.0
            and x + w <= 1.0 + 1e-6 and y + h <= 1.0 + 1e-6):
        raise ValueError("region_of_interest must be a non-empty (x, y, width, height) inside "
                         f"the unit square, got {value!r}")
    return (x, y, w, h)


@dataclass(frozen=True)
class ClassifierOptions(FilterOptions):
    """How the image classifier runs.

    model: "efficientnet_lite0" (ImageNet-1k).
    region_of_interest: (x, y, width, height) normalised; classify that part only.
    smoothing: video mode: weight of the previous smoothed scores (exponential moving
        average, 0 = off). The smoothed scores are what `classifications` then report.
    unsure_below: video mode: the decision is "unsure" while the best smoothed score is
        below this (with `hysteresis` around it, so it does not flicker).
    hysteresis: video mode: a new label replaces the current decision only when its smoothed
        score beats the current label's by this margin; the unsure threshold is also split
        into enter (unsure_below + hysteresis / 2) and leave (unsure_below - hysteresis / 2).
    """

    model: str = "efficientnet_lite0"
    region_of_interest: tuple[float, float, float, float] | None = None
    smoothing: float = 0.6
    unsure_below: float = 0.3
    hysteresis: float = 0.1

    def validate(self) -> None:
        check_choice("model", self.model, MODELS)
        object.__setattr__(self, "region_of_interest", check_roi(self.region_of_interest))
        if not isinstance(self.smoothing, int | float) or not 0.0 <= self.smoothing < 1.0:
            raise ValueError(f"smoothing must be in [0, 1), got {self.smoothing!r}")
        check_unit("unsure_below", self.unsure_below)
        if not isinstance(self.hysteresis, int | float) or not 0.0 <= self.hysteresis < 0.5:
            raise ValueError(f"hysteresis must be in [0, 0.5), got {self.hysteresis!r}")
