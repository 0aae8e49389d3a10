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

from frontml.calculators.types import Affine, NormalizedRect, Padding, RotatedRect


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


@dataclass(frozen=True)
class ImageToTensorTransform:
    """What ImageToTensorCalculator computes besides the pixels."""

    affine: Affine  # output px -> source px (see module docstring)
    letterbox_padding: Padding  # LETTERBOX_PADDING output (left, top, right, bottom)
    roi: RotatedRect  # padded ROI in source pixels
    matrix: list[float]  # MATRIX output: 4x4, normalised crop -> normalised image


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
    return ImageToTensorTransform(
        affine=roi_to_affine(roi, output_tensor_width, output_tensor_height, flip_horizontally),
        letterbox_padding=padding,
        roi=roi,
        matrix=get_rotated_sub_rect_to_rect_transform_matrix(
            roi, image_width, image_height, flip_horizontally
        ),
    )
