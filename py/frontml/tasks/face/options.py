"""Options of the face task (names follow MediaPipe's FaceLandmarker / legacy FaceMesh)."""

from __future__ import annotations

from dataclasses import dataclass

DETECTORS = ("short", "full")
RUNNING_MODES = ("image", "video")


@dataclass(frozen=True)
class FaceOptions:
    """How the face task runs.

    detector: "short" (BlazeFace short range, 128x128, faces within ~2 m: MediaPipe's FaceMesh
        default) or "full" (full range, 192x192, smaller / farther faces).
    num_faces: at most this many faces per frame.
    refine_landmarks: also run the iris model on both eyes and append 10 iris landmarks
        (468..472 around mesh points 33/133, 473..477 around 362/263), 478 in all, as MediaPipe's
        refine_landmarks topology.
    running_mode: "video" tracks each face's ROI from the previous frame's landmarks (the
        detector runs only while fewer than num_faces are tracked) and smooths landmarks;
        "image" detects on every call.
    min_detection_confidence: face detector score threshold.
    min_presence_confidence: face-flag probability needed to accept a face from a detection.
    min_tracking_confidence: face-flag probability needed to keep tracking a face (MediaPipe's
        FaceMesh ThresholdingCalculator); also the IoU above which a new detection is the same
        face as a tracked one.
    smooth_landmarks: One-Euro smoothing of landmarks in video mode.
    provider: onnxruntime-web execution provider in the page ("wasm" | "webgl" | "webgpu").
    """

    detector: str = "short"
    num_faces: int = 1
    refine_landmarks: bool = False
    running_mode: str = "video"
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    smooth_landmarks: bool = True
    provider: str = "wasm"

    def __post_init__(self) -> None:
        if self.detector not in DETECTORS:
            raise ValueError(f"detector must be one of {DETECTORS}, got {self.detector!r}")
        if self.running_mode not in RUNNING_MODES:
            raise ValueError(
                f"running_mode must be one of {RUNNING_MODES}, got {self.running_mode!r}"
            )
        if not isinstance(self.num_faces, int) or self.num_faces < 1:
            raise ValueError(f"num_faces must be an integer >= 1, got {self.num_faces!r}")
        for name in ("min_detection_confidence", "min_presence_confidence",
                     "min_tracking_confidence"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value!r}")
