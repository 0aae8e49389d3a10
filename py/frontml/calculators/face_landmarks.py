"""Face mesh / iris landmark calculators.

Ports of the options and subgraphs of mediapipe/modules/face_landmark/ (face_landmark_cpu.pbtxt,
face_landmark_landmarks_to_roi.pbtxt) and mediapipe/modules/iris_landmark/
(iris_landmark_cpu.pbtxt, iris_landmark_landmarks_to_roi.pbtxt,
iris_landmark_left_and_right_cpu.pbtxt as used by iris_tracking_cpu.pbtxt), plus the eye /
mouth measures (eye aspect ratio, mouth opening) the face task reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from frontml.calculators.detections_to_rects import (
    DetectionsToRectsCalculatorOptions,
    detection_to_rect,
)
from frontml.calculators.filters import OneEuroFilterOptions
from frontml.calculators.landmarks import (
    TensorsToLandmarksCalculatorOptions,
    landmarks_to_detection,
)
from frontml.calculators.rect_transformation import (
    RectTransformationCalculatorOptions,
    transform_normalized_rect,
)
from frontml.calculators.types import Landmark, NormalizedRect

FACE_NUM_LANDMARKS = 468
FACE_NUM_LANDMARKS_WITH_IRISES = 478

# face_landmark_cpu.pbtxt: TensorsToLandmarksCalculator
FACE_LANDMARKS_OPTIONS = TensorsToLandmarksCalculatorOptions(
    num_landmarks=FACE_NUM_LANDMARKS, input_image_width=192, input_image_height=192
)

# face_landmark_landmarks_to_roi.pbtxt: DetectionsToRects (eye outer corners 33 -> 263, 0 deg)
# + RectTransformation (1.5, square_long)
FACE_LANDMARKS_TO_ROI_RECTS = DetectionsToRectsCalculatorOptions(
    rotation_vector_start_keypoint_index=33,
    rotation_vector_end_keypoint_index=263,
    rotation_vector_target_angle_degrees=0,
)
FACE_LANDMARKS_TO_ROI_TRANSFORMATION = RectTransformationCalculatorOptions(
    scale_x=1.5, scale_y=1.5, square_long=True
)


# Port of the FaceLandmarkLandmarksToRoi subgraph (face_landmark_landmarks_to_roi.pbtxt)
def face_landmarks_to_roi(
    landmarks: Sequence[Landmark], image_width: int, image_height: int
) -> NormalizedRect:
    """Next frame's face ROI from this frame's 468 (or 478) normalised landmarks."""
    detection = landmarks_to_detection(landmarks)
    rect = detection_to_rect(detection, FACE_LANDMARKS_TO_ROI_RECTS, (image_width, image_height))
    return transform_normalized_rect(
        rect, image_width, image_height, FACE_LANDMARKS_TO_ROI_TRANSFORMATION
    )


# iris_tracking_cpu.pbtxt: SplitNormalizedLandmarkListCalculator eye boundary landmarks.
# MediaPipe's "left eye" here is the one at mesh indices 33/133 (image left on an unmirrored
# frontal face, i.e. the subject's right eye); "right eye" is 362/263.
IRIS_LEFT_EYE_BOUNDARY = (33, 133)
IRIS_RIGHT_EYE_BOUNDARY = (362, 263)

# iris_landmark_landmarks_to_roi.pbtxt
IRIS_ROI_RECTS = DetectionsToRectsCalculatorOptions(
    rotation_vector_start_keypoint_index=0,
    rotation_vector_end_keypoint_index=1,
    rotation_vector_target_angle_degrees=0,
)
IRIS_ROI_TRANSFORMATION = RectTransformationCalculatorOptions(
    scale_x=2.3, scale_y=2.3, square_long=True
)
# iris_landmark_cpu.pbtxt: 71 eye contour landmarks + 5 iris landmarks (centre first), 64x64.
IRIS_EYE_CONTOUR_OPTIONS = TensorsToLandmarksCalculatorOptions(
    num_landmarks=71, input_image_width=64, input_image_height=64
)
IRIS_OPTIONS = TensorsToLandmarksCalculatorOptions(
    num_landmarks=5, input_image_width=64, input_image_height=64
)


# Port of the IrisLandmarkLandmarksToRoi subgraph
def iris_roi(
    landmarks: Sequence[Landmark], boundary: tuple[int, int], image_width: int, image_height: int
) -> NormalizedRect:
    """Eye ROI from the two eye-corner mesh landmarks `boundary` (start, end)."""
    detection = landmarks_to_detection([landmarks[boundary[0]], landmarks[boundary[1]]])
    rect = detection_to_rect(detection, IRIS_ROI_RECTS, (image_width, image_height))
    return transform_normalized_rect(rect, image_width, image_height, IRIS_ROI_TRANSFORMATION)


# Tasks FaceLandmarker (face_landmarks_detector_graph.cc) smoothing in video mode:
# LandmarksSmoothingCalculator, OneEuroFilter, object scale from the ROI.
FACE_LANDMARKS_FILTER = OneEuroFilterOptions(min_cutoff=0.05, beta=80.0, derivate_cutoff=1.0)

# Eye aspect ratio points (p1..p6 of Soukupova & Cech) on the 468 mesh.
RIGHT_EYE_EAR = (33, 160, 158, 133, 153, 144)  # subject's right eye
LEFT_EYE_EAR = (362, 385, 387, 263, 373, 380)  # subject's left eye
# Mouth: inner lip centre (13 upper, 14 lower), corners (78, 308).
MOUTH_INNER = (13, 14)
MOUTH_CORNERS = (78, 308)
BLINK_THRESHOLD = 0.2  # EAR below this = eye closed


def _dist(a: Landmark, b: Landmark, width: int, height: int) -> float:
    return math.hypot((a.x - b.x) * width, (a.y - b.y) * height)


def eye_aspect_ratio(
    landmarks: Sequence[Landmark], points: Sequence[int], width: int = 1, height: int = 1
) -> float:
    """(|p2-p6| + |p3-p5|) / (2 |p1-p4|) in pixels: about 0.25-0.35 open, < 0.2 closed."""
    p = [landmarks[i] for i in points]
    horizontal = _dist(p[0], p[3], width, height)
    if horizontal <= 0.0:
        return 0.0
    return (_dist(p[1], p[5], width, height) + _dist(p[2], p[4], width, height)) / (
        2.0 * horizontal
    )


def mouth_open_ratio(landmarks: Sequence[Landmark], width: int = 1, height: int = 1) -> float:
    """Inner lip gap / mouth width in pixels: ~0 closed, ~0.3+ wide open."""
    width_px = _dist(landmarks[MOUTH_CORNERS[0]], landmarks[MOUTH_CORNERS[1]], width, height)
    if width_px <= 0.0:
        return 0.0
    return _dist(landmarks[MOUTH_INNER[0]], landmarks[MOUTH_INNER[1]], width, height) / width_px
