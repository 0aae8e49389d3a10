"""Provider conformance: every built model on onnxruntime-web's wasm, webgl and webgpu
execution providers in headless Chromium, compared with CPython onnxruntime on the same input.

    python -m bench.conformance [--models ID ...] [--providers wasm webgl webgpu] [--dry]

Models: every .onnx model in web/models/manifest.json (a new model is picked up when built).
Input: the first example of each model's build reference (web/models/reference/<id>.npz), so
the numbers are on a real photo/clip, not zeros. Error per output = max |page - CPython| /
max(1, max |CPython|); a model passes on a provider when every output is within TOLERANCE.
"unsupported": the provider cannot load the graph (an op it lacks).
Results are merged into models/conformance.json (one row per model x provider, newest wins),
from which the script writes models/providers.json (the providers the runtime may use per
model; any other falls back to wasm, and a pair never measured is not offered),
models/conformance.md and the table in README.md between the conformance markers.
GPU providers run on SwiftShader / CPU-emulated WebGPU here: correctness, not speed.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "py"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

PROVIDERS = ("wasm", "webgl", "webgpu")
TOLERANCE = {"wasm": 1e-3, "webgl": 5e-3, "webgpu": 5e-3}
CHROMIUM = "/usr/bin/chromium"
MODELS = ROOT / "web" / "models"
QUERY = ""  # extra query for experiments, e.g. "&pack=0"
SUPPORT_FILE = ROOT / "models" / "providers.json"
RESULTS_FILE = ROOT / "models" / "conformance.json"
TABLE_FILE = ROOT / "models" / "conformance.md"
README = ROOT / "README.md"
BEGIN, END = "<!-- conformance table: begin -->", "<!-- conformance table: end -->"
UNSUPPORTED = ("cannot resolve operator", "not supported", "unsupported", "not implemented",
               "failed to load model", "check failed")  # a graph the provider cannot take


def reference_feeds(model: dict) -> dict:
    """The model's inputs from its build reference; an input the reference does not hold
    (the text model's token ids) gets fixed, seeded values of the right dtype."""
    import numpy as np

    ref = np.load(MODELS / model["reference"])
    feeds = {}
    for spec in model["inputs"]:
        shape = spec["shape"]
        if spec["name"] not in ref.files:
            feeds[spec["name"]] = _synthetic(spec)
            continue
        arr = ref[spec["name"]]
        if arr.ndim == len(shape) and isinstance(shape[0], int) and arr.shape[0] != shape[0]:
            arr = arr[: shape[0]]
        elif arr.ndim != len(shape) and all(isinstance(d, int) for d in shape):
            arr = arr.reshape(shape)  # a scalar stored for a [1] input (vector_search's k)
        feeds[spec["name"]] = np.ascontiguousarray(arr[:1] if arr.ndim == len(shape)
                                                   and isinstance(shape[0], int) else arr)
    return feeds


def _synthetic(spec: dict):
    import numpy as np

    shape = [d if isinstance(d, int) and d > 0 else (1 if i == 0 else 16)
             for i, d in enumerate(spec["shape"])]
    if spec["dtype"].startswith("float"):
        return np.random.default_rng(0).normal(size=shape).astype(spec["dtype"])
    if "mask" in spec["name"]:
        return np.ones(shape, spec["dtype"])
    ids = np.random.default_rng(0).integers(1000, 5000, size=shape)
    ids[..., 0], ids[..., -1] = 101, 102  # [CLS] ... [SEP]
    return ids.astype(spec["dtype"])


def cpython_outputs(model: dict, feeds: dict) -> dict:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    session = ort.InferenceSession(str(MODELS / model["file"]), opts,
                                   providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(names, feeds), strict=True))


