"""Serve the frontml web app (web/), safe enough to share on a LAN.

    python serve.py [--host 127.0.0.1] [--port 8000] [--no-isolation] [--threads N]

Cross-origin isolation (COOP/COEP) is on by default so onnxruntime-web can use threads.
What it refuses, and why (issue #18): paths that leave the served folder (also through a
symlink), dotfiles, directory listings, malformed paths (NUL, over-long segments) get a plain
400/404; idle or half-sent requests are cut after a timeout, and at most `--threads`
connections are served at once (the rest get 503 + Retry-After). Every answer carries a CSP,
nosniff and the isolation headers. `x.br` / `x.gz` beside `x` are sent when the client
accepts them (`./dev export` writes them).
"""

from __future__ import annotations

import argparse
import http.server
import os
import posixpath
import socket
import sys
import threading
import time
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
    ".webmanifest": "application/manifest+json",
    ".py": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".zip": "application/zip",
    ".y4m": "video/x-yuv4mpeg",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".woff2": "font/woff2",
    ".data": "application/octet-stream",
    ".bin": "application/octet-stream",
}
# Pyodide and onnxruntime-web compile wasm ('wasm-unsafe-eval') and Pyodide builds JS functions
# from strings ('unsafe-eval': it fails without); PyScript injects styles; camera frames and
# uploads become blob: URLs. No inline scripts, and nothing may load from another origin.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "media-src 'self' data: blob:; connect-src 'self' data: blob:; "
       "worker-src 'self' blob:; font-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'none'; frame-ancestors 'self'")
# The benchmark's anchor pages (never linked from the app) have inline module scripts, and
# tfjs-backend-wasm's thread workers importScripts() blob: URLs.
CSP_BENCH = CSP.replace("'unsafe-eval'", "'unsafe-eval' 'unsafe-inline' blob:")
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
MAX_SEGMENT = 255  # bytes: longer than any file name a filesystem allows
MAX_PATH = 2048
IDLE_TIMEOUT_S = 20.0  # an idle keep-alive connection, or a client that stops mid-request
HEADER_DEADLINE_S = 30.0  # the whole request line + headers, however slowly they trickle in
MAX_THREADS = 64


def missing_builds(web: Path = WEB) -> list[str]:
    """Which build outputs are absent, each with the command that makes them."""
    return [f"{kind}: {BUILD_HINT[kind]}" for kind, paths in REQUIRED.items()
            if any(not (web / p).exists() for p in paths)]


class BadPath(ValueError):
    """A request path we answer with 400."""


def clean_parts(raw: str) -> list[str] | None:
    """The URL path's segments, None for one we hide (404), BadPath for a malformed one."""
    path = raw.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or len(path) > MAX_PATH:
        raise BadPath("malformed path")
    try:
        path = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError as exc:
        raise BadPath("path is not UTF-8") from exc
    if any(c == "\0" or ord(c) < 0x20 or c == "\x7f" for c in path):
        raise BadPath("control character in path")
    if "\\" in path:
        raise BadPath("backslash in path")
    parts = [p for p in path.split("/") if p]
    if any(len(p.encode()) > MAX_SEGMENT for p in parts):
        raise BadPath("path segment too long")
    if any(p.startswith(".") for p in parts):  # '..', '.', dotfiles: never served
        return None
    if posixpath.normpath("/" + "/".join(parts)) != "/" + "/".join(parts):
        return None
    return parts


