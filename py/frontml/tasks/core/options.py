"""Options every task shares (MediaPipe Tasks' BaseOptions + running mode), with validation
that names the field, the value and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

RUNNING_MODES = ("image", "video")
PROVIDERS = ("wasm", "webgl", "webgpu", "auto")


def check_choice(name: str, value: Any, allowed: tuple) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}, got {value!r}")


def check_unit(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")


def check_int(name: str, value: Any, low: int, high: int | None = None) -> None:
    bad = isinstance(value, bool) or not isinstance(value, int) or value < low
    if not bad and high is not None and value > high:
        bad = True
    if bad:
        allowed = f"an integer >= {low}" if high is None else f"an integer in [{low}, {high}]"
        raise ValueError(f"{name} must be {allowed}, got {value!r}")


@dataclass(frozen=True)
class TaskOptions:
    """Fields every task has.

    running_mode: "video" (frames with increasing timestamps; tracking and smoothing where the
        task has them) or "image" (every call independent).
    provider: onnxruntime-web execution provider in the page ("wasm" | "webgl" | "webgpu";
        "auto" = chosen by measurement where supported). CPython always uses onnxruntime's CPU.
    threads: inference threads (None = the runtime's default).
    """

    running_mode: str = "video"
    provider: str = "wasm"
    threads: int | None = None

    def __post_init__(self) -> None:
        check_choice("running_mode", self.running_mode, RUNNING_MODES)
        check_choice("provider", self.provider, PROVIDERS)
        if self.threads is not None:
            check_int("threads", self.threads, 1, 64)
        self.validate()

    def validate(self) -> None:
        """Subclasses check their own fields here (raise ValueError naming field and value)."""

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_params(cls, params: dict[str, Any]):
        """Options from string parameters (query string, CLI): each value is converted to the
        field's type; unknown names and bad values raise ValueError naming them."""
        kinds = {f.name: f.default for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, raw in params.items():
            if name not in kinds:
                raise ValueError(f"unknown option {name!r}; allowed: {', '.join(kinds)}")
            values[name] = _convert(name, raw, kinds[name])
        return cls(**values)


def _convert(name: str, raw: Any, default: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        kind = type(default).__name__
        raise ValueError(f"{name} must be a {kind}, got {raw!r}") from None
    return raw


@dataclass(frozen=True)
class LandmarkerOptions(TaskOptions):
    """Fields of the detect-then-track landmark tasks (pose, face, hands).

    min_detection_confidence: detector score threshold.
    min_presence_confidence: landmark-model flag needed to accept an object found by a fresh
        detection.
    min_tracking_confidence: flag needed to keep tracking from the previous frame (below it the
        detector runs again); also the IoU above which a detection is the same object as a track.
    smooth_landmarks: One-Euro smoothing of landmarks in video mode.
    """

    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    smooth_landmarks: bool = True

    def __post_init__(self) -> None:
        for name in ("min_detection_confidence", "min_presence_confidence",
                     "min_tracking_confidence"):
            check_unit(name, getattr(self, name))
        super().__post_init__()
