"""web/js/cpuframe.js's warp against CPython's numpy warp (ArrayFrame.warp), in Node: the page's
CPU frame path must give the same bytes, so page == CPython holds on camera frames."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from frontml.image import ArrayFrame

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")

SCRIPT = """
import { CpuFrame, cpuWarp, cpuWarpFixed } from '%s';
import fs from 'node:fs';
const job = JSON.parse(fs.readFileSync(0, 'utf8'));
const data = Uint8Array.from(Buffer.from(job.rgba, 'base64'));
const layout = [{ offset: 0, stride: job.w * 4 }];
const format = job.opaque ? 'RGBX' : 'RGBA';
const out = [];
const fn = job.fixed ? cpuWarpFixed : cpuWarp;
const shared = new CpuFrame(data, layout, format, job.w, job.h, null);
for (const [m, ow, oh, rep] of job.warps) {
  // shared: every crop of one frame reuses (and extends) the regions converted before it
  const src = job.shared ? shared : new CpuFrame(data, layout, format, job.w, job.h, null);

  out.push(Buffer.from(fn(src, ...m, ow, oh, rep)).toString('base64'));
}
console.log(JSON.stringify(out));
"""


WARPS = [
    ((1.0, 0.0, 0.0, 0.0, 1.0, 0.0), 53, 37, False),  # identity: the frame itself
    ((53 / 24, 0.0, 0.0, 0.0, 37 / 24, 0.0), 24, 24, False),  # resize
    ((0.71, -0.33, 9.3, 0.41, 0.68, -4.2), 31, 29, True),  # rotated crop, off the edges
    ((0.71, -0.33, 9.3, 0.41, 0.68, -4.2), 31, 29, False),
    ((2.9, 0.0, -20.0, 0.0, 2.9, -15.0), 40, 40, False),  # letterbox beyond the frame
    ((0.5, 0.0, 30.0, 0.0, 0.5, 5.0), 10, 10, False),  # small zoomed crops: part of some rows
    ((0.5, 0.0, 2.0, 0.0, 0.5, 3.0), 12, 12, False),
    ((0.3, 0.0, 70.0, 0.0, 0.3, 50.0), 8, 8, True),  # wholly outside: the replicated corner
]


def warps(shared: bool) -> list:
    # shared: small crops first, the identity last, so regions grow and merge on one frame
    return WARPS[::-1] if shared else WARPS


def run_js(tmp_path, img: np.ndarray, fixed: bool, opaque: bool = False,
           shared: bool = False) -> list[np.ndarray]:
    import base64

    h, w = img.shape[:2]
    script = tmp_path / "warp.mjs"
    script.write_text(SCRIPT % (ROOT / "web" / "js" / "cpuframe.js").as_uri())
    job = {"rgba": base64.b64encode(img.tobytes()).decode(), "w": w, "h": h, "fixed": fixed,
           "opaque": opaque, "shared": shared,
           "warps": [[list(m), ow, oh, rep] for m, ow, oh, rep in warps(shared)]}
    proc = subprocess.run([NODE, str(script)], input=json.dumps(job), capture_output=True,
                          text=True, timeout=60, check=True)
    return [np.frombuffer(base64.b64decode(b), np.uint8) for b in json.loads(proc.stdout)]


def image() -> np.ndarray:
    return np.random.default_rng(7).integers(0, 256, (37, 53, 4), dtype=np.uint8)


@pytest.mark.skipif(NODE is None, reason="node not installed")
@pytest.mark.parametrize(("shared", "opaque"), [(False, False), (True, False), (False, True)])
def test_cpu_warp_equals_numpy(tmp_path, shared, opaque):
    img = image()
    if opaque:  # RGBX: the alpha-is-255 shortcut (YUV frames)
        img[..., 3] = 255
    frame = ArrayFrame(img)
    for (m, ow, oh, rep), got in zip(warps(shared), run_js(tmp_path, img, False, opaque, shared),
                                     strict=True):
        want = np.frombuffer(frame.warp(m, ow, oh, "replicate" if rep else "zero").data, np.uint8)
        assert np.array_equal(got, want), (m, rep)


@pytest.mark.skipif(NODE is None, reason="node not installed")
@pytest.mark.skipif(not hasattr(ArrayFrame, "warp_fixed_point"),
                    reason="ArrayFrame.warp_fixed_point comes with branch tracking3")
@pytest.mark.parametrize("opaque", [False, True])  # RGBX: the alpha-is-255 shortcut (YUV frames)
def test_cpu_warp_fixed_equals_numpy_fixed_point(tmp_path, opaque):
    img = image()
    if opaque:
        img[..., 3] = 255
    frame = ArrayFrame(img)
    for (m, ow, oh, rep), got in zip(WARPS, run_js(tmp_path, img, True, opaque), strict=True):
        want = np.frombuffer(frame.warp_fixed_point(m, ow, oh, "replicate" if rep else "zero")
                             .data, np.uint8)
        assert np.array_equal(got, want), (m, rep)


def test_warp_opencv_matches_fixed_point_but_for_rounding_ties():
    # ArrayFrame.warp_opencv runs cv::warpPerspective's own double arithmetic on the 3x3 that
    # MediaPipe's CPU converter builds from float32 corners (bit-equal to MediaPipe's crop
    # tensors on bench/crop_check.py's frames); the affine warp_fixed_point differs from it only
    # where a source coordinate sits on a 1/64-pixel rounding tie.
    from frontml.calculators.image_to_tensor import image_to_tensor_transform
    from frontml.calculators.types import NormalizedRect
    from frontml.image import warp_like_opencv

    rng = np.random.default_rng(3)
    frame = ArrayFrame(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8))
    ident = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)
    same = np.frombuffer(frame.warp_opencv(ident, 160, 120).data, np.uint8)
    assert np.array_equal(same, frame.array.reshape(-1))
    t = image_to_tensor_transform(160, 120, 64, 64, NormalizedRect(0.52, 0.47, 0.4, 0.53, 0.3),
                                  keep_aspect_ratio=True)
    assert t.opencv_matrix is not None and abs(t.opencv_matrix[8] - 1.0) < 1e-6
    for border in ("zero", "replicate"):
        exact = np.frombuffer(frame.warp_opencv(t.opencv_matrix, 64, 64, border).data, np.uint8)
        approx = np.frombuffer(warp_like_opencv(frame, t.affine, 64, 64, border).data, np.uint8)
        diff = np.abs(exact.astype(int) - approx.astype(int))
        assert (diff > 0).sum() <= 0.002 * diff.size, (diff > 0).sum()