def error(page, ref) -> float:
    import numpy as np

    page = np.asarray(page, dtype=np.float64).reshape(-1)
    ref = np.asarray(ref, dtype=np.float64).reshape(-1)
    if page.shape != ref.shape:
        return float("inf")
    if not np.all(np.isfinite(page)):
        return float("inf")
    return float(np.max(np.abs(page - ref)) / max(1.0, float(np.max(np.abs(ref)))))


def run_page(page, model: dict, feeds: dict, timeout_s: float) -> dict:
    import numpy as np

    payload = {name: {"type": str(a.dtype), "dims": list(a.shape),
                      "b64": base64.b64encode(a.tobytes()).decode()} for name, a in feeds.items()}
    page.set_default_timeout(timeout_s * 1000)
    res = page.evaluate("([u, f]) => anchor.run(u, f, [])", [f"/models/{model['file']}", payload])
    outs = {}
    for name, o in res["outputs"].items():
        outs[name] = np.frombuffer(base64.b64decode(o["b64"]), dtype=np.float32).reshape(o["dims"])
    return {"outputs": outs, "load_ms": res["loadMs"], "run_ms": res["runMs"]}


def check(models: list[dict], providers: list[str], timeout_s: float = 300.0) -> list[dict]:
    """One row per (model, provider): error per output, pass/fail, ms."""
    from playwright.sync_api import sync_playwright

    import serve

    server = serve.make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    rows: list[dict] = []
    refs = {m["id"]: (reference_feeds(m),) for m in models}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--enable-unsafe-webgpu", "--disable-background-networking"])
        try:
            for provider in providers:
                page = browser.new_page()
                off_origin: list[str] = []
                page.on("request", lambda r, o=off_origin: None if r.url.startswith(
                    (base, "data:", "blob:")) else o.append(r.url))
                page.goto(f"{base}/bench/conformance.html?provider={provider}{QUERY}")
                page.wait_for_function("window.anchor && anchor.ready", timeout=60_000)
                for m in models:
                    feeds = refs[m["id"]][0]
                    ref = cpython_outputs(m, feeds)
                    row = {"model": m["id"], "provider": provider, "errors": {}, "error": None}
                    t0 = time.perf_counter()
                    try:
                        got = run_page(page, m, feeds, timeout_s)
                        row["errors"] = {n: error(got["outputs"].get(n), r)
                                         for n, r in ref.items()}
                        row["run_ms"] = got["run_ms"]
                    except Exception as exc:  # noqa: BLE001 - a failing provider is a result
                        row["error"] = str(exc).splitlines()[0][:200]
                        page.close()
                        page = browser.new_page()
                        page.goto(f"{base}/bench/conformance.html?provider={provider}{QUERY}")
                        page.wait_for_function("window.anchor && anchor.ready", timeout=60_000)
                    worst = max(row["errors"].values(), default=float("inf"))
                    row["max_error"] = worst
                    row["pass"] = row["error"] is None and worst <= TOLERANCE[provider]
                    row["wall_s"] = time.perf_counter() - t0
                    print(f"{m['id']:32s} {provider:7s} "
                          f"{'pass' if row['pass'] else 'FAIL'} {worst:.2e} "
                          f"{row.get('error') or ''}", file=sys.stderr, flush=True)
                    rows.append(row)
                if off_origin:
                    raise RuntimeError(f"off-origin requests: {off_origin[:3]}")
                page.close()
        finally:
            browser.close()
            server.shutdown()
    return rows


def status(row: dict) -> str:
    """pass | FAIL (wrong numbers or a run error) | unsupported (the provider lacks an op)."""
    if row["error"]:
        return "unsupported" if any(u in row["error"].lower() for u in UNSUPPORTED) else "FAIL"
    return "pass" if row["pass"] else "FAIL"


