"""Tensor: a dtype, a shape and a flat buffer. Crosses the JS bridge as a typed array."""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

# frontml dtype name -> (struct/array typecode, bytes per item)
DTYPES: dict[str, tuple[str, int]] = {
    "float32": ("f", 4),
    "uint8": ("B", 1),
    "int8": ("b", 1),
    "int32": ("i", 4),
    "int64": ("q", 8),
}
_CODE_TO_DTYPE = {code: name for name, (code, _) in DTYPES.items()}
_CODE_TO_DTYPE["l"] = "int64" if array("l").itemsize == 8 else "int32"
_CODE_TO_DTYPE["c"] = "uint8"


@dataclass(frozen=True, slots=True)
class Tensor:
    """A dense row-major tensor. `data` is a flat typed memoryview (format matches dtype)."""

    dtype: str
    shape: tuple[int, ...]
    data: memoryview

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ValueError(f"unsupported dtype {self.dtype!r}; use one of {sorted(DTYPES)}")
        if self.data.ndim != 1:
            object.__setattr__(self, "data", self.data.cast("B").cast(DTYPES[self.dtype][0]))
        if len(self.data) != self.size:
            raise ValueError(
                f"tensor of shape {list(self.shape)} needs {self.size} values, "
                f"buffer has {len(self.data)}"
            )

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @classmethod
    def from_buffer(cls, dtype: str, shape: tuple[int, ...] | list[int], buffer) -> Tensor:
        """Wrap any buffer (bytes, bytearray, array, memoryview) without copying."""
        code = DTYPES[dtype][0]
        view = memoryview(buffer)
        if view.format != code:
            view = view.cast("B").cast(code)
        return cls(dtype, tuple(int(d) for d in shape), view)

    @classmethod
    def zeros(cls, dtype: str, shape: tuple[int, ...]) -> Tensor:
        code, itemsize = DTYPES[dtype]
        return cls.from_buffer(dtype, shape, bytearray(math.prod(shape) * itemsize))

    @staticmethod
    def dtype_of(view: memoryview) -> str:
        try:
            return _CODE_TO_DTYPE[view.format]
        except KeyError:
            raise ValueError(f"no frontml dtype for buffer format {view.format!r}") from None
