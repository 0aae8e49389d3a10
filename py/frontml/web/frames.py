"""Frames in the page: pixels stay in a canvas; warps run on the canvas (JS), not in Python."""

from __future__ import annotations

from frontml.image import Affine, Frame, check_border
from frontml.runtime.js_glue import loaded_glue
from frontml.runtime.tensor import Tensor


class CanvasFrame(Frame):
    """A snapshot of a video/image in a canvas. Valid until the next grab into that canvas."""

    def __init__(self, canvas, width: int, height: int, timestamp_ms: float) -> None:
        self.canvas = canvas
        self.width = width
        self.height = height
        self.timestamp_ms = timestamp_ms

    def warp(self, matrix: Affine, out_w: int, out_h: int, border: str = "zero") -> Tensor:
        check_border(border)
        data = loaded_glue().warp(self.canvas, *matrix, out_w, out_h, border == "replicate")
        # Uint8ClampedArray -> memoryview: one memcpy of out_w*out_h*4 bytes.
        return Tensor.from_buffer("uint8", (1, out_h, out_w, 4), data.to_py())

    def warp_fixed_point(self, matrix: Affine, out_w: int, out_h: int,
                         border: str = "zero") -> Tensor:
        """`warp` sampling like OpenCV's 8-bit warp, as ArrayFrame.warp_fixed_point (the WebGL2
        shader; the 2D-canvas fallback samples its own way)."""
        check_border(border)
        data = loaded_glue().warp(self.canvas, *matrix, out_w, out_h, border == "replicate",
                                  True)
        return Tensor.from_buffer("uint8", (1, out_h, out_w, 4), data.to_py())


async def grab(source, canvas=None, timestamp_ms: float = 0.0) -> CanvasFrame | None:
    """Snapshot a <video>, <img>, ImageBitmap or canvas; None while the video has no frame.
    (Async: a video frame is copied to the CPU with VideoFrame.copyTo, see web/js/frames.js.)"""
    snap = await loaded_glue().grab(source, canvas)
    if snap is None:
        return None
    return CanvasFrame(snap, int(snap.width), int(snap.height), timestamp_ms)
