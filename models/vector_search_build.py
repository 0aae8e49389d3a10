"""The `vector_search` model: a tiny ONNX graph written here (no weights, no package), the one
brute-force vector search of frontml.learn (kNN heads) and the text search index.

Inputs: queries float32 [Q, D], bank float32 [N, D], k int64 [1] (1 <= k <= N), l2 int64 [1].
Outputs: scores float32 [Q, k], indices int64 [Q, k], best first.
  l2 = 0: scores = queries . bank^T (similarity, largest first; Gemm transB: no transpose copy)
  l2 = 1: scores = -|query - bank|^2, computed from the differences (not from |q|^2 + |b|^2 -
          2 q.b, which cancels badly for near-duplicates), so largest = nearest.
Ties go to the lower index (ONNX TopK). Callers re-rank the returned candidates in exact
double precision, so a float32 rounding can never change which neighbours they report.

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
    from onnx import TensorProto, helper

    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    out_scores = helper.make_tensor_value_info("branch_scores", f32, ["Q", "N"])
    dot = helper.make_graph(
        [helper.make_node("Gemm", ["queries", "bank"], ["branch_scores"], transB=1)],
        "dot", [], [out_scores])
    l2 = helper.make_graph([
        helper.make_node("Unsqueeze", ["queries", "axis1"], ["q3"]),
        helper.make_node("Sub", ["q3", "bank"], ["diff"]),
        helper.make_node("ReduceSumSquare", ["diff"], ["d2"], axes=[2], keepdims=0),
        helper.make_node("Neg", ["d2"], ["branch_scores"]),
    ], "l2", [], [helper.make_tensor_value_info("branch_scores", f32, ["Q", "N"])])
    nodes = [
        helper.make_node("Constant", [], ["axis1"],
                         value=helper.make_tensor("axis1_value", i64, [1], [1])),
        helper.make_node("Constant", [], ["zero"],
                         value=helper.make_tensor("zero_value", i64, [1], [0])),
        helper.make_node("Greater", ["l2", "zero"], ["use_l2_vec"]),
        helper.make_node("Squeeze", ["use_l2_vec"], ["use_l2"]),
        helper.make_node("If", ["use_l2"], ["all_scores"], then_branch=l2, else_branch=dot),
        helper.make_node("TopK", ["all_scores", "k"], ["scores", "indices"], axis=-1, largest=1,
                         sorted=1),
    ]
    g = helper.make_graph(
        nodes, "vector_search",
        [helper.make_tensor_value_info("queries", f32, ["Q", "D"]),
         helper.make_tensor_value_info("bank", f32, ["N", "D"]),
         helper.make_tensor_value_info("k", i64, [1]),
         helper.make_tensor_value_info("l2", i64, [1])],
        [helper.make_tensor_value_info("scores", f32, ["Q", "K"]),
         helper.make_tensor_value_info("indices", i64, ["Q", "K"])])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", catalog.OPSET)],
                              producer_name="frontml models/vector_search_build.py")
    model.ir_version = catalog.IR_VERSION
    import onnx

    onnx.checker.check_model(model, full_check=True)
    return model


def reference(queries: np.ndarray, bank: np.ndarray, k: int, l2: bool):
    q, b = queries.astype(np.float64), bank.astype(np.float64)
    s = -((q[:, None, :] - b[None, :, :]) ** 2).sum(-1) if l2 else q @ b.T
    order = np.argsort(-s, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(s, order, 1), order


def verify(data: bytes) -> dict:
    """Run the graph in onnxruntime on random banks; every top-k must equal numpy's (float64)
    top-k and the scores agree to float32 rounding."""
    import onnxruntime as ort

    sess = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    worst = 0.0
    cases = {}
    for n, d, q, k in ((1, 3, 1, 1), (50, 16, 3, 5), (2000, 128, 4, 10), (1000, 384, 2, 8)):
        bank = rng.normal(size=(n, d)).astype(np.float32)
        queries = rng.normal(size=(q, d)).astype(np.float32)
        for l2 in (False, True):
            scores, idx = sess.run(None, {"queries": queries, "bank": bank,
                                          "k": np.array([k], np.int64),
                                          "l2": np.array([int(l2)], np.int64)})
            want_s, want_i = reference(queries, bank, k, l2)
            if not np.array_equal(idx, want_i):
                raise RuntimeError(f"vector_search n={n} d={d} l2={l2}: neighbours differ")
            scale = np.maximum(1.0, np.abs(want_s))
            worst = max(worst, float((np.abs(scores - want_s) / scale).max()))
            cases[f"n{n}_d{d}_l2{int(l2)}"] = (queries, bank, want_s, want_i)
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
    np.savez(ref, queries=q, bank=b, scores=s.astype(np.float32), indices=i, k=5, l2=1)
    spec = [{"name": v.name, "dtype": "int64" if v.type.tensor_type.elem_type == 7 else "float32",
             "shape": [d.dim_value or None for d in v.type.tensor_type.shape.dim]}
            for v in (*model.graph.input, *model.graph.output)]
    return {
        "id": model_id, "task": entry["task"], "file": out.name,
        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
        "inputs": spec[:4], "outputs": spec[4:], "licence": entry["licence"],
        "source": {"registry": "none", "generated_by": "models/vector_search_build.py"},
        "verify": result, "reference": f"reference/{ref.name}", "recipe": recipe,
    }


if __name__ == "__main__":
    print(verify(graph().SerializeToString())["max_rel_diff"])
