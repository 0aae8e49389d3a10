"""Letterbox padding and its removal.

Ports of mediapipe/calculators/util/detection_letterbox_removal_calculator.cc and
landmark_letterbox_removal_calculator.cc; the padding itself is ImageToTensorCalculator's
LETTERBOX_PADDING output (PadRoi in image_to_tensor_utils.cc, see image_to_tensor.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from frontml.calculators.float32 import f32, f32s
from frontml.calculators.image_to_tensor import get_roi, pad_roi
from frontml.calculators.landmarks import Columns, columns_to_landmarks, landmarks_to_columns
from frontml.calculators.types import Detection, Landmark, NormalizedRect, Padding


# Port of the LETTERBOX_PADDING computation of ImageToTensorCalculator (keep_aspect_ratio)
def letterbox_padding(
    image_width: int,
    image_height: int,
    tensor_width: int,
    tensor_height: int,
    norm_rect: NormalizedRect | None = None,
) -> Padding:
    """(left, top, right, bottom) padding, normalised by the tensor size."""
    roi = get_roi(image_width, image_height, norm_rect)
    return pad_roi(tensor_width, tensor_height, True, roi)[1]


# Port of DetectionLetterboxRemovalCalculator::Process
def remove_detection_letterbox(
    detections: Sequence[Detection], padding: Padding
) -> list[Detection]:
    # in float, as MediaPipe (rounded after every operation)
    left, top, right, bottom = (f32(p) for p in padding)
    sx = f32(1.0 - f32(left + right))
    sy = f32(1.0 - f32(top + bottom))
    return [
        Detection(
            score=d.score,
            xmin=f32(f32(d.xmin - left) / sx),
            ymin=f32(f32(d.ymin - top) / sy),
            width=f32(d.width / sx),
            height=f32(d.height / sy),
            keypoints=[(f32(f32(x - left) / sx), f32(f32(y - top) / sy))
                       for x, y in d.keypoints],
            label_id=d.label_id,
        )
        for d in detections
    ]


# Port of LandmarkLetterboxRemovalCalculator::Process, as columns (see landmarks.Columns)
def remove_letterbox_columns(columns: Columns, padding: Padding) -> Columns:
    # in float, as MediaPipe (rounded after every operation)
    xs, ys, zs, vis, pres = columns
    left, top, right, bottom = (f32(p) for p in padding)
    sx = f32(1.0 - f32(left + right))
    sy = f32(1.0 - f32(top + bottom))
    if sx == 1.0 and sy == 1.0 and math.copysign(1.0, left) == math.copysign(1.0, top) == 1.0 \
            and left == 0.0 and top == 0.0:
        # no padding (square ROIs): x - (+0.0), x / 1.0 and z / 1.0 are x and z, bit for bit
        return f32s(xs), f32s(ys), f32s(zs), vis, pres
    return (f32s([x / sx for x in f32s([x - left for x in xs])]),
            f32s([y / sy for y in f32s([y - top for y in ys])]),
            f32s([z / sx for z in zs]), vis, pres)


# Port of LandmarkLetterboxRemovalCalculator::Process
def remove_landmark_letterbox(landmarks: Sequence[Landmark], padding: Padding) -> list[Landmark]:
    """z is kept as is (as in MediaPipe); visibility and presence are carried over."""
    return columns_to_landmarks(
        remove_letterbox_columns(landmarks_to_columns(landmarks), padding))
