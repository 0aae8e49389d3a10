"""Options of the segmentation task."""

from __future__ import annotations

from dataclasses import dataclass

from frontml.tasks.core.options import TaskOptions, check_choice

MODELS = ("auto", "general", "landscape", "pose")
EFFECTS = ("none", "blur", "color", "image")
# model="auto": the landscape model (input 256x144, aspect 1.78) for frames wider than this
# aspect, the general one (256x256) otherwise; 4:3 (1.33) cameras get "general", 16:9 "landscape".
LANDSCAPE_MIN_ASPECT = 1.5


@dataclass(frozen=True)
class SegmentationOptions(TaskOptions):
    """How the person segmenter runs and how its mask is post-processed (plus the fields of
    `TaskOptions`).

    model: "general" (selfie segmentation 256x256), "landscape" (144x256, cheaper, for wide
        frames), "auto" (landscape when width/height > LANDSCAPE_MIN_ASPECT), or "pose" (the
        BlazePose person mask of the first pose; empty when there is nobody).
    threshold: probability at which a pixel becomes foreground (hard/soft threshold centre).
    softness: half-width of the soft threshold ramp: alpha = clamp((p - (t - s)) / 2s, 0, 1);
        0 = hard threshold (alpha = p >= t).
    smoothing: temporal smoothing in [0, 1): MediaPipe's SegmentationSmoothingCalculator
        combine_with_previous_ratio (uncertainty-weighted mix with the previous mask); 0 = off.
    feather: Gaussian blur (px, standard deviation) of the matte's edge at image size.
    body_parts: also run BlazePose and label the person's pixels by body part.
    pose_model: the BlazePose model for model="pose" and body_parts.
    running_mode: "video" (pose tracking across frames) or "image".
    provider: onnxruntime-web execution provider in the page ("wasm" | "webgl" | "webgpu").
    """

    model: str = "auto"
    threshold: float = 0.5
    softness: float = 0.1
    smoothing: float = 0.0
    feather: float = 0.0
    body_parts: bool = False
    pose_model: str = "lite"

    def validate(self) -> None:
        check_choice("model", self.model, MODELS)
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold!r}")
        if not 0.0 <= self.softness <= 0.5:
            raise ValueError(f"softness must be in [0, 0.5], got {self.softness!r}")
        if not 0.0 <= self.smoothing < 1.0:
            raise ValueError(f"smoothing must be in [0, 1), got {self.smoothing!r}")
        if not 0.0 <= self.feather <= 100.0:
            raise ValueError(f"feather must be in [0, 100] px, got {self.feather!r}")


def pick_model(model: str, width: int, height: int) -> str:
    """The concrete model ("general" | "landscape" | "pose") for a frame size."""
    if model != "auto":
        return model
    return "landscape" if height > 0 and width / height > LANDSCAPE_MIN_ASPECT else "general"
