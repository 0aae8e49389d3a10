"""GPU-resident model inputs (issue #19): on ?provider=webgpu the crop is warped on
onnxruntime-web's own GPUDevice (web/js/warp_webgpu.js) and fed with Tensor.fromGpuBuffer; it
must give the CPU path's answer. WebGPU is CPU-emulated here (slow: image mode, first results
only). These tests launch their own Chromium with --enable-unsafe-webgpu.
"""

import base64

import numpy as np
import pytest

from bench.conformance import TOLERANCE
from tests.e2e.conftest import ms

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser(webgpu_browser):
    return webgpu_browser


# The WGSL warp against warp.js's WebGL2 warp on a noisy 320x240 canvas: fixed point (OpenCV)
# and float bilinear, zero and replicate borders, rotated / scaled / shifted crops.
WARP_JS = """async () => {
  const g = await import('/js/frontml.js');
  const model = await (await fetch('/models/vector_search.onnx')).arrayBuffer();
  const session = await g.createSession(new Uint8Array(model), 'webgpu', 1); // ORT's device
  const c = new OffscreenCanvas(320, 240);
  const x = c.getContext('2d');
  const img = x.createImageData(320, 240);
  for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 7919 + (i >> 6) * 31) & 255;
  for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
  x.putImageData(img, 0, 0);
  const cases = [[0.9, 0.2, -10.3, -0.15, 1.1, 20.7, 256, 256, true, true],
                 [1.25, 0, 0, 0, 1.25, 0, 256, 192, false, true],
                 [0.7, 0.3, 5.1, -0.2, 0.8, 3.3, 224, 224, false, false],
                 [2.1, 0.1, -30, 0.05, 1.9, -40, 128, 128, true, false]];
  const out = [];
  for (const a of cases) {
    const cpu = g.warp(c, ...a);
    const gpu = await g.warpGpuBytes(c, ...a);
    let differ = 0;
    for (let i = 0; i < cpu.length; i++) differ += cpu[i] !== gpu[i];
    out.push({ bytes: cpu.length, gpuBytes: gpu.length, differ });
  }
  await session.release();
  return out;
}"""


def test_webgpu_warp_is_byte_equal_to_the_webgl2_warp(page, server_url):
    page.goto(f"{server_url}/bench/conformance.html?provider=wasm")
    page.wait_for_function("window.anchor && anchor.ready", timeout=ms(60_000))
    for case in page.evaluate(WARP_JS):
        assert case["gpuBytes"] == case["bytes"] and case["differ"] == 0, case


def _both_paths(page, url: str, ready: str, modes: tuple[str, str]) -> dict:
    """The page at `url` with ?gpuinput=<mode> for each mode (GPU-input first, CPU path
    second): mode -> (results, GPU-fed runs, providers used, HUD text)."""
    page.set_default_timeout(ms(300_000))
    out = {}
    for mode in modes:
        page.goto(f"{url}&provider=webgpu&gpuinput={mode}")
        page.wait_for_function(f"window.frontml && window.frontml.results && ({ready})",
                               timeout=ms(900_000))  # emulated WebGPU: shader compiles take minutes
        out[mode] = page.evaluate("[window.frontml.results, window.frontml.gpuInputRuns || 0,"
                                  " window.frontml.providers,"
                                  " document.getElementById('hud').innerText]")
    return out


def test_segmentation_gpu_input_gives_the_cpu_path_mask(page, server_url):
    """?gpuinput=auto (the default) feeds a webgpu session GPU-resident crops; 0: CPU path."""
    masks = {}
    runs = _both_paths(page, f"{server_url}/segment.html?debug=1&model=general&smoothing=0",
                       "window.frontml.results.mask_b64", ("auto", "0"))
    for gpu, (res, fed, used, hud) in runs.items():
        assert used["selfie_segmentation"]["provider"] == "webgpu"
        assert (fed >= 1) == (gpu == "auto"), fed  # the GPU-resident feed ran, or did not
        assert ("webgpu (forced), GPU input" in hud) == (gpu == "auto"), hud
        masks[gpu] = np.frombuffer(base64.b64decode(res["mask_b64"]), np.float32)
    diff = float(np.abs(masks["auto"] - masks["0"]).max())
    assert diff <= TOLERANCE["webgpu"], f"GPU-input vs CPU-path mask differs by {diff:.2e}"


def test_pose_gpu_input_gives_the_cpu_path_landmarks(page, server_url):
    from tests.e2e.test_pose import max_landmark_diff

    marks = {}
    runs = _both_paths(page, f"{server_url}/pose.html?debug=1&model=lite&mode=image",
                       "window.frontml.results.poses?.length > 0", ("1", "0"))
    for gpu, (res, fed, used, _) in runs.items():
        assert used["pose_landmark_lite"]["provider"] == "webgpu"
        assert used["pose_detection"]["provider"] == "webgpu"
        assert (fed >= 2) == (gpu == "1"), fed  # detector and landmark crops on the GPU
        marks[gpu] = res["poses"][0]["landmarks"]
    diff = max_landmark_diff(marks["1"], marks["0"])
    assert diff <= 2e-3, f"GPU-input vs CPU-path landmarks differ by {diff:.5f} (normalised)"