def table(rows: list[dict], providers: list[str] | tuple[str, ...] = PROVIDERS) -> str:
    """Markdown model x provider: status and the worst output's error; "-" = not measured
    (not offered: the runtime uses wasm for that model there)."""
    by = {(r["model"], r["provider"]): r for r in rows}
    models = sorted({r["model"] for r in rows})
    head = ["model"] + [f"{p} (tol {TOLERANCE[p]:g})" for p in providers]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in models:
        cells = [m]
        for p in providers:
            r = by.get((m, p))
            if r is None:
                cells.append("-")
            elif r["error"]:
                cells.append(f"{status(r)} ({_short(r['error'])})")
            else:
                worst = max(r["errors"], key=r["errors"].get)
                cells.append(f"{'pass' if r['pass'] else '**FAIL**'} {r['max_error']:.1e}"
                             + ("" if r["pass"] else f" ({worst})"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _short(err: str) -> str:
    """The reason in a few words: the missing op, or the loader's message without prefixes."""
    import re

    op = re.search(r"operator '(\w+)'", err)
    if op:
        return f"op {op.group(1)}"
    if "expected shape" in err:
        return "dynamic input shape"
    node = re.search(r"unrecognized input '' for node: (\S+)", err)
    if node:
        return f"optional input left empty ({node.group(1)})"
    for prefix in ("Page.evaluate: ", "Error: ", "TypeError: ",
                   "Failed to load model as ONNX format: ", "Error: ", "TypeError: "):
        err = err.removeprefix(prefix)
    return err.replace("|", "/")[:50]


def support(rows: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["model"], [])
        if r["pass"]:
            out[r["model"]].append(r["provider"])
    return {m: sorted(p, key=PROVIDERS.index) for m, p in sorted(out.items())}


def merge(old: list[dict], new: list[dict]) -> list[dict]:
    """Newest row wins per (model, provider); sorted for stable diffs."""
    by = {(r["model"], r["provider"]): r for r in old}
    by.update({(r["model"], r["provider"]): r for r in new})
    return [by[k] for k in sorted(by, key=lambda k: (k[0], PROVIDERS.index(k[1])))]


def readme_section(rows: list[dict]) -> str:
    return f"{BEGIN}\n{table(rows)}\n{END}"


def write_outputs(rows: list[dict]) -> None:
    """providers.json, conformance.md and the README table, all from the merged rows."""
    RESULTS_FILE.write_text(json.dumps(rows, indent=1, default=str) + "\n")
    SUPPORT_FILE.write_text(json.dumps(support(rows), indent=1, sort_keys=True) + "\n")
    TABLE_FILE.write_text(table(rows) + "\n")
    text = README.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    README.write_text(text[:start] + readme_section(rows) + text[end:])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", help="model ids (default: all in the manifest)")
    ap.add_argument("--providers", nargs="*", default=list(PROVIDERS), choices=PROVIDERS)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--timeout-s", type=float, default=300.0,
                    help="time allowed per model x provider run (BlazePose heavy on emulated "
                         "WebGPU needs more than 10 min here)")
    ap.add_argument("--dry", action="store_true",
                    help="only write <out>/conformance.{md,json}; leave the models/ files "
                         "and README alone")
    ap.add_argument("--rewrite", action="store_true",
                    help="measure nothing: rewrite providers.json, conformance.md and the "
                         "README table from models/conformance.json")
    args = ap.parse_args(argv)
    old = json.loads(RESULTS_FILE.read_text()) if RESULTS_FILE.exists() else []
    if args.rewrite:
        write_outputs(merge([], old))
        return 0
    manifest = json.loads((MODELS / "manifest.json").read_text())["models"]
    models = [m for m in manifest if m.get("reference") and m["file"].endswith(".onnx")
              and (not args.models or m["id"] in args.models)]
    rows = check(models, args.providers, args.timeout_s)
    args.out.mkdir(parents=True, exist_ok=True)
    md = table(rows, args.providers)
    (args.out / "conformance.md").write_text(md + "\n")
    (args.out / "conformance.json").write_text(json.dumps(rows, indent=1, default=str))
    print(md)
    if not args.dry:
        write_outputs(merge(old, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
