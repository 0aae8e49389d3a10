"""Run a SOURCE model in its own runtime: the TFLite interpreter, or TensorFlow for tfjs graphs.

These are the references the converted ONNX files are checked against. The tfjs path does not
reuse tf2onnx's reader: it rebuilds a TensorFlow GraphDef from model.json, dequantises the
weights the way tfjs does, and runs it in a TF session.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tensorflow as tf
import tflite_edits
from convert import fused_ops
from google.protobuf import json_format
from tensorflow.core.framework import graph_pb2, node_def_pb2


def tflite_outputs(original: Path, prepared: Path, x: np.ndarray) -> tuple[dict, str]:
    """Outputs by tensor name, from the original file when the interpreter can run it.

    Models with MediaPipe custom ops cannot run in the stock interpreter: those fall back to
    the rewritten file (custom op -> builtin ops), which is still TFLite's own kernels."""
    try:
        return tflite_edits.run(original, [x]), "tflite interpreter, original file"
    except RuntimeError as e:
        if "custom op" not in str(e):
            raise
    return (tflite_edits.run(prepared, [x]),
            "tflite interpreter, custom op rewritten to builtin TRANSPOSE_CONV + ADD")


def _weights(model: dict, shards: list[Path]) -> dict[str, np.ndarray]:
    """tfjs weights, dequantised as tfjs does (value * scale + min, or float16 -> float32)."""
    data = b"".join(p.read_bytes() for p in shards)
    out, offset = {}, 0
    for group in model["weightsManifest"]:
        for w in group["weights"]:
            q = w.get("quantization")
            dtype = np.dtype(q["dtype"] if q else w["dtype"])
            count = int(np.prod(w["shape"], dtype=np.int64))
            arr = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
            offset += arr.nbytes
            if q and "scale" in q:
                arr = (arr.astype(np.float64) * q["scale"] + q["min"]).astype(w["dtype"])
            out[w["name"]] = arr.astype(w["dtype"]).reshape(w["shape"])
    if offset != len(data):
        raise ValueError(f"weights use {offset} of {len(data)} bytes")
    return out


def _node(d: dict) -> node_def_pb2.NodeDef:
    return json_format.ParseDict(d, node_def_pb2.NodeDef())


def _copy_attrs(node: dict, keys: tuple[str, ...]) -> dict:
    return {k: v for k, v in node["attr"].items() if k in keys}


def _unfuse(node: dict) -> list[dict]:
    """tfjs fused conv -> plain TF Conv2D/DepthwiseConv2dNative + BiasAdd + activation."""
    ops = fused_ops(node)
    if not ops or ops[0] != "BiasAdd" or len(ops) > 2 or node["attr"]["num_args"]["i"] != "1":
        raise ValueError(f"{node['name']}: unsupported fusion {ops}")
    conv_op = "Conv2D" if node["op"] == "_FusedConv2D" else "DepthwiseConv2dNative"
    keys = ("T", "strides", "padding", "data_format", "dilations", "explicit_paddings")
    if conv_op == "Conv2D":
        keys += ("use_cudnn_on_gpu",)
    name, x, w, b = node["name"], *node["input"][:3]
    conv = {"name": name + "/conv", "op": conv_op, "input": [x, w],
            "attr": _copy_attrs(node, keys)}
    bias_name = name if len(ops) == 1 else name + "/bias"
    bias = {"name": bias_name, "op": "BiasAdd", "input": [conv["name"], b],
            "attr": _copy_attrs(node, ("T", "data_format"))}
    nodes = [conv, bias]
    if len(ops) == 2:
        nodes.append({"name": name, "op": ops[1], "input": [bias_name],
                      "attr": _copy_attrs(node, ("T",))})
    return nodes


def tfjs_graph_def(model: dict, shards: list[Path]) -> graph_pb2.GraphDef:
    weights = _weights(model, shards)
    graph = graph_pb2.GraphDef()
    for node in model["modelTopology"]["node"]:
        node = {k: v for k, v in node.items() if k != "device"}
        if node["op"] in ("_FusedConv2D", "FusedDepthwiseConv2dNative"):
            graph.node.extend(_node(n) for n in _unfuse(node))
            continue
        nd = _node(node)
        if node["op"] == "Const":
            value = weights[node["name"]]
            if node["attr"].get("dtype", {}).get("type") == "DT_INT64":
                value = value.astype(np.int64)  # tfjs stores int64 constants as int32
            nd.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(value))
        graph.node.append(nd)
    return graph


def tfjs_outputs(files: list[Path], x: np.ndarray) -> tuple[dict, str]:
    """Outputs keyed by signature output key (the names tf2onnx gives the ONNX outputs)."""
    model = json.loads(files[0].read_text())
    graph_def = tfjs_graph_def(model, files[1:])
    sig = model["signature"]
    def tensor(name: str) -> str:  # some signatures name ops ("tower_0/images"), not tensors
        return name if ":" in name else name + ":0"

    (inp,) = [tensor(v["name"]) for v in sig["inputs"].values()]
    outs = {k: tensor(v["name"]) for k, v in sig["outputs"].items()}
    with tf.Graph().as_default() as g:
        tf.import_graph_def(graph_def, name="")
        with tf.compat.v1.Session(graph=g) as sess:
            got = sess.run(list(outs.values()), {inp: x})
    return dict(zip(outs, got, strict=True)), "tensorflow session on the tfjs graph"
