"""BlazePose's tracking subgraphs: PoseLandmarksToRoi (next frame's ROI) and PoseLandmarkFiltering
(smoothing of landmarks, auxiliary and world landmarks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frontml.calculators.detections_to_rects import alignment_points_to_rect
from frontml.calculators.filters import LandmarksSmoothing, VisibilitySmoothing
from frontml.calculators.landmarks import landmarks_to_detection
from frontml.calculators.rect_transformation import transform_normalized_rect
from frontml.calculators.types import Landmark, NormalizedRect
from frontml.tasks.pose.constants import (
    POSE_AUX_LANDMARKS_FILTER,
    POSE_LANDMARKS_FILTER,
    POSE_LANDMARKS_TO_ROI_RECTS,
    POSE_LANDMARKS_TO_ROI_TRANSFORMATION,
    POSE_NUM_AUXILIARY_LANDMARKS,
    POSE_VISIBILITY_ALPHA,
    POSE_WORLD_LANDMARKS_FILTER,
)


# Port of the PoseLandmarksToRoi subgraph (pose_landmarks_to_roi.pbtxt)
def pose_landmarks_to_roi(
    landmarks: Sequence[Landmark], image_width: int, image_height: int
) -> NormalizedRect:
    """ROI for the next frame from pose landmarks.

    Accepts the auxiliary landmarks (2 points) or the full 35/39-landmark list, in which case
    landmarks 33 (centre) and 34 (scale/rotation point) are used.
    """
    aux = landmarks if len(landmarks) == POSE_NUM_AUXILIARY_LANDMARKS else landmarks[33:35]
    detection = landmarks_to_detection(aux)
    raw_roi = alignment_points_to_rect(
        detection, POSE_LANDMARKS_TO_ROI_RECTS, (image_width, image_height)
    )
    return transform_normalized_rect(
        raw_roi, image_width, image_height, POSE_LANDMARKS_TO_ROI_TRANSFORMATION
    )


@dataclass
class PoseFilteringResult:
    landmarks: list[Landmark] | None
    auxiliary_landmarks: list[Landmark] | None
    world_landmarks: list[Landmark] | None


# Port of the PoseLandmarkFiltering subgraph (pose_landmark_filtering.pbtxt)
class PoseLandmarkFiltering:
    """Smooths pose landmarks, auxiliary landmarks and world landmarks like MediaPipe Pose."""

    def __init__(self, enable: bool = True) -> None:
        self.enable = enable
        alpha = POSE_VISIBILITY_ALPHA if enable else None
        self._vis = VisibilitySmoothing(alpha)
        self._lm = LandmarksSmoothing(POSE_LANDMARKS_FILTER if enable else None)
        self._world_vis = VisibilitySmoothing(alpha)
        self._world = LandmarksSmoothing(POSE_WORLD_LANDMARKS_FILTER if enable else None)
        # The auxiliary landmarks are always filtered in the graph (no SwitchContainer).
        self._aux_vis = VisibilitySmoothing(POSE_VISIBILITY_ALPHA)
        self._aux = LandmarksSmoothing(POSE_AUX_LANDMARKS_FILTER)

    def reset(self) -> None:
        for f in (self._vis, self._lm, self._world_vis, self._world, self._aux_vis, self._aux):
            f.reset()

    def apply(
        self,
        timestamp_us: int,
        image_width: int,
        image_height: int,
        landmarks: Sequence[Landmark] | None,
        auxiliary_landmarks: Sequence[Landmark] | None,
        world_landmarks: Sequence[Landmark] | None = None,
    ) -> PoseFilteringResult:
        roi: NormalizedRect | None = None
        if auxiliary_landmarks:
            # LandmarksToDetection + AlignmentPointsRects on the raw aux landmarks -> scale ROI.
            roi = alignment_points_to_rect(
                landmarks_to_detection(auxiliary_landmarks),
                POSE_LANDMARKS_TO_ROI_RECTS,
                (image_width, image_height),
            )
        lms = self._lm.apply(
            self._vis.apply(landmarks), timestamp_us, image_width, image_height, roi
        )
        world = self._world.apply(self._world_vis.apply(world_landmarks), timestamp_us)
        aux = self._aux.apply(
            self._aux_vis.apply(auxiliary_landmarks), timestamp_us, image_width, image_height, roi
        )
        return PoseFilteringResult(lms, aux, world)
