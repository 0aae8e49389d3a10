"""Plain data types shared by the calculators (ports of MediaPipe's protos).

All coordinates are relative to the image ([0, 1]) unless a name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# An affine (a, b, c, d, e, f) maps OUTPUT continuous pixel coordinates (u, v) to SOURCE ones:
# sx = a*u + b*v + c, sy = d*u + e*v + f (pixel edges at integers, centres at +0.5).
Affine = tuple[float, float, float, float, float, float]


def apply_affine(affine: Affine, u: float, v: float) -> tuple[float, float]:
    """Map an output point to the source."""
    a, b, c, d, e, f = affine
    return a * u + b * v + c, d * u + e * v + f


def invert_affine(affine: Affine) -> Affine:
    """Inverse mapping (e.g. source -> output, what canvas setTransform wants)."""
    a, b, c, d, e, f = affine
    det = a * e - b * d
    if det == 0.0:
        raise ValueError("affine is not invertible")
    ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
    return (ia, ib, -(ia * c + ib * f), id_, ie, -(id_ * c + ie * f))


# Port of mediapipe/framework/formats/object_detection/anchor.proto
@dataclass(slots=True, frozen=True)
class Anchor:
    x_center: float
    y_center: float
    w: float
    h: float


# Port of mediapipe/framework/formats/detection.proto (+ location_data.proto RELATIVE_BOUNDING_BOX)
@dataclass(slots=True)
class Detection:
    """A detection with one score, a relative bounding box and relative keypoints."""

    score: float
    xmin: float
    ymin: float
    width: float
    height: float
    keypoints: list[tuple[float, float]] = field(default_factory=list)
    label_id: int = 0


# Port of mediapipe/framework/formats/rect.proto NormalizedRect
@dataclass(slots=True)
class NormalizedRect:
    """Rotated rect; centre/size normalised to image width/height, rotation in radians."""

    x_center: float
    y_center: float
    width: float
    height: float
    rotation: float = 0.0


# Port of mediapipe/calculators/tensor/image_to_tensor_utils.h RotatedRect (absolute pixels)
@dataclass(slots=True)
class RotatedRect:
    """Rotated rect in absolute (continuous) pixel coordinates, rotation in radians."""

    center_x: float
    center_y: float
    width: float
    height: float
    rotation: float = 0.0


# Port of mediapipe/framework/formats/landmark.proto (Landmark / NormalizedLandmark)
@dataclass(slots=True)
class Landmark:
    """A landmark; normalised or absolute depending on where it comes from."""

    x: float
    y: float
    z: float = 0.0
    visibility: float = 1.0
    presence: float = 1.0


# Letterbox padding (left, top, right, bottom), normalised by the padded (tensor) size.
Padding = tuple[float, float, float, float]
