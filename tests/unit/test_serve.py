"""serve.py: headers, MIME types, refusals, and the build hint for missing outputs."""

import threading
import urllib.error
import urllib.request

import pytest

import serve


@pytest.fixture
def site(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    (tmp_path / "a.mjs").write_text("export {}")
    (tmp_path / "b.wasm").write_bytes(b"\0asm")
    (tmp_path / "m.onnx").write_bytes(b"onnx")
    (tmp_path / ".secret").write_text("no")
    (tmp_path.parent / "outside.txt").write_text("no")

    def start(**kw):
        server = serve.make_server("127.0.0.1", 0, web=tmp_path, **kw)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    servers = []
    yield start
    for s in servers:
        s.shutdown()


def get(url):
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_isolation_headers_and_mime(site):
    base = site()
    status, headers, _ = get(base + "/index.html")
    assert status == 200
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert headers["Cache-Control"] == "no-cache"
    assert get(base + "/a.mjs")[1]["Content-type"] == "text/javascript"
    assert get(base + "/b.wasm")[1]["Content-type"] == "application/wasm"
    assert get(base + "/m.onnx")[1]["Content-type"] == "application/octet-stream"


def test_no_isolation_option(site):
    _, headers, _ = get(site(isolation=False) + "/index.html")
    assert "Cross-Origin-Embedder-Policy" not in headers


@pytest.mark.parametrize("path", ["/.secret", "/../outside.txt", "/%2e%2e/outside.txt",
                                  "/sub/..%2f..%2foutside.txt"])
def test_refuses_dotfiles_and_traversal(site, path):
    status, _, body = get(site() + path)
    assert status == 404 and b"no" not in body.replace(b"Not", b"").replace(b"not", b"")


def test_missing_build_outputs_name_the_command(site):
    base = site()
    status, _, body = get(base + "/vendor/pyodide/pyodide.mjs")
    assert status == 404 and b"./dev setup" in body
    status, _, body = get(base + "/models/manifest.json")
    assert status == 404 and b"./dev build" in body
    assert any("./dev build" in m for m in serve.missing_builds(serve.Path("/nonexistent")))
