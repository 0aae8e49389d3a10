"""CPython (numpy + Pillow) mask post-processing and effects: the same formulas the page runs
on the canvas (`segAlpha` / `segRender` in web/js/frontml.js).

    prob (mask space) -> smooth(prev, prob, ratio) -> soft_threshold(t, softness)
      -> bilinear warp to the image (mask_affine) -> feather (Gaussian blur, px)
      -> composite(frame, matte, background) = frame * a + background * (1 - a)

Never imported in the page (numpy is not there).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from frontml.errors import InputError
from frontml.image import Affine, invert_affine
from frontml.tasks.segmentation.parts import PART_COLOURS

# SegmentationSmoothingCalculator's polynomial approximation of the mask's uncertainty.
_C1, _C2, _C3, _C4, _C5 = 5.68842, -0.748699, -57.8051, 291.309, -624.717


def smooth(previous: np.ndarray | None, current: np.ndarray, ratio: float) -> np.ndarray:
    """MediaPipe's SegmentationSmoothingCalculator (CPU path): mix with the previous mask,
    weighted by how uncertain the new value is (p near 0.5 -> mostly previous)."""
    if previous is None or ratio <= 0.0 or previous.shape != current.shape:
        return current.astype(np.float32)
    x = (current - 0.5) ** 2
    uncertainty = 1.0 - np.minimum(1.0, x * (_C1 + x * (_C2 + x * (_C3 + x * (_C4 + x * _C5)))))
    return (current + (previous - current) * (uncertainty * ratio)).astype(np.float32)


def soft_threshold(prob: np.ndarray, threshold: float = 0.5, softness: float = 0.0) -> np.ndarray:
    """alpha = clamp((p - (t - s)) / 2s, 0, 1); softness 0 = hard threshold (p >= t)."""
    if softness <= 0.0:
        return (prob >= threshold).astype(np.float32)
    return np.clip((prob - (threshold - softness)) / (2.0 * softness), 0.0, 1.0).astype(np.float32)


def mask_to_image(mask: np.ndarray, affine: Affine, width: int, height: int) -> np.ndarray:
    """A mask-space float array warped (bilinear) to the image: [H, W] float32, 0 outside."""
    mh, mw = mask.shape
    img = Image.fromarray(np.ascontiguousarray(mask, dtype=np.float32), mode="F")
    a, b, c, d, e, f = affine
    if b == 0 and d == 0 and c == 0 and f == 0 and abs(a * mw - width) < 1e-6 * width and (
            abs(e * mh - height) < 1e-6 * height):
        # the whole frame: a plain bilinear resize (edges clamp, like cv::resize and a canvas)
        out = img.resize((width, height), Image.Resampling.BILINEAR)
    else:
        out = img.transform((width, height), Image.Transform.AFFINE, data=invert_affine(affine),
                            resample=Image.Resampling.BILINEAR, fillcolor=0.0)
    return np.asarray(out, dtype=np.float32)


def feather(alpha: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian blur (standard deviation `radius` px) of an [H, W] matte in [0, 1]."""
    if radius <= 0:
        return alpha
    # 8-bit like the canvas's alpha channel (Pillow blurs 8-bit images only)
    u8 = np.clip(np.rint(alpha * 255.0), 0, 255).astype(np.uint8)
    img = Image.fromarray(u8, mode="L").filter(ImageFilter.GaussianBlur(radius))
    return np.asarray(img, dtype=np.float32) / 255.0


class MaskFilter:
    """Stateful mask post-processing for a sequence of SegmentationResults (CPython)."""

    def __init__(self, threshold: float = 0.5, softness: float = 0.0, smoothing: float = 0.0,
                 feather: float = 0.0) -> None:
        self.threshold = threshold
        self.softness = softness
        self.smoothing = smoothing
        self.feather = feather
        self.previous: np.ndarray | None = None

    @classmethod
    def from_options(cls, options) -> MaskFilter:
        return cls(options.threshold, options.softness, options.smoothing, options.feather)

    def reset(self) -> None:
        self.previous = None

    def matte(self, result) -> np.ndarray:
        """[H, W] float32 alpha in [0, 1] for a SegmentationResult."""
        prob = smooth(self.previous, result.probability(), self.smoothing)
        self.previous = prob
        alpha = soft_threshold(prob, self.threshold, self.softness)
        alpha = mask_to_image(alpha, result.mask_affine, result.image_width,
                              result.image_height)
        return np.clip(feather(alpha, self.feather), 0.0, 1.0)


# ------------------------------------------------------------------ effects


def parse_colour(text: str) -> tuple[int, int, int]:
    s = text.strip().lstrip("#")
    if len(s) == 3:
        s = "".join(ch * 2 for ch in s)
    try:
        if len(s) != 6:
            raise ValueError
        return int(s[0:2], 16), int(s[2:4], 16), int(s[4:6], 16)
    except ValueError:
        raise InputError(f"{text!r} is not a colour (use #rrggbb)") from None


