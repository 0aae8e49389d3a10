"""Our edits on the converted ONNX graph: the input/output contract the runtime relies on.

* one input ``image``: uint8 [1, H, W, 4] RGBA, NHWC (canvas getImageData order);
* inside the graph: Slice to RGB, then the model's normalisation (see NORMS);
* outputs renamed to the catalog's readable names, reshaped where the catalog says so;
* saved at IR version 13 / opset 17 for onnxruntime-web.
"""

from __future__ import annotations

import re

import numpy as np
import onnx
from catalog import IR_VERSION, OPSET
from onnx import TensorProto, helper, numpy_helper

INPUT = "image"
_P = "frontml/"  # prefix for everything we add, so names never collide with the model's


def _const(graph: onnx.GraphProto, name: str, value: np.ndarray) -> str:
    graph.initializer.append(numpy_helper.from_array(value, _P + name))
    return _P + name


def _normalise(graph: onnx.GraphProto, rgb: str, target: str, norm: str) -> list:
    """Nodes from uint8 RGB to what the source model expects, ending in tensor `target`."""
    if norm == "int32":  # tfjs MoveNet takes int32 pixel values 0..255
        return [helper.make_node("Cast", [rgb], [target], to=TensorProto.INT32,
                                 name=_P + "cast")]
    f = _P + "rgb_float"
    nodes = [helper.make_node("Cast", [rgb], [f], to=TensorProto.FLOAT, name=_P + "cast")]
    if norm == "unit":  # [0, 1]: x / 255
        nodes.append(helper.make_node(
            "Div", [f, _const(graph, "255", np.array(255.0, np.float32))], [target],
            name=_P + "div"))
    elif norm == "signed":  # [-1, 1]: x / 127.5 - 1
        half = _P + "rgb_half"
        nodes += [
            helper.make_node("Div", [f, _const(graph, "127_5", np.array(127.5, np.float32))],
                             [half], name=_P + "div"),
            helper.make_node("Sub", [half, _const(graph, "one", np.array(1.0, np.float32))],
                             [target], name=_P + "sub"),
        ]
    elif norm == "float255":  # float 0..255 (tfjs graphs that normalise inside)
        nodes[0] = helper.make_node("Cast", [rgb], [target], to=TensorProto.FLOAT,
                                    name=_P + "cast")
    elif norm == "centered128":  # (x - 127) / 128, the TF EfficientNet-Lite constants
        centred = _P + "rgb_centred"
        nodes += [
            helper.make_node("Sub", [f, _const(graph, "127", np.array(127.0, np.float32))],
                             [centred], name=_P + "sub"),
            helper.make_node("Div", [centred, _const(graph, "128", np.array(128.0, np.float32))],
                             [target], name=_P + "div"),
        ]
    else:
        raise ValueError(f"unknown normalisation {norm}")
    return nodes


def wrap_image_input(model: onnx.ModelProto, height: int, width: int, norm: str,
                     layout: str = "nhwc") -> None:
    """Replace the model's single input by `image` uint8 [1,H,W,4] + slice + normalise
    (+ a transpose to NCHW for models that take channels first)."""
    graph = model.graph
    if len(graph.input) != 1:
        raise ValueError(f"expected one input, got {[i.name for i in graph.input]}")
    old = graph.input[0].name
    rgb = _P + "rgb"
    nodes = [helper.make_node(
        "Slice",
        [INPUT, _const(graph, "starts", np.array([0], np.int64)),
         _const(graph, "ends", np.array([3], np.int64)),
         _const(graph, "axes", np.array([3], np.int64))],
        [rgb], name=_P + "slice_rgb")]
    if layout == "nchw":
        nhwc = _P + "nhwc"
        nodes += _normalise(graph, rgb, nhwc, norm)
        nodes.append(helper.make_node("Transpose", [nhwc], [old], perm=[0, 3, 1, 2],
                                      name=_P + "to_nchw"))
    elif layout == "nhwc":
        nodes += _normalise(graph, rgb, old, norm)
    else:
        raise ValueError(f"unknown layout {layout}")
    for i, node in enumerate(nodes):
        graph.node.insert(i, node)
    del graph.input[:]
    graph.input.append(helper.make_tensor_value_info(
        INPUT, TensorProto.UINT8, [1, height, width, 4]))


def _rename_tensor(graph: onnx.GraphProto, old: str, new: str) -> None:
    for node in graph.node:
        for i, name in enumerate(node.output):
            if name == old:
                node.output[i] = new
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new


