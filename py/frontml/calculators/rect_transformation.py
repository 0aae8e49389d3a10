"""Rect expansion / shift / squaring.

Port of mediapipe/calculators/util/rect_transformation_calculator.cc (+ .proto).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


# Port of NormalizeRadians() in rect_transformation_calculator.cc
def normalize_radians(angle: float) -> float:
    """Wraps an angle to [-pi, pi)."""
    return angle - 2 * math.pi * math.floor((angle - (-math.pi)) / (2 * math.pi))


# Port of RectTransformationCalculator::ComputeNewRotation
def compute_new_rotation(rotation: float, options: RectTransformationCalculatorOptions) -> float:
    if options.rotation is not None:
        rotation += options.rotation
    elif options.rotation_degrees is not None:
        rotation += math.pi * options.rotation_degrees / 180.0
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
    the shift direction: the output keeps the input rect's rotation."""
    _check(options)
    width = rect.width
    height = rect.height
    rotation = rect.rotation
    if options.rotation is not None or options.rotation_degrees is not None:
        rotation = compute_new_rotation(rotation, options)
    if rotation == 0.0:
        x_center = rect.x_center + width * options.shift_x
        y_center = rect.y_center + height * options.shift_y
    else:
        x_shift = (
            image_width * width * options.shift_x * math.cos(rotation)
            - image_height * height * options.shift_y * math.sin(rotation)
        ) / image_width
        y_shift = (
            image_width * width * options.shift_x * math.sin(rotation)
            + image_height * height * options.shift_y * math.cos(rotation)
        ) / image_height
        x_center = rect.x_center + x_shift
        y_center = rect.y_center + y_shift
    if options.square_long:
        long_side = max(width * image_width, height * image_height)
        width = long_side / image_width
        height = long_side / image_height
    elif options.square_short:
        short_side = min(width * image_width, height * image_height)
        width = short_side / image_width
        height = short_side / image_height
    return NormalizedRect(
        x_center, y_center, width * options.scale_x, height * options.scale_y, rect.rotation
    )


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
