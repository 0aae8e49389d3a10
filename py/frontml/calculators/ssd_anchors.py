"""SSD anchor generation.

Port of mediapipe/calculators/tflite/ssd_anchors_calculator.cc (+ .proto), with the
SsdAnchorsCalculator / TensorsToDetectionsCalculator options of MediaPipe's detector graphs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from frontml.calculators.non_max_suppression import NonMaxSuppressionCalculatorOptions
from frontml.calculators.tensors_to_detections import TensorsToDetectionsCalculatorOptions


# Port of mediapipe/framework/formats/object_detection/anchor.proto
@dataclass(slots=True, frozen=True)
class Anchor:
    x_center: float
    y_center: float
    w: float
    h: float


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
        for y in range(feature_map_height):
            y_center = (y + o.anchor_offset_y) / feature_map_height
            for x in range(feature_map_width):
                x_center = (x + o.anchor_offset_x) / feature_map_width
                for anchor_id in range(n):
                    if o.fixed_anchor_size:
                        anchors.append(Anchor(x_center, y_center, 1.0, 1.0))
                    else:
                        w = anchor_width[anchor_id]
                        anchors.append(Anchor(x_center, y_center, w, anchor_height[anchor_id]))
        layer_id = last_same_stride_layer
    return anchors


@dataclass(frozen=True)
class DetectorPreset:
    """Everything a MediaPipe SSD detector graph configures after inference."""

    name: str
    anchors: SsdAnchorsCalculatorOptions
    decoding: TensorsToDetectionsCalculatorOptions
    nms: NonMaxSuppressionCalculatorOptions
    input_width: int
    input_height: int
    # ImageToTensorCalculator: keep_aspect_ratio (letterbox) and output_tensor_float_range.
    keep_aspect_ratio: bool
    float_range: tuple[float, float]


# From mediapipe/modules/pose_detection/pose_detection_cpu.pbtxt
POSE_DETECTION = DetectorPreset(
    name="pose_detection",
    anchors=SsdAnchorsCalculatorOptions(
        num_layers=5,
        min_scale=0.1484375,
        max_scale=0.75,
        input_size_height=224,
        input_size_width=224,
        anchor_offset_x=0.5,
        anchor_offset_y=0.5,
        strides=(8, 16, 32, 32, 32),
        aspect_ratios=(1.0,),
        fixed_anchor_size=True,
    ),
    decoding=TensorsToDetectionsCalculatorOptions(
        num_classes=1,
        num_boxes=2254,
        num_coords=12,
        box_coord_offset=0,
        keypoint_coord_offset=4,
        num_keypoints=4,
        num_values_per_keypoint=2,
        sigmoid_score=True,
        score_clipping_thresh=100.0,
        reverse_output_order=True,
        x_scale=224.0,
        y_scale=224.0,
        h_scale=224.0,
        w_scale=224.0,
        min_score_thresh=0.2,
    ),
    nms=NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.3, overlap_type="INTERSECTION_OVER_UNION", algorithm="WEIGHTED"
    ),
    input_width=224,
    input_height=224,
    keep_aspect_ratio=True,
    float_range=(-1.0, 1.0),
)

# From mediapipe/modules/face_detection/face_detection_short_range.pbtxt + face_detection.pbtxt
FACE_DETECTION_SHORT_RANGE = DetectorPreset(
    name="face_detection_short_range",
    anchors=SsdAnchorsCalculatorOptions(
        num_layers=4,
        min_scale=0.1484375,
        max_scale=0.75,
        input_size_height=128,
        input_size_width=128,
        anchor_offset_x=0.5,
        anchor_offset_y=0.5,
        strides=(8, 16, 16, 16),
        aspect_ratios=(1.0,),
        fixed_anchor_size=True,
        interpolated_scale_aspect_ratio=1.0,
    ),
    decoding=TensorsToDetectionsCalculatorOptions(
        num_classes=1,
        num_boxes=896,
        num_coords=16,
        box_coord_offset=0,
        keypoint_coord_offset=4,
        num_keypoints=6,
        num_values_per_keypoint=2,
        sigmoid_score=True,
        score_clipping_thresh=100.0,
        reverse_output_order=True,
        x_scale=128.0,
        y_scale=128.0,
        h_scale=128.0,
        w_scale=128.0,
        min_score_thresh=0.5,
    ),
    nms=NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.3, overlap_type="INTERSECTION_OVER_UNION", algorithm="WEIGHTED"
    ),
    input_width=128,
    input_height=128,
    keep_aspect_ratio=True,
    float_range=(-1.0, 1.0),
)

# From mediapipe/modules/face_detection/face_detection_full_range.pbtxt + face_detection.pbtxt
FACE_DETECTION_FULL_RANGE = DetectorPreset(
    name="face_detection_full_range",
    anchors=SsdAnchorsCalculatorOptions(
        num_layers=1,
        min_scale=0.1484375,
        max_scale=0.75,
        input_size_height=192,
        input_size_width=192,
        anchor_offset_x=0.5,
        anchor_offset_y=0.5,
        strides=(4,),
        aspect_ratios=(1.0,),
        fixed_anchor_size=True,
        interpolated_scale_aspect_ratio=0.0,
    ),
    decoding=TensorsToDetectionsCalculatorOptions(
        num_classes=1,
        num_boxes=2304,
        num_coords=16,
        box_coord_offset=0,
        keypoint_coord_offset=4,
        num_keypoints=6,
        num_values_per_keypoint=2,
        sigmoid_score=True,
        score_clipping_thresh=100.0,
        reverse_output_order=True,
        x_scale=192.0,
        y_scale=192.0,
        h_scale=192.0,
        w_scale=192.0,
        min_score_thresh=0.6,
    ),
    nms=NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.3, overlap_type="INTERSECTION_OVER_UNION", algorithm="WEIGHTED"
    ),
    input_width=192,
    input_height=192,
    keep_aspect_ratio=True,
    float_range=(-1.0, 1.0),
)

# From mediapipe/modules/palm_detection/palm_detection_cpu.pbtxt
PALM_DETECTION = DetectorPreset(
    name="palm_detection",
    anchors=SsdAnchorsCalculatorOptions(
        num_layers=4,
        min_scale=0.1484375,
        max_scale=0.75,
        input_size_width=192,
        input_size_height=192,
        anchor_offset_x=0.5,
        anchor_offset_y=0.5,
        strides=(8, 16, 16, 16),
        aspect_ratios=(1.0,),
        fixed_anchor_size=True,
    ),
    decoding=TensorsToDetectionsCalculatorOptions(
        num_classes=1,
        num_boxes=2016,
        num_coords=18,
        box_coord_offset=0,
        keypoint_coord_offset=4,
        num_keypoints=7,
        num_values_per_keypoint=2,
        sigmoid_score=True,
        score_clipping_thresh=100.0,
        reverse_output_order=True,
        x_scale=192.0,
        y_scale=192.0,
        w_scale=192.0,
        h_scale=192.0,
        min_score_thresh=0.5,
    ),
    nms=NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.3, overlap_type="INTERSECTION_OVER_UNION", algorithm="WEIGHTED"
    ),
    input_width=192,
    input_height=192,
    keep_aspect_ratio=True,
    float_range=(0.0, 1.0),
)

# From mediapipe/modules/objectron/object_detection_oid_v4_cpu.pbtxt (SSD MobileNetV2, OIDv4).
# That graph stretches the image to 300x300 (no letterbox) and feeds TfLiteConverterCalculator
# (default float range [-1, 1]); NMS is DEFAULT with max_num_detections 1.
OBJECTRON_SSD_MOBILENETV2_OIDV4 = DetectorPreset(
    name="objectron_ssd_mobilenetv2_oidv4",
    anchors=SsdAnchorsCalculatorOptions(
        num_layers=6,
        min_scale=0.2,
        max_scale=0.95,
        input_size_height=300,
        input_size_width=300,
        anchor_offset_x=0.5,
        anchor_offset_y=0.5,
        strides=(16, 32, 64, 128, 256, 512),
        aspect_ratios=(1.0, 2.0, 0.5, 3.0, 0.3333),
        reduce_boxes_in_lowest_layer=True,
    ),
    decoding=TensorsToDetectionsCalculatorOptions(
        num_classes=195,
        num_boxes=1917,
        num_coords=4,
        ignore_classes=(0,),
        sigmoid_score=True,
        apply_exponential_on_box_size=True,
        x_scale=10.0,
        y_scale=10.0,
        h_scale=5.0,
        w_scale=5.0,
        min_score_thresh=0.6,
    ),
    nms=NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.4,
        max_num_detections=1,
        overlap_type="INTERSECTION_OVER_UNION",
        return_empty_detections=True,
    ),
    input_width=300,
    input_height=300,
    keep_aspect_ratio=False,
    float_range=(-1.0, 1.0),
)

DETECTOR_PRESETS: dict[str, DetectorPreset] = {
    p.name: p
    for p in (
        POSE_DETECTION,
        FACE_DETECTION_SHORT_RANGE,
        FACE_DETECTION_FULL_RANGE,
        PALM_DETECTION,
        OBJECTRON_SSD_MOBILENETV2_OIDV4,
    )
}
