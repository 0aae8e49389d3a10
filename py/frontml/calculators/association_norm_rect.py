"""Association of rects across sources: IoU of NormalizedRects and the non-overlap merge.

Port of mediapipe/calculators/util/association_norm_rect_calculator.cc and the list logic of
association_calculator.h (AssociationCalculator<NormalizedRect>); tfjs-models keeps the same
port in shared/calculators/association_norm_rect.ts. Rotation is ignored, as in MediaPipe
("TODO: Support rotation for rectangle").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from frontml.calculators.types import NormalizedRect


# Port of AssociationNormRectCalculator::GetRectangle (NormalizedRect -> Rectangle_f).
def rect_bounds(rect: NormalizedRect) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of the rect's axis-aligned extent (rotation ignored)."""
    return (rect.x_center - rect.width / 2, rect.y_center - rect.height / 2,
            rect.x_center + rect.width / 2, rect.y_center + rect.height / 2)


# Port of CalculateIou() (association_calculator.h) on Rectangle_f.
def rect_iou(a: NormalizedRect, b: NormalizedRect) -> float:
    """Intersection over union of two rects' axis-aligned extents (rotation ignored)."""
    ax0, ay0, ax1, ay1 = rect_bounds(a)
    bx0, by0, bx1, by1 = rect_bounds(b)
    iw = min(ax1, bx1) - max(ax0, bx0)
    ih = min(ay1, by1) - max(ay0, by0)
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter
    return inter / union if union > 0 else 0.0


def overlaps_any(rect: NormalizedRect, others: Sequence[NormalizedRect],
                 threshold: float) -> bool:
    """True when `rect` is the same object as one of `others` (IoU > threshold)."""
    return any(rect_iou(rect, other) > threshold for other in others)


def usable_roi(rect: NormalizedRect, width: int, height: int) -> bool:
    """A ROI the image-to-tensor step can crop: finite, and more than a sliver in pixels."""
    values = (rect.x_center, rect.y_center, rect.width, rect.height, rect.rotation)
    return all(math.isfinite(v) for v in values) and rect.width * width > 1e-3 and (
        rect.height * height > 1e-3
    )


# Port of AssociationCalculator::GetNonOverlappingElements / AddElementToList.
def associate(rects: Sequence[NormalizedRect], threshold: float) -> list[int]:
    """Indices of the rects kept, in output order.

    Later rects are more reliable: each one removes the earlier kept ones it overlaps (IoU of
    the axis-aligned extents > threshold) and is appended.
    """
    kept: list[int] = []
    for i, rect in enumerate(rects):
        kept = [k for k in kept if not rect_iou(rects[k], rect) > threshold]
        kept.append(i)
    return kept
