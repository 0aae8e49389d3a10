"""The hello page: fake camera -> canvas -> Python -> onnxruntime-web -> Python -> DOM, and the
same numbers from the CPython pipeline on the very same pixels."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from frontml.image import ArrayFrame
from frontml.runtime import Tensor, run_sync
from frontml.tasks.hello import HelloSegmenter
from frontml.timing import StageTimer
from tests.e2e.conftest import wait_results


@pytest.fixture(scope="module")
def segmenter():
    return run_sync(HelloSegmenter.create())


def decode(b64: str, shape) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), np.uint8).reshape(shape)


# auto (= cpu): VideoFrame.copyTo + the JS warp (web/js/cpuframe.js); canvas: the video drawn
# into a canvas, warped by WebGL; yuv: the copied planes converted and warped in the shader
@pytest.mark.parametrize("grab", ["auto", "canvas", "yuv"])
def test_page_numbers_equal_cpython_on_the_same_frame(page, server_url, segmenter, grab):
    page.goto(f"{server_url}/hello.html?debug=1&grab={grab}")
    res = wait_results(page)
    page.wait_for_function("window.frontml.stats.infer > 0")
    stats = page.evaluate("window.frontml.stats")
    for stage in ("grab", "pre", "infer", "post", "render", "fps"):
        assert stage in stats
    assert page.locator("#hud").inner_text().count("infer") == 1
    assert (res["width"], res["height"]) == (640, 480)

    # 1. The model input the page built: ORT-web and ORT agree on it.
    page_input = decode(res["input_b64"], (1, 256, 256, 4))
    mask = run_sync(segmenter.run_tensor(
        Tensor.from_buffer("uint8", (1, 256, 256, 4), page_input.reshape(-1)), StageTimer()))
    values = np.frombuffer(mask.data, np.float32)
    assert res["mean"] == pytest.approx(float(values.mean()), abs=1e-4)
    assert res["max"] == pytest.approx(float(values.max()), abs=1e-4)
    # the astronaut is found: a real person mask, not an empty or full one
    assert 0.1 < res["mean"] < 0.7 and res["max"] > 0.9

    # 2. The page's resize (WebGL) vs CPython's (numpy) on the same frame pixels.
    frame = decode(res["frame_b64"], (480, 640, 4))
    cpu_input = np.frombuffer(ArrayFrame(frame).resize(256, 256).data, np.uint8)
    diff = np.abs(cpu_input.astype(int) - page_input.reshape(-1).astype(int))
    assert diff.max() <= 1 and diff.mean() < 0.05, f"resize differs: {diff.mean():.3f} levels"

    # 3. The whole CPython pipeline from the frame: the same numbers.
    cpu = run_sync(segmenter.process(ArrayFrame(frame)))
    assert cpu.mean == pytest.approx(res["mean"], abs=1e-3)


def test_canvas_warp_fallback_stays_close(page, server_url):
    """Without WebGL2 the page warps on a 2D canvas: ~0.5 grey levels from numpy."""
    page.goto(f"{server_url}/hello.html?debug=1&warp=canvas")
    res = wait_results(page)
    page_input = decode(res["input_b64"], (1, 256, 256, 4)).reshape(-1).astype(int)
    frame = decode(res["frame_b64"], (480, 640, 4))
    cpu_input = np.frombuffer(ArrayFrame(frame).resize(256, 256).data, np.uint8).astype(int)
    assert np.abs(cpu_input - page_input).mean() < 2.0
