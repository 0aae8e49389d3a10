"""The text page: typing gives the scores CPython gives for the same text (sentiment within
1e-4, offensive exactly); the built-in search finds the expected document; few-shot classes and
smart reply work; a second visit works with the model files unreachable (Cache API); the
exported page works with the host gone and the browser offline after the first visit."""

from __future__ import annotations

import http.server
import json
import threading
from functools import partial
from pathlib import Path

import pytest

from frontml.runtime import run_sync
from frontml.tasks.text import TextOptions, create_text_analyzer
from tests.e2e.conftest import ms, wait_ready

MODELS = Path(__file__).resolve().parents[2] / "web" / "models"
TYPED = "you are a stupid idiot, I hate this"
# More typed texts: positive, neutral, mixed, accented/emoji, a long one (many word pieces).
MORE_TYPED = ["What a lovely morning, thank you all!", "The meeting moved to 3pm on Tuesday.",
              "not bad at all, but the ending was crap", "Café naïve 😀 super sympa",
              ("I waited two hours at the station and nobody told us anything " * 3).strip()]


@pytest.fixture(scope="module")
def cpython():
    for name in ("minilm_l6.onnx", "sentiment_head.json", "offensive.json"):
        if not (MODELS / name).exists():
            pytest.skip(f"{name} absent: run ./dev build")
    task = run_sync(create_text_analyzer(TextOptions()))
    yield task
    task.close()


def _typed_result(page, text: str) -> dict:
    page.fill("#text", "")
    if len(text) <= 60:
        page.type("#text", text, delay=5)
    else:  # a paste: typing 190 characters one by one takes minutes on a loaded machine
        page.fill("#text", text)
        page.dispatch_event("#text", "input")
    page.wait_for_function("t => window.frontml.results && window.frontml.results.text && "
                           "window.frontml.results.text.text === t", arg=text, timeout=ms(60_000))
    return page.evaluate("window.frontml.results.text")


def _same_as_cpython(got: dict, want, cpython) -> None:
    """The page computes what CPython computes: the MiniLM graph has int8 weights and float
    activations (both runtimes fold the same dequantisation at load), so only float summation
    order differs (measured max |diff| ~2e-7 per embedding value)."""
    assert got["offensive"]["score"] == want.offensive.score  # pure Python both sides
    assert got["offensive"]["words"] == want.offensive.words
    assert got["tokens"] == len(cpython.embedder.encode(got["text"]).ids)  # same word pieces
    assert got["sentiment"]["label"] == want.sentiment.label
    for k, v in want.sentiment.scores.items():
        assert got["sentiment"]["scores"][k] == pytest.approx(v, abs=1e-4), k
    diff = max(abs(a - b) for a, b in zip(got["embedding"], want.embedding, strict=True))
    assert diff < 1e-5, diff


def test_typing_scores_equal_cpython_and_search_finds_doc(page, server_url, cpython):
    page.goto(f"{server_url}/text.html?debug=1")
    wait_ready(page, ms(240_000))
    assert page.locator("#error").is_hidden()
    got = _typed_result(page, TYPED)
    want = run_sync(cpython.process(TYPED))
    _same_as_cpython(got, want, cpython)
    assert got["sentiment"]["label"] == "negative"
    # HUD stages and the visible numbers
    assert set(got["ms"]) >= {"offensive", "tokenize", "embed", "sentiment"}
    assert page.locator("#off-score").inner_text() == f"{want.offensive.score:.3f}"

    # search over the built-in set (restored from IndexedDB or embedded on first visit)
    page.fill("#query", "when does the bakery open")
    page.click("#search-btn")
    page.wait_for_function("window.frontml.results.search && window.frontml.results.search"
                           ".query === 'when does the bakery open'", timeout=ms(60_000))
    hits = page.evaluate("window.frontml.results.search.results")
    assert hits[0]["index"] == 15 and "bakery" in hits[0]["text"]

    # user documents: paste two lines, search finds one of them
    page.evaluate("document.querySelector('details').open = true")
    page.fill("#docs-in", "Penguins cannot fly but swim very well.\nThe invoice is due on May 3.")
    page.click("#add-docs")
    page.wait_for_function("window.frontml.results.index && "
                           "window.frontml.results.index.added === 2", timeout=ms(60_000))
    page.fill("#query", "birds that swim")
    page.click("#search-btn")
    page.wait_for_function("window.frontml.results.search.query === 'birds that swim'",
                           timeout=ms(60_000))
    assert "Penguins" in page.evaluate("window.frontml.results.search.results[0].text")

    # smart reply chips
    page.fill("#message", "Thank you so much for the flowers!")
    page.dispatch_event("#message", "input")
    page.wait_for_function("window.frontml.results.reply && window.frontml.results.reply"
                           ".message === 'Thank you so much for the flowers!'",
                           timeout=ms(60_000))
    reply = page.evaluate("window.frontml.results.reply")
    assert reply["kind"] == "ack" and len(reply["replies"]) == 3
    assert page.locator("#replies .chip").count() == 3

    # more typed texts: the same numbers as CPython each time
    labels = set()
    for text in MORE_TYPED:
        got = _typed_result(page, text)
        want = run_sync(cpython.process(text))
        _same_as_cpython(got, want, cpython)
        labels.add(want.sentiment.label)
    assert len(labels) >= 2  # not one label for everything


