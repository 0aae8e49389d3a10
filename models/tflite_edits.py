"""Source fix-ups on the TFLite flatbuffer, before tf2onnx sees it.

Both fix-ups rewrite the .tflite file into an equivalent one made only of builtin ops with
dense weights. The rewritten file still runs in the TFLite interpreter, so the build can check
it against the original (where the original runs) and against the ONNX result.
"""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

import numpy as np
import tensorflow as tf
from tensorflow.lite.python import schema_py_generated as fb
from tensorflow.lite.tools import flatbuffer_utils

CUSTOM_TRANSPOSE_CONV = "Convolution2DTransposeBias"
# TfLitePadding (custom options) -> schema Padding (builtin options)
_PADDING = {1: fb.Padding.SAME, 2: fb.Padding.VALID}
# tf.lite.Interpreter warns that it moves to LiteRT; it is still TF 2.21's reference runtime.
warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")
_NP_TO_TFL = {np.dtype("float32"): fb.TensorType.FLOAT32, np.dtype("int32"): fb.TensorType.INT32}


def interpreter(path: Path, keep_tensors: bool = False) -> tf.lite.Interpreter:
    """A reference interpreter WITHOUT the default XNNPACK delegate: with it, DENSIFY outputs
    read back as zeros (models.md trap 1) and results differ slightly from the reference
    kernels."""
    it = tf.lite.Interpreter(
        model_path=str(path),
        experimental_op_resolver_type=tf.lite.experimental.OpResolverType.
        BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        experimental_preserve_all_tensors=keep_tensors,
    )
    it.allocate_tensors()
    return it


def _opcode(model: fb.ModelT, op: fb.OperatorT) -> fb.OperatorCodeT:
    return model.operatorCodes[op.opcodeIndex]


def _builtin(code: fb.OperatorCodeT) -> int:
    return max(code.builtinCode, code.deprecatedBuiltinCode)


def _custom_name(code: fb.OperatorCodeT) -> str | None:
    name = code.customCode
    return name.decode() if isinstance(name, bytes) else name


def _add_buffer(model: fb.ModelT, data: bytes) -> int:
    buf = fb.BufferT()
    buf.data = np.frombuffer(data, dtype=np.uint8).copy()
    model.buffers.append(buf)
    return len(model.buffers) - 1


def _add_const(model: fb.ModelT, graph: fb.SubGraphT, name: str, value: np.ndarray) -> int:
    t = fb.TensorT()
    t.shape = list(value.shape)
    t.type = _NP_TO_TFL[value.dtype]
    t.name = name
    t.buffer = _add_buffer(model, value.astype(value.dtype.newbyteorder("<")).tobytes())
    graph.tensors.append(t)
    return len(graph.tensors) - 1


def _add_opcode(model: fb.ModelT, builtin: int, version: int) -> int:
    for i, code in enumerate(model.operatorCodes):
        if _builtin(code) == builtin and code.customCode is None and code.version == version:
            return i
    code = fb.OperatorCodeT()
    code.builtinCode = builtin
    code.deprecatedBuiltinCode = min(builtin, 127)
    code.version = version
    model.operatorCodes.append(code)
    return len(model.operatorCodes) - 1


def densify(src: Path, dst: Path) -> int:
    """Replace every DENSIFY op by a constant holding its dense output. Returns ops removed.

    The dense values come from the reference interpreter itself, so no sparse-format decoding
    of our own is involved."""
    model = flatbuffer_utils.read_model(str(src))
    it = interpreter(src, keep_tensors=True)
    it.set_tensor(it.get_input_details()[0]["index"],
                  np.zeros(it.get_input_details()[0]["shape"], np.float32))
    it.invoke()
    removed = 0
    for graph in model.subgraphs:
        kept = []
        for op in graph.operators:
            if _builtin(_opcode(model, op)) != fb.BuiltinOperator.DENSIFY:
                kept.append(op)
                continue
            out = graph.tensors[op.outputs[0]]
            dense = it.get_tensor(op.outputs[0])
            if not np.any(dense):
                raise RuntimeError(f"DENSIFY output {out.name} is all zeros")
            out.buffer = _add_buffer(model, dense.tobytes())
            # The sparse input is now unused; give it the dense data too so that no reader
            # (interpreter size checks, tf2onnx) ever decodes the sparse buffer.
            sparse = graph.tensors[op.inputs[0]]
            sparse.sparsity, sparse.buffer = None, out.buffer
            removed += 1
        graph.operators = kept
    flatbuffer_utils.write_model(model, str(dst))
    return removed


def _transpose_conv_options(custom: bytes) -> fb.TransposeConvOptionsT:
    padding, stride_w, stride_h = struct.unpack("<3i", bytes(custom)[:12])
    opts = fb.TransposeConvOptionsT()
    opts.padding = _PADDING[padding]
    opts.strideW, opts.strideH = stride_w, stride_h
    return opts


def replace_transpose_conv_bias(src: Path, dst: Path) -> int:
    """Rewrite MediaPipe's custom Convolution2DTransposeBias (models.md trap 2) as builtin
    TRANSPOSE_CONV (same OHWI weights, same padding/stride options) followed by ADD of the
    bias. Returns ops replaced."""
    model = flatbuffer_utils.read_model(str(src))
    tconv = _add_opcode(model, fb.BuiltinOperator.TRANSPOSE_CONV, 1)
    add = _add_opcode(model, fb.BuiltinOperator.ADD, 1)
    replaced = 0
    for graph in model.subgraphs:
        ops = []
        for op in graph.operators:
            if _custom_name(_opcode(model, op)) != CUSTOM_TRANSPOSE_CONV:
                ops.append(op)
                continue
            ops.extend(_split_transpose_conv(model, graph, op, tconv, add))
            replaced += 1
        graph.operators = ops
    flatbuffer_utils.write_model(model, str(dst))
    return replaced


def _split_transpose_conv(model: fb.ModelT, graph: fb.SubGraphT, op: fb.OperatorT,
                          tconv: int, add: int) -> list[fb.OperatorT]:
    data, weights, bias = op.inputs
    out = graph.tensors[op.outputs[0]]
    shape = np.asarray(out.shape, dtype=np.int32)
    name = out.name.decode() if isinstance(out.name, bytes) else out.name
    shape_t = _add_const(model, graph, f"{name}/output_shape", shape)
    mid = fb.TensorT()
    mid.shape, mid.type, mid.name = list(out.shape), out.type, f"{name}/no_bias"
    mid.buffer = 0  # buffer 0 is the empty sentinel: a computed tensor
    graph.tensors.append(mid)
    mid_t = len(graph.tensors) - 1

    conv = fb.OperatorT()
    conv.opcodeIndex = tconv
    conv.inputs = [shape_t, weights, data]
    conv.outputs = [mid_t]
    conv.builtinOptionsType = fb.BuiltinOptions.TransposeConvOptions
    conv.builtinOptions = _transpose_conv_options(op.customOptions)

    plus = fb.OperatorT()
    plus.opcodeIndex = add
    plus.inputs = [mid_t, bias]
    plus.outputs = list(op.outputs)
    plus.builtinOptionsType = fb.BuiltinOptions.AddOptions
    plus.builtinOptions = fb.AddOptionsT()
    return [conv, plus]


def run(path: Path, inputs: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Outputs by tensor name, for float inputs in input-detail order."""
    it = interpreter(path)
    for det, x in zip(it.get_input_details(), inputs, strict=True):
        it.set_tensor(det["index"], x)
    it.invoke()
    return {d["name"]: it.get_tensor(d["index"]).copy() for d in it.get_output_details()}
