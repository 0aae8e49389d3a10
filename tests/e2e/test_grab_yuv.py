"""?grab=yuv (web/js/warp.js): a VideoFrame's YUV planes uploaded as they are and converted +
warped in the WebGL2 shader give the same bytes as the CPU path (web/js/cpuframe.js, itself
checked against CPython's numpy warp in tests/unit/test_cpu_warp.py), on synthetic I420 and NV12
frames with known planes; page == CPython on the camera frame in tests/e2e/test_hello.py."""

from __future__ import annotations

import pytest

SCRIPT = """async ([format, matrix, fullRange]) => {
  const { warp } = await import('./js/warp.js');
  const { copyFrame, cpuWarp, cpuWarpFixed } = await import('./js/cpuframe.js');
  const W = 62, H = 38, cw = W / 2, ch = H / 2;
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  const bytes = new Uint8Array(W * H + 2 * cw * ch).map(rand);
  const frame = new VideoFrame(bytes, { format, codedWidth: W, codedHeight: H, timestamp: 0,
    colorSpace: { matrix, fullRange, primaries: 'bt709', transfer: 'bt709' } });
  const cpu = await copyFrame(frame);
  frame.close();
  const warps = [
    [[1, 0, 0, 0, 1, 0], W, H, false],  // identity: the converted frame itself
    [[W / 24, 0, 0, 0, H / 24, 0], 24, 24, false],  // resize
    [[0.71, -0.33, 9.3, 0.41, 0.68, -4.2], 31, 29, true],  // rotated crop off the edges
    [[0.71, -0.33, 9.3, 0.41, 0.68, -4.2], 31, 29, false],
    [[2.9, 0, -20, 0, 2.9, -15], 40, 40, false],  // letterbox beyond the frame
  ];
  const out = [];
  for (const [m, ow, oh, rep] of warps) {
    for (const fixed of [false, true]) {
      cpu.gpu = false;
      const want = (fixed ? cpuWarpFixed : cpuWarp)(cpu, ...m, ow, oh, rep);
      cpu.gpu = true;
      const got = warp({ frontmlCpu: cpu }, ...m, ow, oh, rep, fixed);
      let maxDiff = 0, diffs = 0;
      for (let i = 0; i < want.length; i++) {
        const dv = Math.abs(want[i] - got[i]);
        if (dv) diffs++;
        maxDiff = Math.max(maxDiff, dv);
      }
      out.push({ m, fixed, identity: m[0] === 1 && m[4] === 1, maxDiff, diffs, n: want.length });
    }
  }
  return { format: cpu.format, out, gpuWarps: cpu.gpuWarps ?? 0 };
}"""


@pytest.mark.parametrize(("fmt", "matrix", "full"), [
    ("I420", "bt709", False), ("I420", "smpte170m", True), ("NV12", "bt709", False),
    ("NV12", "bt470bg", False)])
def test_yuv_shader_equals_cpu_path(page, server_url, fmt, matrix, full):
    page.goto(f"{server_url}/index.html")
    res = page.evaluate(SCRIPT, [fmt, matrix, full])
    assert res["format"] == fmt
    assert res["gpuWarps"] == len(res["out"])  # the shader ran, not the JS fallback
    for r in res["out"]:
        if r["fixed"] or r["identity"]:
            # the conversion and the fixed-point warp: integer arithmetic, byte for byte
            assert r["diffs"] == 0, r
        else:
            # the float warp: the shader's float32 vs numpy's float32 operation order
            assert r["maxDiff"] <= 1, r
