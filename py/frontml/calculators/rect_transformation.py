"""Rect expansion / shift / squaring.

Port of mediapipe/calculators/util/rect_transformation_calculator.cc (+ .proto).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from frontml.calculators.float32 import f32
from frontml.calculators.types import NormalizedRect, RotatedRect


# Port of mediapipe/calculators/util/rect_transformation_calculator.proto
@dataclass(frozen=True)
class RectTransformationCalculatorOptions:
    scale_x: float = 1.0
    scale_y: float = 1.0
    rotation: float | None = None  # radians
    rotation_degrees: int | None = None
    shift_x: float = 0.0
    shift_y: float = 0.0
    square_long: bool = False
    square_short: bool = False


# Port of NormalizeRadians() in rect_transformation_calculator.cc (float in and out, the
# arithmetic in double: M_PI is a double)
def normalize_radians(angle: float) -> float:
    """Wraps an angle to [-pi, pi)."""
    return f32(angle - 2 * math.pi * math.floor((angle - (-math.pi)) / (2 * math.pi)))


# Port of RectTransformationCalculator::ComputeNewRotation
def compute_new_rotation(rotation: float, options: RectTransformationCalculatorOptions) -> float:
    if options.rotation is not None:
        rotation = f32(rotation + f32(options.rotation))
    elif options.rotation_degrees is not None:
        rotation = f32(rotation + math.pi * options.rotation_degrees / 180.0)
    return normalize_radians(rotation)


def _check(options: RectTransformationCalculatorOptions) -> None:
    if options.rotation is not None and options.rotation_degrees is not None:
        raise ValueError("rotation and rotation_degrees are mutually exclusive")
    if options.square_long and options.square_short:
        raise ValueError("square_long and square_short are mutually exclusive")


# Port of RectTransformationCalculator::TransformNormalizedRect
def transform_normalized_rect(
    rect: NormalizedRect,
    image_width: int,
    image_height: int,
    options: RectTransformationCalculatorOptions,
) -> NormalizedRect:
    """Returns a new rect. As in MediaPipe, the rotation/rotation_degrees option only steers
    the shift direction: the output keeps the input rect's rotation. Computed in float32 as
    MediaPipe does (rounded after every operation): the next frame's crop depends on the
    ROI to a fraction of a pixel."""
    _check(options)
    width = f32(rect.width)
    height = f32(rect.height)
    rotation = f32(rect.rotation)
    shift_x = f32(options.shift_x)
    shift_y = f32(options.shift_y)
    if options.rotation is not None or options.rotation_degrees is not None:
        rotation = compute_new_rotation(rotation, options)
    if rotation == 0.0:
        x_center = f32(rect.x_center + f32(width * shift_x))
        y_center = f32(rect.y_center + f32(height * shift_y))
    else:
        cos = f32(math.cos(rotation))
        sin = f32(math.sin(rotation))
        sx = f32(f32(image_width * width) * shift_x)
        sy = f32(f32(image_height * height) * shift_y)
        x_shift = f32(f32(f32(sx * cos) - f32(sy * sin)) / image_width)
        y_shift = f32(f32(f32(sx * sin) + f32(sy * cos)) / image_height)
        x_center = f32(rect.x_center + x_shift)
        y_center = f32(rect.y_center + y_shift)
    if options.square_long:
        long_side = max(f32(width * image_width), f32(height * image_height))
        width = f32(long_side / image_width)
        height = f32(long_side / image_height)
    elif options.square_short:
        short_side = min(f32(width * image_width), f32(height * image_height))
        width = f32(short_side / image_width)
        height = f32(short_side / image_height)
    return NormalizedRect(x_center, y_center, f32(width * f32(options.scale_x)),
                          f32(height * f32(options.scale_y)), f32(rect.rotation))


# Port of RectTransformationCalculator::TransformRect (absolute-pixel Rect)
def transform_rect(rect: RotatedRect, options: RectTransformationCalculatorOptions) -> RotatedRect:
    _check(options)
    width = rect.width
    height = rect.height
    rotation = rect.rotation
    if options.rotation is not None or options.rotation_degrees is not None:
        rotation = compute_new_rotation(rotation, options)
    if rotation == 0.0:
        cx = rect.center_x + width * options.shift_x
        cy = rect.center_y + height * options.shift_y
    else:
        cx = rect.center_x + (
            width * options.shift_x * math.cos(rotation)
            - height * options.shift_y * math.sin(rotation)
        )
        cy = rect.center_y + (
            width * options.shift_x * math.sin(rotation)
            + height * options.shift_y * math.cos(rotation)
        )
    if options.square_long:
        width = height = max(width, height)
    elif options.square_short:
        width = height = min(width, height)
    return RotatedRect(cx, cy, width * options.scale_x, height * options.scale_y, rect.rotation)