def load_background(path) -> np.ndarray:
    """An RGB uint8 background image; InputError with a clear message if it is not one."""
    from frontml.image import load_image

    try:
        frame = load_image(path)
    except InputError as exc:
        raise InputError(f"background: {exc}") from None
    return frame.array[..., :3]


def blur_image(rgb: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian blur with edges extended (the page pads the frame by replication likewise)."""
    if radius <= 0:
        return rgb
    return np.asarray(Image.fromarray(rgb[..., :3]).filter(ImageFilter.GaussianBlur(radius)))


def cover(background: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale `background` to cover width x height, centred, cropped (CSS object-fit: cover)."""
    bh, bw = background.shape[:2]
    scale = max(width / bw, height / bh)
    size = (max(width, round(bw * scale)), max(height, round(bh * scale)))
    img = Image.fromarray(background[..., :3]).resize(size, Image.Resampling.BILINEAR)
    x0, y0 = (size[0] - width) // 2, (size[1] - height) // 2
    return np.asarray(img.crop((x0, y0, x0 + width, y0 + height)))


def composite(rgb: np.ndarray, alpha: np.ndarray, effect: str = "blur", *, blur: float = 12.0,
              colour: tuple[int, int, int] = (0, 177, 64),
              background: np.ndarray | None = None) -> np.ndarray:
    """frame * alpha + background * (1 - alpha), RGB uint8. effect: none | blur | color | image."""
    rgb = rgb[..., :3]
    h, w = rgb.shape[:2]
    if effect == "none":
        return rgb.copy()
    if effect == "blur":
        bg = blur_image(rgb, blur)
    elif effect == "color":
        bg = np.broadcast_to(np.asarray(colour, np.uint8), rgb.shape)
    elif effect == "image":
        if background is None:
            raise InputError("effect 'image' needs a background image")
        bg = cover(background, w, h)
    else:
        raise ValueError(f"unknown effect {effect!r}")
    a = alpha[..., None].astype(np.float32)
    out = rgb.astype(np.float32) * a + bg.astype(np.float32) * (1.0 - a)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def cutout(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The person on a transparent background, RGBA uint8 (alpha = matte)."""
    a = np.clip(np.rint(alpha * 255.0), 0, 255).astype(np.uint8)
    return np.concatenate([rgb[..., :3], a[..., None]], axis=2)


# ------------------------------------------------------------------ body parts


def body_part_labels(alpha: np.ndarray, affine: Affine, segments, min_alpha: float = 0.5
                     ) -> np.ndarray:
    """Label each pixel of a mask-space matte: 0 background, else the part (parts.PARTS) of
    the nearest skeleton segment, distances measured in image px (same as segRender)."""
    mh, mw = alpha.shape
    seg = np.asarray(segments, dtype=np.float64).reshape(-1, 5)
    labels = np.zeros((mh, mw), np.uint8)
    if len(seg) == 0:
        return labels
    a, b, c, d, e, f = affine
    u = np.arange(mw, dtype=np.float64) + 0.5
    v = np.arange(mh, dtype=np.float64)[:, None] + 0.5
    x = a * u + b * v + c
    y = d * u + e * v + f
    best = np.full((mh, mw), np.inf)
    for x0, y0, x1, y1, part in seg:
        dx, dy = x1 - x0, y1 - y0
        ll = dx * dx + dy * dy
        t = np.zeros_like(x) if ll == 0 else np.clip(((x - x0) * dx + (y - y0) * dy) / ll, 0, 1)
        dist = (x - x0 - t * dx) ** 2 + (y - y0 - t * dy) ** 2
        closer = dist < best
        best = np.where(closer, dist, best)
        labels[closer] = int(part)
    labels[alpha < min_alpha] = 0
    return labels


def labels_to_image(labels: np.ndarray, affine: Affine, width: int, height: int) -> np.ndarray:
    """Mask-space labels at image size (nearest neighbour), [H, W] uint8."""
    img = Image.fromarray(labels, mode="L").transform(
        (width, height), Image.Transform.AFFINE, data=invert_affine(affine),
        resample=Image.Resampling.NEAREST, fillcolor=0)
    return np.asarray(img)


def colour_parts(rgb: np.ndarray, labels: np.ndarray, opacity: float = 0.5) -> np.ndarray:
    """Tint each labelled pixel with its part's colour (PART_COLOURS), RGB uint8."""
    palette = np.asarray(PART_COLOURS, np.float32)
    tint = palette[labels]
    a = np.where(labels > 0, opacity, 0.0)[..., None].astype(np.float32)
    out = rgb[..., :3].astype(np.float32) * (1 - a) + tint * a
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)
