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
        print(f"vendor: {copied} file(s) updated in {VENDOR.relative_to(ROOT)}")
    pack_frontml(VENDOR / "frontml.zip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
