# ruff: noqa: E501  (the measured snippet is kept readable as one block)
"""frontml.learn at scale: 5,000 stored 128-d examples (10 classes), prediction latency per head,
adding, memory, file size and load time -- in CPython and in Pyodide (the page's interpreter,
run under Node: the same wasm build and JS engine as the page, without a browser).

    python -m bench.learn_speed [--examples 5000] [--dim 128]

`--page`: the vector search (frontml.learn.vecsearch) measured IN HEADLESS CHROMIUM (teach.html
?debug=1 runs the snippet in its own interpreter) and in CPython: kNN + prototype prediction
with 1,000 / 5,000 examples, pure Python vs the ONNX graph, memory, the crossover, text search
over 1,000 / 10,000 384-d documents, and data.html training iris / breast cancer end to end
next to CPython and scikit-learn.

Prints a markdown table; nothing is asserted (speed goals live here, not in tests).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "py"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

# The measured code: the same text runs in both interpreters and prints one JSON line.
SNIPPET = r'''
import json, random, time, sys
try:
    import tracemalloc
except ImportError:
    tracemalloc = None
from frontml.learn import Backbone, Classifier

N, DIM, CLASSES = {n}, {dim}, 10
QUICK = {quick}
HEADS_RUN = ("knn", "prototype") if QUICK else ("knn", "prototype", "logistic")
rng = random.Random(0)
centers = [[rng.gauss(0, 1) for _ in range(DIM)] for _ in range(CLASSES)]
data = [(c, [v + rng.gauss(0, 0.9) for v in centers[c]]) for c in range(CLASSES)
        for _ in range(N // CLASSES)]
queries = [[v + rng.gauss(0, 0.9) for v in centers[i % CLASSES]] for i in range(40)]
out = {{"python": sys.version.split()[0], "platform": sys.platform}}
clf = Classifier(Backbone("bench", "", DIM, "projection"), head="knn", threshold=0.6)
t = time.perf_counter()
for c, v in data:
    clf.add(f"class{{c}}", v)
out["add_ms_each"] = (time.perf_counter() - t) * 1000 / len(data)
if tracemalloc:  # memory of a second, identical classifier (tracing slows adds: not timed)
    tracemalloc.start()
    twin = Classifier(Backbone("bench", "", DIM, "projection"), head="knn", threshold=0.6)
    for c, v in data:
        twin.add(f"class{{c}}", v)
    out["memory_mb"] = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    del twin

def median_ms(fn):
    times = []
    for q in queries:
        t = time.perf_counter(); fn(q); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2]

for head in HEADS_RUN:
    clf.head = head
    if head == "logistic":
        t = time.perf_counter(); clf.fit(epochs=30); out["logistic_fit_30_epochs_s"] = time.perf_counter() - t
    clf.predict(queries[0])
    out[f"{{head}}_predict_ms"] = median_ms(clf.predict)
    out[f"{{head}}_accuracy"] = sum(clf.predict(q).best == f"class{{i % CLASSES}}" for i, q in enumerate(queries)) / len(queries)
clf.head = "knn"
t = time.perf_counter(); blob = clf.to_bytes(); out["save_ms"] = (time.perf_counter() - t) * 1000
out["file_mb"] = len(blob) / 2**20
t = time.perf_counter(); back = Classifier.from_bytes(blob); out["load_ms"] = (time.perf_counter() - t) * 1000
out["same_predictions"] = all(back.predict(q).to_json() == clf.predict(q).to_json() for q in queries[:10])
if not QUICK:
    t = time.perf_counter(); ev = clf.evaluate(folds=5); out["evaluate_5fold_s"] = time.perf_counter() - t
print("RESULT " + json.dumps(out))
'''
VEC_SNIPPET = r'''
import gc, json, math, random, sys, time
from array import array
from frontml.learn import Backbone, Classifier, vecsearch
from frontml.tasks.text.search import SearchIndex

CFG = json.loads({cfg!r})
PAGE = sys.platform == "emscripten"


def set_path(onnx):
    big = 10 ** 9
    vecsearch.MIN_ROWS_CPYTHON = vecsearch.MIN_ROWS_PAGE = 0 if onnx else big


async def median_ms(fn, args, reps=1):
    times = []
    for a in args:
        for _ in range(reps):
            t = time.perf_counter(); await fn(a); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2]


def heap_bytes():
    if PAGE:
        import pyodide_js
        return int(pyodide_js._module.HEAPU8.length)
    return None


async def main():
    out = {{"python": sys.version.split()[0], "page": PAGE, "knn": {{}}, "search": {{}},
           "crossover": {{}}}}
    if await vecsearch.session_async() is None:
        out["error"] = vecsearch.status()["error"]
        return out
    rng = random.Random(0)
    dim = 128
    centers = [[rng.gauss(0, 1) for _ in range(dim)] for _ in range(10)]
    biggest = max([*CFG["examples"], *CFG["crossover"], 1])
    data = [(c % 10, [v + rng.gauss(0, 0.9) for v in centers[c % 10]]) for c in range(biggest)]
    queries = [[v + rng.gauss(0, 0.9) for v in centers[i % 10]] for i in range(CFG["queries"])]
    for n in CFG["examples"] if "knn" in CFG["parts"] else ():
        h0 = heap_bytes()
        clf = Classifier(Backbone("bench", "", dim, "projection"), head="knn", threshold=0.6)
        for c, v in data[:n]:
            clf.add(f"class{{c}}", v)
        row = {{"python_heap_growth_mb": None if h0 is None else (heap_bytes() - h0) / 2**20}}
        for head in ("knn", "prototype"):
            clf.head = head
            set_path(False)
            slow = [(await clf.predict_async(q)).to_json() for q in queries[:3]]
            row[head + "_pure_ms"] = await median_ms(clf.predict_async, queries[:CFG["pure_queries"]])
            set_path(True)
            t = time.perf_counter(); await clf.predict_async(queries[0])
            row[head + "_first_onnx_ms"] = (time.perf_counter() - t) * 1000
            row[head + "_onnx_ms"] = await median_ms(clf.predict_async, queries)
            row[head + "_same"] = slow == [(await clf.predict_async(q)).to_json() for q in queries[:3]]
        row["candidates_only_ms"] = await median_ms(lambda q: clf._bank.candidates_async(q, 19), queries)
        # incremental add with the bank alive: one row appended, then one search
        clf.head = "knn"
        t = time.perf_counter()
        for c, v in data[:20]:
            clf.add(f"class{{c}}", v)
            await clf.predict_async(queries[0])
        row["add_then_predict_ms"] = (time.perf_counter() - t) * 1000 / 20
        if PAGE and clf._bank._js is not None:
            row["js_bank_mb"] = int(clf._bank._js.data.byteLength) / 2**20
        elif clf._bank._np is not None:
            row["np_bank_mb"] = clf._bank._np.nbytes / 2**20
        out["knn"][n] = row
        del clf
        gc.collect()
    # crossover: kNN predict, pure vs ONNX, small banks
    for n in CFG["crossover"] if "crossover" in CFG["parts"] else ():
        clf = Classifier(Backbone("bench", "", dim, "projection"), head="knn", threshold=0.6)
        for c, v in data[:n]:
            clf.add(f"class{{c}}", v)
        set_path(False)
        pure = await median_ms(clf.predict_async, queries[:10])
        set_path(True)
        await clf.predict_async(queries[0])
        out["crossover"][n] = {{"pure_ms": pure, "onnx_ms": await median_ms(clf.predict_async, queries[:10])}}
    # text search over 384-d unit vectors (rotations of 64 random ones: cheap to make)
    base = []
    for _ in range(64):
        v = [rng.gauss(0, 1) for _ in range(384)]
        s = math.sqrt(sum(x * x for x in v))
        base.append(array("f", [x / s for x in v]))
    for n in CFG["docs"] if "search" in CFG["parts"] else ():
        index = SearchIndex(Backbone("minilm_l6", "", 384, "embedding"), 384)
        for i in range(n):
            r = i // 64 % 384
            index.add(f"doc {{i}}", base[i % 64][r:] + base[i % 64][:r])
        qs = [base[(7 * i) % 64] for i in range(CFG["queries"])]
        set_path(False)
        slow = [[h.to_json() for h in await index.search_async(q, 5)] for q in qs[:2]]
        row = {{"pure_ms": await median_ms(lambda q: index.search_async(q, 5), qs[:CFG["pure_queries"]])}}
        set_path(True)
        t = time.perf_counter(); await index.search_async(qs[0], 5)
        row["first_onnx_ms"] = (time.perf_counter() - t) * 1000
        row["onnx_ms"] = await median_ms(lambda q: index.search_async(q, 5), qs)
        row["same"] = slow == [[h.to_json() for h in await index.search_async(q, 5)] for q in qs[:2]]
        out["search"][n] = row
        del index
        gc.collect()
    set_path(True)
    vecsearch.MIN_ROWS_CPYTHON, vecsearch.MIN_ROWS_PAGE = {min_rows!r}
    out["wasm_heap_mb"] = None if not PAGE else heap_bytes() / 2**20
    out["status"] = vecsearch.status()
    return out
'''

NODE_RUNNER = r'''
try {
const { loadPyodide } = await import(process.argv[2]);
const py = await loadPyodide({ indexURL: process.argv[3] });
py.FS.mkdirTree("/lib/fml");
const fs = await import("node:fs");
py.unpackArchive(new Uint8Array(fs.readFileSync(process.argv[4])), "zip", { extractDir: "/lib/fml" });
py.runPython("import sys; sys.path.insert(0, '/lib/fml')");
py.setStdout({ batched: (s) => console.log(s) });
await py.runPythonAsync(fs.readFileSync(process.argv[5], "utf8"));
} catch (e) { console.error("ERROR " + String(e).slice(-1500)); process.exit(1); }
'''


def _result(text: str) -> dict:
    for line in text.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"no result in output:\n{text[-2000:]}")


def run_cpython(code: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "py")}, check=True)
    return _result(proc.stdout)


def run_pyodide(code: str) -> dict:
    node = shutil.which("node")
    vendor = ROOT / "web" / "vendor" / "pyodide"
    if not node or not (vendor / "pyodide.mjs").exists():
        raise RuntimeError("needs node and web/vendor/pyodide (./dev setup)")
    with tempfile.TemporaryDirectory() as tmp:
        zpath = Path(tmp) / "frontml.zip"
        with zipfile.ZipFile(zpath, "w") as z:
            for f in (ROOT / "py" / "frontml").rglob("*.py"):
                z.write(f, f.relative_to(ROOT / "py"))
        (Path(tmp) / "run.mjs").write_text(NODE_RUNNER)
        (Path(tmp) / "code.py").write_text(code)
        proc = subprocess.run([node, str(Path(tmp) / "run.mjs"), str(vendor / "pyodide.mjs"),
                               str(vendor) + "/", str(zpath), str(Path(tmp) / "code.py")],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            err = [ln for ln in proc.stderr.splitlines() if ln.startswith("ERROR")]
            raise RuntimeError("\n".join(err) or proc.stderr[-500:])
        return _result(proc.stdout)


# ------------------------------------------------------------------ --page: vector search


def vec_code(args, parts=("knn", "crossover", "search"), **sizes) -> str:
    from frontml.learn import vecsearch

    cfg = {"examples": args.page_examples, "docs": args.docs, "queries": 20,
           "pure_queries": 5, "crossover": args.crossover, "parts": list(parts), **sizes}
    return VEC_SNIPPET.format(cfg=json.dumps(cfg),
                              min_rows=(vecsearch.MIN_ROWS_CPYTHON, vecsearch.MIN_ROWS_PAGE))


def vec_cpython(code: str) -> dict:
    runner = code + "\nimport asyncio, json\nprint('RESULT ' + json.dumps(asyncio.run(main())))\n"
    proc = subprocess.run([sys.executable, "-c", runner], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": f"{ROOT / 'py'}:{ROOT}"}, check=False)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    return _result(proc.stdout)


def _csv(name: str) -> str:
    from sklearn import datasets

    ds = getattr(datasets, f"load_{name}")()
    names = [n.replace(" ", "_") for n in ds.feature_names]
    lines = [",".join(names + ["target"])]
    lines += [",".join(repr(float(v)) for v in row) + "," + str(ds.target_names[c])
              for row, c in zip(ds.data, ds.target, strict=True)]
    return "\n".join(lines) + "\n"


def tabular_cpython(name: str) -> dict:
    import time

    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from frontml.data import read_csv, train
    from frontml.data.tabular import split_rows

    text = _csv(name)
    t0 = time.perf_counter()
    model = train(read_csv(text), "target", test_split=0.3, epochs=200)
    seconds = time.perf_counter() - t0
    table = read_csv(text)
    tr, te = split_rows(table.rows, 0.3, 0)
    feats = [n for n in table.names if n != "target"]
    x = np.array([[r[f] for f in feats] for r in tr])
    xt = np.array([[r[f] for f in feats] for r in te])
    sc = StandardScaler().fit(x)
    ref = LogisticRegression(max_iter=1000).fit(sc.transform(x), [r["target"] for r in tr])
    return {"rows": len(table.rows), "cpython_s": seconds,
            "accuracy": model.metrics["test"]["accuracy"],
            "sklearn_accuracy": ref.score(sc.transform(xt), [r["target"] for r in te])}


MEMORY_JS = """async () => {
  const m = performance.memory || {};
  let ua = null;
  if (globalThis.crossOriginIsolated && performance.measureUserAgentSpecificMemory) {
    try { ua = (await performance.measureUserAgentSpecificMemory()).bytes; } catch (e) { ua = null; }
  }
  return {js_heap_used: m.usedJSHeapSize ?? null, js_heap_total: m.totalJSHeapSize ?? null, ua};
}"""


def _merge(into: dict, part: dict) -> None:
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            into[key].update(value)
        else:
            into[key] = value


def page_part(args) -> dict:
    import time

    from bench.harness import Bench, astronaut_video

    out: dict = {"tabular": {}}
    with Bench(astronaut_video(ROOT / "bench" / "out"),
               extra_args=("--enable-precise-memory-info",)) as bench:
        # one call per part and size: a renderer crash (seen once at load ~30) loses one row
        calls = [vec_code(args, ["knn"], examples=[n], crossover=[]) for n in args.page_examples]
        calls.append(vec_code(args, ["crossover"], examples=[]))
        calls += [vec_code(args, ["search"], examples=[], crossover=[], docs=[n])
                  for n in args.docs]
        out["vec"] = {}
        page = None
        for code in calls:
            if page is None:
                page = bench.new_page()
                page.set_default_timeout(1_800_000)
                page.goto(f"{bench.base}/teach.html?debug=1")
                page.wait_for_function("window.frontml && window.frontml.ready === true "
                                       "&& window.frontml.learnApi", timeout=600_000)
                out.setdefault("memory_before", page.evaluate(MEMORY_JS))
            try:
                _merge(out["vec"], json.loads(page.evaluate("c => window.frontml.learnApi.run(c)",
                                                            code)))
                out["memory_after"] = page.evaluate(MEMORY_JS)
            except Exception as exc:  # the row stays empty; a fresh page for the next one
                print(f"page part failed: {str(exc)[:300]}", file=sys.stderr, flush=True)
                page = None
        if page is not None:
            page.close()
        with tempfile.TemporaryDirectory() as tmp:
            for name in args.datasets:
                path = Path(tmp) / f"{name}.csv"
                path.write_text(_csv(name))
                page = bench.new_page()
                page.set_default_timeout(600_000)
                page.goto(f"{bench.base}/data.html")
                page.wait_for_function("window.frontml && window.frontml.ready === true")
                t0 = time.perf_counter()
                page.set_input_files("#csv", str(path))
                page.wait_for_function("window.frontml.results && window.frontml.results.rows")
                t1 = time.perf_counter()
                page.select_option("#label", "target")
                page.click("#train")
                page.wait_for_function("window.frontml.results.trained === true")
                t2 = time.perf_counter()
                res = page.evaluate("window.frontml.results")
                out["tabular"][name] = {"parse_s": t1 - t0, "train_s": t2 - t1,
                                        "total_s": t2 - t0,
                                        "accuracy": res["metrics"]["test"]["accuracy"]}
                page.close()
    return out


def _load() -> str:
    try:
        return "load average " + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def vec_report(cp: dict, pg: dict | None, tab_cp: dict) -> str:
    from bench.harness import machine, today

    pv = (pg or {}).get("vec") or {}
    lines = [f"Vector search (frontml.learn.vecsearch), {today()}, {machine()}, {_load()}; "
             f"CPython {cp['python']}, page Pyodide {pv.get('python', '-')} in headless "
             "Chromium (onnxruntime-web wasm, 1 thread). Median ms per prediction/query.", "",
             "| measure | CPython pure | CPython ONNX | page pure | page ONNX | same answers |",
             "|---|---|---|---|---|---|"]

    def cell(d: dict | None, key: str, digits: int = 2) -> str:
        v = (d or {}).get(key)
        return "-" if v is None else f"{v:.{digits}f}"

    for n, row in cp["knn"].items():
        prow = (pv.get("knn") or {}).get(n) or (pv.get("knn") or {}).get(str(n))
        for head in ("knn", "prototype"):
            same = row.get(f"{head}_same"), (prow or {}).get(f"{head}_same")
            lines.append(f"| {head} predict, {n} x 128-d | {cell(row, head + '_pure_ms')} | "
                         f"{cell(row, head + '_onnx_ms')} | {cell(prow, head + '_pure_ms')} | "
                         f"{cell(prow, head + '_onnx_ms')} | {same[0]} / {same[1]} |")
        lines.append(f"| kNN: add one example, then predict, {n} | - | "
                     f"{cell(row, 'add_then_predict_ms')} | - | "
                     f"{cell(prow, 'add_then_predict_ms')} | |")
    for n, row in cp["search"].items():
        prow = (pv.get("search") or {}).get(n) or (pv.get("search") or {}).get(str(n))
        lines.append(f"| text search top-5, {n} x 384-d | {cell(row, 'pure_ms')} | "
                     f"{cell(row, 'onnx_ms')} | {cell(prow, 'pure_ms')} | "
                     f"{cell(prow, 'onnx_ms')} | {row.get('same')} / {(prow or {}).get('same')} |")
    lines += ["", "Crossover (kNN predict, 128-d; pure / ONNX ms): " + "; ".join(
        f"{n}: CPython {c['pure_ms']:.2f} / {c['onnx_ms']:.2f}"
        + (f", page {pc['pure_ms']:.2f} / {pc['onnx_ms']:.2f}"
           if (pc := (pv.get("crossover") or {}).get(str(n))) else "")
        for n, c in cp["crossover"].items())]
    if pg:
        mb, ma = pg.get("memory_before") or {}, pg.get("memory_after") or {}
        big = max(pv.get("knn", {"0": {}}), key=int, default=None)
        brow = (pv.get("knn") or {}).get(big, {})

        def mib(x):
            return "-" if x is None else f"{x / 2**20:.1f}"

        lines += ["", f"Page memory: JS heap used {mib(mb.get('js_heap_used'))} -> "
                  f"{mib(ma.get('js_heap_used'))} MiB over the run; Pyodide wasm heap "
                  f"{cell(pv, 'wasm_heap_mb', 1)} MiB; JS-side bank of {big} examples "
                  f"{cell(brow, 'js_bank_mb', 2)} MiB; Python heap growth for {big} examples "
                  f"{cell(brow, 'python_heap_growth_mb', 1)} MiB; "
                  f"measureUserAgentSpecificMemory: {mib(ma.get('ua'))} (needs cross-origin "
                  "isolation)."]
    lines += ["", "| data.html training (logistic, 200 epochs, 30 % held out) | rows | page "
              "end to end (s) | page train (s) | CPython train (s) | page accuracy | CPython "
              "accuracy | scikit-learn accuracy |", "|---|---|---|---|---|---|---|---|"]
    for name, c in tab_cp.items():
        p = ((pg or {}).get("tabular") or {}).get(name) or {}
        lines.append(f"| {name} | {c['rows']} | {cell(p, 'total_s')} | {cell(p, 'train_s')} | "
                     f"{c['cpython_s']:.2f} | {cell(p, 'accuracy', 3)} | {c['accuracy']:.3f} | "
                     f"{c['sklearn_accuracy']:.3f} |")
    return "\n".join(lines)


def page_main(args) -> None:
    code = vec_code(args)
    cp = vec_cpython(code)
    print("CPython:", json.dumps(cp), file=sys.stderr, flush=True)
    tab_cp = {name: tabular_cpython(name) for name in args.datasets}
    pg = None
    if not args.no_browser:
        try:
            pg = page_part(args)
            print("page:", json.dumps(pg), file=sys.stderr, flush=True)
        except Exception as exc:  # report what CPython measured even when the page fails
            print(f"page run failed: {exc}", file=sys.stderr)
    print(vec_report(cp, pg, tab_cp))


ROWS = [("knn_predict_ms", "kNN predict (ms, median)", 2),
        ("prototype_predict_ms", "prototype predict (ms)", 3),
        ("logistic_predict_ms", "logistic predict (ms)", 3),
        ("logistic_fit_30_epochs_s", "logistic fit, 30 epochs (s)", 2),
        ("add_ms_each", "add one example (ms)", 3),
        ("memory_mb", "memory of the examples (MB, tracemalloc)", 1),
        ("file_mb", "file size, float16 (MB)", 2), ("save_ms", "save (ms)", 0),
        ("load_ms", "load (ms)", 0), ("evaluate_5fold_s", "5-fold evaluation (s)", 1),
        ("knn_accuracy", "kNN accuracy (synthetic)", 2),
        ("same_predictions", "reloaded file predicts the same", None)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=5000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--pyodide-only", action="store_true")
    ap.add_argument("--quick", action="store_true", help="no logistic head, no evaluation")
    ap.add_argument("--page", action="store_true",
                    help="the vector search in headless Chromium + CPython, data.html training")
    ap.add_argument("--page-examples", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--docs", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--crossover", type=int, nargs="+", default=[50, 100, 200, 500, 1000, 2000])
    ap.add_argument("--datasets", nargs="+", default=["iris", "breast_cancer"])
    ap.add_argument("--no-browser", action="store_true", help="--page without Chromium")
    args = ap.parse_args()
    if args.page:
        page_main(args)
        return
    code = SNIPPET.format(n=args.examples, dim=args.dim, quick=args.quick)
    results = {}
    if not args.pyodide_only:
        results["CPython"] = run_cpython(code)
        print("CPython:", json.dumps(results["CPython"]), file=sys.stderr, flush=True)
    try:
        results["Pyodide (Node)"] = run_pyodide(code)
    except RuntimeError as exc:
        print(f"Pyodide run failed: {exc}", file=sys.stderr)
    names = list(results)
    print(f"frontml.learn, {args.examples} examples x {args.dim}-d, 10 classes; "
          + ", ".join(f"{n} {r['python']}" for n, r in results.items()))
    print("| measure | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for key, label, digits in ROWS:
        cells = []
        for n in names:
            v = results[n].get(key)
            cells.append("-" if v is None else str(v) if digits is None else f"{v:.{digits}f}")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