def _all_names(graph: onnx.GraphProto) -> set[str]:
    names = {t.name for t in graph.initializer} | {i.name for i in graph.input}
    for node in graph.node:
        names.update(node.input)
        names.update(node.output)
    return names


def _prune(graph: onnx.GraphProto, keep: set[str]) -> None:
    """Drop nodes and initializers no kept output depends on."""
    needed, nodes = set(keep), []
    for node in reversed(graph.node):
        if any(o in needed for o in node.output):
            nodes.append(node)
            needed.update(node.input)
    nodes.reverse()
    del graph.node[:]
    graph.node.extend(nodes)
    inits = [t for t in graph.initializer if t.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(inits)


def set_outputs(model: onnx.ModelProto, outputs: list[dict], drop_others: bool = False) -> None:
    """Rename (and if needed reshape) outputs to the catalog's names, shapes and order.

    drop_others: outputs the catalog does not list are removed with the nodes only they use
    (e.g. CenterNet's heatmap heads, 1.3 M floats per frame nobody reads)."""
    graph = model.graph
    have = {o.name: o for o in graph.output}
    missing = [o["source"] for o in outputs if o["source"] not in have]
    if drop_others and not missing:
        wanted = {o["source"] for o in outputs}
        kept = [o for o in graph.output if o.name in wanted]
        del graph.output[:]
        graph.output.extend(kept)
        _prune(graph, wanted)
        have = {o.name: o for o in graph.output}
    if missing or len(have) != len(outputs):
        raise ValueError(f"outputs {sorted(have)} do not match catalog sources {missing}")
    taken = _all_names(graph)
    new_outputs = []
    for spec in outputs:
        src, name, shape = spec["source"], spec["name"], spec["shape"]
        if name in taken:
            raise ValueError(f"output name {name} already used inside the graph")
        dims = [d.dim_value for d in have[src].type.tensor_type.shape.dim]
        if dims == shape or not all(dims):
            # unknown dims (e.g. after tfjs SparseToDense): the catalog's static shape is
            # used, and the build's verification checks the real output against it
            _rename_tensor(graph, src, name)
        elif int(np.prod(dims)) == int(np.prod(shape)) and all(dims):
            # e.g. face mesh [1,1,1,1404] -> [1,1404]
            target = _const(graph, f"{name}_shape", np.array(shape, np.int64))
            graph.node.append(helper.make_node("Reshape", [src, target], [name],
                                               name=_P + f"reshape_{name}"))
        else:
            raise ValueError(f"{src}: shape {dims} cannot become {shape}")
        elem = have[src].type.tensor_type.elem_type
        new_outputs.append(helper.make_tensor_value_info(name, elem, shape))
    del graph.output[:]
    graph.output.extend(new_outputs)


_GENERATED = re.compile(r"__\d+")


def canonical_names(graph: onnx.GraphProto) -> None:
    """Renumber tf2onnx's generated `name__N` suffixes in graph order, and name and sort the
    converted initializers by first use: tf2onnx's constant folding and de-duplication work in
    an order that varies run to run, and we want byte-identical files for identical recipes."""
    if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
           for n in graph.node for a in n.attribute):
        return  # subgraphs could refer to outer names: leave such models alone
    tensors: dict[str, str] = {}
    nodes: dict[str, str] = {}

    def canon(name: str, table: dict[str, str]) -> str:
        if name not in table:
            table[name] = _GENERATED.sub("", name) + f"__{len(table)}"
        return table[name]

    first_use: dict[str, tuple[int, int]] = {}
    init_names = {t.name for t in graph.initializer}
    for k, node in enumerate(graph.node):
        for i, name in enumerate(node.input):
            first_use.setdefault(name, (k, i))
            if _GENERATED.search(name) and name not in init_names:
                node.input[i] = canon(name, tensors)
        for i, name in enumerate(node.output):
            if _GENERATED.search(name):
                node.output[i] = canon(name, tensors)
        if _GENERATED.search(node.name):
            node.name = canon(node.name, nodes)
    unused = (len(graph.node), 0)
    inits = sorted(graph.initializer, key=lambda t: first_use.get(t.name, unused))
    weights = {t.name: f"{_P}w{k}" for k, t in enumerate(inits) if not t.name.startswith(_P)}
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in weights:
                node.input[i] = weights[name]
    for t in inits:
        t.name = weights.get(t.name, t.name)
    del graph.initializer[:]
    graph.initializer.extend(inits)