class _DeadlineReader:
    """rfile wrapper: the request line and headers must all arrive before a deadline, so a
    client trickling one byte at a time cannot hold a thread forever (slowloris)."""

    def __init__(self, rfile, sock: socket.socket, idle: float) -> None:
        self._rfile, self._sock, self._idle = rfile, sock, idle
        self.deadline: float | None = None

    def _arm(self) -> None:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("request headers took too long")
            self._sock.settimeout(min(self._idle, left))

    def readline(self, *args):
        self._arm()
        return self._rfile.readline(*args)

    def read(self, *args):
        self._arm()
        return self._rfile.read(*args)

    def __getattr__(self, name):
        return getattr(self._rfile, name)


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}
    isolation = True
    timeout = IDLE_TIMEOUT_S  # socket timeout: StreamRequestHandler applies it in setup()
    header_deadline = HEADER_DEADLINE_S
    allowed_roots: tuple[Path, ...] = ()  # symlink targets allowed besides the served folder
    protocol_version = "HTTP/1.1"  # keep-alive: pages fetch dozens of files

    def setup(self) -> None:
        super().setup()
        self.rfile = _DeadlineReader(self.rfile, self.connection, self.timeout)

    def handle_one_request(self) -> None:
        self.rfile.deadline = time.monotonic() + self.header_deadline
        self._encoding = None
        self._vary = False
        try:
            super().handle_one_request()
        except (TimeoutError, ConnectionError):
            self.close_connection = True
        finally:
            self.rfile.deadline = None

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self.rfile.deadline = None  # headers are in; the body (if any) uses the idle timeout
        self.connection.settimeout(self.timeout)
        return ok

    # ---------------------------------------------------------------- paths

    def _roots(self) -> list[Path]:
        return [Path(self.directory).resolve(), *(r.resolve() for r in self.allowed_roots)]

    def resolve_request(self) -> Path | None:
        """The file to serve (BadPath for a malformed path, None if it is hidden or absent)."""
        parts = clean_parts(self.path)
        if parts is None:
            return None
        path = Path(self.directory, *parts)
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # symlink loops and the like
            return None
        # A symlink may point only inside the served folder (or an allowed root).
        if not any(real == root or root in real.parents for root in self._roots()):
            return None
        return path

    def translate_path(self, path: str) -> str:
        try:
            resolved = self.resolve_request()
        except BadPath:
            return ""
        return "" if resolved is None else str(resolved)

    def list_directory(self, path):
        self.send_error(404, "Not found")  # never reveal what a folder holds
        return None

    def send_head(self):
        try:
            path = self.resolve_request()
        except BadPath as exc:
            self.send_error(400, f"Bad request: {exc}")
            return None
        if path is None:
            self.send_error(404, "Not found")
            return None
        if not path.exists():
            rel = self.path.lstrip("/")
            for kind in REQUIRED:
                if rel.startswith(kind + "/"):
                    self.send_error(404, f"{rel} is missing: {BUILD_HINT[kind]}")
                    return None
            self.send_error(404, "Not found")
            return None
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the base class redirects to "dir/"
            path = path / "index.html"
            if not path.is_file():
                return self.list_directory(path)
        if not path.is_file():
            self.send_error(404, "Not found")
            return None
        return self._send_file(path)

    def _send_file(self, path: Path):
        ctype = self.guess_type(str(path))
        sent = path
        accepted = self._accepted_encodings()
        for encoding, suffix in ENCODINGS:
            sibling = path.with_name(path.name + suffix)
            if sibling.is_file():
                self._vary = True
                if encoding in accepted and self._encoding is None:
                    sent, self._encoding = sibling, encoding
        try:
            f = open(sent, "rb")  # noqa: SIM115 - closed by the base class after copyfile
        except OSError:
            self.send_error(404, "Not found")
            return None
        try:
            fs = os.fstat(f.fileno())
            if self._not_modified(fs.st_mtime):
                f.close()
                self.send_response(304)
                self.end_headers()
                return None
            self.send_response(200)
            self.send_header("Content-type", ctype)
            self.send_header("Content-Length", str(fs.st_size))
            self.send_header("Last-Modified", self.date_time_string(int(fs.st_mtime)))
            if self._encoding:
                self.send_header("Content-Encoding", self._encoding)
            self.end_headers()
            return f
        except Exception:
            f.close()
            raise

    def _not_modified(self, mtime: float) -> bool:
        since = self.headers.get("If-Modified-Since")
        if not since or self.headers.get("If-None-Match"):
            return False
        try:
            import email.utils

            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False
        return when is not None and when.timestamp() >= int(mtime)

    def _accepted_encodings(self) -> set[str]:
        accepted = set()
        for item in self.headers.get("Accept-Encoding", "").split(","):
            name, _, params = item.strip().partition(";")
            q = 1.0
            for p in params.split(";"):
                k, _, v = p.strip().partition("=")
                if k == "q":
                    try:
                        q = float(v)
                    except ValueError:
                        q = 0.0
            if name and q > 0:
                accepted.add(name.lower())
        return accepted

    # ---------------------------------------------------------------- headers

    def end_headers(self) -> None:
        if self.isolation:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        bench = getattr(self, "path", "").startswith("/bench/")
        self.send_header("Content-Security-Policy", CSP_BENCH if bench else CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if getattr(self, "_vary", False):
            self.send_header("Vary", "Accept-Encoding")
        rel = getattr(self, "path", "").lstrip("/")
        if rel.startswith("vendor/"):
            self.send_header("Cache-Control", "public, max-age=3600")
        else:  # pages, Python, models: revalidate (Last-Modified) so edits show at once
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt: str, *args) -> None:
        if self.server.verbose:  # type: ignore[attr-defined]
            super().log_message(fmt, *args)


