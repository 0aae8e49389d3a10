"""ROI -> crop geometry for the image-to-tensor step.

Port of the geometry of mediapipe/calculators/tensor/image_to_tensor_calculator.cc and
image_to_tensor_utils.cc (GetRoi, PadRoi, GetRotatedSubRectToRectTransformMatrix,
GetValueRangeTransformation). The pixel warp itself is not here: this module returns the
2x3 affine the warp (canvas / Pillow) consumes.

Affine convention (`Affine = (a, b, c, d, e, f)`): it maps OUTPUT continuous pixel coordinates
(u, v) -- pixel edges at integers, pixel centres at +0.5 -- to SOURCE continuous pixel
coordinates: sx = a*u + b*v + c, sy = d*u + e*v + f. Output corner (0, 0) maps to the ROI's
top-left corner, (W, H) to its bottom-right corner (both rotated with the ROI), i.e. the same
mapping as MediaPipe's GPU converters (normalised texture coordinates). MediaPipe's OpenCV CPU
converter uses cv::warpPerspective on the same corner points, which treats integer coordinates
as pixel centres: a half-pixel shift relative to this convention.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from frontml.calculators.float32 import f32
from frontml.calculators.types import Affine, NormalizedRect, Padding, RotatedRect

Matrix3 = tuple[float, float, float, float, float, float, float, float, float]


# Port of GetRoi() in image_to_tensor_utils.cc
def get_roi(
    input_width: int, input_height: int, norm_rect: NormalizedRect | None = None
) -> RotatedRect:
    if norm_rect is not None:
        return RotatedRect(
            center_x=norm_rect.x_center * input_width,
            center_y=norm_rect.y_center * input_height,
            width=norm_rect.width * input_width,
            height=norm_rect.height * input_height,
            rotation=norm_rect.rotation,
        )
    return RotatedRect(
        0.5 * input_width, 0.5 * input_height, float(input_width), float(input_height), 0.0
    )


# Port of PadRoi() in image_to_tensor_utils.cc (returns the padded ROI instead of mutating it)
def pad_roi(
    input_tensor_width: int, input_tensor_height: int, keep_aspect_ratio: bool, roi: RotatedRect
) -> tuple[RotatedRect, Padding]:
    """Grows the ROI to the tensor's aspect ratio; returns (roi, (left, top, right, bottom))."""
    if not keep_aspect_ratio:
        return roi, (0.0, 0.0, 0.0, 0.0)
    if input_tensor_width <= 0 or input_tensor_height <= 0:
        raise ValueError("Input tensor width and height must be > 0.")
    tensor_aspect_ratio = input_tensor_height / input_tensor_width
    if roi.width <= 0 or roi.height <= 0:
        raise ValueError("ROI width and height must be > 0.")
    roi_aspect_ratio = roi.height / roi.width
    vertical_padding = 0.0
    horizontal_padding = 0.0
    if tensor_aspect_ratio > roi_aspect_ratio:
        new_width = roi.width
        new_height = roi.width * tensor_aspect_ratio
        vertical_padding = (1.0 - roi_aspect_ratio / tensor_aspect_ratio) / 2.0
    else:
        new_width = roi.height / tensor_aspect_ratio
        new_height = roi.height
        horizontal_padding = (1.0 - tensor_aspect_ratio / roi_aspect_ratio) / 2.0
    padded = RotatedRect(roi.center_x, roi.center_y, new_width, new_height, roi.rotation)
    return padded, (horizontal_padding, vertical_padding, horizontal_padding, vertical_padding)


# Port of GetRotatedSubRectToRectTransformMatrix() in image_to_tensor_utils.cc
def get_rotated_sub_rect_to_rect_transform_matrix(
    sub_rect: RotatedRect, rect_width: int, rect_height: int, flip_horizontally: bool = False
) -> list[float]:
    """Row-major 4x4 matrix mapping normalised crop coords to normalised image coords."""
    a = sub_rect.width
    b = sub_rect.height
    flip = -1.0 if flip_horizontally else 1.0
    c = math.cos(sub_rect.rotation)
    d = math.sin(sub_rect.rotation)
    e = sub_rect.center_x
    f = sub_rect.center_y
    g = 1.0 / rect_width
    h = 1.0 / rect_height
    return [
        a * c * flip * g, -b * d * g, 0.0, (-0.5 * a * c * flip + 0.5 * b * d + e) * g,
        a * d * flip * h, b * c * h, 0.0, (-0.5 * b * c - 0.5 * a * d * flip + f) * h,
        0.0, 0.0, a * g, 0.0,
        0.0, 0.0, 0.0, 1.0,
    ]  # fmt: skip


