"""serve.py: headers, MIME types, refusals, timeouts, the thread cap, precompressed files and the
build hint for missing outputs. Everything talks to 127.0.0.1 only, with bounded waits."""

import gzip
import http.client
import socket
import threading
import urllib.error
import urllib.request

import pytest

import serve


@pytest.fixture
def site(tmp_path):
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<!doctype html><title>x</title>")
    (web / "a.mjs").write_text("export {}")
    (web / "b.wasm").write_bytes(b"\0asm")
    (web / "m.onnx").write_bytes(b"onnx")
    (web / "s.css").write_text("body{}")
    (web / "p.py").write_text("print(1)")
    (web / ".secret").write_text("no")
    (web / "sub").mkdir()
    (web / "sub" / "x.txt").write_text("x")
    (web / "app").mkdir()
    (web / "app" / "index.html").write_text("app")
    (tmp_path / "outside.txt").write_text("no")
    (tmp_path / "outdir").mkdir()
    (tmp_path / "outdir" / "o.txt").write_text("no")
    (web / "escape.txt").symlink_to(tmp_path / "outside.txt")
    (web / "escdir").symlink_to(tmp_path / "outdir")
    (web / "inside.txt").symlink_to(web / "sub" / "x.txt")
    big = b"const x = 1;\n" * 1000
    (web / "big.js").write_bytes(big)
    (web / "big.js.gz").write_bytes(gzip.compress(big))
    (web / "big.js.br").write_bytes(b"pretend-brotli")

    servers = []

    def start(**kw):
        server = serve.make_server("127.0.0.1", 0, web=web, **kw)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def raw(base, request: bytes, timeout=10.0) -> bytes:
    """Send bytes as they are (urllib would clean the path) and read the whole answer."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(request)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_isolation_security_headers_and_mime(site):
    base = site()
    status, headers, _ = get(base + "/index.html")
    assert status == 200
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'wasm-unsafe-eval'" in csp
    assert "'unsafe-inline'" not in csp.split("style-src")[0]  # no inline scripts
    assert "http" not in csp  # nothing from another origin
    assert headers["Cache-Control"] == "no-cache"
    types = {"/a.mjs": "text/javascript", "/b.wasm": "application/wasm",
             "/m.onnx": "application/octet-stream", "/s.css": "text/css",
             "/p.py": "text/plain; charset=utf-8", "/index.html": "text/html; charset=utf-8"}
    for path, ctype in types.items():
        assert get(base + path)[1]["Content-type"] == ctype, path


def test_no_isolation_option(site):
    _, headers, _ = get(site(isolation=False) + "/index.html")
    assert "Cross-Origin-Embedder-Policy" not in headers
    assert "X-Content-Type-Options" in headers  # the rest stays


@pytest.mark.parametrize("path", ["/.secret", "/../outside.txt", "/%2e%2e/outside.txt",
                                  "/sub/..%2f..%2foutside.txt", "/escape.txt",
                                  "/escdir/o.txt", "/sub/", "/sub", "/escdir/"])
def test_refuses_dotfiles_traversal_symlink_escape_and_listings(site, path):
    status, _, body = get(site() + path)
    assert status == 404, path
    assert b"no" not in body.replace(b"Not", b"").replace(b"not", b"")
    assert b"x.txt" not in body  # no directory listing


def test_symlink_inside_the_folder_and_directory_index(site):
    base = site()
    assert get(base + "/inside.txt")[:3:2] == (200, b"x")
    assert get(base + "/app/")[2] == b"app"
    assert get(base + "/")[0] == 200


def test_allowed_roots_let_symlinks_out(site, tmp_path):
    base = site(allowed_roots=(tmp_path,))
    assert get(base + "/escape.txt")[0] == 200


@pytest.mark.parametrize("path", [b"/%00", b"/a%00.html", b"/" + b"a" * 300,
                                  b"/sub/" + b"%41" * 300, b"/%ff%fe", b"/a\\..\\b",
                                  b"/%0d%0aX:1", b"relative.html"])
def test_malformed_paths_get_400(site, path):
    reply = raw(site(), b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400"), reply[:80]


def test_precompressed_siblings(site):
    base = site()
    status, headers, body = get(base + "/big.js", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Content-type"] == "text/javascript"
    assert headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == b"const x = 1;\n" * 1000
    _, headers, body = get(base + "/big.js", {"Accept-Encoding": "gzip, br"})
    assert headers["Content-Encoding"] == "br" and body == b"pretend-brotli"
    _, headers, body = get(base + "/big.js", {"Accept-Encoding": "br;q=0, gzip;q=0"})
    assert "Content-Encoding" not in headers and body.startswith(b"const x")
    assert headers["Vary"] == "Accept-Encoding"
    _, headers, body = get(base + "/big.js", {"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in headers and len(body) == 13000


def test_not_modified(site):
    base = site()
    _, headers, _ = get(base + "/a.mjs")
    status, _, body = get(base + "/a.mjs", {"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304 and body == b""


def test_half_sent_request_is_cut(site):
    base = site(idle_timeout=0.3, header_deadline=0.6)
    reply = raw(base, b"GET /index.html HTTP/1.1\r\nHost: x\r\n")  # never finishes
    assert b"200" not in reply  # the server closed it instead of waiting forever


def test_idle_keepalive_connection_is_closed(site):
    base = site(idle_timeout=0.3)
    reply = raw(base, b"GET /a.mjs HTTP/1.1\r\nHost: x\r\n\r\n")  # keep-alive, then idle
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"export {}")


def test_thread_cap_answers_503(site):
    base = site(max_threads=2, idle_timeout=5.0)
    host, port = base.removeprefix("http://").split(":")
    idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(2)]
    try:
        # both slots are held by silent connections; wait until the server has taken them
        for s in idle:
            s.sendall(b"GET /a.mjs HTTP/1.1\r\nHost: x\r\n\r\n")
            assert s.recv(12).startswith(b"HTTP/1.1 200")
        reply = raw(base, b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
        assert reply.startswith(b"HTTP/1.1 503") and b"Retry-After" in reply
    finally:
        for s in idle:
            s.close()
    for _ in range(200):  # slots come back once the held connections close
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/index.html")
        status = conn.getresponse().status
        conn.close()
        if status == 200:
            break
        threading.Event().wait(0.05)
    assert status == 200


def test_missing_build_outputs_name_the_command(site):
    base = site()
    status, _, body = get(base + "/vendor/pyodide/pyodide.mjs")
    assert status == 404 and b"./dev setup" in body
    status, _, body = get(base + "/models/manifest.json")
    assert status == 404 and b"./dev build" in body
    assert any("./dev build" in m for m in serve.missing_builds(serve.Path("/nonexistent")))
