"""Landmark decoding and projection.

Ports of mediapipe/calculators/tensor/tensors_to_landmarks_calculator.cc,
mediapipe/calculators/util/landmark_projection_calculator.cc,
world_landmark_projection_calculator.cc, landmarks_to_detection_calculator.cc, and the
landmarks -> next-frame ROI subgraph of pose (mediapipe/modules/pose_landmark/
pose_landmarks_to_roi.pbtxt).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from frontml.calculators.float32 import f32, sigmoid_f32
from frontml.calculators.types import Detection, Landmark, NormalizedRect

FloatBuffer = Sequence[float] | memoryview


# Port of mediapipe/calculators/tensor/tensors_to_landmarks_calculator.proto
@dataclass(frozen=True)
class TensorsToLandmarksCalculatorOptions:
    num_landmarks: int
    input_image_width: int | None = None
    input_image_height: int | None = None
    flip_vertically: bool = False
    flip_horizontally: bool = False
    normalize_z: float = 1.0
    # "NONE" | "SIGMOID"
    visibility_activation: str = "NONE"
    presence_activation: str = "NONE"


def sigmoid(x: float) -> float:
    """Logistic function without overflow for large |x|."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


# Port of ApplyActivation() in tensors_to_landmarks_calculator.cc (a float sigmoid)
def _activation(kind: str, value: float) -> float:
    return sigmoid_f32(value) if kind == "SIGMOID" else value


# Port of TensorsToLandmarksCalculator::Process (LANDMARKS output: absolute tensor coords)
def tensors_to_landmarks(
    raw_landmarks: FloatBuffer,
    options: TensorsToLandmarksCalculatorOptions,
    flip_horizontally: bool | None = None,
    flip_vertically: bool | None = None,
) -> list[Landmark]:
    """Decodes num_landmarks x num_dimensions floats ([x, y, z, visibility, presence])."""
    flip_h = options.flip_horizontally if flip_horizontally is None else flip_horizontally
    flip_v = options.flip_vertically if flip_vertically is None else flip_vertically
    n = options.num_landmarks
    num_dimensions = len(raw_landmarks) // n
    if num_dimensions <= 0:
        raise ValueError("landmark tensor too small for num_landmarks")
    if (flip_h or flip_v) and (
        options.input_image_width is None or options.input_image_height is None
    ):
        raise ValueError("input_image_width/height are required for flipping")
    out: list[Landmark] = []
    for ld in range(n):
        offset = ld * num_dimensions
        x = raw_landmarks[offset]
        if flip_h:
            x = f32(options.input_image_width - x)  # type: ignore[operator]
        lm = Landmark(x, 0.0, 0.0)
        if num_dimensions > 1:
            y = raw_landmarks[offset + 1]
            lm.y = f32(options.input_image_height - y) if flip_v else y  # type: ignore[operator]
        if num_dimensions > 2:
            lm.z = raw_landmarks[offset + 2]
        if num_dimensions > 3:
            lm.visibility = _activation(options.visibility_activation, raw_landmarks[offset + 3])
        if num_dimensions > 4:
            lm.presence = _activation(options.presence_activation, raw_landmarks[offset + 4])
        out.append(lm)
    return out


# Port of TensorsToLandmarksCalculator::Process (NORM_LANDMARKS output)
def tensors_to_normalized_landmarks(
    raw_landmarks: FloatBuffer,
    options: TensorsToLandmarksCalculatorOptions,
    flip_horizontally: bool | None = None,
    flip_vertically: bool | None = None,
) -> list[Landmark]:
    """Landmarks normalised by the model input size; z scaled like x (and / normalize_z)."""
    w = options.input_image_width
    h = options.input_image_height
    if w is None or h is None:
        raise ValueError("Must provide input width/height for getting normalized landmarks.")
    out = tensors_to_landmarks(raw_landmarks, options, flip_horizontally, flip_vertically)
    # in float, as MediaPipe: x / width, z / width / normalize_z
    nz = f32(options.normalize_z)
    for lm in out:
        lm.x = f32(lm.x / w)
        lm.y = f32(lm.y / h)
        lm.z = f32(f32(lm.z / w) / nz)
    return out


