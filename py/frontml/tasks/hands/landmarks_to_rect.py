"""Hand landmarks -> next frame's hand ROI, and the hand landmark model's tensors.

Ports of mediapipe/modules/hand_landmark/hand_landmark_landmarks_to_roi.pbtxt (split of the
palm landmarks + HandLandmarksToRectCalculator + RectTransformationCalculator), of
mediapipe/modules/hand_landmark/calculators/hand_landmarks_to_rect_calculator.cc and the
handedness decoding of hand_landmark_cpu.pbtxt (the options live in `constants.py`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from frontml.calculators.rect_transformation import (
    normalize_radians,
    transform_normalized_rect,
)
from frontml.calculators.types import Landmark, NormalizedRect
from frontml.tasks.hands.constants import (
    HAND_LANDMARKS_TO_ROI_TRANSFORMATION,
    HAND_NUM_LANDMARKS,
    HAND_PALM_LANDMARK_INDICES,
)

# In HandLandmarksToRectCalculator these index the split palm list
# (HAND_PALM_LANDMARK_INDICES): 4 = index-finger MCP,
# 6 = middle-finger MCP, 8 = ring-finger MCP (the C++ names them *PIPJoint).
_WRIST = 0
_INDEX_MCP = 4
_MIDDLE_MCP = 6
_RING_MCP = 8
_TARGET_ANGLE = math.pi * 0.5


# Port of ComputeRotation() in hand_landmarks_to_rect_calculator.cc
def hand_rotation(palm: Sequence[Landmark], image_width: int, image_height: int) -> float:
    """Rotation that makes wrist -> (mean of index/ring MCP, then with middle MCP) point up."""
    x0 = palm[_WRIST].x * image_width
    y0 = palm[_WRIST].y * image_height
    x1 = (palm[_INDEX_MCP].x + palm[_RING_MCP].x) / 2.0
    y1 = (palm[_INDEX_MCP].y + palm[_RING_MCP].y) / 2.0
    x1 = (x1 + palm[_MIDDLE_MCP].x) / 2.0 * image_width
    y1 = (y1 + palm[_MIDDLE_MCP].y) / 2.0 * image_height
    return normalize_radians(_TARGET_ANGLE - math.atan2(-(y1 - y0), x1 - x0))


# Port of NormalizedLandmarkListToRect() in hand_landmarks_to_rect_calculator.cc
def hand_landmarks_to_rect(
    palm: Sequence[Landmark], image_width: int, image_height: int
) -> NormalizedRect:
    """Rotated rect tightly enclosing the (palm) landmarks, aligned with the hand's axis."""
    rotation = hand_rotation(palm, image_width, image_height)
    reverse_angle = normalize_radians(-rotation)
    xs = [lm.x for lm in palm]
    ys = [lm.y for lm in palm]
    center_x = (max(xs) + min(xs)) / 2.0
    center_y = (max(ys) + min(ys)) / 2.0
    c, s = math.cos(reverse_angle), math.sin(reverse_angle)
    px: list[float] = []
    py: list[float] = []
    for lm in palm:
        ox = (lm.x - center_x) * image_width
        oy = (lm.y - center_y) * image_height
        px.append(ox * c - oy * s)
        py.append(ox * s + oy * c)
    pcx = (max(px) + min(px)) / 2.0
    pcy = (max(py) + min(py)) / 2.0
    cr, sr = math.cos(rotation), math.sin(rotation)
    cx = pcx * cr - pcy * sr + image_width * center_x
    cy = pcx * sr + pcy * cr + image_height * center_y
    return NormalizedRect(
        cx / image_width,
        cy / image_height,
        (max(px) - min(px)) / image_width,
        (max(py) - min(py)) / image_height,
        rotation,
    )


# Port of the HandLandmarkLandmarksToRoi subgraph (hand_landmark_landmarks_to_roi.pbtxt)
def hand_landmarks_to_roi(
    landmarks: Sequence[Landmark], image_width: int, image_height: int
) -> NormalizedRect:
    """Next frame's hand ROI from this frame's 21 normalised hand landmarks."""
    if len(landmarks) != HAND_NUM_LANDMARKS:
        raise ValueError(f"expected {HAND_NUM_LANDMARKS} hand landmarks, got {len(landmarks)}")
    palm = [landmarks[i] for i in HAND_PALM_LANDMARK_INDICES]
    rect = hand_landmarks_to_rect(palm, image_width, image_height)
    return transform_normalized_rect(
        rect, image_width, image_height, HAND_LANDMARKS_TO_ROI_TRANSFORMATION
    )


# hand_landmark_cpu.pbtxt: TensorsToClassificationCalculator, binary_classification, labels
# from handedness.txt ("Left", "Right"): the first label's score is the model's scalar, so the
# scalar is the probability of MediaPipe's label "Left" (checked against mp.solutions.hands on
# 8 hands of face-api's photos, see bench/accuracy_hands.py).
def handedness_from_tensor(value: float) -> tuple[str, float]:
    """(label, score) with MediaPipe Hands' convention (it assumes a mirrored, selfie view:
    on a non-mirrored photo a person's right hand is labelled "Left")."""
    if value >= 0.5:
        return "Left", value
    return "Right", 1.0 - value

