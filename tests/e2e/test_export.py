"""`./dev export`: the folder runs from a plain static server (python's http.server, no COOP/COEP,
no precompression) - the service worker makes the page cross-origin isolated, and after the first
visit the page works with the server gone and the browser offline."""

from __future__ import annotations

import http.server
import sys
import threading
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import PAGE_READY_MS, wait_results

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import export as export_tool  # noqa: E402


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args) -> None:
        pass


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("export") / "site"
    export_tool.export(dest, "hello.html", compress_files=False)  # compression: unit tests
    return dest


@pytest.fixture
def static_host(exported):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(QuietHandler, directory=str(exported)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _wait_through_reload(page, expression: str) -> None:
    """The first visit reloads once (to come back isolated): retry across that navigation."""
    for _attempt in range(3):
        try:
            page.wait_for_function(expression, timeout=PAGE_READY_MS)
            return
        except PlaywrightError as exc:
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
    page.wait_for_function(expression, timeout=PAGE_READY_MS)


def _results(page) -> dict:
    try:
        return wait_results(page, timeout=3 * PAGE_READY_MS)  # one thread on a busy box
    except PlaywrightError:
        state = page.evaluate("[document.getElementById('error')?.innerText, "
                              "document.querySelector('#progress .label')?.innerText]")
        raise AssertionError(f"no results; page error area / progress: {state}") from None


def test_export_isolated_by_service_worker_and_offline_after_first_visit(page, static_host):
    base = f"http://127.0.0.1:{static_host.server_port}"
    page.goto(f"{base}/hello.html?debug=1")
    _wait_through_reload(page, "window.frontmlOffline && window.frontmlOffline.controlled")
    first = _results(page)
    assert page.evaluate("crossOriginIsolated") is True  # headers came from the worker
    assert page.locator("#isolation-note").count() == 0
    status = page.evaluate("window.frontmlOffline.precached")
    assert status["finished"] and not status["failed"], status
    assert status["done"] == status["total"] > 20

    # The host goes away and the browser is offline: the page still runs the model.
    static_host.shutdown()
    static_host.server_close()
    page.context.set_offline(True)
    page.reload()
    page.wait_for_function("window.frontmlOffline && window.frontmlOffline.controlled",
                           timeout=PAGE_READY_MS)
    again = _results(page)
    assert page.evaluate("crossOriginIsolated") is True
    assert 0.1 < again["mean"] < 0.7 and abs(again["mean"] - first["mean"]) < 0.05

    # The gallery works offline too, and shows what each page downloads.
    page.goto(f"{base}/index.html")
    size = page.locator("a.card[href='./hello.html'] .size")
    size.wait_for(timeout=PAGE_READY_MS)
    assert "MB" in size.inner_text()


def test_without_isolation_the_page_says_single_threaded(browser, static_host):
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"http://127.0.0.1:{static_host.server_port}/hello.html?debug=1")
        res = _results(page)
        assert 0.1 < res["mean"] < 0.7  # it still works, on one thread
        assert page.evaluate("crossOriginIsolated") is False
        assert "single-threaded" in page.locator("#isolation-note").inner_text()
        assert not errors
    finally:
        context.close()
