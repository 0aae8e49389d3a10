"""Per-model provider support: the webgl work-around edit is exact, and a model is never run
on a provider the conformance check found wrong (it falls back to wasm)."""

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from frontml.models import provider_for

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "web" / "models"


def _graph_edits():
    sys.path.insert(0, str(ROOT / "models"))
    try:
        spec = importlib.util.spec_from_file_location("frontml_graph_edits",
                                                      ROOT / "models" / "graph_edits.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "models"))


def _conv_relu_model(onnx):
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    w1 = numpy_helper.from_array(rng.normal(size=(8, 4, 1, 1)).astype(np.float32), "w1")
    w3 = numpy_helper.from_array(rng.normal(size=(8, 8, 3, 3)).astype(np.float32), "w3")
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"]),  # pointwise + only consumer Relu
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "w3"], ["c3"], pads=[1, 1, 1, 1]),  # 3x3: untouched
        helper.make_node("Sigmoid", ["c3"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 5, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 5, 5])], [w1, w3])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def test_unfuse_pointwise_conv_activation_is_exact():
    onnx = pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    edits = _graph_edits()
    model = _conv_relu_model(onnx)
    x = np.random.default_rng(1).normal(size=(1, 4, 5, 5)).astype(np.float32)
    before = ort.InferenceSession(model.SerializeToString()).run(None, {"x": x})[0]
    assert edits.unfuse_pointwise_conv_activation(model) == 1  # the 3x3 conv is left alone
    onnx.checker.check_model(model)
    ops = [n.op_type for n in model.graph.node]
    assert ops == ["Conv", "Mul", "Relu", "Conv", "Sigmoid"]
    after = ort.InferenceSession(model.SerializeToString()).run(None, {"x": x})[0]
    assert np.array_equal(before, after)


def test_provider_falls_back_to_wasm_where_the_model_is_wrong():
    info = {"id": "m", "providers": ["wasm", "webgpu"]}
    assert provider_for(info, "webgl") == "wasm"
    assert provider_for(info, "webgpu") == "webgpu"
    assert provider_for(info, "cpu") == "wasm"
    assert provider_for({"id": "old manifest"}, "webgl") == "webgl"


def test_every_built_model_has_a_measured_provider_list():
    manifest = OUT / "manifest.json"
    if not manifest.exists():
        pytest.skip("models not built")
    support = json.loads((ROOT / "models" / "providers.json").read_text())
    for m in json.loads(manifest.read_text())["models"]:
        assert "wasm" in m["providers"], m["id"]
        assert m["providers"] == support.get(m["id"], ["wasm"]), m["id"]


def test_readme_table_and_provider_lists_come_from_the_measured_rows():
    """The README table, models/conformance.md and models/providers.json are what
    `python -m bench.conformance` writes from models/conformance.json (never hand-edited)."""
    from bench import conformance

    rows = json.loads(conformance.RESULTS_FILE.read_text())
    assert rows == conformance.merge([], rows)  # one row per model x provider
    assert conformance.readme_section(rows) in conformance.README.read_text()
    assert conformance.TABLE_FILE.read_text() == conformance.table(rows) + "\n"
    assert json.loads(conformance.SUPPORT_FILE.read_text()) == conformance.support(rows)
    for r in rows:  # a provider is offered only where every output was within tolerance
        assert r["pass"] == (r["error"] is None
                             and max(r["errors"].values()) <= conformance.TOLERANCE[r["provider"]])


def test_every_built_onnx_model_was_measured_on_wasm():
    manifest = OUT / "manifest.json"
    if not manifest.exists():
        pytest.skip("models not built")
    from bench import conformance

    measured = {r["model"] for r in json.loads(conformance.RESULTS_FILE.read_text())
                if r["provider"] == "wasm" and r["pass"]}
    onnx_models = {m["id"] for m in json.loads(manifest.read_text())["models"]
                   if m["file"].endswith(".onnx")}
    assert onnx_models <= measured, sorted(onnx_models - measured)


def test_a_graph_the_provider_cannot_load_is_unsupported_not_wrong():
    from bench.conformance import status, table

    base = {"model": "m", "errors": {}, "max_error": float("inf"), "pass": False}
    lacks_op = {**base, "provider": "webgl",
                "error": "Page.evaluate: TypeError: cannot resolve operator 'TopK' with opsets"}
    wrong = {**base, "provider": "webgpu", "error": None, "errors": {"y": 0.5},
             "max_error": 0.5}
    right = {**base, "provider": "wasm", "error": None, "errors": {"y": 1e-6},
             "max_error": 1e-6, "pass": True}
    assert status(lacks_op) == "unsupported" and status(wrong) == "FAIL"
    row = table([right, lacks_op, wrong]).splitlines()[-1]
    assert row == "| m | pass 1.0e-06 | unsupported (op TopK) | **FAIL** 5.0e-01 (y) |"
