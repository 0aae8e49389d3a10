"""Hand landmarker graph options (MediaPipe palm_detection / hand_landmark modules): detector
preset, ROI subgraphs, landmark tensors, smoothing, palm index set."""

from __future__ import annotations

from frontml.calculators.detections_to_rects import (
    DetectionsToRectsCalculatorOptions,
    DetectionToRoiPreset,
)
from frontml.calculators.detector_preset import DetectorPreset
from frontml.calculators.filters import OneEuroFilterOptions
from frontml.calculators.landmarks import TensorsToLandmarksCalculatorOptions
from frontml.calculators.non_max_suppression import NonMaxSuppressionCalculatorOptions
from frontml.calculators.rect_transformation import RectTransformationCalculatorOptions
from frontml.calculators.ssd_anchors import SsdAnchorsCalculatorOptions
from frontml.calculators.tensors_to_detections import TensorsToDetectionsCalculatorOptions

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

# Palm detection -> hand ROI (wrist centre 0 -> middle finger MCP 2, 90 degrees; expand 2.6,
# shift -0.5, square). Values from RectTransformationCalculator's documented example and the
# hand tracking graph; palm_detection_detection_to_roi.pbtxt itself was not in the index.
PALM_DETECTION_TO_ROI = DetectionToRoiPreset(
    name="palm_detection_to_roi",
    rects=DetectionsToRectsCalculatorOptions(
        rotation_vector_start_keypoint_index=0,
        rotation_vector_end_keypoint_index=2,
        rotation_vector_target_angle_degrees=90,
    ),
    transformation=RectTransformationCalculatorOptions(
        scale_x=2.6, scale_y=2.6, shift_y=-0.5, square_long=True
    ),
    alignment_points=False,
)

HAND_NUM_LANDMARKS = 21

# hand_landmark_cpu.pbtxt: TensorsToLandmarksCalculator (21 landmarks on the 224x224 input).
HAND_LANDMARKS_OPTIONS = TensorsToLandmarksCalculatorOptions(
    num_landmarks=HAND_NUM_LANDMARKS, input_image_width=224, input_image_height=224
)

HAND_WORLD_LANDMARKS_OPTIONS = TensorsToLandmarksCalculatorOptions(num_landmarks=HAND_NUM_LANDMARKS)

# hand_landmark_landmarks_to_roi.pbtxt: SplitNormalizedLandmarkListCalculator ranges
# [0, 4) [5, 7) [9, 11) [13, 15) [17, 19), combined: wrist, thumb CMC/MCP/IP, and the MCP + PIP
# of the four fingers.
HAND_PALM_LANDMARK_INDICES = (0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18)

# hand_landmark_landmarks_to_roi.pbtxt: RectTransformationCalculator after the rect.
HAND_LANDMARKS_TO_ROI_TRANSFORMATION = RectTransformationCalculatorOptions(
    scale_x=2.0, scale_y=2.0, shift_y=-0.1, square_long=True
)

# Tasks HandLandmarker (hand_landmarks_detector_graph.cc): OneEuro smoothing of the image
# landmarks in video mode; world landmarks use a gentler filter.
HAND_LANDMARKS_FILTER = OneEuroFilterOptions(min_cutoff=0.05, beta=80.0, derivate_cutoff=1.0)

HAND_WORLD_LANDMARKS_FILTER = OneEuroFilterOptions(min_cutoff=0.1, beta=40.0, derivate_cutoff=1.0)