# Port of GetValueRangeTransformation() in image_to_tensor_utils.cc
def get_value_range_transformation(
    from_range_min: float, from_range_max: float, to_range_min: float, to_range_max: float
) -> tuple[float, float]:
    """(scale, offset) with to = from * scale + offset."""
    if not from_range_min < from_range_max:
        raise ValueError("Invalid FROM range: min >= max.")
    if not to_range_min < to_range_max:
        raise ValueError("Invalid TO range: min >= max.")
    scale = (to_range_max - to_range_min) / (from_range_max - from_range_min)
    return scale, to_range_min - from_range_min * scale


# Same geometry as GetRotatedSubRectToRectTransformMatrix, in pixels of output and source.
def roi_to_affine(
    roi: RotatedRect, output_width: int, output_height: int, flip_horizontally: bool = False
) -> Affine:
    """Affine from output continuous pixel coords to source continuous pixel coords."""
    flip = -1.0 if flip_horizontally else 1.0
    c = math.cos(roi.rotation)
    s = math.sin(roi.rotation)
    w = roi.width
    h = roi.height
    return (
        w * c * flip / output_width,
        -h * s / output_height,
        -0.5 * w * c * flip + 0.5 * h * s + roi.center_x,
        w * s * flip / output_width,
        h * c / output_height,
        -0.5 * h * c - 0.5 * w * s * flip + roi.center_y,
    )


