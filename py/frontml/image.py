"""Frames and the geometric image operations pipelines need: resize and affine warps.

An affine `Affine = (a, b, c, d, e, f)` maps OUTPUT continuous pixel coordinates (u, v) to
SOURCE ones: sx = a*u + b*v + c, sy = d*u + e*v + f (pixel edges at integers, centres at +0.5).
The warp itself never loops over pixels in Python: in the page a canvas does it
(`frontml.web.frames.CanvasFrame`), in CPython numpy does (`ArrayFrame`). Both return an RGBA
uint8 tensor [1, H, W, 4], which is what every frontml image model takes as input.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from frontml.calculators.types import Affine, apply_affine, invert_affine
from frontml.errors import InputError
from frontml.runtime.tensor import Tensor


def scale_matrix(src_w: int, src_h: int, out_w: int, out_h: int) -> Affine:
    """Stretch the whole source to the output size."""
    return (src_w / out_w, 0.0, 0.0, 0.0, src_h / out_h, 0.0)


# MediaPipe's CPU ImageToTensorCalculator (OpenCV warpPerspective) samples with pixel centres at
# integer coordinates; frontml affines put them at +0.5. Shifting the sampling affine by half a
# pixel on both sides reproduces MediaPipe's CPU crops (measured: part of the gap to
# mp.solutions.pose, see bench/accuracy_pose.py). Projection back uses the unshifted geometry.
OPENCV_PIXEL_CENTRES = True
# CPython crops bit-equal to MediaPipe's (ArrayFrame.warp_opencv: cv::warpPerspective's double
# arithmetic and perspective row). Off by default: the page's warps (WebGL2 float32, WGSL) run
# the affine fixed-point arithmetic, and page == CPython keeps one arithmetic on both sides;
# the two differ only on the ~5 samples per crop that sit on a rounding tie.
EXACT_OPENCV_CROPS = False


def crop_matrix(x: float, y: float, w: float, h: float, out_w: int, out_h: int) -> Affine:
    """Axis-aligned crop of the source rectangle (x, y, w, h) in pixels to the output size."""
    return (w / out_w, 0.0, x, 0.0, h / out_h, y)


def opencv_sampling(affine: Affine) -> Affine:
    """The affine that samples like OpenCV's warp given MediaPipe's (corner-mapped) matrix."""
    a, b, c, d, e, f = affine
    return (a, b, c - 0.5 * a - 0.5 * b + 0.5, d, e, f - 0.5 * d - 0.5 * e + 0.5)


def warp_like_opencv(frame: Frame, affine: Affine, out_w: int, out_h: int,
                     border: str, opencv_matrix: Sequence[float] | None = None) -> Tensor:
    """frame.warp with MediaPipe's CPU sampling convention and the given border mode
    (ImageToTensorCalculator: BORDER_ZERO for detector letterboxes, BORDER_REPLICATE, the
    default, for ROI crops). With EXACT_OPENCV_CROPS and `opencv_matrix`
    (ImageToTensorTransform.opencv_matrix) a frame that can (ArrayFrame) samples with
    cv::warpPerspective's own arithmetic."""
    exact = getattr(frame, "warp_opencv", None)
    if EXACT_OPENCV_CROPS and opencv_matrix is not None and exact is not None:
        return exact(opencv_matrix, out_w, out_h, border)
    if OPENCV_PIXEL_CENTRES:
        affine = opencv_sampling(affine)
    # OpenCV's own fixed-point sampling (ArrayFrame in CPython, the WebGL2 shader in the page)
    fixed_point = getattr(frame, "warp_fixed_point", None)
    if fixed_point is not None:
        return fixed_point(affine, out_w, out_h, border)
    return frame.warp(affine, out_w, out_h, border=border)


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

    def warp_fixed_point(self, matrix: Affine, out_w: int, out_h: int,
                         border: str = "zero") -> Tensor:
        """`warp` the way cv::warpPerspective samples 8-bit images with INTER_LINEAR
        (imgproc/src/imgwarp.cpp WarpPerspectiveInvoker + remapBilinear): each source coordinate
        rounded to 1/32 pixel (INTER_BITS 5), integer bilinear weights (INTER_REMAP_COEF_BITS 15),
        the sum rounded half up. Float bilinear differs from it by one grey level on ~1 % of the
        values, which the landmark model and the tracking loop carry into a different crop."""
        import numpy as np

        check_border(border)
        a, b, c, d, e, f = matrix
        u = np.arange(out_w, dtype=np.float64) + 0.5
        v = np.arange(out_h, dtype=np.float64)[:, None] + 0.5
        # OpenCV: X = cvRound(x_src * INTER_TAB_SIZE) (round half to even, like np.rint)
        qx = np.rint((a * u + b * v + c - 0.5) * 32).astype(np.int64)
        qy = np.rint((d * u + e * v + f - 0.5) * 32).astype(np.int64)
        return self._sample_fixed(qx, qy, out_w, out_h, border)

    def warp_opencv(self, m: Sequence[float], out_w: int, out_h: int,
                    border: str = "zero") -> Tensor:
        """cv::warpPerspective (INTER_LINEAR, 8-bit) with its 3x3 inverse map `m` (output pixel
        index -> source pixel index), in its own double arithmetic: WarpPerspectiveInvoker's
        blocks of 16 rows x 64 columns, X0 = M0*x + M1*y + M2 at each block's first column,
        X = cvRound((X0 + M0*x1) * (32 / W)). Bit-equal to MediaPipe's crops, including the
        samples that sit on a rounding tie (the affine warp_fixed_point gets ~5 per crop wrong)."""
        import numpy as np

        check_border(border)
        bh0 = min(16, out_h)
        bw0 = min(1024 // bh0, out_w)
        qx = np.empty((out_h, out_w), np.int64)
        qy = np.empty((out_h, out_w), np.int64)
        yy = np.arange(out_h, dtype=np.float64)[:, None]
        for x in range(0, out_w, bw0):
            bw = min(bw0, out_w - x)
            x1 = np.arange(bw, dtype=np.float64)[None, :]
            x0d, y0d = m[0] * x + m[1] * yy + m[2], m[3] * x + m[4] * yy + m[5]
            w = m[6] * x + m[7] * yy + m[8] + m[6] * x1
            w = np.where(w != 0, 32.0 / np.where(w != 0, w, 1.0), 0.0)
            qx[:, x:x + bw] = np.rint((x0d + m[0] * x1) * w).astype(np.int64)
            qy[:, x:x + bw] = np.rint((y0d + m[3] * x1) * w).astype(np.int64)
        return self._sample_fixed(qx, qy, out_w, out_h, border)

    def _sample_fixed(self, qx, qy, out_w: int, out_h: int, border: str) -> Tensor:
        """remapBilinear on 8-bit: source coordinates in 1/32 pixels -> integer weights."""
        import numpy as np

        x0, y0 = qx >> 5, qy >> 5
        fx, fy = (qx & 31)[..., None], (qy & 31)[..., None]
        src = self.array
        h, w = src.shape[:2]

        def at(yy, xx):
            got = src[np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)].astype(np.int64)
            if border == "replicate":
                return got
            inside = (xx >= 0) & (xx < w) & (yy >= 0) & (yy < h)
            return got * inside[..., None]

        # weights (32 - fx)(32 - fy) * 32 etc. sum to 1 << 15 exactly
        acc = (at(y0, x0) * ((32 - fx) * (32 - fy)) + at(y0, x0 + 1) * (fx * (32 - fy))
               + at(y0 + 1, x0) * ((32 - fx) * fy) + at(y0 + 1, x0 + 1) * (fx * fy)) * 32
        out = np.clip((acc + (1 << 14)) >> 15, 0, 255).astype(np.uint8)
        return Tensor.from_buffer("uint8", (1, out_h, out_w, 4), out.reshape(-1))

    def rgba(self) -> Tensor:
        return Tensor.from_buffer("uint8", (1, self.height, self.width, 4), self.array.reshape(-1))