class Server(http.server.ThreadingHTTPServer):
    """ThreadingHTTPServer with a cap on concurrent connections: beyond it, a 503."""

    daemon_threads = True
    block_on_close = False
    verbose = False

    def __init__(self, address, handler, max_threads: int = MAX_THREADS) -> None:
        self.slots = threading.BoundedSemaphore(max_threads)
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        if not self.slots.acquire(blocking=False):
            try:
                request.settimeout(1.0)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
                                b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request, client_address) -> None:
        # One line, not a traceback: a LAN client misbehaving is not our bug.
        exc = sys.exc_info()[1]
        if self.verbose:
            print(f"frontml serve: {client_address[0]}: {type(exc).__name__}: {exc}",
                  file=sys.stderr)


def repack_python() -> None:
    """Refresh web/vendor/frontml.zip from py/frontml so Python edits show on reload."""
    if (WEB / "vendor").is_dir():
        sys.path.insert(0, str(ROOT / "tools"))
        import vendor

        vendor.pack_frontml(WEB / "vendor" / "frontml.zip")


def make_server(host: str, port: int, *, isolation: bool = True, verbose: bool = False,
                web: Path = WEB, max_threads: int = MAX_THREADS,
                idle_timeout: float = IDLE_TIMEOUT_S, header_deadline: float = HEADER_DEADLINE_S,
                allowed_roots: tuple[Path, ...] = ()) -> Server:
    """A server for `web`; `allowed_roots` are folders symlinks in it may point into."""
    handler = type("FrontmlHandler", (Handler,), {
        "isolation": isolation, "timeout": idle_timeout, "header_deadline": header_deadline,
        "allowed_roots": tuple(allowed_roots)})
    server = Server((host, port), partial(handler, directory=str(web)), max_threads)
    server.verbose = verbose
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the frontml web app.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--dir", type=Path, default=WEB,
                        help="folder to serve (default web/; e.g. a `./dev export` folder)")
    parser.add_argument("--no-isolation", action="store_true",
                        help="do not send COOP/COEP headers (onnxruntime-web runs one thread)")
    parser.add_argument("--threads", type=int, default=MAX_THREADS,
                        help=f"most connections served at once (default {MAX_THREADS})")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    if not args.dir.is_dir():
        parser.error(f"--dir {args.dir}: not a folder")
    if args.dir.resolve() == WEB.resolve():
        repack_python()
        for problem in missing_builds():
            print(f"warning: {problem}", file=sys.stderr)
    try:
        server = make_server(args.host, args.port, isolation=not args.no_isolation,
                             verbose=args.verbose, web=args.dir, max_threads=args.threads)
    except OSError as exc:
        print(f"frontml serve: cannot listen on {args.host}:{args.port}: {exc.strerror}",
              file=sys.stderr)
        return 2
    print(f"frontml: serving {args.dir} on http://{args.host}:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
