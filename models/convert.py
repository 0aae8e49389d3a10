"""Source model -> raw ONNX with tf2onnx (before our graph edits)."""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if not hasattr(np, "product"):
    np.product = np.prod  # tf2onnx 1.17 still calls np.product, gone in numpy 2 (trap 3)

import onnx  # noqa: E402
import tf2onnx  # noqa: E402
import tflite_edits  # noqa: E402
from catalog import OPSET  # noqa: E402

logging.getLogger("tf2onnx").setLevel(logging.ERROR)

# tfjs fused ops whose JSON lacks the TArgs attribute tf2onnx reads (models.md trap 3).
_FUSED = ("_FusedConv2D", "FusedDepthwiseConv2dNative", "_FusedMatMul")


def prepare_tflite(entry: dict, src: Path, work: Path) -> Path:
    """Apply the catalog's flatbuffer fix-ups; returns the .tflite to convert and run."""
    path = src
    for fix in entry["fixups"]:
        out = work / f"{fix}.tflite"
        if fix == "densify":
            n = tflite_edits.densify(path, out)
        elif fix == "transpose_conv_bias":
            n = tflite_edits.replace_transpose_conv_bias(path, out)
        else:
            raise ValueError(f"unknown tflite fix-up {fix}")
        if n == 0:
            raise RuntimeError(f"fix-up {fix} found nothing to change in {src.name}")
        path = out
    return path


def _fresh_names() -> None:
    """tf2onnx numbers new node names from a process-wide counter: reset it so a model's file
    is byte-identical whether it is built alone or after others."""
    tf2onnx.utils.INTERNAL_NAME = 1


def tflite_to_onnx(path: Path) -> onnx.ModelProto:
    _fresh_names()
    model, _ = tf2onnx.convert.from_tflite(str(path), opset=OPSET)
    return model


def fix_tfjs_json(model: dict, height: int, width: int, layout: str = "nhwc") -> int:
    """Add attributes tf2onnx expects and pin the input to a static size. Returns edits."""
    edits = 0
    for node in model["modelTopology"]["node"]:
        attr = node.setdefault("attr", {})
        if node["op"] in _FUSED and "TArgs" not in attr:
            dtype = attr["T"]["type"]
            n = int(attr["num_args"]["i"])
            attr["TArgs"] = {"list": {"type": [dtype] * n}}
            edits += 1
        elif node["op"] == "TopKV2" and "index_type" not in attr:
            attr["index_type"] = {"type": "DT_INT32"}
            edits += 1
        elif node["op"] == "Placeholder":
            dims = attr["shape"]["shape"]["dim"]
            want = (["1", "3", str(height), str(width)] if layout == "nchw"
                    else ["1", str(height), str(width), "3"])
            if [d["size"] for d in dims] != want:
                attr["shape"]["shape"]["dim"] = [{"size": s} for s in want]
                edits += 1
    return edits


def prepare_tfjs(entry: dict, files: list[Path], work: Path) -> Path:
    """A fixed copy of model.json beside its weight shards; returns the new model.json."""
    model = json.loads(files[0].read_text())
    if "tfjs_attrs" in entry["fixups"]:
        inp = entry["input"]
        fix_tfjs_json(model, inp["height"], inp["width"], inp.get("layout", "nhwc"))
    for shard in files[1:]:
        shutil.copyfile(shard, work / shard.name)
    out = work / "model.json"
    out.write_text(json.dumps(model))
    return out


def tfjs_to_onnx(path: Path) -> onnx.ModelProto:
    import tensorflow as tf
    from tf2onnx.convert import _convert_common

    # tf2onnx 1.17 has no public from_tfjs(); this mirrors what its CLI does for --tfjs.
    _fresh_names()
    with tf.device("/cpu:0"):
        model, _ = _convert_common(None, name=path.stem, opset=OPSET, tfjs_path=str(path),
                                   continue_on_error=False)
    return model


def fused_ops(node: dict) -> list[str]:
    """Decoded `fused_ops` of a tfjs fused node (base64 strings in the JSON)."""
    raw = node.get("attr", {}).get("fused_ops", {}).get("list", {}).get("s", [])
    return [base64.b64decode(s).decode() for s in raw]
