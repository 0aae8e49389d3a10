"""Serve the frontml web app (web/) on localhost.

    python serve.py [--host 127.0.0.1] [--port 8000] [--no-isolation]

Cross-origin isolation (COOP/COEP) is on by default so onnxruntime-web can use threads.
"""

from __future__ import annotations

import argparse
import http.server
import posixpath
import sys
import urllib.parse
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent
WEB = ROOT / "web"
BUILD_HINT = {
    "vendor": "run `./dev setup` (npm ci + python tools/vendor.py)",
    "models": "run `./dev build` (models/build.py)",
}
REQUIRED = {
    "vendor": ["vendor/pyodide/pyodide.mjs", "vendor/ort/ort.wasm.min.mjs",
               "vendor/pyscript/core.js", "vendor/frontml.zip"],
    "models": ["models/manifest.json"],
}
MIME = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".onnx": "application/octet-stream",
    ".json": "application/json",
    ".py": "text/plain; charset=utf-8",
    ".zip": "application/zip",
    ".y4m": "video/x-yuv4mpeg",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
}


def missing_builds(web: Path = WEB) -> list[str]:
    """Which build outputs are absent, each with the command that makes them."""
    return [f"{kind}: {BUILD_HINT[kind]}" for kind, paths in REQUIRED.items()
            if any(not (web / p).exists() for p in paths)]


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}
    isolation = True

    def translate_path(self, path: str) -> str:
        # Refuse anything that could leave web/ or reveal dotfiles; SimpleHTTPRequestHandler
        # already drops '..' but we also refuse it outright with a 404.
        path = urllib.parse.unquote(path.split("?", 1)[0].split("#", 1)[0])
        parts = [p for p in posixpath.normpath(path).split("/") if p]
        if any(p.startswith(".") or "\\" in p or p == ".." for p in parts) or ".." in path:
            return ""
        return str(Path(self.directory, *parts))

    def send_head(self):
        path = self.translate_path(self.path)
        if not path:
            self.send_error(404, "Not found")
            return None
        if not Path(path).exists():
            rel = self.path.lstrip("/")
            for kind in REQUIRED:
                if rel.startswith(kind + "/"):
                    self.send_error(404, f"{rel} is missing: {BUILD_HINT[kind]}")
                    return None
        return super().send_head()

    def end_headers(self) -> None:
        if self.isolation:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
            self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        rel = self.path.lstrip("/")
        if rel.startswith("vendor/"):
            self.send_header("Cache-Control", "public, max-age=3600")
        else:  # pages, Python, models: revalidate (Last-Modified) so edits show at once
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt: str, *args) -> None:
        if self.server.verbose:  # type: ignore[attr-defined]
            super().log_message(fmt, *args)


def repack_python() -> None:
    """Refresh web/vendor/frontml.zip from py/frontml so Python edits show on reload."""
    if (WEB / "vendor").is_dir():
        sys.path.insert(0, str(ROOT / "tools"))
        import vendor

        vendor.pack_frontml(WEB / "vendor" / "frontml.zip")


def make_server(host: str, port: int, *, isolation: bool = True, verbose: bool = False,
                web: Path = WEB) -> http.server.ThreadingHTTPServer:
    handler = type("FrontmlHandler", (Handler,), {"isolation": isolation})
    server = http.server.ThreadingHTTPServer((host, port), partial(handler, directory=str(web)))
    server.verbose = verbose  # type: ignore[attr-defined]
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the frontml web app.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-isolation", action="store_true",
                        help="do not send COOP/COEP headers (onnxruntime-web runs one thread)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    repack_python()
    for problem in missing_builds():
        print(f"warning: {problem}", file=sys.stderr)
    server = make_server(args.host, args.port, isolation=not args.no_isolation,
                         verbose=args.verbose)
    print(f"frontml: serving {WEB} on http://{args.host}:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
