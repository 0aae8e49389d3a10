"""Pyodide backend: onnxruntime-web, called through the JS glue (web/js/frontml.js).

Inputs cross the bridge as typed-array views of Python buffers (no lists); outputs come back
as typed memoryviews. Every proxy made per call is destroyed before returning.
"""

from __future__ import annotations

from pyodide.ffi import JsException, to_js

from frontml.errors import ModelError, TensorError
from frontml.runtime.js_glue import glue
from frontml.runtime.session import Session, Signature, TensorInfo
from frontml.runtime.tensor import Tensor

_ORT_DTYPES = {"float32": "float32", "uint8": "uint8", "int8": "int8", "int32": "int32",
               "int64": "int64"}


def _infos(js_list, known: list[TensorInfo]) -> list[TensorInfo]:
    """TensorInfos from ORT-web's metadata; where a backend (webgl) reports only names, the
    caller's `known` signature (e.g. from the model manifest) fills dtype and shape."""
    by_name = {info.name: info for info in known}
    infos = []
    for item in js_list:
        name = str(item.name)
        if str(item.dtype) == "unknown":
            infos.append(by_name.get(name, TensorInfo(name, None, None)))
            continue
        shape = tuple(None if d is None or d < 0 else int(d) for d in item.shape)
        infos.append(TensorInfo(name, str(item.dtype), shape))
    return infos


class WebSession(Session):
    backend = "onnxruntime-web"

    def __init__(self, name: str, handle, provider: str, signature: Signature) -> None:
        meta = handle.meta
        super().__init__(name, _infos(meta.inputs, signature[0]),
                         _infos(meta.outputs, signature[1]))
        self._handle = handle
        self.provider = provider
        self._gpu_input: bool | None = None  # GPU-resident crops here (asked once, see _run)
        self.gpu_input_runs = 0

    async def _run(self, feeds: dict[str, Tensor]) -> dict[str, Tensor]:
        g = await glue()
        names = list(feeds)
        dtypes = [_ORT_DTYPES[feeds[k].dtype] for k in names]
        shapes = [list(feeds[k].shape) for k in names]
        # A crop not computed yet (web/frames.py WarpTensor): warped on this session's GPU.
        lazy = [i for i, k in enumerate(names) if hasattr(feeds[k], "warp_args")]
        if lazy and self._gpu_input is None:
            self._gpu_input = bool(await g.gpuInputFor(self.provider))
        try:
            if lazy and self._gpu_input:
                index = lazy[0]
                # A memoryview becomes a typed array (one memcpy), never a list of numbers.
                datas = [None if i == index else feeds[k].data for i, k in enumerate(names)]
                result = await g.runSessionWarped(
                    self._handle, to_js(names), to_js(dtypes), to_js(shapes), to_js(datas),
                    index, *feeds[names[index]].warp_args)
                self.gpu_input_runs += 1
            else:
                datas = [feeds[k].data for k in names]
                result = await g.runSession(
                    self._handle, to_js(names), to_js(dtypes), to_js(shapes), to_js(datas)
                )
        except JsException as exc:
            raise TensorError(f"model {self.name!r} failed in onnxruntime-web: {exc}") from exc
        out = {}
        for item in result:
            shape = tuple(int(d) for d in item.dims)
            out[str(item.name)] = Tensor.from_buffer(str(item.dtype), shape, item.data.to_py())
        return out

    def _close(self) -> None:
        handle, self._handle = self._handle, None
        handle.release()


async def create(model: bytes, *, name: str, provider: str = "wasm", threads: int = 0,
                 signature: Signature = ((), ()), candidates: tuple[str, ...] = (),
                 key: str = ""):
    """A session on `provider`; "auto" times the `candidates` and keeps the fastest (see
    createSessionAuto in web/js/ort.js; the choice is remembered per device under `key`)."""
    provider = {"cpu": "wasm"}.get(provider, provider)
    if provider not in ("wasm", "webgl", "webgpu", "auto"):
        raise ModelError(f"model {name!r}: unknown provider {provider!r} "
                         "(wasm, webgl, webgpu, auto)")
    g = await glue()
    buf = to_js(memoryview(model)) if not hasattr(model, "to_py") else model
    try:
        if provider == "auto":
            inputs = [{"name": i.name, "dtype": i.dtype, "shape": list(i.shape)}
                      for i in signature[0]]
            handle = await g.createSessionAuto(buf, to_js(list(candidates or ("wasm",))),
                                               to_js(inputs, dict_converter=_js_object),
                                               key or name, threads)
            provider = str(handle.provider)
        else:
            handle = await g.createSession(buf, provider, threads)
    except JsException as exc:
        raise ModelError(f"model {name!r} could not be loaded by onnxruntime-web: {exc}") from exc
    session = WebSession(name, handle, provider, signature)
    session.provider_choice = _choice(handle)
    return session


def _js_object(pairs):
    from js import Object

    return Object.fromEntries(to_js(pairs))


def _choice(handle) -> dict:
    """How the provider was chosen: {"how": "measured"|"remembered"|"only"|"forced",
    "ms": {...}} ("only": one usable candidate on this device, nothing to measure)."""
    how = getattr(handle, "chosen", None)
    if how is None:
        return {"how": "forced", "ms": {}}
    measured = handle.measured
    ms = measured.to_py() if hasattr(measured, "to_py") else {}
    return {"how": str(how), "ms": ms}
