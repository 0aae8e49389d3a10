"""Session: the backend-neutral half (input validation, names) of an inference session."""

from __future__ import annotations

from dataclasses import dataclass

from frontml.errors import TensorError
from frontml.runtime.tensor import Tensor


@dataclass(frozen=True, slots=True)
class TensorInfo:
    """A model input/output: name, dtype and shape (None for a dynamic dimension)."""

    name: str
    dtype: str
    shape: tuple[int | None, ...]


class Session:
    """An inference session. Backends implement `_run` and `_close`."""

    backend = "abstract"

    def __init__(self, name: str, inputs: list[TensorInfo], outputs: list[TensorInfo]) -> None:
        self.name = name
        self.inputs = {i.name: i for i in inputs}
        self.outputs = {o.name: o for o in outputs}
        self.closed = False

    def check_feeds(self, feeds: dict[str, Tensor]) -> None:
        """Raise TensorError naming the model and tensor for a wrong name, dtype or shape."""
        missing = sorted(set(self.inputs) - set(feeds))
        unknown = sorted(set(feeds) - set(self.inputs))
        if missing or unknown:
            raise TensorError(
                f"model {self.name!r}: inputs are {sorted(self.inputs)}; "
                f"missing {missing}, unexpected {unknown}"
            )
        for key, tensor in feeds.items():
            info = self.inputs[key]
            if not isinstance(tensor, Tensor):
                raise TensorError(
                    f"model {self.name!r} input {key!r}: expected a frontml Tensor, "
                    f"got {type(tensor).__name__}"
                )
            if tensor.dtype != info.dtype:
                raise TensorError(
                    f"model {self.name!r} input {key!r}: dtype {tensor.dtype}, "
                    f"model wants {info.dtype}"
                )
            if len(tensor.shape) != len(info.shape) or any(
                want is not None and want != got
                for want, got in zip(info.shape, tensor.shape, strict=True)
            ):
                want = ["?" if d is None else d for d in info.shape]
                raise TensorError(
                    f"model {self.name!r} input {key!r}: shape {list(tensor.shape)}, "
                    f"model wants {want}"
                )

    async def run(self, feeds: dict[str, Tensor]) -> dict[str, Tensor]:
        if self.closed:
            raise TensorError(f"model {self.name!r}: session is closed")
        self.check_feeds(feeds)
        return await self._run(feeds)

    async def _run(self, feeds: dict[str, Tensor]) -> dict[str, Tensor]:
        raise NotImplementedError

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._close()

    def _close(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} {self.backend}>"
