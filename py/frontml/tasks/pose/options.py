"""Options of the pose task (names follow MediaPipe's PoseLandmarker / tfjs pose-detection)."""

from __future__ import annotations

from dataclasses import dataclass

BLAZEPOSE_MODELS = ("lite", "full", "heavy")
MOVENET_MODELS = ("movenet", "movenet_lightning", "movenet_thunder")  # movenet = MultiPose
RUNNING_MODES = ("image", "video")


@dataclass(frozen=True)
class PoseOptions:
    """How the pose task runs.

    model: "lite" | "full" | "heavy" (BlazePose), or "movenet" (MultiPose, up to 6 people,
        17 keypoints, tracking ids), "movenet_lightning" | "movenet_thunder" (single person).
    running_mode: "video" tracks the pose ROI from frame to frame (the detector runs only when
        tracking is lost) and smooths landmarks; "image" detects on every call, no smoothing.
    num_poses: at most this many poses per frame.
    min_detection_confidence: detector score threshold (the legacy solution's
        min_detection_confidence, i.e. TensorsToDetectionsCalculator.min_score_thresh).
    min_presence_confidence: landmark model pose flag needed to accept a pose found from a
        fresh detection.
    min_tracking_confidence: pose flag needed to keep tracking a pose from the previous frame's
        landmarks (below it the detector runs again on the next frame); also the IoU above which
        a new detection is considered the same person as a tracked pose.
    smooth_landmarks: One-Euro smoothing of landmarks / world landmarks in video mode.
    output_mask: also return the person segmentation mask (ROI space, see `Pose.mask`).
    provider: onnxruntime-web execution provider in the page ("wasm" | "webgl" | "webgpu").
    """

    model: str = "full"
    running_mode: str = "video"
    num_poses: int = 1
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    smooth_landmarks: bool = True
    output_mask: bool = False
    provider: str = "wasm"

    def __post_init__(self) -> None:
        if self.running_mode not in RUNNING_MODES:
            raise ValueError(
                f"running_mode must be one of {RUNNING_MODES}, got {self.running_mode!r}"
            )
        if not isinstance(self.num_poses, int) or self.num_poses < 1:
            raise ValueError(f"num_poses must be an integer >= 1, got {self.num_poses!r}")
        for name in ("min_detection_confidence", "min_presence_confidence",
                     "min_tracking_confidence"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value!r}")
