"""Virtual makeup speed and weight against ModiFace's published figures.

    python -m bench.makeup_speed [--seconds 8] [--frames 10] [--out bench/out]

Measures makeup.html in headless Chromium on the fake camera (astronaut): FPS, model ms
(face detector + mesh: pre + infer + post), geometry ms (Python: layer triangles), render ms
(WebGL2 upload + two passes, finished with gl.finish()); the bytes the page fetched up to its
first result (raw and gzip -6); the CPython twin (face mesh + numpy render); and what a
makeup-only bundle would weigh (the files listed). ModiFace (from the issue): 1.8 MB total
= 983 KB code + 829 KB models, 25 FPS, 30 ms model + 10 ms render, >= 10 FPS to feel
continuous. Prints markdown, also written to OUT/makeup.md.
"""

from __future__ import annotations

import gzip
import io
import sys
import time
import zipfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    Bench,
    astronaut_video,
    cpython_loop,
    fmt,
    log,
    machine,
    md_table,
    page_run,
    speed_parser,
    today,
)

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
MODIFACE = {"total_kb": 1812, "code_kb": 983, "models_kb": 829, "fps": 25.0, "model_ms": 30.0,
            "render_ms": 10.0, "continuous_fps": 10.0}
FIRST_RESULT = "window.frontml && window.frontml.count >= 1 && window.frontml.makeup"
# A makeup-only bundle: the page, its Python, the JS glue modules it uses (with a frontml.js
# re-exporting only those), PyScript's core, the runtimes on the wasm provider, and the
# short-range detector + face mesh (no full-range detector).
BUNDLE_FILES = [
    "makeup.html", "py/makeup.py", "css/app.css", "pyscript.json",
    "js/frontml.js", "js/ort.js", "js/models.js", "js/frames.js", "js/warp.js", "js/loop.js",
    "js/draw.js", "js/page.js", "js/makeup.js",
    "vendor/pyscript/core.js", "vendor/pyscript/core.css",
    "vendor/pyodide/pyodide.mjs", "vendor/pyodide/pyodide.asm.mjs",
    "vendor/pyodide/pyodide.asm.wasm", "vendor/pyodide/python_stdlib.zip",
    "vendor/pyodide/pyodide-lock.json",
    "vendor/ort/ort.wasm.min.mjs", "vendor/ort/ort-wasm-simd-threaded.mjs",
    "vendor/ort/ort-wasm-simd-threaded.wasm",
    "models/face_detection_short.onnx", "models/face_landmark.onnx",
]
# frontml's Python a makeup page imports (the rest of the package zip is other tasks).
BUNDLE_PY = ["frontml/__init__.py", "frontml/errors.py", "frontml/image.py", "frontml/models.py",
             "frontml/timing.py", "frontml/calculators/", "frontml/runtime/",
             "frontml/tasks/__init__.py", "frontml/tasks/registry.py", "frontml/tasks/core/",
             "frontml/tasks/face/", "frontml/tasks/makeup/", "frontml/web/"]


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def kind(path: str) -> str:
    return "models" if path.endswith(".onnx") or path.startswith("models/") else "code"


def fetched_bytes(bench: Bench) -> dict:
    """The files a cold makeup.html load fetched up to its first made-up frame."""
    urls: list[str] = []
    page = bench.new_page(log_to=urls)
    try:
        page.goto(f"{bench.base}/makeup.html")
        page.wait_for_function(FIRST_RESULT, timeout=300_000)
    finally:
        page.close()
    out = {"code": [0, 0], "models": [0, 0], "files": 0}
    for url in dict.fromkeys(urls):
        if not url.startswith(bench.base):
            continue
        rel = url[len(bench.base):].split("?")[0].lstrip("/")
        path = WEB / rel
        if not path.is_file():
            continue
        data = path.read_bytes()
        out[kind(rel)][0] += len(data)
        out[kind(rel)][1] += gz(data)
        out["files"] += 1
    return out


def bundle_bytes() -> tuple[dict, list[tuple[str, int, int]]]:
    """A makeup-only bundle's size (raw, gzip) by kind, and its files."""
    rows = []
    chunks = [p.relative_to(WEB).as_posix() for p in sorted(WEB.glob("vendor/pyscript/core-*.js"))]
    for rel in BUNDLE_FILES + chunks:
        data = (WEB / rel).read_bytes()
        rows.append((rel, len(data), gz(data)))
    buf = io.BytesIO()  # frontml.zip cut down to the modules the page imports
    py = ROOT / "py"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry in BUNDLE_PY:
            target = py / entry
            files = sorted(target.rglob("*.py")) if entry.endswith("/") else [target]
            for f in files:
                zf.write(f, f.relative_to(py).as_posix())
    data = buf.getvalue()
    rows.append(("vendor/frontml.zip (face + makeup modules only)", len(data), gz(data)))
    totals = {"code": [0, 0], "models": [0, 0]}
    for rel, raw, packed in rows:
        totals[kind(rel)][0] += raw
        totals[kind(rel)][1] += packed
    return totals, rows


