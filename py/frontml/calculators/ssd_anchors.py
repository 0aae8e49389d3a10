"""SSD anchor generation.

Port of mediapipe/calculators/tflite/ssd_anchors_calculator.cc (+ .proto). The options of each
detector graph live with its task (`frontml/tasks/<task>/constants.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from frontml.calculators.float32 import f32
from frontml.calculators.types import Anchor


# Port of mediapipe/calculators/tflite/ssd_anchors_calculator.proto
@dataclass(frozen=True)
class SsdAnchorsCalculatorOptions:
    input_size_width: int
    input_size_height: int
    min_scale: float
    max_scale: float
    anchor_offset_x: float = 0.5
    anchor_offset_y: float = 0.5
    num_layers: int = 0
    feature_map_width: tuple[int, ...] = ()
    feature_map_height: tuple[int, ...] = ()
    strides: tuple[int, ...] = ()
    aspect_ratios: tuple[float, ...] = ()
    reduce_boxes_in_lowest_layer: bool = False
    interpolated_scale_aspect_ratio: float = 1.0
    fixed_anchor_size: bool = False


# Port of CalculateScale() in ssd_anchors_calculator.cc
def calculate_scale(
    min_scale: float, max_scale: float, stride_index: int, num_strides: int
) -> float:
    if num_strides == 1:
        return (min_scale + max_scale) * 0.5
    return min_scale + (max_scale - min_scale) * stride_index / (num_strides - 1.0)


# Port of SsdAnchorsCalculator::GenerateAnchors (non-multiscale path)
def generate_anchors(options: SsdAnchorsCalculatorOptions) -> list[Anchor]:
    """Returns the anchors in the order the SSD model emits its boxes."""
    o = options
    if not o.feature_map_height and not o.strides:
        raise ValueError("Both feature map shape and strides are missing. Must provide either one.")
    if o.feature_map_height:
        if len(o.feature_map_height) != o.num_layers or len(o.feature_map_width) != o.num_layers:
            raise ValueError("feature_map_height/width must have num_layers entries")
    elif len(o.strides) != o.num_layers:
        raise ValueError("strides must have num_layers entries")

    anchors: list[Anchor] = []
    layer_id = 0
    num_strides = len(o.strides)
    while layer_id < o.num_layers:
        anchor_height: list[float] = []
        anchor_width: list[float] = []
        aspect_ratios: list[float] = []
        scales: list[float] = []

        # For same strides, we merge the anchors in the same order.
        last_same_stride_layer = layer_id
        while (
            last_same_stride_layer < num_strides
            and o.strides[last_same_stride_layer] == o.strides[layer_id]
        ):
            scale = calculate_scale(o.min_scale, o.max_scale, last_same_stride_layer, num_strides)
            if last_same_stride_layer == 0 and o.reduce_boxes_in_lowest_layer:
                # For first layer, it can be specified to use predefined anchors.
                aspect_ratios += [1.0, 2.0, 0.5]
                scales += [0.1, scale, scale]
            else:
                for aspect_ratio in o.aspect_ratios:
                    aspect_ratios.append(aspect_ratio)
                    scales.append(scale)
                if o.interpolated_scale_aspect_ratio > 0.0:
                    scale_next = (
                        1.0
                        if last_same_stride_layer == num_strides - 1
                        else calculate_scale(
                            o.min_scale, o.max_scale, last_same_stride_layer + 1, num_strides
                        )
                    )
                    scales.append(math.sqrt(scale * scale_next))
                    aspect_ratios.append(o.interpolated_scale_aspect_ratio)
            last_same_stride_layer += 1
        # Layers without a matching stride entry (feature-map sizes only) still advance.
        last_same_stride_layer = max(last_same_stride_layer, layer_id + 1)

        for ratio, scale in zip(aspect_ratios, scales, strict=True):
            ratio_sqrts = math.sqrt(ratio)
            anchor_height.append(scale / ratio_sqrts)
            anchor_width.append(scale * ratio_sqrts)

        if o.feature_map_height:
            feature_map_height = o.feature_map_height[layer_id]
            feature_map_width = o.feature_map_width[layer_id]
        else:
            stride = o.strides[layer_id]
            feature_map_height = math.ceil(o.input_size_height / stride)
            feature_map_width = math.ceil(o.input_size_width / stride)

        n = len(anchor_height)
        # Anchor is a float proto: the decoder's arithmetic starts from float32 values
        for y in range(feature_map_height):
            y_center = f32((y + o.anchor_offset_y) / feature_map_height)
            for x in range(feature_map_width):
                x_center = f32((x + o.anchor_offset_x) / feature_map_width)
                for anchor_id in range(n):
                    if o.fixed_anchor_size:
                        anchors.append(Anchor(x_center, y_center, 1.0, 1.0))
                    else:
                        w = f32(anchor_width[anchor_id])
                        anchors.append(Anchor(x_center, y_center, w,
                                              f32(anchor_height[anchor_id])))
        layer_id = last_same_stride_layer
    return anchors


__all__ = ["Anchor", "SsdAnchorsCalculatorOptions", "calculate_scale", "generate_anchors"]
