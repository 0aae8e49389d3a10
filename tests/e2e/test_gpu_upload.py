"""The GPU-input warp (web/js/warp_webgpu.js) of a frame the CPU path copied (web/js/cpuframe.js)
uploads only the part each crop reaches, once per frame, and gives the CPU warp's bytes. WebGPU
is CPU-emulated here; this file launches its own Chromium with --enable-unsafe-webgpu, as
tests/e2e/test_gpu_input.py does.
"""

import pytest

from tests.e2e.conftest import ms

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser(webgpu_browser):
    return webgpu_browser


# A frame the CPU path copied (cpuframe.js): the GPU warp uploads only the part each crop
# reaches. Two frames in turn (the second's small crops must not read the first's texels), several
# crops per frame, each equal to the CPU warp of the same frame: byte for byte in fixed point
# (integer arithmetic), within a level in float (float32 on the GPU, numpy's order on the CPU).
CPU_FRAME_JS = """async () => {
  const g = await import('/js/frontml.js');
  const { copyFrame, cpuWarp, cpuWarpFixed } = await import('/js/cpuframe.js');
  const model = await (await fetch('/models/vector_search.onnx')).arrayBuffer();
  const session = await g.createSession(new Uint8Array(model), 'webgpu', 1); // ORT's device
  const W = 320, H = 240;
  const frames = [];
  for (const seed of [3, 11]) {
    const bytes = new Uint8Array(W * H * 3 / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 * seed + (i >> 5) * 31) & 255;
    const init = { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0 };
    const vf = new VideoFrame(bytes, init);
    frames.push({ frontmlCpu: await copyFrame(vf), width: W, height: H });
    vf.close();
  }
  const crops = [[1.25, 0, 0, 0, 1.25, 0, 256, 192, false, true],  // the whole frame
                 [0.3, 0.05, 40.2, -0.04, 0.3, 30.7, 96, 96, false, true],  // small crops
                 [0.25, 0, 200.3, 0, 0.25, 150.1, 64, 64, true, false],
                 [0.5, 0.1, 290, -0.1, 0.5, 200, 64, 64, true, true]];  // past the corner
  const out = [];
  const before = () => window.frontml.gpuUploadedPixels || 0;
  for (const [k, src] of [[0, frames[0]], [1, frames[1]]]) {  // frame 2: small crops only
    for (const a of crops.slice(k)) {
      const up = before();
      const cpu = (a[9] ? cpuWarpFixed : cpuWarp)(src.frontmlCpu, ...a.slice(0, 9));
      const gpu = await g.warpGpuBytes(src, ...a);
      let differ = 0, maxDiff = 0;
      for (let i = 0; i < cpu.length; i++) {
        differ += cpu[i] !== gpu[i];
        maxDiff = Math.max(maxDiff, Math.abs(cpu[i] - gpu[i]));
      }
      out.push({ bytes: cpu.length, gpuBytes: gpu.length, differ, maxDiff, fixed: a[9],
        uploaded: before() - up });
    }
  }
  await session.release();
  return { out, frame: W * H };
}"""


def test_webgpu_warp_of_a_cpu_frame_uploads_only_what_crops_reach(page, server_url):
    page.goto(f"{server_url}/bench/conformance.html?provider=wasm")
    page.wait_for_function("window.anchor && anchor.ready", timeout=ms(60_000))
    res = page.evaluate(CPU_FRAME_JS)
    for case in res["out"]:
        assert case["gpuBytes"] == case["bytes"], case
        assert case["differ"] == 0 if case["fixed"] else case["maxDiff"] <= 1, case
    # the first frame's small crops were covered by its whole-frame crop: nothing more went up
    assert res["out"][0]["uploaded"] == res["frame"], res
    assert [c["uploaded"] for c in res["out"][1:4]] == [0, 0, 0], res
    # the second frame: only the small crops' footprints, a fraction of the frame
    second = [c["uploaded"] for c in res["out"][4:]]
    assert all(n > 0 for n in second) and sum(second) < res["frame"] / 4, res