MAX_PIXELS = 100_000_000  # 100 MP: a 400 MB RGBA frame; beyond it we refuse, naming the size


def load_image(source: str | Path | bytes, timestamp_ms: float = 0.0,
               max_pixels: int = MAX_PIXELS) -> ArrayFrame:
    """Decode an image file (or its bytes) into an RGBA frame, with a clear error if it is not one.

    Every mode Pillow reads becomes 8-bit RGBA the way a browser would show it: EXIF orientation
    applied, 16-bit and float grey scaled (not clipped to white), palette and grey expanded,
    CMYK through its embedded ICC profile when there is one, and fully transparent pixels black
    (what a canvas gives the page). Images over `max_pixels` are refused with their size.
    """
    import io
    import warnings

    from PIL import Image

    name = "<bytes>" if isinstance(source, bytes) else str(source)
    try:
        fp = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot open image {name}: {exc.strerror}") from exc
    with fp, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(fp)
        except Image.DecompressionBombError as exc:
            raise InputError(f"{name}: the image is too large ({exc}); frontml reads images up "
                             f"to {max_pixels / 1e6:.0f} megapixels: downscale it first") from None
        except Exception as exc:  # Pillow plugins raise OSError, SyntaxError, ValueError...
            raise InputError(f"{name} is not an image frontml can read ({exc})") from exc
        w, h = img.size
        if w * h > max_pixels:
            raise InputError(f"{name}: the image is {w}x{h} ({w * h / 1e6:.0f} megapixels); "
                             f"frontml reads images up to {max_pixels / 1e6:.0f} megapixels: "
                             f"downscale it first")
        if w < 1 or h < 1:
            raise InputError(f"{name}: the image is empty ({w}x{h})")
        try:
            img.load()
            rgba = _to_rgba(_oriented(img))
        except MemoryError:
            raise InputError(f"{name}: not enough memory to decode a {w}x{h} image") from None
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"{name} is not an image frontml can read ({exc})") from exc
    return ArrayFrame(rgba, timestamp_ms)


