"""Face mesh graph options (MediaPipe face_detection / face_landmark / iris_landmark modules):
detector presets, ROI subgraphs, landmark tensors, smoothing, eye and mouth index sets."""

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

# From mediapipe/modules/face_landmark/face_detection_front_detection_to_roi.pbtxt
FACE_DETECTION_TO_ROI = DetectionToRoiPreset(
    name="face_detection_to_roi",
    rects=DetectionsToRectsCalculatorOptions(
        rotation_vector_start_keypoint_index=0,  # Left eye.
        rotation_vector_end_keypoint_index=1,  # Right eye.
        rotation_vector_target_angle_degrees=0,
    ),
    transformation=RectTransformationCalculatorOptions(scale_x=1.5, scale_y=1.5, square_long=True),
    alignment_points=False,
)

FACE_NUM_LANDMARKS = 468

FACE_NUM_LANDMARKS_WITH_IRISES = 478

# face_landmark_cpu.pbtxt: TensorsToLandmarksCalculator
FACE_LANDMARKS_OPTIONS = TensorsToLandmarksCalculatorOptions(
    num_landmarks=FACE_NUM_LANDMARKS, input_image_width=192, input_image_height=192
)

# face_landmark_landmarks_to_roi.pbtxt: DetectionsToRects (eye outer corners 33 -> 263, 0 deg)
# + RectTransformation (1.5, square_long)
FACE_LANDMARKS_TO_ROI_RECTS = DetectionsToRectsCalculatorOptions(
    rotation_vector_start_keypoint_index=33,
    rotation_vector_end_keypoint_index=263,
    rotation_vector_target_angle_degrees=0,
)

FACE_LANDMARKS_TO_ROI_TRANSFORMATION = RectTransformationCalculatorOptions(
    scale_x=1.5, scale_y=1.5, square_long=True
)

# iris_tracking_cpu.pbtxt: SplitNormalizedLandmarkListCalculator eye boundary landmarks.
# MediaPipe's "left eye" here is the one at mesh indices 33/133 (image left on an unmirrored
# frontal face, i.e. the subject's right eye); "right eye" is 362/263.
IRIS_LEFT_EYE_BOUNDARY = (33, 133)

IRIS_RIGHT_EYE_BOUNDARY = (362, 263)

# iris_landmark_landmarks_to_roi.pbtxt
IRIS_ROI_RECTS = DetectionsToRectsCalculatorOptions(
    rotation_vector_start_keypoint_index=0,
    rotation_vector_end_keypoint_index=1,
    rotation_vector_target_angle_degrees=0,
)

IRIS_ROI_TRANSFORMATION = RectTransformationCalculatorOptions(
    scale_x=2.3, scale_y=2.3, square_long=True
)

# iris_landmark_cpu.pbtxt: 71 eye contour landmarks + 5 iris landmarks (centre first), 64x64.
IRIS_EYE_CONTOUR_OPTIONS = TensorsToLandmarksCalculatorOptions(
    num_landmarks=71, input_image_width=64, input_image_height=64
)

IRIS_OPTIONS = TensorsToLandmarksCalculatorOptions(
    num_landmarks=5, input_image_width=64, input_image_height=64
)

# Tasks FaceLandmarker (face_landmarks_detector_graph.cc) smoothing in video mode:
# LandmarksSmoothingCalculator, OneEuroFilter, object scale from the ROI.
FACE_LANDMARKS_FILTER = OneEuroFilterOptions(min_cutoff=0.05, beta=80.0, derivate_cutoff=1.0)

# Eye aspect ratio points (p1..p6 of Soukupova & Cech) on the 468 mesh.
RIGHT_EYE_EAR = (33, 160, 158, 133, 153, 144)  # subject's right eye

LEFT_EYE_EAR = (362, 385, 387, 263, 373, 380)  # subject's left eye

# Mouth: inner lip centre (13 upper, 14 lower), corners (78, 308).
MOUTH_INNER = (13, 14)

MOUTH_CORNERS = (78, 308)

BLINK_THRESHOLD = 0.2  # EAR below this = eye closed
