"""One Session/Tensor interface over two backends with the same behaviour.

- In the page (Pyodide): onnxruntime-web through the JS bridge (`frontml.runtime.ort_web`).
- In CPython: onnxruntime (`frontml.runtime.ort_native`).

Both are async so one pipeline runs unchanged in either: `session = await load_session(...)`,
`outputs = await session.run({"image": tensor})`.
"""

import sys

from frontml.runtime.session import Session, Signature, TensorInfo
from frontml.runtime.tensor import DTYPES, Tensor

IN_BROWSER = sys.platform == "emscripten"


async def create_session(
    model: bytes, *, name: str = "model", provider: str = "wasm", threads: int = 0,
    signature: Signature = ((), ()), candidates: tuple[str, ...] = (), key: str = "",
) -> Session:
    """Create a session from ONNX bytes on this runtime's backend.

    provider: "wasm" | "webgl" | "webgpu" in the page ("cpu" is accepted as "wasm"), or "auto":
        time `candidates` on this device and keep the fastest (remembered under `key`);
    ignored in CPython, which uses onnxruntime's CPU provider. threads=0 means automatic.
    signature: (inputs, outputs) TensorInfos from the manifest, used where a backend cannot
    report them itself (onnxruntime-web's webgl).
    """
    if IN_BROWSER:
        from frontml.runtime import ort_web

        return await ort_web.create(model, name=name, provider=provider, threads=threads,
                                    signature=signature, candidates=candidates, key=key)
    from frontml.runtime import ort_native

    return await ort_native.create(model, name=name, threads=threads)


__all__ = ["DTYPES", "IN_BROWSER", "Session", "Tensor", "TensorInfo", "create_session", "run_sync"]


def run_sync(coro):
    """Run a frontml coroutine to completion from synchronous CPython code (CLI, tests, jobs).

    Works even when the calling thread already runs an event loop (e.g. Playwright's sync API):
    then the coroutine runs on a private loop in a worker thread.
    """
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