def test_few_shot_classes_and_offline_second_visit(page, server_url):
    page.goto(f"{server_url}/text.html?debug=1")
    wait_ready(page, ms(240_000))
    page.click("#fs-clear")
    for label, text in [("food", "I want pizza for dinner"), ("food", "the pasta was tasty"),
                        ("food", "let's bake a chocolate cake"),
                        ("weather", "it is raining again today"),
                        ("weather", "sunny and warm this afternoon"),
                        ("weather", "a storm is coming tonight")]:
        page.fill("#fs-label", label)
        page.fill("#fs-text", text)
        page.click("#fs-add")
        page.wait_for_function("t => document.querySelector('#fs-text').value === ''")
    page.wait_for_function("document.querySelector('#fs-counts').textContent.includes('3')")
    got = _typed_result(page, "we had noodles and dumplings")
    page.wait_for_function("window.frontml.results.fewshot && window.frontml.results.fewshot"
                           ".best === 'food'", timeout=ms(60_000))
    assert got["text"] == "we had noodles and dumplings"
    # second visit: model files unreachable; the classes come back from IndexedDB
    page.route("**/models/*.onnx", lambda route: route.abort())
    page.route("**/models/*.json", lambda route: route.abort()
               if not route.request.url.endswith("manifest.json") else route.continue_())
    page.reload()
    wait_ready(page, ms(240_000))
    assert page.locator("#error").is_hidden(), page.locator("#error").inner_text()
    assert "food: 3" in page.locator("#fs-counts").inner_text()
    result = json.loads(page.evaluate("window.frontml.textApi.score('sunny skies all week')"))
    assert result["sentiment"] is not None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args) -> None:
        pass


def test_exported_text_page_works_offline_after_first_visit(page, tmp_path, cpython):
    """`./dev export --pages text.html` from a plain static server: after the first visit the
    service worker has every file; with the host gone and the browser offline, the page loads
    and scores typed text exactly as CPython does."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    import export as export_tool

    from tests.e2e.test_export import _wait_through_reload

    site = tmp_path / "site"
    export_tool.export(site, "text.html", compress_files=False)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/text.html?debug=1")
        _wait_through_reload(page, "window.frontmlOffline && window.frontmlOffline.controlled")
        wait_ready(page, ms(480_000))  # first visit: Pyodide, 24 MB of models, the doc index
        status = page.evaluate("window.frontmlOffline.precached")  # a promise: awaited
        assert status["finished"] and not status["failed"], status
    finally:
        server.shutdown()
        server.server_close()
    page.context.set_offline(True)
    page.reload()
    wait_ready(page, ms(240_000))
    assert page.locator("#error").is_hidden(), page.locator("#error").inner_text()
    text = "this is the best day ever"
    got = _typed_result(page, text)
    _same_as_cpython(got, run_sync(cpython.process(text)), cpython)
