"""End-to-end harness: our server on 127.0.0.1, Debian's Chromium with a fake camera fed from a
y4m made from a package photo, and a guard that fails any test that sends a request off
127.0.0.1 or has an uncaught page error."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

import serve
from tests.media import astronaut_frame, write_y4m

CHROMIUM = os.environ.get("FRONTML_CHROMIUM", "/usr/bin/chromium")
# Every wait scales with FRONTML_E2E_SLOW (default 1): on a machine shared by many jobs Pyodide
# alone can take minutes to start. Outcomes are asserted, never durations.
SLOW = float(os.environ.get("FRONTML_E2E_SLOW", "1"))
PAGE_READY_MS = int(60_000 * SLOW)


def ms(milliseconds: int) -> int:
    """A wait in ms, scaled by FRONTML_E2E_SLOW."""
    return int(milliseconds * SLOW)


@pytest.fixture(scope="session")
def camera_video(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("media") / "astronaut.y4m"
    return write_y4m(path, [astronaut_frame()] * 2)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, camera_video):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: `apt-get install chromium` (./dev test does this)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera_video}",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="module")
def webgpu_browser(browser_type, browser_type_launch_args):
    """Chromium with (CPU-emulated) WebGPU, one per test module: a module's `browser` fixture
    returns it where its pages need navigator.gpu."""
    args = [*browser_type_launch_args["args"], "--enable-unsafe-webgpu"]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


def _serve(web: Path):
    # web_copy links vendor/ etc. back to web/: allow those symlinks, nothing else
    server = serve.make_server("127.0.0.1", 0, web=web, allowed_roots=(serve.WEB,))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="session")
def server_url() -> str:
    serve.repack_python()
    missing = serve.missing_builds()
    if missing:
        pytest.fail("build outputs missing: " + "; ".join(missing))
    server = _serve(serve.WEB)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def web_copy(tmp_path) -> Path:
    """A private copy of web/ (vendor linked, not copied) whose models/ a test may replace."""
    root = tmp_path / "web"
    root.mkdir()
    for item in serve.WEB.iterdir():
        if item.name == "models":
            continue
        if item.is_dir() and item.name != "vendor":
            shutil.copytree(item, root / item.name)
        else:
            (root / item.name).symlink_to(item)
    return root


@pytest.fixture
def serve_dir():
    servers = []

    def start(web: Path) -> str:
        server = _serve(web)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(autouse=True)
def network_guard(request):
    """Record every request and page error; fail on off-origin traffic or uncaught errors."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    page.set_default_timeout(ms(30_000))
    off_origin: list[str] = []
    page_errors: list[str] = []

    def on_request(req):
        url = urlparse(req.url)
        if url.scheme in ("data", "blob"):
            return
        if url.hostname != "127.0.0.1":
            off_origin.append(req.url)

    page.on("request", on_request)
    page.on("pageerror", lambda err: page_errors.append(str(err)))
    page.context.on("request", on_request)
    request.node.page_errors = page_errors
    yield
    allowed = getattr(request.node, "allowed_page_errors", ())
    unexpected = [e for e in page_errors if not any(a in e for a in allowed)]
    assert not off_origin, f"requests left 127.0.0.1: {off_origin}"
    assert not unexpected, f"uncaught page errors: {unexpected}"


def wait_ready(page, timeout: int = PAGE_READY_MS) -> None:
    page.wait_for_function("window.frontml && window.frontml.ready === true", timeout=timeout)


def wait_results(page, timeout: int = PAGE_READY_MS) -> dict:
    page.wait_for_function("window.frontml && window.frontml.results", timeout=timeout)
    return page.evaluate("window.frontml.results")
