"""BlazePose's graph options (MediaPipe pose_detection / pose_landmark modules): detector preset,
ROI subgraphs, landmark tensors, smoothing."""

from __future__ import annotations

from frontml.calculators.detections_to_rects import (
    DetectionsToRectsCalculatorOptions,
    DetectionToRoiPreset,
)
from frontml.calculators.detector_preset import DetectorPreset
from frontml.calculators.filters import OneEuroFilterOptions, VelocityFilterOptions
from frontml.calculators.landmarks import TensorsToLandmarksCalculatorOptions
from frontml.calculators.non_max_suppression import NonMaxSuppressionCalculatorOptions
from frontml.calculators.rect_transformation import RectTransformationCalculatorOptions
from frontml.calculators.ssd_anchors import SsdAnchorsCalculatorOptions
from frontml.calculators.tensors_to_detections import TensorsToDetectionsCalculatorOptions

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

# From mediapipe/modules/pose_landmark/pose_detection_to_roi.pbtxt
POSE_DETECTION_TO_ROI = DetectionToRoiPreset(
    name="pose_detection_to_roi",
    rects=DetectionsToRectsCalculatorOptions(
        rotation_vector_start_keypoint_index=0,
        rotation_vector_end_keypoint_index=1,
        rotation_vector_target_angle_degrees=90,
    ),
    transformation=RectTransformationCalculatorOptions(
        scale_x=1.25, scale_y=1.25, square_long=True
    ),
    alignment_points=True,
)

# From mediapipe/modules/pose_landmark/tensors_to_pose_landmarks_and_segmentation.pbtxt
POSE_LANDMARKS_OPTIONS = TensorsToLandmarksCalculatorOptions(
    num_landmarks=39,
    input_image_width=256,
    input_image_height=256,
    visibility_activation="SIGMOID",
    presence_activation="SIGMOID",
)

POSE_WORLD_LANDMARKS_OPTIONS = TensorsToLandmarksCalculatorOptions(num_landmarks=39)

# Pose landmark list split: 0..32 are the pose, 33..34 the auxiliary (ROI) landmarks.
POSE_NUM_LANDMARKS = 33

POSE_NUM_AUXILIARY_LANDMARKS = 2

# Options of mediapipe/modules/pose_landmark/pose_landmarks_to_roi.pbtxt
POSE_LANDMARKS_TO_ROI_RECTS = DetectionsToRectsCalculatorOptions(
    rotation_vector_start_keypoint_index=0,
    rotation_vector_end_keypoint_index=1,
    rotation_vector_target_angle_degrees=90,
)

POSE_LANDMARKS_TO_ROI_TRANSFORMATION = RectTransformationCalculatorOptions(
    scale_x=1.25, scale_y=1.25, square_long=True
)

# pose_landmark_filtering.pbtxt (current): landmarks, with OBJECT_SCALE_ROI from aux landmarks
POSE_LANDMARKS_FILTER = OneEuroFilterOptions(min_cutoff=0.05, beta=80.0, derivate_cutoff=1.0)

# pose_landmark_filtering.pbtxt: world landmarks (metres, no value scaling)
POSE_WORLD_LANDMARKS_FILTER = OneEuroFilterOptions(
    min_cutoff=0.1, beta=40.0, derivate_cutoff=1.0, disable_value_scaling=True
)

# pose_landmark_filtering.pbtxt: auxiliary (ROI) landmarks, smoothed heavier
POSE_AUX_LANDMARKS_FILTER = OneEuroFilterOptions(min_cutoff=0.01, beta=10.0, derivate_cutoff=1.0)

# Older pose graphs / LandmarksSmoothingCalculator's documented example: velocity filter.
POSE_LANDMARKS_VELOCITY_FILTER = VelocityFilterOptions(window_size=5, velocity_scale=10.0)

# VisibilitySmoothingCalculator low_pass_filter alpha used by the pose graphs.
POSE_VISIBILITY_ALPHA = 0.1

# RefineLandmarksFromHeatmapCalculator as the pinned mediapipe 0.10.21 wheel runs it: its
# options' proto default kernel_size 9 (the source pbtxt says 7, but on the same model tensors
# 9 reproduces the wheel's landmarks to 0.0002 px and 7 is up to 2.4 px off; measured with
# bench/crop_check.py-style isolation on standing_enter_leave frame 10).
HEATMAP_KERNEL_SIZE = 9

HEATMAP_MIN_CONFIDENCE_TO_REFINE = 0.5
