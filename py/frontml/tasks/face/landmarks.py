"""Face mesh / iris landmark subgraphs (their options live in `constants.py`).

Ports of the subgraphs of mediapipe/modules/face_landmark/ (face_landmark_cpu.pbtxt,
face_landmark_landmarks_to_roi.pbtxt) and mediapipe/modules/iris_landmark/
(iris_landmark_cpu.pbtxt, iris_landmark_landmarks_to_roi.pbtxt,
iris_landmark_left_and_right_cpu.pbtxt as used by iris_tracking_cpu.pbtxt), plus the eye /
mouth measures (eye aspect ratio, mouth opening) the face task reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from frontml.calculators.detections_to_rects import (
    detection_to_rect,
)
from frontml.calculators.landmarks import (
    landmarks_to_detection,
)
from frontml.calculators.rect_transformation import (
    transform_normalized_rect,
)
from frontml.calculators.types import Landmark, NormalizedRect
from frontml.tasks.face.constants import (
    FACE_LANDMARKS_TO_ROI_RECTS,
    FACE_LANDMARKS_TO_ROI_TRANSFORMATION,
    IRIS_ROI_RECTS,
    IRIS_ROI_TRANSFORMATION,
    MOUTH_CORNERS,
    MOUTH_INNER,
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


# Port of the IrisLandmarkLandmarksToRoi subgraph
def iris_roi(
    landmarks: Sequence[Landmark], boundary: tuple[int, int], image_width: int, image_height: int
) -> NormalizedRect:
    """Eye ROI from the two eye-corner mesh landmarks `boundary` (start, end)."""
    detection = landmarks_to_detection([landmarks[boundary[0]], landmarks[boundary[1]]])
    rect = detection_to_rect(detection, IRIS_ROI_RECTS, (image_width, image_height))
    return transform_normalized_rect(rect, image_width, image_height, IRIS_ROI_TRANSFORMATION)


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
