"""Where in-page inference time goes: onnxruntime-web vs native onnxruntime, per operator class.

    python -m bench.op_profile [MODEL_ID | FILE.onnx ...] [--threads 1] [--runs 20] [--rounds 3]

For each model (web/models/<id>.onnx, zeros in) the page (`web/bench/ort.html`, the wasm bundle
frontml uses) and native onnxruntime run with the same intra-op thread count, alternating
`--rounds` times so a busy machine loads both sides alike, after a page warm-up long enough
for V8 to tier the ORT wasm up from its baseline compiler (`--warm`); the table gives median
and best (min) latency and their ratios. One profiled run per side (`enableProfiling` /
`SessionOptions.enable_profiling`) splits the time into operator classes: depthwise conv
(group == channels), pointwise (1x1) conv, other conv, and the rest by op type. Two synthetic
kernels (a 128->128 1x1 conv and a 96-channel 3x3 depthwise conv, 56x56) show the floor that
the kernels themselves set, whatever the graph. Writes bench/out/op_profile.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.compare import model_inputs, native_session, time_native_runs
from bench.harness import DEFAULT_OUT, Bench, astronaut_video, fmt, log, machine, md_table, today

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
DEFAULT_MODELS = ("hand_landmark_lite", "pose_landmark_heavy", "movenet_multipose",
                  "selfie_segmentation")

# Runs `runs` timed calls after one warm-up; with `profile`, the ORT profile (a JSON array that
# onnxruntime-web prints to the console) follows in the console log.
TIME_JS = """async ([src, inputs, runs, threads, profile, warmS]) => {
  const ort = await import('/vendor/ort/ort.wasm.min.mjs');
  ort.env.wasm.numThreads = threads;
  const bytes = src.startsWith('b64:')
    ? Uint8Array.from(atob(src.slice(4)), (c) => c.charCodeAt(0))
    : new Uint8Array(await (await fetch(src)).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'], graphOptimizationLevel: 'all', enableProfiling: profile });
  const ARRAYS = { float32: Float32Array, uint8: Uint8Array, int32: Int32Array,
                   int64: BigInt64Array };
  const feeds = {};
  for (const i of inputs) {
    feeds[i.name] = new ort.Tensor(i.type, new ARRAYS[i.type](i.dims.reduce((a, b) => a * b, 1)),
                                   i.dims);
  }
  await session.run(feeds);
  // V8 runs the ORT wasm on its baseline compiler until tier-up (seconds; ~10 s when loaded):
  // warm up at least warmS s, longer (<= 30 s) while the latest runs sit far above the best.
  const warm = [];
  const w0 = performance.now();
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  while (warmS > 0 && performance.now() - w0 < 30_000) {
    if (performance.now() - w0 >= warmS * 1000 && warm.length >= 5
        && median(warm.slice(-5)) <= 1.2 * Math.min(...warm)) break;
    const s = performance.now();
    await session.run(feeds);
    warm.push(performance.now() - s);
  }
  const times = [];
  for (let k = 0; k < runs; k++) {
    const s = performance.now();
    await session.run(feeds);
    times.push(performance.now() - s);
  }
  if (profile) session.endProfiling();
  await session.release();
  return { times, threads: ort.env.wasm.numThreads };
}"""


def synthetic_models() -> dict[str, bytes]:
    """Single-kernel graphs: the GEMM floor (1x1 conv) and the depthwise path (3x3, group=C)."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)

    def one(name: str, c_in: int, weight, group: int, pads: list[int]) -> bytes:
        node = helper.make_node("Conv", ["x", "w"], ["y"], group=group, pads=pads)
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c_in, 56, 56])
        graph = helper.make_graph(
            [node], name, [x],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
            [numpy_helper.from_array(weight, "w")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        return model.SerializeToString()

    return {
        "synthetic 1x1 conv 128->128 @56x56": one(
            "pw", 128, rng.standard_normal((128, 128, 1, 1)).astype(np.float32), 1, [0] * 4),
        "synthetic 3x3 depthwise 96 @56x56": one(
            "dw", 96, rng.standard_normal((96, 1, 3, 3)).astype(np.float32), 96, [1] * 4),
    }


def native_times(model: bytes, inputs: list[dict], runs: int, threads: int,
                 profile_dir: Path | None = None) -> tuple[list[float], list[dict]]:
    prefix = str(profile_dir / "native") if profile_dir is not None else None
    sess = native_session(model, threads, prefix)
    times = time_native_runs(sess, inputs, runs)
    events: list[dict] = []
    if profile_dir is not None:
        events = json.loads(Path(sess.end_profiling()).read_text())
    return times, events


def op_class(args: dict) -> str:
    """Depthwise / pointwise / other conv from the weight shape; anything else by op type."""
    op = args.get("op_name", "?")
    if "Conv" not in op:
        return op
    shapes = args.get("input_type_shape", [])
    if len(shapes) < 2:
        return "conv (other)"
    w = list(shapes[1].values())[0]
    if len(w) == 4 and w[1] == 1 and w[0] > 1:
        return "depthwise conv"
    if w[2:] == [1, 1]:
        return "pointwise conv"
    return "conv (other)"


def class_ms(events: list[dict]) -> dict[str, float]:
    """ms per run and operator class: each node's median over the profiled runs, summed."""
    per: dict[str, list[float]] = defaultdict(list)
    cls: dict[str, str] = {}
    for e in events:
        if e.get("cat") != "Node" or not str(e.get("name", "")).endswith("_kernel_time"):
            continue
        per[e["name"]].append(e["dur"] / 1000.0)
        cls[e["name"]] = op_class(e.get("args", {}))
    out: dict[str, float] = defaultdict(float)
    for name, durs in per.items():
        out[cls[name]] += statistics.median(durs)
    return dict(out)


def web_profile(console: list[str]) -> list[dict]:
    """The JSON profile onnxruntime-web printed to the console (one message or one per line)."""
    text = "\n".join(console)
    start = text.find("[\n{")
    if start < 0:
        start = text.find("[{")
    if start < 0:
        return []
    try:
        return json.loads(text[start:text.index("\n]", start) + 2])
    except ValueError:
        return []


def measure(bench: Bench, name: str, model: bytes, src: str, args) -> dict:
    inputs = model_inputs(model)
    page = bench.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    web: list[float] = []
    nat: list[float] = []
    try:
        page.goto(f"{bench.base}/bench/ort.html")
        page.wait_for_function("window.anchor && anchor.ready", timeout=60_000)
        for k in range(args.rounds):  # alternate so a load spike hits both sides
            warm = args.warm if k == 0 else 0  # one wasm module serves every session
            got = page.evaluate(TIME_JS, [src, inputs, args.runs, args.threads, False, warm])
            web += got["times"]
            nat += native_times(model, inputs, args.runs, args.threads)[0]
        console.clear()
        page.evaluate(TIME_JS, [src, inputs, args.profile_runs, args.threads, True, 0])
    finally:
        page.close()
    with tempfile.TemporaryDirectory() as tmp:
        _, events = native_times(model, inputs, args.profile_runs, args.threads, Path(tmp))
    return {"model": name, "threads": got["threads"], "web": web, "native": nat,
            "web_ops": class_ms(web_profile(console)), "native_ops": class_ms(events)}


def latency_table(rows: list[dict]) -> str:
    body = []
    for r in rows:
        wm, nm = statistics.median(r["web"]), statistics.median(r["native"])
        wb, nb = min(r["web"]), min(r["native"])
        body.append([r["model"], r["threads"], fmt(wm, 2), fmt(nm, 2), fmt(wm / nm, 2),
                     fmt(wb, 2), fmt(nb, 2), fmt(wb / nb, 2)])
    return md_table(["model", "threads", "web median ms", "native median ms",
                     "web / native (median)", "web best ms", "native best ms",
                     "web / native (best)"], body)


def class_table(rows: list[dict], top: int = 6) -> str:
    """Share of each side's profiled time per class, and web/native per class."""
    body = []
    for r in rows:
        w, n = r["web_ops"], r["native_ops"]
        tw, tn = sum(w.values()) or 1.0, sum(n.values()) or 1.0
        for cls in sorted(set(w) | set(n), key=lambda c: -w.get(c, 0.0))[:top]:
            ratio = w.get(cls, 0.0) / n[cls] if n.get(cls) else None
            body.append([r["model"], cls, fmt(100 * w.get(cls, 0.0) / tw, 1),
                         fmt(100 * n.get(cls, 0.0) / tn, 1), fmt(ratio, 1)])
    return md_table(["model", "operator class", "% of web time", "% of native time",
                     "web / native for this class"], body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.op_profile", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("models", nargs="*", default=list(DEFAULT_MODELS))
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads, both sides")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per round and side")
    parser.add_argument("--rounds", type=int, default=3, help="alternations web/native")
    parser.add_argument("--profile-runs", type=int, default=5)
    parser.add_argument("--warm", type=float, default=5.0,
                        help="seconds of page warm-up (wasm tier-up) before the first round")
    parser.add_argument("--no-synthetic", action="store_true")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT / "op_profile.md")
    args = parser.parse_args(argv)

    work: list[tuple[str, bytes, str | None]] = []
    for m in args.models:  # a model id, or any .onnx file (e.g. an older build to compare)
        path = Path(m) if m.endswith(".onnx") else WEB / "models" / f"{m}.onnx"
        if not path.is_file():
            print(f"no model {path} (run ./dev build {m})", file=sys.stderr)
            return 2
        url = f"/models/{m}.onnx" if path.parent == WEB / "models" else None
        work.append((m if url else path.name, path.read_bytes(), url))
    if not args.no_synthetic:
        work += [(k, v, None) for k, v in synthetic_models().items()]
    rows = []
    with Bench(astronaut_video(DEFAULT_OUT)) as bench:
        for name, model, url in work:
            log(f"profiling {name} ({args.threads} thread(s)) ...")
            src = url or "b64:" + base64.b64encode(model).decode()
            rows.append(measure(bench, name, model, src, args))
    import onnxruntime

    text = "\n\n".join([
        f"# In-page vs native inference, per operator class ({today()}, {machine()})",
        f"onnxruntime-web (wasm, {args.threads} thread(s)) in headless Chromium vs native "
        f"onnxruntime {onnxruntime.__version__} (CPU EP, intra-op threads {args.threads}); "
        f"{args.rounds} alternating rounds of {args.runs} runs each on zeros. On a shared "
        "machine read the ratios (best-of and median), not the absolute ms.",
        latency_table(rows),
        "Profiled time per operator class (one profiled session per side, each node's median "
        f"over {args.profile_runs} runs):",
        class_table(rows),
    ])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
