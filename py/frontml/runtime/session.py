"""Session: the backend-neutral half (input validation, names) of an inference session."""

from __future__ import annotations

from dataclasses import dataclass

from frontml.errors import TensorError
from frontml.runtime.tensor import Tensor


@dataclass(frozen=True, slots=True)
class TensorInfo:
    """A model input/output: name, dtype and shape (None for a dynamic dimension)."""

    name: str
    dtype: str | None  # None: unknown (not checked)
    shape: tuple[int | None, ...] | None  # None: unknown; an entry None: dynamic dimension

    @classmethod
    def from_json(cls, item: dict) -> TensorInfo:
        """From a manifest entry's {"name", "dtype", "shape"}."""
        shape = item.get("shape")
        return cls(item["name"], item.get("dtype"),
                   None if shape is None else tuple(d if isinstance(d, int) else None
                                                    for d in shape))


# (inputs, outputs) known from elsewhere (the model manifest)
Signature = tuple[list[TensorInfo] | tuple, list[TensorInfo] | tuple]


class Session:
    """An inference session. Backends implement `_run` and `_close`."""

    backend = "abstract"

    def __init__(self, name: str, inputs: list[TensorInfo], outputs: list[TensorInfo]) -> None:
        self.name = name
        self.inputs = {i.name: i for i in inputs}
        self.outputs = {o.name: o for o in outputs}
        self.closed = False
        # Debug/test aid: keep the last (feeds, outputs) so a page can publish exactly what
        # the model saw and said (e.g. to compare onnxruntime-web with CPython's onnxruntime).
        self.keep_last = False
        self.last: tuple[dict[str, Tensor], dict[str, Tensor]] | None = None

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
            if info.dtype is not None and tensor.dtype != info.dtype:
                raise TensorError(
                    f"model {self.name!r} input {key!r}: dtype {tensor.dtype}, "
                    f"model wants {info.dtype}"
                )
            if info.shape is not None and len(tensor.shape) != len(info.shape) or any(
                want is not None and want != got
                for want, got in zip(info.shape or (), tensor.shape, strict=False)
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
        outputs = await self._run(feeds)
        if self.keep_last:
            self.last = (feeds, outputs)
        return outputs

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
