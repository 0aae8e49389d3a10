"""fp16 weight storage: half the bytes, the same float32 graph at run time.

MediaPipe's .tflite files keep their weights as float16 (DEQUANTIZE ops), so the float32 ONNX
weights tf2onnx writes are float16 values widened. Such an initializer is stored as float16
with a Cast to float32 in front of its users; onnxruntime folds the Cast into a float32
initializer when the session is created (constant folding), so the page and CPython run the
same float32 graph with bit-identical weights. Only tensors whose every value survives the
float16 round trip exactly are touched: the edit never changes a number.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SUFFIX = "__fp16"
MIN_ELEMENTS = 64  # a Cast node per bias-sized tensor saves nothing


def store_fp16(model: onnx.ModelProto, min_elements: int = MIN_ELEMENTS) -> int:
    """Store exactly-representable float32 initializers as float16 + Cast. Returns how many."""
    graph = model.graph
    casts = []
    for t in graph.initializer:
        if t.data_type != TensorProto.FLOAT:
            continue
        a = numpy_helper.to_array(t)
        if a.size < min_elements or not np.isfinite(a).all():
            continue
        h = a.astype(np.float16)
        if not np.array_equal(h.astype(np.float32), a):
            continue
        name = t.name
        t.CopyFrom(numpy_helper.from_array(h, name + SUFFIX))
        casts.append(helper.make_node("Cast", [name + SUFFIX], [name], name=name + "_cast",
                                      to=TensorProto.FLOAT))
    if casts:
        nodes = casts + list(graph.node)
        del graph.node[:]
        graph.node.extend(nodes)
    return len(casts)
