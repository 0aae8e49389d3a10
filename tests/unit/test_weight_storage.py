"""fp16 weight storage (models/weight_storage.py) changes no number: onnxruntime folds the
Casts back to the same float32 weights, and web/js/fp16.js (the webgl backend's path, run here
in Node) turns the model back into the float32 model: same weights, no Cast."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

SCRIPT = """
import { widenFp16 } from '%s';
import fs from 'node:fs';
const bytes = new Uint8Array(fs.readFileSync(0));
process.stdout.write(Buffer.from(widenFp16(bytes)));
"""


def _weight_storage():
    spec = importlib.util.spec_from_file_location(
        "frontml_weight_storage", ROOT / "models" / "weight_storage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _model():
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    exact = rng.normal(size=(8, 4, 3, 3)).astype(np.float16).astype(np.float32)
    # zero signs, a subnormal, the largest float16
    exact[0, 0, 0, :] = np.array([-0.0, 6.0e-8, 65504.0], np.float16).astype(np.float32)
    inexact = rng.normal(size=(8, 8, 1, 1)).astype(np.float32)  # float32 noise: stays float32
    bias = rng.normal(size=(8,)).astype(np.float16).astype(np.float32)  # too small to bother
    inits = [numpy_helper.from_array(exact, "w"), numpy_helper.from_array(inexact, "v"),
             numpy_helper.from_array(bias, "b")]
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("Conv", ["r", "v"], ["y"])]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 6, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 6, 6])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def _run(data: bytes) -> np.ndarray:
    x = np.random.default_rng(1).normal(size=(1, 4, 6, 6)).astype(np.float32)
    return ort.InferenceSession(data).run(None, {"x": x})[0]


def test_store_fp16_is_exact_and_halves_the_weights():
    from onnx import TensorProto

    model = _model()
    before_bytes = model.SerializeToString()
    assert _weight_storage().store_fp16(model) == 1
    onnx.checker.check_model(model, full_check=True)
    types = {t.name: t.data_type for t in model.graph.initializer}
    assert types == {"w__fp16": TensorProto.FLOAT16, "v": TensorProto.FLOAT,
                     "b": TensorProto.FLOAT}
    assert model.graph.node[0].op_type == "Cast"
    assert len(model.SerializeToString()) < len(before_bytes) - 8 * 4 * 9 * 2 + 64
    np.testing.assert_array_equal(_run(model.SerializeToString()), _run(before_bytes))


@pytest.mark.skipif(NODE is None, reason="needs node")
def test_webgl_widening_restores_the_float32_weights(tmp_path):
    from onnx import numpy_helper

    original = _model()
    model = _model()
    _weight_storage().store_fp16(model)
    script = tmp_path / "widen.mjs"
    script.write_text(SCRIPT % (ROOT / "web" / "js" / "fp16.js").as_uri())
    proc = subprocess.run([NODE, str(script)], input=model.SerializeToString(),
                          capture_output=True, timeout=60, check=True)
    wide = onnx.load_from_string(proc.stdout)
    onnx.checker.check_model(wide, full_check=True)
    # the float32 model the build verified: same weights, bit for bit, and no Cast left
    got = {t.name: numpy_helper.to_array(t) for t in wide.graph.initializer}
    want = {t.name: numpy_helper.to_array(t) for t in original.graph.initializer}
    assert got.keys() == want.keys() and all(g.dtype == np.float32 for g in got.values())
    for name, value in want.items():
        np.testing.assert_array_equal(got[name].view(np.uint32), value.view(np.uint32))
    assert [n.op_type for n in wide.graph.node] == [n.op_type for n in original.graph.node]
    np.testing.assert_array_equal(_run(proc.stdout), _run(original.SerializeToString()))
    # a model without float16 weights comes back as the same bytes
    plain = original.SerializeToString()
    same = subprocess.run([NODE, str(script)], input=plain, capture_output=True, timeout=60,
                          check=True)
    assert same.stdout == plain
    # bytes that are no model pass through untouched (onnxruntime reports them)
    for junk in (bytes(range(256)) * 4, b"\xff" * 64, plain[: len(plain) // 2]):
        passed = subprocess.run([NODE, str(script)], input=junk, capture_output=True,
                                timeout=60, check=True)
        assert passed.stdout == junk
