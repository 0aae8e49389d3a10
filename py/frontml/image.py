"""Frames and the geometric image operations pipelines need: resize, crop, rotated crop.

An affine `Affine = (a, b, c, d, e, f)` maps OUTPUT continuous pixel coordinates (u, v) to
SOURCE ones: sx = a*u + b*v + c, sy = d*u + e*v + f (pixel edges at integers, centres at +0.5).
The warp itself never loops over pixels in Python: in the page a canvas does it
(`frontml.web.frames.CanvasFrame`), in CPython numpy does (`ArrayFrame`). Both return an RGBA
uint8 tensor [1, H, W, 4], which is what every frontml image model takes as input.
"""

from __future__ import annotations

import math
from pathlib import Path

from frontml.errors import InputError
from frontml.runtime.tensor import Tensor

Affine = tuple[float, float, float, float, float, float]


def scale_matrix(src_w: int, src_h: int, out_w: int, out_h: int) -> Affine:
    """Stretch the whole source to the output size."""
    return (src_w / out_w, 0.0, 0.0, 0.0, src_h / out_h, 0.0)


def crop_matrix(x: float, y: float, w: float, h: float, out_w: int, out_h: int) -> Affine:
    """Axis-aligned crop of the source rectangle (x, y, w, h) in pixels to the output size."""
    return (w / out_w, 0.0, x, 0.0, h / out_h, y)


def rotated_crop_matrix(
    cx: float, cy: float, w: float, h: float, rotation: float, out_w: int, out_h: int
) -> Affine:
    """Crop a rectangle centred at (cx, cy) px, size w×h px, rotated by `rotation` radians.

    Same convention as MediaPipe's GetRotatedSubRectToRectTransformMatrix: positive rotation
    turns the rectangle clockwise on screen (y points down).
    """
    cos, sin = math.cos(rotation), math.sin(rotation)
    sx, sy = w / out_w, h / out_h
    a, b = cos * sx, -sin * sy
    d, e = sin * sx, cos * sy
    # the output centre (out_w/2, out_h/2) must land on (cx, cy)
    c = cx - a * out_w / 2 - b * out_h / 2
    f = cy - d * out_w / 2 - e * out_h / 2
    return (a, b, c, d, e, f)


def apply(m: Affine, u: float, v: float) -> tuple[float, float]:
    """Map an output point to the source."""
    return (m[0] * u + m[1] * v + m[2], m[3] * u + m[4] * v + m[5])


def invert(m: Affine) -> Affine:
    a, b, c, d, e, f = m
    det = a * e - b * d
    if det == 0:
        raise ValueError("affine matrix is singular")
    ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
    return (ia, ib, -(ia * c + ib * f), id_, ie, -(id_ * c + ie * f))


class Frame:
    """One image or video frame. Subclasses hold the pixels where they live (canvas, array)."""

    width: int
    height: int
    timestamp_ms: float

    def warp(self, matrix: Affine, out_w: int, out_h: int, border: str = "zero") -> Tensor:
        """Sample the frame through `matrix` into an RGBA uint8 tensor [1, out_h, out_w, 4].

        border: "zero" (outside is transparent black) or "replicate" (edge pixels continue
        outward), MediaPipe's BORDER_ZERO / BORDER_REPLICATE.
        """
        raise NotImplementedError

    def resize(self, out_w: int, out_h: int) -> Tensor:
        return self.warp(scale_matrix(self.width, self.height, out_w, out_h), out_w, out_h)

    def crop(self, x: float, y: float, w: float, h: float, out_w: int, out_h: int) -> Tensor:
        return self.warp(crop_matrix(x, y, w, h, out_w, out_h), out_w, out_h)

    def rgba(self) -> Tensor:
        """The frame's own pixels, [1, H, W, 4]."""
        return self.warp((1.0, 0.0, 0.0, 0.0, 1.0, 0.0), self.width, self.height)


BORDERS = ("zero", "replicate")


def check_border(border: str) -> None:
    if border not in BORDERS:
        raise ValueError(f"border must be one of {BORDERS}, got {border!r}")


def _check_size(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise InputError(f"empty frame ({width}x{height})")


class ArrayFrame(Frame):
    """A frame held as a numpy array (CPython). Accepts HxW gray, HxWx3 RGB or HxWx4 RGBA."""

    def __init__(self, array, timestamp_ms: float = 0.0) -> None:
        import numpy as np

        arr = np.asarray(array)
        if arr.dtype != np.uint8:
            raise InputError(f"frame pixels must be uint8, got {arr.dtype}")
        if arr.ndim == 2:
            arr = np.repeat(arr[:, :, None], 3, axis=2)
        if arr.ndim != 3 or arr.shape[2] not in (3, 4):
            raise InputError(f"frame must be HxW, HxWx3 or HxWx4, got shape {arr.shape}")
        if arr.shape[2] == 3:
            arr = np.concatenate([arr, np.full(arr.shape[:2] + (1,), 255, np.uint8)], axis=2)
        _check_size(arr.shape[1], arr.shape[0])
        self.array = np.ascontiguousarray(arr)
        self.height, self.width = arr.shape[:2]
        self.timestamp_ms = timestamp_ms

    def warp(self, matrix: Affine, out_w: int, out_h: int, border: str = "zero") -> Tensor:
        # Bilinear sampling at output pixel centres, vectorised in numpy (CPython only).
        import numpy as np

        check_border(border)
        a, b, c, d, e, f = matrix
        u = np.arange(out_w, dtype=np.float64) + 0.5
        v = np.arange(out_h, dtype=np.float64)[:, None] + 0.5
        sx = a * u + b * v + c - 0.5  # continuous coordinates -> pixel index space
        sy = d * u + e * v + f - 0.5
        x0 = np.floor(sx).astype(np.int64)
        y0 = np.floor(sy).astype(np.int64)
        fx = (sx - x0)[..., None].astype(np.float32)
        fy = (sy - y0)[..., None].astype(np.float32)
        src = self.array
        h, w = src.shape[:2]

        def at(yy, xx):
            got = src[np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)].astype(np.float32)
            if border == "replicate":
                return got
            inside = (xx >= 0) & (xx < w) & (yy >= 0) & (yy < h)
            return got * inside[..., None]

        top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx
        bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx
        out = np.clip(np.rint(top * (1 - fy) + bottom * fy), 0, 255).astype(np.uint8)
        return Tensor.from_buffer("uint8", (1, out_h, out_w, 4), out.reshape(-1))

    def rgba(self) -> Tensor:
        return Tensor.from_buffer("uint8", (1, self.height, self.width, 4), self.array.reshape(-1))


def load_image(source: str | Path | bytes, timestamp_ms: float = 0.0) -> ArrayFrame:
    """Decode an image file (or its bytes) into a frame, with a clear error if it is not one."""
    import io

    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = "<bytes>" if isinstance(source, bytes) else str(source)
    try:
        fp = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot open image {name}: {exc.strerror}") from exc
    with fp:
        try:
            img = Image.open(fp)
            img = ImageOps.exif_transpose(img).convert("RGBA")
        except (UnidentifiedImageError, OSError) as exc:
            raise InputError(f"{name} is not an image frontml can read ({exc})") from exc
    return ArrayFrame(np.asarray(img), timestamp_ms)
