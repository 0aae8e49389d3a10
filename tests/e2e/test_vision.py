"""classify.html and detect.html: fake camera and an uploaded photo, the page's numbers equal
CPython's on the same frame, bad input is named."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from PIL import Image

from frontml.image import ArrayFrame
from frontml.runtime import run_sync
from frontml.tasks import registry
from tests.e2e.conftest import ms, wait_results


def _frame(res: dict) -> np.ndarray:
    w, h = res["image"]["width"], res["image"]["height"]
    return np.frombuffer(base64.b64decode(res["frame_b64"]), np.uint8).reshape(h, w, 4)


def _cpython(task: str, frame: np.ndarray, **options):
    async def go():
        t = await registry.create(task, running_mode="image", **options)
        try:
            return await t.process(ArrayFrame(frame))
        finally:
            t.close()

    return run_sync(go())


def _photo(tmp_path, name: str):
    from skimage import data

    path = tmp_path / f"{name}.png"
    Image.fromarray(getattr(data, name)()).save(path)
    return path


def test_classify_camera_equals_cpython_then_upload(page, server_url, tmp_path):
    page.goto(f"{server_url}/classify.html?debug=1")
    res = wait_results(page)
    assert res["embedding_size"] == 1280
    cpu = _cpython("classification", _frame(res))
    page_top = [c["label"] for c in res["classifications"]]
    cpu_top = [c.label for c in cpu.classifications]
    assert page_top[:3] == cpu_top[:3]
    for p, c in zip(res["classifications"], cpu.classifications, strict=False):
        assert p["score"] == pytest.approx(c.score, abs=0.03)
    assert "decision" in res  # video mode: the smoothed verdict
    assert page.locator("#bars .bar").count() == 5

    page.set_input_files("#file", str(_photo(tmp_path, "chelsea")))
    page.wait_for_function("window.frontml.results && window.frontml.results.image "
                           "&& window.frontml.results.image.width === 451", timeout=ms(60_000))
    res = page.evaluate("window.frontml.results")
    labels = {c["label"] for c in res["classifications"]}
    assert labels & {"tabby, tabby cat", "tiger cat", "Egyptian cat"}

    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    page.set_input_files("#file", str(notes))
    page.wait_for_function("window.frontml.errors.length > 0")
    assert "is not an image" in page.locator("#error").inner_text()


def test_detect_camera_equals_cpython_then_upload(page, server_url, tmp_path):
    page.goto(f"{server_url}/detect.html?debug=1")
    res = wait_results(page)
    assert "person" in [d["label"] for d in res["detections"]]
    page.wait_for_function("window.frontml.results.detections.some(d => d.id >= 1)")
    res = page.evaluate("window.frontml.results")
    assert res["counts"].get("person") == 1
    cpu = _cpython("detection", _frame(res))
    assert [d.label for d in cpu.detections] == [d["label"] for d in res["detections"]]
    for p, c in zip(res["detections"], cpu.detections, strict=True):
        box = p["box"]
        got = (box["x"], box["y"], box["width"], box["height"])
        assert np.allclose(got, c.box, atol=0.02), (got, c.box)
    assert "person" in page.locator("#counts").inner_text()

    page.set_input_files("#file", str(_photo(tmp_path, "coffee")))
    page.wait_for_function("window.frontml.results && window.frontml.results.image "
                           "&& window.frontml.results.image.width === 600", timeout=ms(60_000))
    res = page.evaluate("window.frontml.results")
    assert "cup" in [d["label"] for d in res["detections"]]
    assert "person" not in [d["label"] for d in res["detections"]]


def test_detect_allow_list_from_the_url_and_bad_name(page, server_url):
    page.goto(f"{server_url}/detect.html?allow=cup")
    page.wait_for_function("window.frontml && window.frontml.results "
                           "&& window.frontml.results.detections", timeout=ms(60_000))
    res = page.evaluate("window.frontml.results")
    assert all(d["label"] == "cup" for d in res["detections"])  # the astronaut is filtered out
    page.goto(f"{server_url}/detect.html?allow=kitten")
    page.wait_for_function("window.frontml && window.frontml.errors "
                           "&& window.frontml.errors.length > 0", timeout=ms(60_000))
    assert "kitten" in page.locator("#error").inner_text()