def cpython_run(frames: int) -> dict:
    import numpy as np

    from frontml.image import ArrayFrame
    from frontml.tasks.makeup import Look, MakeupOptions, create_makeup
    from frontml.tasks.makeup.render import render
    from tests.media import astronaut_frame

    frame = ArrayFrame(np.asarray(astronaut_frame()))
    look = Look(blush_color="#e0707a", liner_color="#141018", brow_color="#4a3426")

    def extra(task, result, timer) -> None:
        with timer.stage("render"):
            render(frame.array, result.geometry, result.params)

    async def create():
        task = await create_makeup(MakeupOptions())
        task.set_look(look)
        return task

    return cpython_loop(create, frame, frames, extra=extra)


def model_ms(stats: dict) -> float | None:
    if stats.get("fps") is None:
        return None
    return sum(stats.get(k, 0.0) for k in ("pre", "infer", "post"))


def kb(n: float) -> str:
    return f"{n / 1000:.0f} KB" if n < 1e6 else f"{n / 1e6:.2f} MB"


def report(page: dict, cpu: dict, fetched: dict, bundle: tuple[dict, list]) -> str:
    mf = MODIFACE
    totals, files = bundle
    fetched_raw = fetched["code"][0] + fetched["models"][0]
    fetched_gz = fetched["code"][1] + fetched["models"][1]
    bundle_raw = totals["code"][0] + totals["models"][0]
    bundle_gz = totals["code"][1] + totals["models"][1]
    rows = [
        ["FPS", fmt(page.get("fps")), fmt(cpu.get("fps")), fmt(mf["fps"]),
         f">= {mf['continuous_fps']:.0f} feels continuous"],
        ["model ms (detector + mesh)", fmt(model_ms(page)), fmt(model_ms(cpu)),
         fmt(mf["model_ms"]), "page: pre + infer + post"],
        ["geometry ms (Python)", fmt(page.get("geometry"), 2), fmt(cpu.get("geometry"), 2), "-",
         "layer triangles from the mesh"],
        ["render ms", fmt(page.get("render")), fmt(cpu.get("render")), fmt(mf["render_ms"]),
         "page: WebGL2, gl.finish(); CPython: numpy"],
        ["bytes fetched (cold, to first frame)",
         f"{kb(fetched_raw)} ({kb(fetched_gz)} gzip)", "-", kb(mf["total_kb"] * 1000),
         f"code {kb(fetched['code'][0])} ({kb(fetched['code'][1])} gzip), models "
         f"{kb(fetched['models'][0])} ({kb(fetched['models'][1])} gzip), "
         f"{fetched['files']} files"],
        ["makeup-only bundle", f"{kb(bundle_raw)} ({kb(bundle_gz)} gzip)", "-",
         kb(mf["total_kb"] * 1000),
         f"code {kb(totals['code'][0])} ({kb(totals['code'][1])} gzip) vs ModiFace "
         f"{mf['code_kb']} KB; models {kb(totals['models'][0])} "
         f"({kb(totals['models'][1])} gzip) vs {mf['models_kb']} KB"],
    ]
    head = (f"Virtual makeup, 640×480 fake camera (astronaut, lips + blush + liner + brows), "
            f"{today()}, {machine()}, headless Chromium (SwiftShader WebGL: the GPU is "
            f"emulated on the CPU), onnxruntime-web wasm.")
    table = md_table(["measure", "makeup.html", "CPython twin", "ModiFace", "note"], rows)
    listing = md_table(["makeup-only bundle file", "bytes", "gzip"],
                       [[f"`{rel}`", str(raw), str(packed)] for rel, raw, packed in files])
    return f"{head}\n\n{table}\n\n{listing}"


def measure(bench: Bench, seconds: float, frames: int) -> tuple:
    """The page, a cold load's bytes, the CPython twin and the bundle: `report`'s arguments."""
    log("measuring makeup.html ...")
    page = page_run(bench, "makeup.html", seconds)
    log("measuring bytes of a cold load ...")
    t0 = time.perf_counter()
    fetched = fetched_bytes(bench)
    log(f"  cold load to first frame {time.perf_counter() - t0:.1f} s")
    log("measuring the CPython twin ...")
    return page, cpython_run(frames), fetched, bundle_bytes()


def main(argv: list[str] | None = None) -> int:
    args = speed_parser("virtual makeup speed and bytes vs ModiFace").parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with Bench(astronaut_video(args.out)) as bench:
        got = measure(bench, args.seconds, 2 if args.quick else args.frames)
    text = report(*got)
    print(text)
    (args.out / "makeup.md").write_text(text + "\n")
    return 0

if __name__ == "__main__":
    sys.exit(main())
