# ruff: noqa: E501  (the measured snippet is kept readable as one block)
"""frontml.learn at scale: 5,000 stored 128-d examples (10 classes), prediction latency per head,
adding, memory, file size and load time -- in CPython and in Pyodide (the page's interpreter,
run under Node: the same wasm build and JS engine as the page, without a browser).

    python -m bench.learn_speed [--examples 5000] [--dim 128]

Prints a markdown table; nothing is asserted (speed goals live here, not in tests).
"""

from __future__ import annotations

import argparse
import json
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
rng = random.Random(0)
centers = [[rng.gauss(0, 1) for _ in range(DIM)] for _ in range(CLASSES)]
data = [(c, [v + rng.gauss(0, 0.9) for v in centers[c]]) for c in range(CLASSES)
        for _ in range(N // CLASSES)]
queries = [[v + rng.gauss(0, 0.9) for v in centers[i % CLASSES]] for i in range(40)]
out = {{"python": sys.version.split()[0], "platform": sys.platform}}
if tracemalloc:
    tracemalloc.start()
clf = Classifier(Backbone("bench", "", DIM, "projection"), head="knn", threshold=0.6)
t = time.perf_counter()
for c, v in data:
    clf.add(f"class{{c}}", v)
out["add_ms_each"] = (time.perf_counter() - t) * 1000 / len(data)
if tracemalloc:
    out["memory_mb"] = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()

def median_ms(fn):
    times = []
    for q in queries:
        t = time.perf_counter(); fn(q); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2]

for head in ("knn", "prototype", "logistic"):
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
t = time.perf_counter(); ev = clf.evaluate(folds=5); out["evaluate_5fold_s"] = time.perf_counter() - t
print("RESULT " + json.dumps(out))
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
    args = ap.parse_args()
    code = SNIPPET.format(n=args.examples, dim=args.dim)
    results = {"CPython": run_cpython(code)}
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
