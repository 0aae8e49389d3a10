"""The task contract (MediaPipe Tasks' BaseVisionTaskApi role): create from options ->
`await process(input, timestamp_ms, timer)` -> `close()`."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from frontml.errors import InputError
from frontml.runtime.tensor import Tensor
from frontml.timing import StageTimer


@runtime_checkable
class Task(Protocol):
    """What every task object offers."""

    options: Any

    async def process(self, frame: Any, timestamp_ms: float | None = None,
                      timer: StageTimer | None = None) -> Any: ...

    def reset(self) -> None: ...

    def close(self) -> None: ...

    def debug_tensors(self) -> dict[str, Tensor]: ...


class TaskBase:
    """Shared plumbing: context manager, the video-mode timestamp check, the debug hook."""

    options: Any

    def __init__(self) -> None:
        self._last_timestamp_us: int | None = None
        self._debug: dict[str, Tensor] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def reset(self) -> None:
        """Forget state carried between frames (tracks, smoothing, timestamps)."""
        self._last_timestamp_us = None

    def close(self) -> None:
        """Release sessions; subclasses extend."""

    def debug_tensors(self) -> dict[str, Tensor]:
        """The last model inputs, by name (page tests compare them with CPython's)."""
        return dict(self._debug)

    def record_input(self, name: str, tensor: Tensor) -> None:
        self._debug[name] = tensor

    def check_timestamp(self, timestamp_ms: float) -> int:
        """Microsecond timestamp; in video mode it must increase from call to call."""
        timestamp_us = int(round(timestamp_ms * 1000.0))  # MediaPipe timestamps are microseconds
        if getattr(self.options, "running_mode", "image") == "video":
            last = self._last_timestamp_us
            if last is not None and timestamp_us <= last:
                raise InputError(
                    f"video mode needs increasing timestamps: got {timestamp_ms} ms after "
                    f"{last / 1000.0} ms (call reset() to start over)"
                )
            self._last_timestamp_us = timestamp_us
        return timestamp_us
