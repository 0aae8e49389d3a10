"""The speech page with Chromium's fake microphone playing a WAV of espeak words: the words
appear as events; the same file analysed in the page gives CPython's events; with the
microphone denied the page says so and files still work."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from array import array
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from frontml.runtime import run_sync
from frontml.tasks.speech import create_speech_detector, write_wav
from tests.e2e.conftest import ms, wait_ready

ROOT = Path(__file__).resolve().parents[2]
WORDS = ["yes", "stop", "left"]


def _speech_data():
    path = ROOT / "models" / "speech_data.py"
    spec = importlib.util.spec_from_file_location("frontml_speech_data_e2e", path)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def words_wav(tmp_path_factory) -> Path:
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng not installed")
    sd = _speech_data()
    parts = [np.zeros(8000, np.float32)]
    for w in WORDS:
        x = sd.espeak(w, "en-us+m3", 150, 50)
        parts += [0.3 * x / np.abs(x).max(), np.zeros(24000, np.float32)]
    path = tmp_path_factory.mktemp("speech") / "words.wav"
    path.write_bytes(write_wav(array("f", np.concatenate(parts)), 16000))
    return path


def _launch(browser_type, launch_args, extra: list[str], drop_fake_ui: bool = False):
    args = [a for a in launch_args["args"] if not (drop_fake_ui and "fake-ui" in a)]
    return browser_type.launch(**{**launch_args, "args": args + extra})


def _page(browser, **context_args):
    context = browser.new_context(**context_args)
    page = context.new_page()
    problems: list[str] = []

    def on_request(req):
        url = urlparse(req.url)
        if url.scheme not in ("data", "blob") and url.hostname != "127.0.0.1":
            problems.append(f"off-origin request {req.url}")

    page.on("request", on_request)
    page.on("pageerror", lambda err: problems.append(f"page error {err}"))
    return context, page, problems


def test_fake_microphone_words_become_events(browser_type, browser_type_launch_args,
                                             server_url, words_wav):
    browser = _launch(browser_type, browser_type_launch_args,
                      [f"--use-file-for-fake-audio-capture={words_wav}",
                       "--autoplay-policy=no-user-gesture-required"])
    try:
        context, page, problems = _page(browser)
        page.goto(f"{server_url}/speech.html?mic=1")
        wait_ready(page, timeout=ms(120_000))
        page.wait_for_function(
            "window.frontml.results && window.frontml.results.source === 'mic'"
            " && new Set(window.frontml.results.events.map(e => e.word)).size >= 3",
            timeout=ms(120_000))
        res = page.evaluate("window.frontml.results")
        seen = [e["word"] for e in res["events"]]
        assert set(WORDS) <= set(seen), seen
        assert res["sample_rate"] == 16000
        hud = page.locator("#hud").inner_text()
        for stage in ("mel", "embed", "head", "per hop"):
            assert stage in hud
        assert "licence" in page.locator("#licence").inner_text().lower()
        context.close()
        assert not problems, problems
    finally:
        browser.close()


def test_mic_denied_message_and_file_equals_cpython(browser_type, browser_type_launch_args,
                                                   server_url, words_wav):
    browser = _launch(browser_type, browser_type_launch_args, [], drop_fake_ui=True)
    try:
        context, page, problems = _page(browser, permissions=[])
        page.goto(f"{server_url}/speech.html")
        wait_ready(page, timeout=ms(120_000))
        page.click("#mic")
        page.wait_for_function("window.frontml.errors.length > 0", timeout=ms(30_000))
        message = page.locator("#error").inner_text()
        assert "Microphone unavailable" in message and "audio file" in message
        page.set_input_files("#file", str(words_wav))
        page.click("#analyse")
        page.wait_for_function("Array.isArray(window.frontml.results.file_events)",
                               timeout=ms(120_000))
        page_events = page.evaluate("window.frontml.results.file_events")
        context.close()
        assert not problems, problems
    finally:
        browser.close()
    from frontml.tasks.speech import read_wav

    samples, rate = read_wav(words_wav.read_bytes())
    det = run_sync(create_speech_detector())
    cpu = [e.to_json() for e in run_sync(det.detect(samples, rate))]
    det.close()
    assert [e["word"] for e in page_events] == [e["word"] for e in cpu] == WORDS
    for p, c in zip(page_events, cpu, strict=True):
        assert abs(p["score"] - c["score"]) < 1e-3
        assert abs(p["start_s"] - c["start_s"]) < 0.02
