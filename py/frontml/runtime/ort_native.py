"""CPython backend: onnxruntime on the CPU. Buffers go in and out without copies."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort

from frontml.errors import ModelError
from frontml.runtime.session import Session, TensorInfo
from frontml.runtime.tensor import Tensor

_ORT_TYPES = {
    "tensor(float)": "float32",
    "tensor(uint8)": "uint8",
    "tensor(int8)": "int8",
    "tensor(int32)": "int32",
    "tensor(int64)": "int64",
}


def _info(arg) -> TensorInfo:
    shape = tuple(d if isinstance(d, int) else None for d in arg.shape)
    return TensorInfo(arg.name, _ORT_TYPES.get(arg.type, arg.type), shape)


class NativeSession(Session):
    backend = "onnxruntime"

    def __init__(self, name: str, session: ort.InferenceSession) -> None:
        super().__init__(
            name,
            [_info(i) for i in session.get_inputs()],
            [_info(o) for o in session.get_outputs()],
        )
        self._session = session
        self._output_names = list(self.outputs)

    async def _run(self, feeds: dict[str, Tensor]) -> dict[str, Tensor]:
        arrays = {
            key: np.frombuffer(t.data, dtype=t.dtype).reshape(t.shape) for key, t in feeds.items()
        }
        results = self._session.run(self._output_names, arrays)
        out = {}
        for key, arr in zip(self._output_names, results, strict=True):
            arr = np.ascontiguousarray(arr)
            out[key] = Tensor.from_buffer(str(arr.dtype), arr.shape, arr.reshape(-1))
        return out

    def _close(self) -> None:
        self._session = None


async def create(model: bytes, *, name: str, threads: int = 0) -> NativeSession:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    if threads:
        options.intra_op_num_threads = threads
    try:
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises several private exception types
        raise ModelError(f"model {name!r} could not be loaded by onnxruntime: {exc}") from exc
    return NativeSession(name, session)