# Port of LandmarkProjectionCalculator (NORM_RECT input path)
def landmark_projection(
    landmarks: Sequence[Landmark], rect: NormalizedRect, ignore_rotation: bool = False
) -> list[Landmark]:
    """Projects ROI-relative normalised landmarks back to normalised image coordinates.

    Exact for ROIs that are square in pixels (MediaPipe pipelines use square_long); use
    project_landmarks_with_matrix otherwise.
    """
    # in float, as MediaPipe (rounded after every operation)
    angle = 0.0 if ignore_rotation else f32(rect.rotation)
    c = f32(math.cos(angle))
    s = f32(math.sin(angle))
    width, height = f32(rect.width), f32(rect.height)
    xc, yc = f32(rect.x_center), f32(rect.y_center)
    out: list[Landmark] = []
    for lm in landmarks:
        x = f32(lm.x - 0.5)
        y = f32(lm.y - 0.5)
        new_x = f32(f32(c * x) - f32(s * y))
        new_y = f32(f32(s * x) + f32(c * y))
        new_x = f32(f32(new_x * width) + xc)
        new_y = f32(f32(new_y * height) + yc)
        new_z = f32(lm.z * width)  # Scale Z coordinate as X.
        out.append(Landmark(new_x, new_y, new_z, lm.visibility, lm.presence))
    return out


# Port of LandmarkProjectionCalculator (PROJECTION_MATRIX input path, incl. CalculateZScale)
def project_landmarks_with_matrix(
    landmarks: Sequence[Landmark], matrix: Sequence[float]
) -> list[Landmark]:
    """matrix: row-major 4x4 (ImageToTensorTransform.matrix / GetRotatedSubRectTo...)."""
    m0, m1, m2, m3 = matrix[0], matrix[1], matrix[2], matrix[3]
    m4, m5, m6, m7 = matrix[4], matrix[5], matrix[6], matrix[7]
    # Z scale = length of the projected (0,0)-(1,0) segment.
    z_scale = math.hypot(m0, m4)
    return [
        Landmark(
            lm.x * m0 + lm.y * m1 + lm.z * m2 + m3,
            lm.x * m4 + lm.y * m5 + lm.z * m6 + m7,
            z_scale * lm.z,
            lm.visibility,
            lm.presence,
        )
        for lm in landmarks
    ]


# Port of WorldLandmarkProjectionCalculator
def world_landmark_projection(
    landmarks: Sequence[Landmark], rect: NormalizedRect | None = None
) -> list[Landmark]:
    """Rotates world landmarks (metres, hip-centred) by the ROI rotation; no scale/shift."""
    angle = rect.rotation if rect is not None else 0.0
    c = math.cos(angle)
    s = math.sin(angle)
    return [
        Landmark(c * lm.x - s * lm.y, s * lm.x + c * lm.y, lm.z, lm.visibility, lm.presence)
        for lm in landmarks
    ]


# Port of LandmarksToDetectionCalculator (ConvertLandmarksToDetection)
def landmarks_to_detection(
    landmarks: Sequence[Landmark], selected_landmark_indices: Sequence[int] | None = None
) -> Detection:
    """Box tightly enclosing the landmarks; every landmark becomes a keypoint.

    MediaPipe's detection has no score here; score is set to 0.0.
    """
    if not landmarks:
        raise ValueError("Input landmark vector is empty.")
    if selected_landmark_indices:
        landmarks = [landmarks[i] for i in selected_landmark_indices]
    xs = [lm.x for lm in landmarks]
    ys = [lm.y for lm in landmarks]
    x_min, x_max, y_min, y_max = min(xs), max(xs), min(ys), max(ys)
    return Detection(
        score=0.0,
        xmin=x_min,
        ymin=y_min,
        width=x_max - x_min,
        height=y_max - y_min,
        keypoints=list(zip(xs, ys, strict=True)),
    )


