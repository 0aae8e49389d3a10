"""Find the first node where a provider's output departs from CPython onnxruntime.

    python -m bench.bisect_provider MODEL_ID [--provider webgl] [--every N]

Every float node output is made a graph output (a temporary copy in web/models/_bisect/), the
copy runs on the provider in headless Chromium (bench/conformance.html) and in CPython, and the
nodes are listed in graph order with their error; the first one over the tolerance is the
suspect. Used to find the ops behind a wrong answer on webgl (see models/graph_edits.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.conformance import MODELS, TOLERANCE, check


def truncated_copy(model: dict, index: int, order: list[str]) -> dict:
    """The model with node output `order[index]` as its only output (the rest is pruned)."""
    import onnx
    from onnx import shape_inference

    proto = shape_inference.infer_shapes(onnx.load(str(MODELS / model["file"])))
    info = {v.name: v for v in list(proto.graph.value_info) + list(proto.graph.output)}
    del proto.graph.output[:]
    proto.graph.output.append(info[order[index]])
    proto.ir_version = min(proto.ir_version, 13)
    out_dir = MODELS / "_bisect"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"{index}_{Path(model['file']).name}"
    onnx.save(proto, str(path))
    return {**model, "file": f"_bisect/{path.name}"}


def bisect(model: dict, provider: str) -> None:
    """Binary search for the first float node output over tolerance (one output per run)."""
    exposed = exposed_copy(model, 1)
    order = exposed["order"]
    lo, hi = 0, len(order) - 1  # invariant: first bad index in (lo - 1, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        row = check([truncated_copy(model, mid, order)], [provider])[0]
        bad = not row["pass"]
        print(f"{mid:4d} {exposed['ops'][order[mid]]:40s} {row['max_error']:.2e} "
              f"{row.get('error') or ''}", flush=True)
        if bad:
            hi = mid
        else:
            lo = mid + 1
    print("first divergent:", lo, exposed["ops"][order[lo]], "->", order[lo])


def exposed_copy(model: dict, every: int) -> dict:
    import onnx
    from onnx import shape_inference

    proto = onnx.load(str(MODELS / model["file"]))
    inferred = shape_inference.infer_shapes(proto)
    info = {v.name: v for v in inferred.graph.value_info}
    have = {o.name for o in proto.graph.output}
    for k, node in enumerate(proto.graph.node):
        if k % every:
            continue
        for name in node.output:
            v = info.get(name)
            if v is None or name in have:
                continue
            if v.type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
                continue
            proto.graph.output.append(v)
            have.add(name)
    out_dir = MODELS / "_bisect"
    out_dir.mkdir(exist_ok=True)
    proto.ir_version = min(proto.ir_version, 13)
    path = out_dir / Path(model["file"]).name
    onnx.save(proto, str(path))
    order = [o for n in proto.graph.node for o in n.output if o in have]
    ops = {o: f"{n.op_type} {n.name}" for n in proto.graph.node for o in n.output}
    return {**model, "file": f"_bisect/{path.name}", "order": order, "ops": ops}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--provider", default="webgl")
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--file", help="model file relative to web/models (default: the manifest's)")
    ap.add_argument("--bisect", action="store_true",
                    help="binary search with one exposed output per run (webgl cannot return "
                         "intermediate outputs that other nodes also consume)")
    args = ap.parse_args(argv)
    manifest = {m["id"]: m for m in json.loads((MODELS / "manifest.json").read_text())["models"]}
    base = manifest[args.model]
    if args.file:  # an edited copy under web/models, same inputs/reference
        base = {**base, "file": args.file}
    if args.bisect:
        bisect(base, args.provider)
        return 0
    model = exposed_copy(base, args.every)
    rows = check([model], [args.provider])
    errs = rows[0]["errors"]
    first = None
    for name in model["order"]:
        e = errs.get(name)
        flag = ""
        if e is not None and e > TOLERANCE[args.provider] and first is None:
            first, flag = name, "  <-- first over tolerance"
        print(f"{e if e is not None else float('nan'):9.2e}  {model['ops'][name]}  -> {name}{flag}")
    print("first divergent:", first and model["ops"][first])
    return 0


if __name__ == "__main__":
    sys.exit(main())
