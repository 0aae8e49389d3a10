"""Options of the pose task (names follow MediaPipe's PoseLandmarker / tfjs pose-detection)."""

from __future__ import annotations

from dataclasses import dataclass

from frontml.tasks.core.options import (
    RUNNING_MODES,
    LandmarkerOptions,
    check_choice,
    check_int,
    check_unit,
)

BLAZEPOSE_MODELS = ("lite", "full", "heavy")
MOVENET_MODELS = ("movenet", "movenet_lightning", "movenet_thunder")  # movenet = MultiPose
MOVENET_MAX_POSES = 6  # MultiPose returns at most 6 people
TRACKER_TYPES = ("bounding_box", "keypoint")


@dataclass(frozen=True)
class PoseOptions(LandmarkerOptions):
    """How the pose task runs (plus the fields of `LandmarkerOptions` / `TaskOptions`).

    model: "lite" | "full" | "heavy" (BlazePose), or "movenet" (MultiPose, up to 6 people,
        17 keypoints, tracking ids), "movenet_lightning" | "movenet_thunder" (single person).
    running_mode: "video" tracks the pose ROI from frame to frame (the detector runs only when
        tracking is lost) and smooths landmarks; "image" detects on every call, no smoothing.
    num_poses: at most this many poses per frame (MoveNet MultiPose: 1..6).
    min_detection_confidence: detector score threshold (the legacy solution's
        min_detection_confidence, i.e. TensorsToDetectionsCalculator.min_score_thresh).
    min_presence_confidence: landmark model pose flag needed to accept a pose found from a
        fresh detection.
    min_tracking_confidence: pose flag needed to keep tracking a pose from the previous frame's
        landmarks (below it the detector runs again on the next frame); also the IoU above which
        a new detection is considered the same person as a tracked pose.
    smooth_landmarks: One-Euro smoothing of landmarks / world landmarks in video mode.
    output_mask: also return the person segmentation mask (BlazePose; ROI space, `Pose.mask`).
    MoveNet only (tfjs MoveNetModelConfig / MoveNetEstimationConfig):
    min_pose_score: people below this score are dropped (tfjs minPoseScore).
    min_keypoint_score: keypoints below it are left out of boxes and drawings.
    enable_tracking: MultiPose tracking ids across frames (video mode).
    tracker_type: "bounding_box" or "keypoint" (tfjs TrackerType).
    """

    model: str = "full"
    num_poses: int = 1
    output_mask: bool = False
    min_pose_score: float = 0.25
    min_keypoint_score: float = 0.3
    enable_tracking: bool = True
    tracker_type: str = "bounding_box"

    def validate(self) -> None:
        check_choice("model", self.model, BLAZEPOSE_MODELS + MOVENET_MODELS)
        check_int("num_poses", self.num_poses, 1,
                  MOVENET_MAX_POSES if self.model in MOVENET_MODELS else None)
        check_unit("min_pose_score", self.min_pose_score)
        check_unit("min_keypoint_score", self.min_keypoint_score)
        check_choice("tracker_type", self.tracker_type, TRACKER_TYPES)


__all__ = ["BLAZEPOSE_MODELS", "MOVENET_MAX_POSES", "MOVENET_MODELS", "RUNNING_MODES",
           "TRACKER_TYPES", "PoseOptions"]
