"""`./dev export DIR`: write the app as a folder any static host serves (no server code).

    python tools/export.py DIR [--pages hello.html,pose.html] [--force] [--no-compress]

What the folder holds, and why:
- the pages (all gallery pages, or `--pages`), css/js/py, the vendored runtimes, and ONLY the
  models those pages can load (PAGE_MODELS; models/manifest.json is filtered to match, so a
  missing model is a clear "not in the manifest" rather than a 404);
- `x.gz` (and `x.br` when Node is there to write it) beside every compressible file, for hosts
  that serve precompressed siblings (nginx gzip_static, Caddy `precompressed`, serve.py);
- `export.json`: bytes per page (shell + runtimes + models), which the gallery shows on each card
  before anything is downloaded;
- `sw.js` stamped with the precache lists and a content hash (offline after the first visit,
  COOP/COEP for hosts that cannot send headers) and `sw-register.js` switched on;
- `_headers` (Netlify / Cloudflare Pages syntax) with the isolation and security headers, for
  hosts that read it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
MARKER = ".frontml-export"  # only a folder carrying this is ever emptied by --force

# Models each page can load through its controls (pose model select, segment model select incl.
# the BlazePose mask, try-on detector short/full, hands lite/full). Checked by tests against
# the manifest.
BLAZEPOSE = ["pose_detection", "pose_landmark_lite", "pose_landmark_full", "pose_landmark_heavy"]
PAGE_MODELS: dict[str, list[str]] = {
    "index.html": [],
    "hello.html": ["selfie_segmentation"],
    "pose.html": [*BLAZEPOSE, "movenet_multipose", "movenet_lightning", "movenet_thunder"],
    "segment.html": ["selfie_segmentation", "selfie_segmentation_landscape", *BLAZEPOSE],
    "tryon.html": ["face_detection_short", "face_detection_full", "face_landmark",
                   "iris_landmark"],
    "hands.html": ["palm_detection_lite", "palm_detection_full", "hand_landmark_lite",
                   "hand_landmark_full"],
    "classify.html": ["efficientnet_lite0"],
    "detect.html": ["centernet", "nanodet", "objectron_ssd"],
    "teach.html": [*BLAZEPOSE, "efficientnet_lite0", "vector_search"],
    "data.html": [],
    "text.html": ["text_tokenizer", "minilm_l6", "offensive", "sentiment_head", "vector_search"],
    "speech.html": ["speech_melspectrogram", "speech_embedding", "speech_commands"],
    "makeup.html": ["face_detection_short", "face_detection_full", "face_landmark"],
}
SHELL_DIRS = ("css", "js", "py")
SHELL_FILES = ("pyscript.json", "sw-register.js")
# Runtimes every page needs (the wasm execution provider); the webgl/webgpu bundles are in the
# folder too but only cached when a page asks for that provider.
RUNTIME = ["vendor/pyodide/pyodide.mjs", "vendor/pyodide/pyodide.asm.mjs",
           "vendor/pyodide/pyodide.asm.wasm", "vendor/pyodide/python_stdlib.zip",
           "vendor/pyodide/pyodide-lock.json", "vendor/ort/ort.wasm.min.mjs",
           "vendor/ort/ort-wasm-simd-threaded.mjs", "vendor/ort/ort-wasm-simd-threaded.wasm"]
PAGE_RUNTIME = {"tryon.html": ["vendor/three/three.module.js", "vendor/three/three.core.js"]}
COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".py", ".wasm", ".txt", ".md", ".svg",
                ".onnx", ".zip", ".webmanifest"}
MIN_COMPRESS = 1024  # bytes; below this the sibling is not worth a file
HEADERS = """/*
  Cross-Origin-Opener-Policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
  Cross-Origin-Resource-Policy: same-origin
  X-Content-Type-Options: nosniff
  Content-Security-Policy: {csp}
"""


class ExportError(Exception):
    """Something the user must fix; printed as one line, exit 2."""


def _rel(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()


def _copy_tree(src: Path, dst: Path) -> None:
    for item in sorted(src.rglob("*")):
        if any(part.startswith(".") for part in item.relative_to(src).parts):
            continue
        target = dst / item.relative_to(src)
        if item.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif item.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item, target)  # follows symlinks: the export holds real files


def prepare_dest(dest: Path, force: bool) -> None:
    dest, web = dest.resolve(), WEB.resolve()
    if dest in (ROOT, web) or dest in ROOT.parents or web in dest.parents:
        raise ExportError(f"{dest}: export into a folder outside web/ and not above the repo")
    if dest.exists() and not dest.is_dir():
        raise ExportError(f"{dest} exists and is not a folder")
    if dest.exists() and any(dest.iterdir()):
        if not (dest / MARKER).exists():
            raise ExportError(f"{dest} is not empty and was not written by `./dev export`; "
                              f"choose an empty folder")
        if not force:
            raise ExportError(f"{dest} holds an earlier export; add --force to replace it")
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MARKER).write_text("written by ./dev export; --force may replace this folder\n")


def choose_pages(pages_arg: str | None) -> list[str]:
    if not pages_arg:
        return list(PAGE_MODELS)
    pages = [p.strip() for p in pages_arg.split(",") if p.strip()]
    unknown = [p for p in pages if p not in PAGE_MODELS]
    if unknown:
        raise ExportError(f"--pages: unknown page(s) {', '.join(unknown)}; choose from "
                          f"{', '.join(PAGE_MODELS)}")
    return ["index.html", *[p for p in pages if p != "index.html"]]


def models_for(pages: list[str], manifest: dict) -> list[dict]:
    entries = {m["id"]: m for m in manifest["models"]}
    wanted = [m for p in pages for m in PAGE_MODELS[p]]
    missing = sorted({m for m in wanted if m not in entries})
    if missing:
        raise ExportError(f"models {', '.join(missing)} are not built; run `./dev build`")
    return [entries[m] for m in dict.fromkeys(wanted)]


def compress(dest: Path, use_brotli: bool = True) -> dict[str, int]:
    """Write .gz (and .br through Node's zlib) siblings that save at least 10%."""
    files = [f for f in sorted(dest.rglob("*")) if f.is_file() and f.suffix in COMPRESSIBLE
             and f.stat().st_size >= MIN_COMPRESS]
    written = {"gz": 0, "br": 0}
    for f in files:
        data = f.read_bytes()
        # level 9 costs seconds on the multi-MB wasm files for 1-2% more: 6 above 1 MB
        packed = gzip.compress(data, compresslevel=9 if len(data) < 1e6 else 6, mtime=0)
        if len(packed) < 0.9 * len(data):
            f.with_name(f.name + ".gz").write_bytes(packed)
            written["gz"] += 1
    node = shutil.which("node")
    if use_brotli and node:
        script = ("const fs=require('fs'),z=require('zlib');"
                  "for(const f of JSON.parse(fs.readFileSync(0,'utf8'))){"
                  "const d=fs.readFileSync(f),b=z.brotliCompressSync(d,{params:{"
                  "[z.constants.BROTLI_PARAM_QUALITY]:d.length>1e6?7:11,"
                  "[z.constants.BROTLI_PARAM_SIZE_HINT]:d.length}});"
                  "if(b.length<0.9*d.length){fs.writeFileSync(f+'.br',b);console.log(f)}}")
        proc = subprocess.run([node, "-e", script], input=json.dumps([str(f) for f in files]),
                              capture_output=True, text=True, check=False)
        if proc.returncode == 0:
            written["br"] = len(proc.stdout.split())
        else:
            print(f"warning: no .br files (node failed: {proc.stderr.strip()[:200]})",
                  file=sys.stderr)
    return written


def export(dest: Path, pages_arg: str | None = None, force: bool = False,
           compress_files: bool = True) -> dict:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tools"))
    import vendor

    import serve

    missing = serve.missing_builds(WEB)
    if missing:
        raise ExportError("build outputs missing: " + "; ".join(missing))
    pages = choose_pages(pages_arg)
    manifest = json.loads((WEB / "models" / "manifest.json").read_text())
    chosen = models_for(pages, manifest)
    prepare_dest(dest, force)

    for page in pages:
        shutil.copyfile(WEB / page, dest / page)
    for folder in SHELL_DIRS:
        _copy_tree(WEB / folder, dest / folder)
    for name in SHELL_FILES:
        shutil.copyfile(WEB / name, dest / name)
    _copy_tree(WEB / "vendor", dest / "vendor")
    vendor.pack_frontml(dest / "vendor" / "frontml.zip")  # the Python as it is now
    (dest / "models").mkdir()
    for m in chosen:
        shutil.copyfile(WEB / "models" / m["file"], dest / "models" / m["file"])
    (dest / "models" / "manifest.json").write_text(
        json.dumps({**manifest, "models": chosen}, indent=1) + "\n")

    register = (dest / "sw-register.js").read_text()
    if "const EXPORTED = false;" not in register:
        raise ExportError("web/sw-register.js lacks `const EXPORTED = false;`")
    (dest / "sw-register.js").write_text(register.replace("const EXPORTED = false;",
                                                          "const EXPORTED = true;", 1))

    size = lambda rel: (dest / rel).stat().st_size  # noqa: E731
    shell = sorted({*pages, *SHELL_FILES, "vendor/frontml.zip", "models/manifest.json",
                    "export.json",
                    *(_rel(f, dest) for d in (*SHELL_DIRS, "vendor/pyscript")
                      for f in (dest / d).rglob("*") if f.is_file())})
    runtime = sorted({*RUNTIME, *(r for p in pages for r in PAGE_RUNTIME.get(p, []))})
    shell_bytes = sum(size(p) for p in shell if p != "export.json")
    info = {"pages": {}, "models": {m["id"]: m.get("bytes", size("models/" + m["file"]))
                                    for m in chosen}}
    for page in pages:
        if page == "index.html":
            continue
        model_bytes = sum(info["models"][m] for m in dict.fromkeys(PAGE_MODELS[page]))
        runtime_bytes = sum(size(r) for r in [*RUNTIME, *PAGE_RUNTIME.get(page, [])])
        info["pages"][page] = {"models": PAGE_MODELS[page], "model_bytes": model_bytes,
                               "runtime_bytes": runtime_bytes, "shell_bytes": shell_bytes,
                               "total_bytes": model_bytes + runtime_bytes + shell_bytes}
    (dest / "export.json").write_text(json.dumps(info, indent=1) + "\n")

    digest = hashlib.sha256()
    for rel in [*shell, *runtime]:
        digest.update(rel.encode() + hashlib.sha256((dest / rel).read_bytes()).digest())
    config = {"version": digest.hexdigest()[:16], "shell": ["./", *shell], "runtime": runtime}
    sw = (WEB / "sw.js").read_text()
    start, end = sw.index("/*CONFIG*/"), sw.index("/*END*/") + len("/*END*/")
    (dest / "sw.js").write_text(sw[:start] + json.dumps(config) + sw[end:])
    (dest / "_headers").write_text(HEADERS.format(csp=serve.CSP))

    compressed = compress(dest) if compress_files else {"gz": 0, "br": 0}
    total = sum(f.stat().st_size for f in dest.rglob("*") if f.is_file())
    return {"dest": str(dest), "pages": pages, "models": [m["id"] for m in chosen],
            "compressed": compressed, "bytes": total, "version": config["version"],
            "page_bytes": {p: v["total_bytes"] for p, v in info["pages"].items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev export",
                                     description="Write the app as a folder for any static host.")
    parser.add_argument("dest", type=Path, help="folder to write (empty, or an earlier export)")
    parser.add_argument("--pages", help=f"comma-separated pages (default all: "
                                        f"{', '.join(PAGE_MODELS)})")
    parser.add_argument("--force", action="store_true", help="replace an earlier export")
    parser.add_argument("--no-compress", action="store_true", help="skip .gz/.br siblings")
    args = parser.parse_args(argv)
    try:
        out = export(args.dest, args.pages, args.force, not args.no_compress)
    except ExportError as exc:
        print(f"export: error: {exc}", file=sys.stderr)
        return 2
    print(f"exported {len(out['pages'])} pages, {len(out['models'])} models to {out['dest']} "
          f"({out['bytes'] / 1e6:.1f} MB with {out['compressed']['gz']} .gz and "
          f"{out['compressed']['br']} .br files; cache version {out['version']})")
    for page, n in out["page_bytes"].items():
        print(f"  {page}: first visit downloads up to {n / 1e6:.1f} MB")
    print(f"try it: python -m http.server -d {out['dest']} 8000  (any static server works)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
