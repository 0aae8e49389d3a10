"""Presets of the detection task: MediaPipe's Objectron SSD (anchors, decoding, NMS)."""

from frontml.calculators.detector_preset import DetectorPreset
from frontml.calculators.non_max_suppression import NonMaxSuppressionCalculatorOptions
from frontml.calculators.ssd_anchors import SsdAnchorsCalculatorOptions
from frontml.calculators.tensors_to_detections import TensorsToDetectionsCalculatorOptions

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
