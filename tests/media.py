"""Test media made from photos that ship in packages (scikit-image), never downloaded."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from PIL import Image


def astronaut_frame(width: int = 640, height: int = 480) -> np.ndarray:
    """scikit-image's astronaut photo fitted into a width×height RGB frame on grey."""
    from skimage import data

    photo = Image.fromarray(data.astronaut())
    scale = min(width / photo.width, height / photo.height)
    size = (round(photo.width * scale), round(photo.height * scale))
    frame = Image.new("RGB", (width, height), (128, 128, 128))
    frame.paste(photo.resize(size, Image.Resampling.LANCZOS),
                ((width - size[0]) // 2, (height - size[1]) // 2))
    return np.asarray(frame)


def rgb_to_yuv420(rgb: np.ndarray) -> bytes:
    """BT.601 limited-range planar Y, U, V (4:2:0), as Chromium's fake camera reads y4m."""
    f = rgb.astype(np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = 16 + 0.257 * r + 0.504 * g + 0.098 * b
    u = 128 - 0.148 * r - 0.291 * g + 0.439 * b
    v = 128 + 0.439 * r - 0.368 * g - 0.071 * b
    h, w = y.shape

    def sub(c):
        return c.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

    planes = [y, sub(u), sub(v)]
    return b"".join(np.clip(np.rint(p), 0, 255).astype(np.uint8).tobytes() for p in planes)


def write_y4m(path: Path, frames: list[np.ndarray], fps: int = 30) -> Path:
    h, w = frames[0].shape[:2]
    with open(path, "wb") as fh:
        fh.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            fh.write(b"FRAME\n" + rgb_to_yuv420(frame))
    return path


@functools.cache
def astronaut_image() -> np.ndarray:
    """scikit-image's astronaut, 512x512 RGB (the photo the MediaPipe fixtures were made on).
    Read-only: copy before changing it."""
    from skimage import data

    img = data.astronaut()
    img.setflags(write=False)
    return img
