"""Options of the hands task (names follow MediaPipe's HandLandmarker)."""

from __future__ import annotations

from dataclasses import dataclass

from frontml.tasks.core.options import RUNNING_MODES, LandmarkerOptions, check_choice, check_int

HAND_MODELS = ("lite", "full")
MAX_HANDS = 4


@dataclass(frozen=True)
class HandsOptions(LandmarkerOptions):
    """How the hands task runs (plus the fields of `LandmarkerOptions` / `TaskOptions`).

    model: "lite" | "full" (palm detection + hand landmark model of that size; MediaPipe's
        model_complexity 0 / 1).
    running_mode: "video" tracks each hand's ROI from the previous frame's landmarks (the palm
        detector runs only while fewer than num_hands are tracked) and smooths landmarks;
        "image" detects on every call, no smoothing.
    num_hands: at most this many hands per frame (1..4).
    min_detection_confidence: palm detector score threshold.
    min_presence_confidence: hand flag needed to accept a hand found from a fresh detection.
    min_tracking_confidence: hand flag needed to keep tracking a hand from the previous frame
        (below it the detector runs again); also the IoU above which a new palm detection is
        considered the same hand as a tracked one.
    smooth_landmarks: One-Euro smoothing of landmarks / world landmarks in video mode.
    gestures: classify the built-in gestures (`Hand.gesture`).
    provider: onnxruntime-web execution provider in the page ("wasm" | "webgl" | "webgpu").
    """

    model: str = "full"
    num_hands: int = 2
    gestures: bool = True

    def validate(self) -> None:
        check_choice("model", self.model, HAND_MODELS)
        check_int("num_hands", self.num_hands, 1, MAX_HANDS)


__all__ = ["HAND_MODELS", "MAX_HANDS", "RUNNING_MODES", "HandsOptions"]
