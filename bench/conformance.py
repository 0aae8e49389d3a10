"""Provider conformance: every built model on onnxruntime-web's wasm, webgl and webgpu
execution providers in headless Chromium, compared with CPython onnxruntime on the same input.

    python -m bench.conformance [--models ID ...] [--providers wasm webgl webgpu] [--out DIR]

Input: the first image of each model's build reference (web/models/reference/<id>.npz), so the
numbers are on a real photo, not zeros. Error per output = max |page - CPython| /
max(1, max |CPython|); a model passes on a provider when every output is within TOLERANCE.
Writes <out>/conformance.md (the table in the README) and <out>/conformance.json, which
`models/providers.json` is generated from (`--write-support`): the per-model list of providers
the runtime may use; any other provider falls back to wasm for that model.
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


def reference_feeds(model: dict) -> dict:
    import numpy as np

    ref = np.load(MODELS / model["reference"])
    feeds = {}
    for spec in model["inputs"]:
        arr = ref[spec["name"]]
        if arr.shape[0] != spec["shape"][0]:
            arr = arr[: spec["shape"][0]]
        feeds[spec["name"]] = np.ascontiguousarray(arr[:1] if arr.ndim == len(spec["shape"])
                                                   else arr)
    return feeds


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


def table(rows: list[dict], providers: list[str]) -> str:
    by = {(r["model"], r["provider"]): r for r in rows}
    models = list(dict.fromkeys(r["model"] for r in rows))
    head = ["model"] + [f"{p} (tol {TOLERANCE[p]:g})" for p in providers]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in models:
        cells = [m]
        for p in providers:
            r = by.get((m, p))
            if r is None:
                cells.append("-")
            elif r["error"]:
                cells.append(f"FAIL (error: {r['error'][:60]})")
            else:
                worst = max(r["errors"], key=r["errors"].get)
                cells.append(f"{'pass' if r['pass'] else '**FAIL**'} {r['max_error']:.1e}"
                             + ("" if r["pass"] else f" ({worst})"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def support(rows: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["model"], [])
        if r["pass"]:
            out[r["model"]].append(r["provider"])
    return {m: sorted(p, key=PROVIDERS.index) for m, p in sorted(out.items())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", help="model ids (default: all in the manifest)")
    ap.add_argument("--providers", nargs="*", default=list(PROVIDERS), choices=PROVIDERS)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--write-support", action="store_true",
                    help=f"write {SUPPORT_FILE.relative_to(ROOT)} from the results")
    ap.add_argument("--table-from", nargs="*", type=Path,
                    help="only render the table from earlier conformance.json files")
    args = ap.parse_args(argv)
    if args.table_from:
        rows = [r for f in args.table_from for r in json.loads(f.read_text())]
        print(table(rows, [p for p in PROVIDERS if any(r["provider"] == p for r in rows)]))
        return 0
    manifest = json.loads((MODELS / "manifest.json").read_text())["models"]
    models = [m for m in manifest if m.get("reference")
              and (not args.models or m["id"] in args.models)]
    rows = check(models, args.providers)
    args.out.mkdir(parents=True, exist_ok=True)
    md = table(rows, args.providers)
    (args.out / "conformance.md").write_text(md + "\n")
    (args.out / "conformance.json").write_text(json.dumps(rows, indent=1, default=str))
    print(md)
    if args.write_support:
        current = json.loads(SUPPORT_FILE.read_text()) if SUPPORT_FILE.exists() else {}
        current.update(support(rows))
        SUPPORT_FILE.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
