"""Two pages on the same fake camera with the CPU frame path (`?grab=cpu`, web/js/frames.js):
both frame loops keep advancing. A page that keeps camera VideoFrames open starves the capture's
shared buffer pool and the other page's loop stops (test_teach's fresh-profile import did)."""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import ms, wait_ready

COUNT = "(window.frontml.count || 0)"


def advance(page, by: int, timeout: int = 120_000) -> None:
    start = page.evaluate(COUNT)
    try:
        page.wait_for_function(f"{COUNT} >= {start + by}", timeout=ms(timeout))
    except PlaywrightTimeout:
        path = page.evaluate("window.frontml.framePath")
        raise AssertionError(f"the frame loop stalled at {page.evaluate(COUNT)} frames "
                             f"(from {start}); grab path {path}") from None


def test_two_pages_on_one_camera_both_advance(page, browser, server_url):
    page.goto(f"{server_url}/pose.html?grab=cpu")
    wait_ready(page)
    advance(page, 3)
    context = browser.new_context()
    try:
        other = context.new_page()
        errors: list[str] = []
        other.on("pageerror", lambda err: errors.append(str(err)))
        other.goto(f"{server_url}/pose.html?grab=cpu")
        wait_ready(other)
        for _ in range(2):  # turns: each loop moves on while the other one runs too
            advance(other, 12)
            advance(page, 12)
        assert not errors, errors
        # the CPU path really ran (a VideoFrame copied, not the canvas fallback)
        for p in (page, other):
            assert p.evaluate("window.frontml.framePath.cpuGrabs") > 0
    finally:
        context.close()