def _oriented(img):
    """Apply the EXIF orientation; a broken EXIF block leaves the pixels as stored."""
    from PIL import ImageOps

    try:
        return ImageOps.exif_transpose(img)
    except Exception:  # noqa: BLE001 - bad EXIF must not cost the picture
        return img


def _to_rgba(img):
    """Any Pillow mode -> uint8 RGBA array, scaling deep greys instead of clipping them."""
    import numpy as np
    from PIL import Image

    mode = img.mode
    if mode.startswith("I") or mode == "F":
        grey = np.asarray(img).astype(np.float64)
        if mode.startswith("I;16"):
            grey = grey / 257.0  # 16-bit -> 8-bit (65535 -> 255)
        elif mode == "F":
            top = float(grey.max()) if grey.size else 0.0
            grey = grey * 255.0 if top <= 1.0 else grey
        else:  # 32-bit int: PNG 16-bit grey on older Pillow, or TIFF; scale by its range
            top = float(grey.max()) if grey.size else 0.0
            if top > 255.0:
                grey = grey / (257.0 if top <= 65535.0 else top / 255.0)
        img = Image.fromarray(np.clip(np.rint(grey), 0, 255).astype(np.uint8), "L")
    elif mode == "CMYK":
        img = _cmyk_to_rgb(img)
    elif mode in ("La", "RGBa"):  # premultiplied alpha
        img = img.convert("RGBA") if mode == "RGBa" else img.convert("LA")
    try:
        arr = np.array(img.convert("RGBA"))
    except ValueError as exc:
        raise InputError(f"image colour mode {mode} is not supported ({exc})") from exc
    arr[arr[..., 3] == 0, :3] = 0
    return arr


def _cmyk_to_rgb(img):
    """CMYK through its ICC profile when it has one (naive inversion looks washed out)."""
    icc = img.info.get("icc_profile")
    if icc:
        try:
            import io

            from PIL import ImageCms

            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(img, src, ImageCms.createProfile("sRGB"),
                                             outputMode="RGB")
        except Exception:  # noqa: BLE001 - a broken profile falls back to Pillow's formula
            pass
    return img.convert("RGB")


__all__ = ["BORDERS", "EXACT_OPENCV_CROPS", "OPENCV_PIXEL_CENTRES", "Affine", "ArrayFrame",
           "Frame", "apply_affine", "check_border", "invert_affine", "load_image",
           "opencv_sampling", "scale_matrix", "warp_like_opencv"]
