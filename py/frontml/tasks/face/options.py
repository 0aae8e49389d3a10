"""Options of the face task (names follow MediaPipe's FaceLandmarker / legacy FaceMesh)."""

from __future__ import annotations

from dataclasses import dataclass

from frontml.tasks.core.options import RUNNING_MODES, LandmarkerOptions, check_choice, check_int

DETECTORS = ("short", "full")


@dataclass(frozen=True)
class FaceOptions(LandmarkerOptions):
    """How the face task runs (plus the fields of `LandmarkerOptions` / `TaskOptions`).

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

    def validate(self) -> None:
        check_choice("detector", self.detector, DETECTORS)
        check_int("num_faces", self.num_faces, 1)


__all__ = ["DETECTORS", "RUNNING_MODES", "FaceOptions"]
