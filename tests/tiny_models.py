"""Tiny ONNX models built with `onnx` for tests of the runtime itself (not of any task)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import onnx
from onnx import TensorProto, helper


def mean_model(size: int = 8) -> bytes:
    """image uint8 [1,size,size,4] -> mean float32 [1] (of the RGB channels, scaled to [0,1])."""
    nodes = [
        helper.make_node("Cast", ["image"], ["f"], to=TensorProto.FLOAT),
        helper.make_node("Slice", ["f", "starts", "ends", "axes"], ["rgb"]),
        helper.make_node("Div", ["rgb", "k255"], ["scaled"]),
        helper.make_node("ReduceMean", ["scaled"], ["mean"], keepdims=0),
    ]
    inits = [
        helper.make_tensor("starts", TensorProto.INT64, [1], [0]),
        helper.make_tensor("ends", TensorProto.INT64, [1], [3]),
        helper.make_tensor("axes", TensorProto.INT64, [1], [3]),
        helper.make_tensor("k255", TensorProto.FLOAT, [], [255.0]),
    ]
    graph = helper.make_graph(
        nodes, "tiny_mean",
        [helper.make_tensor_value_info("image", TensorProto.UINT8, [1, size, size, 4])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 13  # onnxruntime-web 1.30 reads IR <= 13
    onnx.checker.check_model(model)
    return model.SerializeToString()


def write_models_dir(folder: Path, models: dict[str, bytes], *, corrupt: set[str] = frozenset()
                     ) -> Path:
    """Write `<id>.onnx` files and a manifest.json; ids in `corrupt` get a wrong sha256."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for model_id, data in models.items():
        (folder / f"{model_id}.onnx").write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        if model_id in corrupt:
            digest = hashlib.sha256(b"not the model").hexdigest()
        entries.append({"id": model_id, "file": f"{model_id}.onnx", "sha256": digest,
                        "bytes": len(data)})
    (folder / "manifest.json").write_text(json.dumps({"models": entries}))
    return folder
