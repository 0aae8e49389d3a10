"""The one vector search of frontml: top-k candidates over a bank of vectors, by the generated
`vector_search` ONNX graph (models/vector_search_build.py) through frontml.runtime.

Used by the kNN/logistic heads of `Classifier` (squared L2) and by the text `SearchIndex`
(dot product). The graph ranks by dot product; for L2 a bank row is stored as [b, |b|^2] and
the query sent as [2q, -1]: 2 q.b - |b|^2 = |q|^2 - |q - b|^2, largest = nearest.
The graph only *proposes* `count` candidates (float32); callers re-rank them in
exact double precision with the same code as their pure-Python path, so both paths report the
same neighbours and scores. Small banks stay in pure Python (an ONNX call has a fixed cost),
and so does everything when the model is not built.

- CPython: onnxruntime, run synchronously (its session never suspends); the bank is a numpy
  array grown in place (amortised doubling), so adding an example copies one row.
- Page: onnxruntime-web. The bank lives on the JS side (web/js/vectors.js): built once from
  the examples on the first search, then kept in step by small edits (append rows, delete a
  row, swap-remove) sent before the next search, so a query sends only the query vector.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Callable, Sequence

MODEL_ID = "vector_search"
MARGIN = 16  # extra candidates re-ranked exactly (float32 near-ties at the k-th place)
IN_BROWSER = sys.platform == "emscripten"
# Bank sizes from which the ONNX path is used (below: pure Python is as fast). Measured by
# `python -m bench.learn_speed --page` (README, "Vector search"): CPython pure 0.6 ms vs ONNX
# 1.0 ms at 200 examples, 1.9 vs 0.9 at 500; page 1.1 vs 3.5 at 100, 42 vs 3.0 at 500.
MIN_ROWS_CPYTHON = 500
MIN_ROWS_PAGE = 200

_state: dict = {"session": None, "error": None}


def min_rows() -> int:
    return MIN_ROWS_PAGE if IN_BROWSER else MIN_ROWS_CPYTHON


def _drive(coro):
    """Run a coroutine that never suspends (CPython's onnxruntime session) to its result."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise RuntimeError("vector search: the session suspended (not onnxruntime in CPython)")


async def _open():
    from frontml.errors import FrontmlError
    from frontml.models import load_session

    try:
        # one thread: a tiny graph; spinning worker threads only slow a shared machine
        _state["session"] = await load_session(MODEL_ID, threads=0 if IN_BROWSER else 1)
    except (FrontmlError, OSError) as exc:  # not built: pure Python from now on
        _state["error"] = str(exc)


def session_sync():
    """The shared CPython session, or None (in the page, or the model is missing)."""
    if IN_BROWSER:
        return None
    if _state["session"] is None and _state["error"] is None:
        _drive(_open())
    return _state["session"]


async def session_async():
    """The shared session for this runtime, or None when the model is missing."""
    if _state["session"] is None and _state["error"] is None:
        await _open()
    return _state["session"]


def status() -> dict:
    """{"model", "loaded", "error"} for HUDs and benchmarks."""
    return {"model": MODEL_ID, "loaded": _state["session"] is not None, "error": _state["error"]}


def reset() -> None:
    """Forget the session (tests, benchmarks); the next search opens it again."""
    session, _state["session"], _state["error"] = _state["session"], None, None
    if session is not None:
        session.close()


def disable(reason: str = "disabled") -> None:
    """Pure Python only from now on (tests, benchmarks of the pure-Python path)."""
    reset()
    _state["error"] = reason


def _sq(vec: Sequence[float]) -> float:
    return math.fsum(x * x for x in vec)


class VectorBank:
    """A float32 mirror of an owner's list of vectors, kept in step by the owner's calls
    (append / delete / swap_remove / clear); `source()` returns all vectors for a rebuild.
    l2: nearest by euclidean distance (else: largest dot product)."""

    def __init__(self, source: Callable[[], Sequence[Sequence[float]]], dim: int = 0,
                 l2: bool = False) -> None:
        self._source = source
        self.dim = dim
        self.l2 = l2
        self._np = None       # CPython: numpy [capacity, dim], first `_n` rows valid
        self._n = 0
        self._js = None       # page: the JS bank object (web/js/vectors.js)
        self._ops: list = []  # page: edits not yet sent to the JS bank

    # ------------------------------------------------------------ keeping in step
    def _row(self, vec: Sequence[float]) -> array:
        row = array("f", vec)
        if self.l2:
            row.append(_sq(vec))
        return row

    def _query(self, query: Sequence[float]) -> array:
        return array("f", [2.0 * x for x in query] + [-1.0]) if self.l2 else array("f", query)

    def append(self, vec: Sequence[float]) -> None:
        if self._np is None and self._js is None:
            return
        row = self._row(vec)
        if self._np is not None:
            if self._n == len(self._np):
                import numpy as np

                grown = np.empty((max(64, 2 * self._n), len(row)), np.float32)
                grown[:self._n] = self._np[:self._n]
                self._np = grown
            self._np[self._n] = row
            self._n += 1
        if self._js is not None:
            if self._ops and self._ops[-1][0] == "a":
                self._ops[-1][1].extend(row)
            else:
                self._ops.append(("a", row))

    def delete(self, i: int) -> None:
        """Row i goes, later rows move up (the Classifier's list `del`)."""
        if self._np is not None:
            self._np[i:self._n - 1] = self._np[i + 1:self._n]
            self._n -= 1
        if self._js is not None:
            self._ops.append(("d", i))

    def swap_remove(self, i: int) -> None:
        """Row i is replaced by the last row (SearchIndex.remove)."""
        if self._np is not None:
            self._n -= 1
            if i != self._n:
                self._np[i] = self._np[self._n]
        if self._js is not None:
            self._ops.append(("s", i))

    def clear(self) -> None:
        """Forget the mirrors: the next search rebuilds them from `source()`."""
        self._np, self._n, self._js, self._ops = None, 0, None, []

    # ------------------------------------------------------------ searching
    def candidates(self, query: Sequence[float], count: int) -> list[int] | None:
        """Up to `count` row indices, best first (CPython); None: use pure Python."""
        return self.candidates_many([query], count)[0] if self.ready() else None

    def candidates_many(self, queries: Sequence[Sequence[float]],
                        count: int) -> list[list[int]]:
        import numpy as np

        from frontml.runtime import Tensor

        session = session_sync()
        if session is None or not queries:
            raise RuntimeError("vector search: no session (check candidates() first)")
        if self._np is None:
            rows = self._source()
            self.dim = self.dim or len(rows[0])
            flat = np.asarray(rows, dtype=np.float64).reshape(len(rows), self.dim)
            if self.l2:
                flat = np.hstack([flat, (flat ** 2).sum(1, keepdims=True)])
            self._np = flat.astype(np.float32)
            self._n = len(rows)
        n, width = self._n, self._np.shape[1]
        count = max(1, min(count, n))
        bank = Tensor.from_buffer("float32", (n, width), np.ascontiguousarray(self._np[:n]))
        k = Tensor.from_buffer("int64", (1,), array("q", [count]))
        out: list[list[int]] = []
        step = 256
        for s in range(0, len(queries), step):
            part = np.asarray(queries[s:s + step], dtype=np.float64).reshape(-1, self.dim)
            if self.l2:
                part = np.hstack([2.0 * part, -np.ones((len(part), 1))])
            part = np.ascontiguousarray(part, dtype=np.float32)
            q = Tensor.from_buffer("float32", part.shape, part.reshape(-1))
            res = _drive(session.run({"queries": q, "bank": bank, "k": k}))
            idx = res["indices"]
            out.extend(list(idx.data[r * count:(r + 1) * count]) for r in range(idx.shape[0]))
        return out

    def ready(self) -> bool:
        """True when a synchronous search goes through ONNX (CPython, bank large enough)."""
        return len(self._source()) >= min_rows() and session_sync() is not None

    async def candidates_async(self, query: Sequence[float], count: int) -> list[int] | None:
        """Like candidates(), in either runtime (the page's path); None: use pure Python."""
        rows = self._source()
        if len(rows) < min_rows():
            return None
        session = await session_async()
        if session is None:
            return None
        if not IN_BROWSER:
            return self.candidates_many([query], count)[0]
        from pyodide.ffi import JsException, to_js

        from frontml.runtime.js_glue import glue

        g = await glue()
        try:
            self._sync_js(g, rows, to_js)
            result = await g.vbankSearch(session._handle, self._js,  # the ORT-web session
                                         to_js(memoryview(self._query(query))),
                                         max(1, min(count, len(rows))))
        except JsException as exc:  # a broken bank must not break predictions
            self.clear()
            _state["error"] = f"vector search failed in onnxruntime-web: {exc}"
            return None
        return list(result.to_py())

    def _sync_js(self, g, rows, to_js) -> None:
        if self._js is None or len(self._ops) > 64:
            flat = array("f")
            for r in rows:
                flat.extend(self._row(r))
            self.dim = self.dim or len(rows[0])
            self._js = g.vbankNew(self.dim + self.l2, to_js(memoryview(flat)))
            self._ops = []
            return
        for op, arg in self._ops:
            if op == "a":
                g.vbankAppend(self._js, to_js(memoryview(arg)))
            elif op == "d":
                g.vbankDelete(self._js, arg)
            else:
                g.vbankSwapRemove(self._js, arg)
        self._ops = []
        if int(self._js.n) != len(rows):  # out of step somehow: rebuild rather than mispredict
            self._js = None
            self._sync_js(g, rows, to_js)