def decompose_hardswish(graph: onnx.GraphProto) -> None:
    """HardSwish(x) = x * (Clip(x + 3, 0, 6) / 6): onnxruntime-web's webgl provider has no
    HardSwish (or HardSigmoid) kernel, while every provider has Add/Clip/Mul. Four
    elementwise passes; the earlier Relu(x+3) - Relu(x-3) form took seven, and those passes
    were ~10 % of the selfie segmenter's time in onnxruntime-web (bench/op_profile.py)."""
    if not any(n.op_type == "HardSwish" for n in graph.node):
        return
    k3 = _const(graph, "hswish_3", np.array(3.0, np.float32))
    k0 = _const(graph, "hswish_0", np.array(0.0, np.float32))
    k6 = _const(graph, "hswish_6", np.array(6.0, np.float32))
    ksixth = _const(graph, "hswish_sixth", np.array(1.0 / 6.0, np.float32))
    nodes = []
    for i, node in enumerate(graph.node):
        if node.op_type != "HardSwish":
            nodes.append(node)
            continue
        x, y, p = node.input[0], node.output[0], f"hswish{i}_"
        mk = onnx.helper.make_node
        nodes += [
            mk("Add", [x, k3], [p + "a"]), mk("Clip", [p + "a", k0, k6], [p + "clip"]),
            mk("Mul", [p + "clip", ksixth], [p + "gate"]),
            mk("Mul", [x, p + "gate"], [y]),
        ]
    del graph.node[:]
    graph.node.extend(nodes)


def unfuse_pointwise_conv_activation(model: onnx.ModelProto) -> int:
    """Put an exact `* 1` between a 1x1 Conv and the Relu/Sigmoid/Clip after it.

    onnxruntime-web 1.30's webgl provider fuses Conv + activation when the activation is the
    conv's only consumer, and its pointwise (1x1) fused conv gives wrong values (selfie
    segmenter conv2d_29 + re_lu_12: error 0.94; found by bench/bisect_provider.py). A Mul by
    one stops that fusion; CPU/wasm onnxruntime folds it into the conv weights (exactly) and
    still fuses the activation, so nothing changes there. Returns the number of convs."""
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for x in node.input:
            consumers.setdefault(x, []).append(node)
    one = None
    count = 0
    for i, node in enumerate(list(graph.node)):
        if node.op_type != "Conv" or node.input[1] not in inits:
            continue
        if list(inits[node.input[1]].dims[2:]) != [1, 1]:
            continue
        users = consumers.get(node.output[0], [])
        if len(users) != 1 or users[0].op_type not in ("Relu", "Sigmoid", "Clip"):
            continue
        if one is None:
            one = _const(graph, "unfuse_one", np.array(1.0, np.float32))
        act = users[0]
        mid = f"unfuse{i}_{node.output[0]}"
        act.input[0] = mid
        graph.node.insert(list(graph.node).index(act),
                          onnx.helper.make_node("Mul", [node.output[0], one], [mid]))
        count += 1
    return count


def finish(model: onnx.ModelProto, model_id: str, entry: dict) -> onnx.ModelProto:
    """Metadata, IR/opset pins, checks. Returns the model ready to serialise."""
    model.ir_version = IR_VERSION
    used = {n.domain or "" for n in model.graph.node}
    keep = [imp for imp in model.opset_import if (imp.domain or "") in used | {""}]
    del model.opset_import[:]
    model.opset_import.extend(keep)  # e.g. tf2onnx declares ai.onnx.ml without using it
    for imp in keep:
        if imp.domain in ("", "ai.onnx") and imp.version != OPSET:
            raise ValueError(f"opset {imp.version} != {OPSET}")
    model.producer_name = "frontml models/build.py"
    model.doc_string = f"{model_id}: {entry['task']}"
    del model.metadata_props[:]
    src = entry["source"]
    onnx.helper.set_model_props(model, {
        "frontml.id": model_id,
        "frontml.source": f"{src['package']}:{src['path']}",
        "frontml.licence": entry["licence"],
        "frontml.norm": entry["input"]["norm"],
    })
    decompose_hardswish(model.graph)
    unfuse_pointwise_conv_activation(model)
    # Drop stale intermediate shape annotations, then re-infer them strictly.
    del model.graph.value_info[:]
    canonical_names(model.graph)
    if entry.get("weights") == "fp16":  # catalog opt-in; lossless (models/weight_storage.py)
        from weight_storage import store_fp16

        store_fp16(model)
    model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.checker.check_model(model, full_check=True)
    return model
