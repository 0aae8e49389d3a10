"""Options of the hands task (names follow MediaPipe's HandLandmarker)."""

from __future__ import annotations

from dataclasses import dataclass

HAND_MODELS = ("lite", "full")
RUNNING_MODES = ("image", "video")
MAX_HANDS = 4


@dataclass(frozen=True)
class HandsOptions:
    """How the hands task runs.

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
    running_mode: str = "video"
    num_hands: int = 2
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    smooth_landmarks: bool = True
    gestures: bool = True
    provider: str = "wasm"

    def __post_init__(self) -> None:
        if self.model not in HAND_MODELS:
            raise ValueError(f"model must be one of {HAND_MODELS}, got {self.model!r}")
        if self.running_mode not in RUNNING_MODES:
            raise ValueError(
                f"running_mode must be one of {RUNNING_MODES}, got {self.running_mode!r}"
            )
        if (not isinstance(self.num_hands, int) or isinstance(self.num_hands, bool)
                or not 1 <= self.num_hands <= MAX_HANDS):
            raise ValueError(f"num_hands must be an integer in 1..{MAX_HANDS}, "
                             f"got {self.num_hands!r}")
        for name in ("min_detection_confidence", "min_presence_confidence",
                     "min_tracking_confidence"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value!r}")