def _lu_solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting in doubles (OpenCV's LUImpl, DECOMP_LU)."""
    n = len(b)
    for i in range(n):
        k = max(range(i, n), key=lambda r: abs(a[r][i]))
        if k != i:
            a[i], a[k] = a[k], a[i]
            b[i], b[k] = b[k], b[i]
        d = -1.0 / a[i][i]
        for j in range(i + 1, n):
            alpha = a[j][i] * d
            row_i, row_j = a[i], a[j]
            for m in range(i + 1, n):
                row_j[m] += alpha * row_i[m]
            b[j] += alpha * b[i]
    for i in range(n - 1, -1, -1):
        s = b[i]
        for m in range(i + 1, n):
            s -= a[i][m] * b[m]
        b[i] = s / a[i][i]
    return b


# Port of OpenCvProcessor::Convert's matrix (image_to_tensor_converter_opencv.cc): float32
# cv::RotatedRect -> cv::boxPoints -> cv::getPerspectiveTransform -> cv::invert, the 3x3 that
# cv::warpPerspective samples with. The float32 corners move it by ~1e-5 px and its perspective
# row is (~1e-10, ~1e-10, 1 + ~1e-8): enough to flip the 1/32-pixel rounding of a few samples
# per crop, which the tracking loop carries into the next ROI.
def opencv_roi_matrix(roi: RotatedRect, output_width: int, output_height: int) -> Matrix3:
    """Row-major 3x3 mapping output pixel indices to source pixel indices (OpenCV's pixel
    centres), computed as MediaPipe's CPU converter does (no flip)."""
    cx, cy = f32(roi.center_x), f32(roi.center_y)
    w, h = f32(roi.width), f32(roi.height)
    # cv::RotatedRect(..., roi.rotation * 180.f / M_PI): float product, double quotient, float
    angle = f32(f32(f32(roi.rotation) * 180.0) / math.pi)
    # RotatedRect::points (core/src/types.cpp): double angle, float everything else
    rad = angle * math.pi / 180.0
    bb = f32(f32(math.cos(rad)) * 0.5)
    aa = f32(f32(math.sin(rad)) * 0.5)
    p0x = f32(f32(cx - f32(aa * h)) - f32(bb * w))
    p0y = f32(f32(cy + f32(bb * h)) - f32(aa * w))
    p1x = f32(f32(cx + f32(aa * h)) - f32(bb * w))
    p1y = f32(f32(cy - f32(bb * h)) - f32(aa * w))
    p2x, p2y = f32(f32(2 * cx) - p0x), f32(f32(2 * cy) - p0y)
    p3x, p3y = f32(f32(2 * cx) - p1x), f32(f32(2 * cy) - p1y)
    src = ((p0x, p0y), (p1x, p1y), (p2x, p2y), (p3x, p3y))
    ow, oh = float(output_width), float(output_height)
    dst = ((0.0, oh), (0.0, 0.0), (ow, 0.0), (ow, oh))
    # cv::getPerspectiveTransform (imgwarp.cpp): 8x8 system in doubles from float products
    a = [[0.0] * 8 for _ in range(8)]
    b = [0.0] * 8
    for i, ((sx, sy), (dx, dy)) in enumerate(zip(src, dst, strict=True)):
        a[i][0] = a[i + 4][3] = sx
        a[i][1] = a[i + 4][4] = sy
        a[i][2] = a[i + 4][5] = 1.0
        a[i][6] = f32(-sx * dx)
        a[i][7] = f32(-sy * dx)
        a[i + 4][6] = f32(-sx * dy)
        a[i + 4][7] = f32(-sy * dy)
        b[i], b[i + 4] = dx, dy
    m = [*_lu_solve(a, b), 1.0]
    # cv::invert (lapack.cpp: 3x3 with DECOMP_LU is the explicit adjugate / det3)
    det = (m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
           + m[2] * (m[3] * m[7] - m[4] * m[6]))
    d = 1.0 / det
    return ((m[4] * m[8] - m[5] * m[7]) * d, (m[2] * m[7] - m[1] * m[8]) * d,
            (m[1] * m[5] - m[2] * m[4]) * d, (m[5] * m[6] - m[3] * m[8]) * d,
            (m[0] * m[8] - m[2] * m[6]) * d, (m[2] * m[3] - m[0] * m[5]) * d,
            (m[3] * m[7] - m[4] * m[6]) * d, (m[1] * m[6] - m[0] * m[7]) * d,
            (m[0] * m[4] - m[1] * m[3]) * d)


def matrix_to_affine(m: Matrix3) -> Affine:
    """The affine part of an OpenCV crop matrix (perspective row divided out): corner points map
    to corner points, so it is in roi_to_affine's convention as is."""
    i8 = m[8]
    return (m[0] / i8, m[1] / i8, m[2] / i8, m[3] / i8, m[4] / i8, m[5] / i8)


# GetRoi() + PadRoi() (image_to_tensor_utils.cc) in float32, as the CPU converter gets them
def _get_pad_roi_f32(input_width: int, input_height: int, tensor_width: int,
                     tensor_height: int, norm_rect: NormalizedRect | None,
                     keep_aspect_ratio: bool) -> tuple[RotatedRect, Padding]:
    if norm_rect is None:
        cx, cy = 0.5 * input_width, 0.5 * input_height
        w, h, rotation = float(input_width), float(input_height), 0.0
    else:
        cx = f32(f32(norm_rect.x_center) * input_width)
        cy = f32(f32(norm_rect.y_center) * input_height)
        w = f32(f32(norm_rect.width) * input_width)
        h = f32(f32(norm_rect.height) * input_height)
        rotation = f32(norm_rect.rotation)
    vertical = horizontal = 0.0
    if keep_aspect_ratio:
        tensor_aspect = f32(tensor_height / tensor_width)
        roi_aspect = f32(h / w)
        if tensor_aspect > roi_aspect:
            h = f32(w * tensor_aspect)
            vertical = f32(f32(1.0 - f32(roi_aspect / tensor_aspect)) / 2.0)
        else:
            w = f32(h / tensor_aspect)
            horizontal = f32(f32(1.0 - f32(tensor_aspect / roi_aspect)) / 2.0)
    return RotatedRect(cx, cy, w, h, rotation), (horizontal, vertical, horizontal, vertical)


@dataclass(frozen=True)
class ImageToTensorTransform:
    """What ImageToTensorCalculator computes besides the pixels."""

    affine: Affine  # output px -> source px (see module docstring)
    letterbox_padding: Padding  # LETTERBOX_PADDING output (left, top, right, bottom)
    roi: RotatedRect  # padded ROI in source pixels
    matrix: list[float]  # MATRIX output: 4x4, normalised crop -> normalised image
    # cv::warpPerspective's 3x3 (output pixel -> source pixel), None when flipped
    opencv_matrix: Matrix3 | None = None


# Port of ImageToTensorCalculator::Process geometry (GetRoi + PadRoi + MATRIX output)
def image_to_tensor_transform(
    image_width: int,
    image_height: int,
    output_tensor_width: int,
    output_tensor_height: int,
    norm_rect: NormalizedRect | None = None,
    keep_aspect_ratio: bool = False,
    flip_horizontally: bool = False,
) -> ImageToTensorTransform:
    roi = get_roi(image_width, image_height, norm_rect)
    if math.isnan(roi.center_x + roi.center_y + roi.width + roi.height + roi.rotation):
        raise ValueError("ROI contains NaN values.")
    if roi.width <= 0 or roi.height <= 0:
        raise ValueError("ROI width and height must be > 0.")
    roi, padding = pad_roi(output_tensor_width, output_tensor_height, keep_aspect_ratio, roi)
    opencv: Matrix3 | None = None
    if flip_horizontally:
        affine = roi_to_affine(roi, output_tensor_width, output_tensor_height, True)
    else:
        # MediaPipe's CPU converter computes GetRoi/PadRoi in float and the crop matrix from
        # float32 corners (OpenCvProcessor::Convert)
        roi32, padding = _get_pad_roi_f32(image_width, image_height, output_tensor_width,
                                          output_tensor_height, norm_rect, keep_aspect_ratio)
        opencv = opencv_roi_matrix(roi32, output_tensor_width, output_tensor_height)
        affine = matrix_to_affine(opencv)
    return ImageToTensorTransform(
        affine=affine,
        opencv_matrix=opencv,
        letterbox_padding=padding,
        roi=roi,
        matrix=get_rotated_sub_rect_to_rect_transform_matrix(
            roi, image_width, image_height, flip_horizontally
        ),
    )
