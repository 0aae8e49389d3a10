"""The `vector_search` model: a tiny ONNX graph written here (no weights, no package), the one
brute-force vector search of frontml.learn (kNN heads) and the text search index.

Inputs: queries float32 [Q, D], bank float32 [N, D], k int64 [1] (1 <= k <= N).
Outputs: scores = queries . bank^T float32 [Q, k] and indices int64 [Q, k], largest first
(Gemm with transB: no transposed copy of the bank; ties go to the lower index, ONNX TopK).

Squared L2 distance rides on the same graph: frontml.learn.vecsearch stores each bank row with
one more column |b|^2 and sends the query as [2q, -1], so the score is 2 q.b - |b|^2 =
|q|^2 - |q - b|^2: the largest score is the nearest row. (A Sub + ReduceSumSquare branch gave
the same answers 6x slower in onnxruntime-web.) Callers re-rank the returned candidates in
exact double precision, so float32 rounding never changes which neighbours they report.

Called by models/build.py for catalog entries with format "generated"; verified against numpy.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import catalog  # noqa: E402

RECIPE_CODE = ("vector_search_build.py",)


def graph():
    import onnx
    from onnx import TensorProto, helper

    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    nodes = [
        helper.make_node("Gemm", ["queries", "bank"], ["all_scores"], transB=1),
        helper.make_node("TopK", ["all_scores", "k"], ["scores", "indices"], axis=-1, largest=1,
                         sorted=1),
    ]
    g = helper.make_graph(
        nodes, "vector_search",
        [helper.make_tensor_value_info("queries", f32, ["Q", "D"]),
         helper.make_tensor_value_info("bank", f32, ["N", "D"]),
         helper.make_tensor_value_info("k", i64, [1])],
        [helper.make_tensor_value_info("scores", f32, ["Q", "K"]),
         helper.make_tensor_value_info("indices", i64, ["Q", "K"])])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", catalog.OPSET)],
                              producer_name="frontml models/vector_search_build.py")
    model.ir_version = catalog.IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def augment(bank: np.ndarray, queries: np.ndarray):
    """The L2 form (see the module doc): rows [b, |b|^2], queries [2q, -1]."""
    norms = (bank.astype(np.float64) ** 2).sum(1, keepdims=True)
    return (np.hstack([bank, norms]).astype(np.float32),
            np.hstack([2 * queries, -np.ones((len(queries), 1))]).astype(np.float32))


def reference(queries: np.ndarray, bank: np.ndarray, k: int, l2: bool):
    q, b = queries.astype(np.float64), bank.astype(np.float64)
    s = -((q[:, None, :] - b[None, :, :]) ** 2).sum(-1) if l2 else q @ b.T
    order = np.argsort(-s, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(s, order, 1), order


def verify(data: bytes) -> dict:
    """Run the graph in onnxruntime on random banks (dot and the L2 form); every top-k must
    equal numpy's float64 top-k and the scores agree to float32 rounding."""
    import onnxruntime as ort

    sess = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    worst = 0.0
    cases = {}
    for n, d, q, k in ((1, 3, 1, 1), (50, 16, 3, 5), (2000, 128, 4, 10), (1000, 384, 2, 8)):
        bank = rng.normal(size=(n, d)).astype(np.float32)
        queries = rng.normal(size=(q, d)).astype(np.float32)
        for l2 in (False, True):
            b, qq = augment(bank, queries) if l2 else (bank, queries)
            scores, idx = sess.run(None, {"queries": qq, "bank": b,
                                          "k": np.array([k], np.int64)})
            want_s, want_i = reference(queries, bank, k, l2)
            if not np.array_equal(idx, want_i):
                raise RuntimeError(f"vector_search n={n} d={d} l2={l2}: neighbours differ")
            if l2:  # score = |q|^2 - |q - b|^2
                want_s = want_s + (queries.astype(np.float64) ** 2).sum(1, keepdims=True)
            scale = np.maximum(1.0, np.abs(want_s))
            worst = max(worst, float((np.abs(scores - want_s) / scale).max()))
            cases[f"n{n}_d{d}_l2{int(l2)}"] = (qq, b, scores, idx)
    if worst > 1e-5:
        raise RuntimeError(f"vector_search scores drift {worst:.3g} > 1e-5")
    return {"max_rel_diff": worst, "max_abs_diff": worst, "bound": 1e-5, "cases": cases}


def build(model_id: str, entry: dict, recipe: str, out_dir: Path) -> dict:
    model = graph()
    data = model.SerializeToString()
    result = verify(data)
    out = out_dir / entry["file"]
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)
    ref_dir = out_dir / "reference"
    ref_dir.mkdir(parents=True, exist_ok=True)
    ref = ref_dir / f"{model_id}.npz"
    q, b, s, i = result.pop("cases")["n50_d16_l21"]
    np.savez(ref, queries=q, bank=b, scores=s, indices=i, k=5)
    spec = [{"name": v.name, "dtype": "int64" if v.type.tensor_type.elem_type == 7 else "float32",
             "shape": [d.dim_value or None for d in v.type.tensor_type.shape.dim]}
            for v in (*model.graph.input, *model.graph.output)]
    return {
        "id": model_id, "task": entry["task"], "file": out.name,
        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
        "inputs": spec[:3], "outputs": spec[3:], "licence": entry["licence"],
        "source": {"registry": "none", "generated_by": "models/vector_search_build.py"},
        "verify": result, "reference": f"reference/{ref.name}", "recipe": recipe,
    }


if __name__ == "__main__":
    print(verify(graph().SerializeToString())["max_rel_diff"])
