"""Video frames for CPython (CLI, batch jobs): a y4m reader and an ffmpeg fallback.

CPython-only (numpy); the page gets frames from the camera instead. A y4m file is what
Chromium's fake camera reads, and what `ffmpeg -f yuv4mpegpipe` writes, so one parser serves
both: other formats are piped through ffmpeg as y4m when ffmpeg is installed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import numpy as np

from frontml.errors import InputError

Y4M_MAGIC = b"YUV4MPEG2"
VIDEO_SUFFIXES = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".mpg", ".mpeg", ".ogv",
                  ".ts", ".flv", ".wmv", ".3gp"}


MAX_HEADER = 1024  # bytes in a y4m header or FRAME line; real ones are < 100
MAX_SIDE = 16384  # px; a bigger y4m frame is a corrupt header, not a video


def _header_int(name: str, field: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InputError(f"{name}: corrupt y4m header ({field} is {value!r}, not a whole "
                         f"number)") from None


def yuv_to_rgb(y: np.ndarray, u: np.ndarray, v: np.ndarray, full_range: bool = False):
    """BT.601 Y'CbCr (planes of equal size) -> RGB uint8 [H, W, 3]."""
    yf = y.astype(np.float32)
    uf = u.astype(np.float32) - 128.0
    vf = v.astype(np.float32) - 128.0
    if full_range:
        r = yf + 1.402 * vf
        g = yf - 0.344136 * uf - 0.714136 * vf
        b = yf + 1.772 * uf
    else:  # limited ("TV") range, what cameras, ffmpeg and Chromium's fake camera use
        yf = 1.164 * (yf - 16.0)
        r = yf + 1.596 * vf
        g = yf - 0.392 * uf - 0.813 * vf
        b = yf + 2.017 * uf
    rgb = np.stack([r, g, b], axis=-1)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


class Y4MReader:
    """Frames of a YUV4MPEG2 stream (4:2:0 variants, 4:4:4, mono) as RGB uint8 arrays.

    Iterating yields (rgb [H, W, 3], timestamp_ms) with timestamps from the frame rate.
    """

    def __init__(self, stream: BinaryIO, name: str = "<y4m>") -> None:
        self.name = name
        self._stream = stream
        header = stream.readline(MAX_HEADER)
        if not header.startswith(Y4M_MAGIC):
            raise InputError(f"{name} is not a y4m video (no YUV4MPEG2 header)")
        if not header.endswith(b"\n"):
            raise InputError(f"{name}: corrupt y4m header (no end of line in the first "
                             f"{MAX_HEADER} bytes)")
        params = header.decode("ascii", "replace").split()[1:]
        self.width = self.height = 0
        self.fps = Fraction(30)
        self.colorspace = "420jpeg"
        self.full_range = False
        for p in params:
            key, value = p[0], p[1:]
            if key == "W":
                self.width = _header_int(name, "W (width)", value)
            elif key == "H":
                self.height = _header_int(name, "H (height)", value)
            elif key == "F":
                num, _, den = value.partition(":")
                n, d = _header_int(name, "F (frame rate)", num), _header_int(
                    name, "F (frame rate)", den or "1")
                if n > 0 and d > 0:
                    self.fps = Fraction(n, d)
            elif key == "C":
                self.colorspace = value
            elif key == "X" and value.upper() == "COLORRANGE=FULL":
                self.full_range = True
        if self.width < 1 or self.height < 1:
            raise InputError(f"{name}: y4m header lacks a frame size (W and H)")
        if self.width > MAX_SIDE or self.height > MAX_SIDE:
            raise InputError(f"{name}: y4m frame size {self.width}x{self.height} is too large "
                             f"(at most {MAX_SIDE} px a side)")
        w, h = self.width, self.height
        cw, ch = (w + 1) // 2, (h + 1) // 2
        if self.colorspace.startswith("420"):
            self._chroma = (ch, cw)
        elif self.colorspace == "444":
            self._chroma = (h, w)
        elif self.colorspace == "mono":
            self._chroma = None
        else:
            raise InputError(f"{name}: y4m colour space C{self.colorspace} is not supported "
                             f"(use 420 or 444)")
        chroma = 0 if self._chroma is None else 2 * self._chroma[0] * self._chroma[1]
        self.frame_bytes = w * h + chroma

    def __iter__(self) -> Iterator[tuple[np.ndarray, float]]:
        w, h = self.width, self.height
        index = 0
        while True:
            line = self._stream.readline(MAX_HEADER)
            if not line:
                return
            if not line.startswith(b"FRAME") or not line.endswith(b"\n"):
                raise InputError(f"{self.name}: corrupt y4m (frame {index} has no FRAME marker)")
            data = self._stream.read(self.frame_bytes)
            if len(data) < self.frame_bytes:
                return  # truncated last frame: stop, as players do
            buf = np.frombuffer(data, np.uint8)
            y = buf[: w * h].reshape(h, w)
            if self._chroma is None:
                u = v = np.full((h, w), 128, np.uint8)
            else:
                chh, chw = self._chroma
                n = chh * chw
                u = buf[w * h: w * h + n].reshape(chh, chw)
                v = buf[w * h + n: w * h + 2 * n].reshape(chh, chw)
                if (chh, chw) != (h, w):
                    u = u.repeat(2, 0).repeat(2, 1)[:h, :w]
                    v = v.repeat(2, 0).repeat(2, 1)[:h, :w]
            yield yuv_to_rgb(y, u, v, self.full_range), float(index * 1000 / self.fps)
            index += 1


def read_y4m(path: str | Path) -> Iterator[tuple[np.ndarray, float]]:
    """(rgb, timestamp_ms) for each frame of a .y4m file; the header is checked right away."""
    try:
        fh = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot open video {path}: {exc.strerror}") from exc
    try:
        reader = Y4MReader(fh, str(path))
    except BaseException:
        fh.close()
        raise

    def frames() -> Iterator[tuple[np.ndarray, float]]:
        with fh:
            yield from reader

    return frames()


def read_with_ffmpeg(path: str | Path) -> Iterator[tuple[np.ndarray, float]]:
    """(rgb, timestamp_ms) for each frame of any video ffmpeg decodes (piped as y4m)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise InputError(f"{path}: decoding this video needs ffmpeg (apt-get install ffmpeg), "
                         f"or convert it to .y4m")
    return _ffmpeg_frames(ffmpeg, path)


def _ffmpeg_frames(ffmpeg: str, path: str | Path) -> Iterator[tuple[np.ndarray, float]]:
    proc = subprocess.Popen(
        [ffmpeg, "-v", "error", "-nostdin", "-i", str(path), "-f", "yuv4mpegpipe",
         "-pix_fmt", "yuv420p", "-"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        first = proc.stdout.peek(len(Y4M_MAGIC)) if hasattr(proc.stdout, "peek") else b""
        if not first:
            err = proc.stderr.read().decode(errors="replace").strip().splitlines()
            raise InputError(f"{path}: ffmpeg could not decode it"
                             + (f" ({err[-1]})" if err else ""))
        yield from Y4MReader(proc.stdout, str(path))
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()
        proc.stderr.close()


def read_video(path: str | Path) -> Iterator[tuple[np.ndarray, float]]:
    """Frames of a .y4m file (built-in) or another video (through ffmpeg)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            is_y4m = fh.read(len(Y4M_MAGIC)) == Y4M_MAGIC
    except OSError as exc:
        raise InputError(f"cannot open video {path}: {exc.strerror}") from exc
    return read_y4m(path) if is_y4m else read_with_ffmpeg(path)
