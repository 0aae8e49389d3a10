"""Detection -> (rotated) ROI rect.

Ports of mediapipe/calculators/util/detections_to_rects_calculator.cc (+ .proto) and
alignment_points_to_rects_calculator.cc, plus the detection->ROI subgraphs of the pose / face /
palm pipelines (pose_detection_to_roi.pbtxt, face_detection_front_detection_to_roi.pbtxt,
palm detection -> hand ROI).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from frontml.calculators.float32 import f32
from frontml.calculators.rect_transformation import (
    RectTransformationCalculatorOptions,
    normalize_radians,
    transform_normalized_rect,
)
from frontml.calculators.types import Detection, NormalizedRect


# Port of mediapipe/calculators/util/detections_to_rects_calculator.proto
@dataclass(frozen=True)
class DetectionsToRectsCalculatorOptions:
    rotation_vector_start_keypoint_index: int | None = None
    rotation_vector_end_keypoint_index: int | None = None
    rotation_vector_target_angle: float | None = None  # radians
    rotation_vector_target_angle_degrees: float | None = None
    output_zero_rect_for_empty_detections: bool = False
    # "DEFAULT" | "USE_BOUNDING_BOX" | "USE_KEYPOINTS"
    conversion_mode: str = "DEFAULT"


def _target_angle(options: DetectionsToRectsCalculatorOptions) -> float:
    if (options.rotation_vector_target_angle is None) == (
        options.rotation_vector_target_angle_degrees is None
    ):
        raise ValueError("Exactly one of rotation_vector_target_angle(_degrees) must be set")
    if options.rotation_vector_target_angle is not None:
        return f32(options.rotation_vector_target_angle)
    assert options.rotation_vector_target_angle_degrees is not None
    return f32(math.pi * options.rotation_vector_target_angle_degrees / 180.0)


# Port of DetectionsToRectsCalculator::ComputeRotation
def compute_rotation(
    detection: Detection,
    image_size: tuple[int, int],
    options: DetectionsToRectsCalculatorOptions,
) -> float:
    """Rotation (radians) that turns the start->end keypoint vector to the target angle.

    The target angle is counter-clockwise from +x with y pointing up (image y is flipped).
    """
    start = options.rotation_vector_start_keypoint_index
    end = options.rotation_vector_end_keypoint_index
    if start is None or end is None:
        raise ValueError("rotation_vector_start/end_keypoint_index are required")
    # in float, as MediaPipe (rounded after every operation)
    width, height = image_size
    x0 = f32(detection.keypoints[start][0] * width)
    y0 = f32(detection.keypoints[start][1] * height)
    x1 = f32(detection.keypoints[end][0] * width)
    y1 = f32(detection.keypoints[end][1] * height)
    angle = f32(math.atan2(-f32(y1 - y0), f32(x1 - x0)))
    return normalize_radians(f32(_target_angle(options) - angle))


# Port of DetectionsToRectsCalculator::DetectionToNormalizedRect (box or keypoints mode)
def _detection_to_normalized_rect(detection: Detection, conversion_mode: str) -> NormalizedRect:
    if conversion_mode == "USE_KEYPOINTS":
        if len(detection.keypoints) < 2:
            raise ValueError("2 or more keypoints required to calculate a rect.")
        xs = [k[0] for k in detection.keypoints]
        ys = [k[1] for k in detection.keypoints]
        x_min, x_max, y_min, y_max = min(xs), max(xs), min(ys), max(ys)
        return NormalizedRect(
            f32(f32(x_min + x_max) / 2), f32(f32(y_min + y_max) / 2), f32(x_max - x_min),
            f32(y_max - y_min)
        )
    return NormalizedRect(
        f32(detection.xmin + f32(detection.width / 2)),
        f32(detection.ymin + f32(detection.height / 2)),
        f32(detection.width),
        f32(detection.height),
    )


# Port of DetectionsToRectsCalculator::Process (NORM_RECT output, one detection)
def detection_to_rect(
    detection: Detection,
    options: DetectionsToRectsCalculatorOptions,
    image_size: tuple[int, int] | None = None,
) -> NormalizedRect:
    """image_size = (width, height); required when rotation keypoints are configured."""
    rect = _detection_to_normalized_rect(detection, options.conversion_mode)
    if options.rotation_vector_start_keypoint_index is not None:
        if image_size is None:
            raise ValueError("Image size is required to calculate rotation")
        rect.rotation = compute_rotation(detection, image_size, options)
    return rect


# Port of DetectionsToRectsCalculator::Process (NORM_RECTS output)
def detections_to_rects(
    detections: Sequence[Detection],
    options: DetectionsToRectsCalculatorOptions,
    image_size: tuple[int, int] | None = None,
) -> list[NormalizedRect]:
    if not detections:
        if options.output_zero_rect_for_empty_detections:
            return [NormalizedRect(0.0, 0.0, 0.0, 0.0)]
        return []
    return [detection_to_rect(d, options, image_size) for d in detections]


# Port of AlignmentPointsRectsCalculator::DetectionToNormalizedRect (+ base rotation)
def alignment_points_to_rect(
    detection: Detection,
    options: DetectionsToRectsCalculatorOptions,
    image_size: tuple[int, int],
) -> NormalizedRect:
    """Square rect centred on the start keypoint, side = 2 * |end - start| (in pixels)."""
    start = options.rotation_vector_start_keypoint_index
    end = options.rotation_vector_end_keypoint_index
    if start is None or end is None:
        raise ValueError("Start and end keypoints are required to calculate rect size")
    # in float, as MediaPipe (rounded after every operation)
    width, height = image_size
    x_center = f32(detection.keypoints[start][0] * width)
    y_center = f32(detection.keypoints[start][1] * height)
    x_scale = f32(detection.keypoints[end][0] * width)
    y_scale = f32(detection.keypoints[end][1] * height)
    dx = f32(x_scale - x_center)
    dy = f32(y_scale - y_center)
    # Bounding box size as double distance from center to scale point.
    box_size = f32(math.sqrt(f32(f32(dx * dx) + f32(dy * dy))) * 2.0)
    return NormalizedRect(
        f32(x_center / width),
        f32(y_center / height),
        f32(box_size / width),
        f32(box_size / height),
        compute_rotation(detection, image_size, options),
    )


@dataclass(frozen=True)
class DetectionToRoiPreset:
    """A detection -> ROI subgraph: DetectionsToRects (or AlignmentPoints) + RectTransformation."""

    name: str
    rects: DetectionsToRectsCalculatorOptions
    transformation: RectTransformationCalculatorOptions
    alignment_points: bool  # AlignmentPointsRectsCalculator instead of DetectionsToRects


def detection_to_roi(
    detection: Detection, image_size: tuple[int, int], preset: DetectionToRoiPreset
) -> NormalizedRect:
    """Runs a detection -> ROI subgraph (e.g. a task's POSE_DETECTION_TO_ROI)."""
    if preset.alignment_points:
        rect = alignment_points_to_rect(detection, preset.rects, image_size)
    else:
        rect = detection_to_rect(detection, preset.rects, image_size)
    return transform_normalized_rect(rect, image_size[0], image_size[1], preset.transformation)
