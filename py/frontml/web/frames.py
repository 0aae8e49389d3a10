"""Frames in the page: pixels stay in a canvas; warps run on the canvas (JS), not in Python."""

from __future__ import annotations

from frontml.image import Affine, Frame, check_border
from frontml.runtime.js_glue import loaded_glue
from frontml.runtime.tensor import Tensor

# ?gpuinput (page.py): crops become WarpTensors, computed where the session runs (GPU-resident
# on webgpu, see web/js/warp_webgpu.js); off: the CPU path only, as before.
_lazy_warps = False


def set_lazy_warps(on: bool) -> None:
    global _lazy_warps
    _lazy_warps = bool(on)


def lazy_warps() -> bool:
    return _lazy_warps


class WarpTensor(Tensor):
    """A crop not computed yet: a webgpu session warps it on its own GPU device and feeds it
    without a CPU round trip (runtime/ort_web.py); anything that reads `.data` (another
    provider, debugging records) gets the ordinary warp, computed once, same bytes. Like its
    CanvasFrame, valid until the next grab into that canvas (read it before then)."""

    def __init__(self, canvas, matrix: Affine, out_w: int, out_h: int, replicate: bool,
                 fixed_point: bool) -> None:
        object.__setattr__(self, "dtype", "uint8")
        object.__setattr__(self, "shape", (1, out_h, out_w, 4))
        object.__setattr__(self, "warp_args",
                           (canvas, *matrix, out_w, out_h, replicate, fixed_point))
        object.__setattr__(self, "_bytes", None)

    @property
    def data(self) -> memoryview:  # type: ignore[override]
        if self._bytes is None:
            raw = loaded_glue().warp(*self.warp_args).to_py()
            object.__setattr__(self, "_bytes", memoryview(raw).cast("B"))
        return self._bytes


class CanvasFrame(Frame):
    """A snapshot of a video/image in a canvas. Valid until the next grab into that canvas."""

    def __init__(self, canvas, width: int, height: int, timestamp_ms: float) -> None:
        self.canvas = canvas
        self.width = width
        self.height = height
        self.timestamp_ms = timestamp_ms

    def warp(self, matrix: Affine, out_w: int, out_h: int, border: str = "zero") -> Tensor:
        return self._warp(matrix, out_w, out_h, border, False)

    def warp_fixed_point(self, matrix: Affine, out_w: int, out_h: int,
                         border: str = "zero") -> Tensor:
        """`warp` sampling like OpenCV's 8-bit warp, as ArrayFrame.warp_fixed_point (the WebGL2
        shader; the 2D-canvas fallback samples its own way)."""
        return self._warp(matrix, out_w, out_h, border, True)

    def _warp(self, matrix: Affine, out_w: int, out_h: int, border: str,
              fixed_point: bool) -> Tensor:
        check_border(border)
        replicate = border == "replicate"
        if _lazy_warps:
            return WarpTensor(self.canvas, matrix, out_w, out_h, replicate, fixed_point)
        data = loaded_glue().warp(self.canvas, *matrix, out_w, out_h, replicate, fixed_point)
        # Uint8ClampedArray -> memoryview: one memcpy of out_w*out_h*4 bytes.
        return Tensor.from_buffer("uint8", (1, out_h, out_w, 4), data.to_py())


async def grab(source, canvas=None, timestamp_ms: float = 0.0) -> CanvasFrame | None:
    """Snapshot a <video>, <img>, ImageBitmap or canvas; None while the video has no frame.
    (Async: a video frame is copied to the CPU with VideoFrame.copyTo, see web/js/frames.js.)"""
    snap = await loaded_glue().grab(source, canvas)
    if snap is None:
        return None
    return CanvasFrame(snap, int(snap.width), int(snap.height), timestamp_ms)
