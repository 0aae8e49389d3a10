"""Pure-Python ports of MediaPipe calculators (and the tfjs-models MoveNet tracker).

Generic ports only: each task's graph options (detector presets, ROI subgraphs, landmark
tensors, smoothing) live in `frontml/tasks/<task>/constants.py`.

Stdlib only, so the same code runs in Pyodide and CPython. One small module per calculator,
in the style of tfjs-models pose-detection/src/calculators.
"""

from frontml.calculators.association_norm_rect import associate, rect_iou, usable_roi
from frontml.calculators.detection_letterbox import (
    letterbox_padding,
    remove_detection_letterbox,
    remove_landmark_letterbox,
)
from frontml.calculators.detections_to_rects import (
    DetectionsToRectsCalculatorOptions,
    DetectionToRoiPreset,
    alignment_points_to_rect,
    compute_rotation,
    detection_to_rect,
    detection_to_roi,
    detections_to_rects,
)
from frontml.calculators.detector_preset import DetectorPreset
from frontml.calculators.filters import (
    LandmarksSmoothing,
    LowPassFilter,
    OneEuroFilter,
    OneEuroFilterOptions,
    RelativeVelocityFilter,
    VelocityFilterOptions,
    VisibilitySmoothing,
    get_object_scale,
    get_object_scale_from_roi,
)
from frontml.calculators.image_to_tensor import (
    ImageToTensorTransform,
    get_roi,
    get_rotated_sub_rect_to_rect_transform_matrix,
    get_value_range_transformation,
    image_to_tensor_transform,
    pad_roi,
    roi_to_affine,
)
from frontml.calculators.landmarks import (
    TensorsToLandmarksCalculatorOptions,
    landmark_projection,
    landmarks_to_detection,
    project_landmarks_with_matrix,
    tensors_to_landmarks,
    tensors_to_normalized_landmarks,
    world_landmark_projection,
)
from frontml.calculators.movenet_tracker import (
    DEFAULT_BOUNDING_BOX_TRACKER_CONFIG,
    DEFAULT_KEYPOINT_TRACKER_CONFIG,
    BoundingBox,
    BoundingBoxTracker,
    Keypoint,
    KeypointTracker,
    KeypointTrackerParams,
    Track,
    TrackedPose,
    Tracker,
    TrackerConfig,
)
from frontml.calculators.non_max_suppression import (
    NonMaxSuppressionCalculatorOptions,
    non_max_suppression,
    overlap_similarity,
)
from frontml.calculators.rect_transformation import (
    RectTransformationCalculatorOptions,
    normalize_radians,
    transform_normalized_rect,
    transform_rect,
)
from frontml.calculators.ssd_anchors import (
    SsdAnchorsCalculatorOptions,
    generate_anchors,
)
from frontml.calculators.tensors_to_detections import (
    TensorsToDetectionsCalculator,
    TensorsToDetectionsCalculatorOptions,
    tensors_to_detections,
)
from frontml.calculators.types import (
    Affine,
    Anchor,
    Detection,
    Landmark,
    NormalizedRect,
    Padding,
    RotatedRect,
    apply_affine,
    invert_affine,
)

__all__ = [
    "DEFAULT_BOUNDING_BOX_TRACKER_CONFIG",
    "DEFAULT_KEYPOINT_TRACKER_CONFIG",
    "Affine",
    "Anchor",
    "BoundingBox",
    "BoundingBoxTracker",
    "Detection",
    "DetectionToRoiPreset",
    "DetectionsToRectsCalculatorOptions",
    "DetectorPreset",
    "ImageToTensorTransform",
    "Keypoint",
    "KeypointTracker",
    "KeypointTrackerParams",
    "Landmark",
    "LandmarksSmoothing",
    "LowPassFilter",
    "NonMaxSuppressionCalculatorOptions",
    "NormalizedRect",
    "OneEuroFilter",
    "OneEuroFilterOptions",
    "Padding",
    "RectTransformationCalculatorOptions",
    "RelativeVelocityFilter",
    "RotatedRect",
    "SsdAnchorsCalculatorOptions",
    "TensorsToDetectionsCalculator",
    "TensorsToDetectionsCalculatorOptions",
    "TensorsToLandmarksCalculatorOptions",
    "Track",
    "TrackedPose",
    "Tracker",
    "TrackerConfig",
    "VelocityFilterOptions",
    "VisibilitySmoothing",
    "alignment_points_to_rect",
    "apply_affine",
    "associate",
    "compute_rotation",
    "detection_to_rect",
    "detection_to_roi",
    "detections_to_rects",
    "generate_anchors",
    "get_object_scale",
    "get_object_scale_from_roi",
    "get_roi",
    "get_rotated_sub_rect_to_rect_transform_matrix",
    "get_value_range_transformation",
    "image_to_tensor_transform",
    "invert_affine",
    "landmark_projection",
    "landmarks_to_detection",
    "letterbox_padding",
    "non_max_suppression",
    "normalize_radians",
    "overlap_similarity",
    "pad_roi",
    "project_landmarks_with_matrix",
    "rect_iou",
    "remove_detection_letterbox",
    "remove_landmark_letterbox",
    "roi_to_affine",
    "tensors_to_detections",
    "tensors_to_landmarks",
    "tensors_to_normalized_landmarks",
    "transform_normalized_rect",
    "transform_rect",
    "usable_roi",
    "world_landmark_projection",
]
