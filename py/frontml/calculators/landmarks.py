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

from frontml.calculators.float32 import f32, f32s, sigmoids_f32
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


# Columns: the landmark lists of the hot paths as (xs, ys, zs, visibilities, presences), one
# sequence of floats per field. The calculators below round every float operation through one
# array('f') per column (what f32 does per value, bit for bit) and make Landmark objects once.
Columns = tuple[Sequence[float], Sequence[float], Sequence[float], Sequence[float],
                Sequence[float]]


def landmarks_to_columns(landmarks: Sequence[Landmark]) -> Columns:
    return ([lm.x for lm in landmarks], [lm.y for lm in landmarks], [lm.z for lm in landmarks],
            [lm.visibility for lm in landmarks], [lm.presence for lm in landmarks])


def columns_to_landmarks(columns: Columns) -> list[Landmark]:
    return list(map(Landmark, *columns))


# Port of ApplyActivation() in tensors_to_landmarks_calculator.cc (a float sigmoid), per column
def _activations(kind: str, values: Sequence[float]) -> Sequence[float]:
    return sigmoids_f32(values) if kind == "SIGMOID" else values


# Port of TensorsToLandmarksCalculator::Process (LANDMARKS output), as columns
def tensors_to_landmark_columns(
    raw_landmarks: FloatBuffer,
    options: TensorsToLandmarksCalculatorOptions,
    flip_horizontally: bool | None = None,
    flip_vertically: bool | None = None,
    activations: bool = True,
) -> Columns:
    """tensors_to_landmarks as columns; activations=False leaves visibility and presence at
    1.0 (for callers that overwrite them, e.g. pose's world landmarks)."""
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
    raw = raw_landmarks.tolist() if isinstance(raw_landmarks, memoryview) else raw_landmarks
    nd = num_dimensions
    end = n * nd
    xs: Sequence[float] = raw[0:end:nd]
    if flip_h:
        w = options.input_image_width
        xs = f32s([w - x for x in xs])  # type: ignore[operator]
    zeros = [0.0] * n
    ys: Sequence[float] = zeros
    if nd > 1:
        ys = raw[1:end:nd]
        if flip_v:
            h = options.input_image_height
            ys = f32s([h - y for y in ys])  # type: ignore[operator]
    zs = raw[2:end:nd] if nd > 2 else zeros
    ones = [1.0] * n
    vis = ones
    pres = ones
    if activations and nd > 3:
        vis = _activations(options.visibility_activation, raw[3:end:nd])
    if activations and nd > 4:
        pres = _activations(options.presence_activation, raw[4:end:nd])
    return xs, ys, zs, vis, pres


# Port of TensorsToLandmarksCalculator::Process (LANDMARKS output: absolute tensor coords)
def tensors_to_landmarks(
    raw_landmarks: FloatBuffer,
    options: TensorsToLandmarksCalculatorOptions,
    flip_horizontally: bool | None = None,
    flip_vertically: bool | None = None,
) -> list[Landmark]:
    """Decodes num_landmarks x num_dimensions floats ([x, y, z, visibility, presence])."""
    return columns_to_landmarks(tensors_to_landmark_columns(
        raw_landmarks, options, flip_horizontally, flip_vertically))


# Port of TensorsToLandmarksCalculator::Process (NORM_LANDMARKS output), as columns
def tensors_to_normalized_columns(
    raw_landmarks: FloatBuffer,
    options: TensorsToLandmarksCalculatorOptions,
    flip_horizontally: bool | None = None,
    flip_vertically: bool | None = None,
) -> Columns:
    w = options.input_image_width
    h = options.input_image_height
    if w is None or h is None:
        raise ValueError("Must provide input width/height for getting normalized landmarks.")
    xs, ys, zs, vis, pres = tensors_to_landmark_columns(
        raw_landmarks, options, flip_horizontally, flip_vertically)
    # in float, as MediaPipe: x / width, z / width / normalize_z
    nz = f32(options.normalize_z)
    zw = f32s([z / w for z in zs])
    return (f32s([x / w for x in xs]), f32s([y / h for y in ys]), f32s([z / nz for z in zw]),
            vis, pres)


# Port of TensorsToLandmarksCalculator::Process (NORM_LANDMARKS output)
def tensors_to_normalized_landmarks(
    raw_landmarks: FloatBuffer,
    options: TensorsToLandmarksCalculatorOptions,
    flip_horizontally: bool | None = None,
    flip_vertically: bool | None = None,
) -> list[Landmark]:
    """Landmarks normalised by the model input size; z scaled like x (and / normalize_z)."""
    return columns_to_landmarks(tensors_to_normalized_columns(
        raw_landmarks, options, flip_horizontally, flip_vertically))


# Port of LandmarkProjectionCalculator (NORM_RECT input path), as columns
def project_columns(columns: Columns, rect: NormalizedRect,
                    ignore_rotation: bool = False) -> Columns:
    # in float, as MediaPipe (rounded after every operation)
    xs, ys, zs, vis, pres = columns
    angle = 0.0 if ignore_rotation else f32(rect.rotation)
    c = f32(math.cos(angle))
    s = f32(math.sin(angle))
    width, height = f32(rect.width), f32(rect.height)
    xc, yc = f32(rect.x_center), f32(rect.y_center)
    x = f32s([v - 0.5 for v in xs])
    y = f32s([v - 0.5 for v in ys])
    cx = f32s([c * v for v in x])
    sy = f32s([s * v for v in y])
    sx = f32s([s * v for v in x])
    cy = f32s([c * v for v in y])
    new_x = f32s([a * width for a in f32s([a - b for a, b in zip(cx, sy, strict=True)])])
    new_y = f32s([a * height for a in f32s([a + b for a, b in zip(sx, cy, strict=True)])])
    return (f32s([v + xc for v in new_x]), f32s([v + yc for v in new_y]),
            f32s([z * width for z in zs]), vis, pres)  # Scale Z coordinate as X.


# Port of LandmarkProjectionCalculator (NORM_RECT input path)
def landmark_projection(
    landmarks: Sequence[Landmark], rect: NormalizedRect, ignore_rotation: bool = False
) -> list[Landmark]:
    """Projects ROI-relative normalised landmarks back to normalised image coordinates.

    Exact for ROIs that are square in pixels (MediaPipe pipelines use square_long); use
    project_landmarks_with_matrix otherwise.
    """
    return columns_to_landmarks(
        project_columns(landmarks_to_columns(landmarks), rect, ignore_rotation))


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
    return world_projection_columns(landmarks_to_columns(landmarks), rect)


# Port of WorldLandmarkProjectionCalculator, from columns
def world_projection_columns(columns: Columns, rect: NormalizedRect | None = None
                             ) -> list[Landmark]:
    xs, ys, zs, vis, pres = columns
    angle = rect.rotation if rect is not None else 0.0
    c = math.cos(angle)
    s = math.sin(angle)
    return list(map(Landmark, [c * x - s * y for x, y in zip(xs, ys, strict=True)],
                    [s * x + c * y for x, y in zip(xs, ys, strict=True)], zs, vis, pres))


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


