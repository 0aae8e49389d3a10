"""Faults a user meets in the first hour (issue #18): rapid model switching, a model that is missing
or corrupt mid-session, a broken manifest, an unplayable file, the camera ending, the tab hidden
and shown; memory after switching models back and forth, and heaps over a short run (the long
soak is bench/soak.py). The page must keep producing frames with the last task that loaded."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PAGE_READY_MS, wait_ready, wait_results

SLOW = 3 * PAGE_READY_MS  # several model loads on a busy 2-core box


def _frames_keep_coming(page, count: int = 2) -> dict:
    res = None
    for _ in range(count):
        page.evaluate("window.frontml.results = null")
        res = wait_results(page, timeout=SLOW)
    return res


def _switch(page, values: list[str]) -> None:
    page.evaluate("""(values) => {
        const select = document.getElementById('model');
        for (const v of values) {
            select.value = v;
            select.dispatchEvent(new Event('change'));
        }
    }""", values)


def test_rapid_model_switching_ends_on_the_last_choice(page, server_url):
    page.goto(f"{server_url}/pose.html?debug=1&model=lite")
    wait_results(page, timeout=SLOW)
    _switch(page, ["full", "movenet", "lite", "heavy", "movenet"] * 4)  # 20 changes, last movenet
    page.wait_for_function("(window.frontml.results?.poses?.[0]?.landmarks?.length) === 17",
                           timeout=SLOW)
    res = _frames_keep_coming(page)
    assert len(res["poses"][0]["landmarks"]) == 17  # MoveNet's keypoints: the last choice won
    error = page.locator("#error")
    assert error.is_hidden() or "session" not in error.inner_text().lower()


def _models_with_heavy(web_copy, fault: str) -> None:
    """web_copy/models = web/models (linked) with pose_landmark_heavy.onnx missing (404) or
    corrupt: bytes that fail the sha256 check, or garbage whose sha256 the manifest lists (it
    passes the check and onnxruntime-web refuses it)."""
    import hashlib
    import json

    import serve

    models = web_copy / "models"
    models.mkdir()
    heavy = "pose_landmark_heavy.onnx"
    for item in (serve.WEB / "models").iterdir():
        if item.name not in (heavy, "manifest.json"):
            (models / item.name).symlink_to(item)
    manifest = json.loads((serve.WEB / "models" / "manifest.json").read_text())
    garbage = b"not an onnx model " * 1000
    if fault in ("corrupt", "garbage"):
        (models / heavy).write_bytes(garbage)
    if fault == "garbage":
        for entry in manifest["models"]:
            if entry["file"] == heavy:
                entry["sha256"] = hashlib.sha256(garbage).hexdigest()
                entry["bytes"] = len(garbage)
    (models / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("fault, named", [
    ("missing", ["pose_landmark_heavy", "./dev build"]),
    ("corrupt", ["pose_landmark_heavy", "sha256", "./dev build pose_landmark_heavy"]),
    ("garbage", ["pose_landmark_heavy", "could not be loaded by onnxruntime-web"]),
])
def test_failed_model_load_keeps_the_previous_task(page, web_copy, serve_dir, fault, named):
    # Mid-session: the user switches to a model whose file is missing (404) or corrupt.
    _models_with_heavy(web_copy, fault)
    base = serve_dir(web_copy)
    page.goto(f"{base}/pose.html?debug=1&model=lite")
    wait_results(page, timeout=SLOW)
    _switch(page, ["heavy"])
    error = page.locator("#error")
    error.wait_for(state="visible", timeout=SLOW)
    text = error.inner_text()
    assert all(n in text for n in named) and "previous model keeps running" in text, text
    assert "Traceback" not in text
    res = _frames_keep_coming(page)
    assert len(res["poses"][0]["landmarks"]) == 33  # still BlazePose lite
    assert page.eval_on_selector("#model", "el => el.value") == "heavy"  # what the user chose


@pytest.mark.parametrize("text, message", [
    ("{broken", "models/manifest.json could not be loaded"),
    ('{"models": [{"id": "selfie_segmentation"}]}', "lacks 'file'"),
])
def test_broken_manifest_is_named_with_its_fix(page, web_copy, serve_dir, text, message):
    (web_copy / "models").mkdir()
    (web_copy / "models" / "manifest.json").write_text(text)
    page.goto(f"{serve_dir(web_copy)}/hello.html")
    wait_ready(page)
    error = page.locator("#error").inner_text()
    assert message in error and "./dev build" in error, error


def _camera_live(page) -> bool:
    return page.evaluate("!!document.getElementById('video').srcObject")


def test_unplayable_video_file_keeps_the_camera(page, server_url, tmp_path):
    page.goto(f"{server_url}/hello.html?debug=1")
    wait_results(page, timeout=SLOW)
    bad = tmp_path / "holiday.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"not really a video" * 100)
    page.set_input_files("#file", str(bad))
    error = page.locator("#error")
    error.wait_for(state="visible", timeout=SLOW)
    assert "holiday.mp4" in error.inner_text() and "keeps running" in error.inner_text()
    assert _camera_live(page)
    _frames_keep_coming(page)


def test_camera_ended_is_reported_and_can_be_reopened(page, server_url):
    page.goto(f"{server_url}/hello.html?debug=1")
    wait_results(page, timeout=SLOW)
    # Chromium ends a track by itself only when the device goes away; simulate that event.
    page.evaluate("document.getElementById('video').srcObject.getVideoTracks()[0]"
                  ".dispatchEvent(new Event('ended'))")
    button = page.locator("#error button.reopen-camera")
    button.wait_for(timeout=SLOW)
    assert "camera stopped" in page.locator("#error").inner_text()
    button.click()
    page.locator("#error").wait_for(state="hidden", timeout=SLOW)
    _frames_keep_coming(page)


# ------------------------------------------------------------------ memory after switching

MB = 1e6


def _memory(page, cdp) -> dict:
    """After a full collection: JS heap (CDP), Pyodide's and onnxruntime-web's wasm heaps and the
    live Python objects (window.frontml.memory, Page.memory)."""
    cdp.send("HeapProfiler.collectGarbage")
    out = page.evaluate("window.frontml.memory()")
    cdp.send("HeapProfiler.collectGarbage")
    out["js_heap"] = cdp.send("Runtime.getHeapUsage")["usedSize"]
    return out


def _use_model(page, model: str) -> None:
    """Switch pose to `model` and wait until only its landmark model is open and frames come."""
    _switch(page, [model])
    page.wait_for_function("""(m) => {
        const open = Object.keys(window.frontml.providers || {})
            .filter((k) => k.startsWith('pose_landmark_'));
        return open.length === 1 && open[0] === 'pose_landmark_' + m;
    }""", arg=model, timeout=SLOW)
    _frames_keep_coming(page)


def test_memory_returns_to_baseline_after_switching_back_and_forth(page, server_url):
    # Wasm linear memory never shrinks: onnxruntime-web's grows to a high-water mark in steps
    # (measured: 45 MB on lite, 171-202 after the first heavy load, 205-243 after the second to
    # fourth, then flat), so one flat cycle is not yet the plateau (a CI run saw 171 -> 171 -> 205).
    # A leaked session per switch holds its weights and arena, which adds to the heavy model's
    # peak: the mark would grow every cycle (>= 30 MB). So: cycle until two whole cycles in a row
    # grow the heap by at most 8 MB (at most seven cycles); a leak never gets there.
    page.goto(f"{server_url}/pose.html?model=lite")
    wait_results(page, timeout=SLOW)
    cdp = page.context.new_cdp_session(page)
    cycle = ["full", "heavy", "lite"]
    marks = [_memory(page, cdp)]
    for _ in range(7):
        for model in cycle:
            _use_model(page, model)
        marks.append(_memory(page, cdp))
        if len(marks) >= 4 and marks[-1]["ort_wasm"] <= marks[-3]["ort_wasm"] + 8 * MB:
            break
    first, base, after = marks[0], marks[-3], marks[-1]
    print(*(f"after {i} cycles {m}" for i, m in enumerate(marks)), sep="\n")
    assert after["providers_used"] == base["providers_used"] == 2  # detector + lite landmarks
    assert after["ort_wasm"] <= base["ort_wasm"] + 8 * MB, [m["ort_wasm"] for m in marks]
    assert after["pyodide_wasm"] <= base["pyodide_wasm"] + 8 * MB, (base, after)
    assert after["js_heap"] <= base["js_heap"] * 1.2 + 2 * MB, (base, after)
    assert after["py_objects"] <= base["py_objects"] + 500, (base, after)
    assert first["js_heap"] * 1.2 + 2 * MB >= after["js_heap"]  # JS: back to the lite-only level


def _set_visibility(page, state: str) -> None:
    # Headless Chromium has no window to minimise: set the document's visibility and fire the
    # event a real tab switch fires (what the loop listens to).
    page.evaluate("""(state) => {
        Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
        Object.defineProperty(document, 'hidden', {value: state === 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""", state)


def test_hidden_tab_pauses_the_loop_and_shown_resumes_it(page, server_url):
    page.goto(f"{server_url}/hello.html")
    wait_results(page, timeout=SLOW)
    _set_visibility(page, "hidden")
    page.wait_for_function("window.frontml.paused === true")
    page.wait_for_timeout(300)  # a step already running may still finish
    frames = page.evaluate("window.frontml.frames")
    page.wait_for_timeout(1500)  # the fake camera delivers ~30 frames in this time
    assert page.evaluate("window.frontml.frames") == frames  # no step ran while hidden
    _set_visibility(page, "visible")
    page.wait_for_function("window.frontml.paused === false")
    _frames_keep_coming(page)
    assert page.locator("#error").is_hidden()


def test_heaps_stay_flat_over_a_short_run(page, server_url):
    # ~90 s of frames (the 5-minute and longer runs: bench/soak.py). Samples after a GC; the
    # last three must stay within a small margin of the first (a per-frame leak of one 256x256
    # mask, 256 KB, would add >500 MB over this many frames).
    page.goto(f"{server_url}/hello.html")
    wait_results(page, timeout=SLOW)
    cdp = page.context.new_cdp_session(page)
    samples = []
    for _ in range(7):
        samples.append({**_memory(page, cdp), "frames": page.evaluate("window.frontml.frames")})
        page.wait_for_timeout(15_000)
    print("samples", samples)
    first, last = samples[0], samples[-3:]
    assert last[-1]["frames"] - first["frames"] >= 20  # frames really ran in between
    for s in last:
        assert s["js_heap"] <= first["js_heap"] * 1.2 + 2 * MB, samples
        assert s["ort_wasm"] <= first["ort_wasm"] + 8 * MB, samples
        assert s["pyodide_wasm"] <= first["pyodide_wasm"] + 8 * MB, samples
        assert s["py_objects"] <= first["py_objects"] + 500, samples
    assert page.locator("#error").is_hidden()
