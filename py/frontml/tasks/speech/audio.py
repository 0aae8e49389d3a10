"""Audio in, 16 kHz mono float out: a WAV reader (8/16/24/32-bit PCM, 32/64-bit float, any
channel count, WAVE_FORMAT_EXTENSIBLE) and a streaming windowed-sinc resampler. Standard library
only (runs in Pyodide); the build's numpy resampler uses the same kernel."""

from __future__ import annotations

import math
import struct
import sys
from array import array

from frontml.errors import InputError

RATE = 16000
_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


def read_wav(data: bytes, name: str = "audio") -> tuple[array, int]:
    """WAV bytes -> (mono float32 samples in [-1, 1], sample rate). Channels are averaged."""
    if len(data) < 12 or data[:4] not in (b"RIFF", b"RF64") or data[8:12] != b"WAVE":
        raise InputError(f"{name}: not a WAV file (no RIFF/WAVE header)")
    fmt = None
    body = b""
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos: pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        chunk = data[pos + 8: pos + 8 + size]
        if cid == b"fmt ":
            fmt = chunk
        elif cid == b"data":
            body = chunk  # a streamed header may claim more than there is: take what exists
            break
        pos += 8 + size + (size & 1)
    if fmt is None or len(fmt) < 16:
        raise InputError(f"{name}: WAV file has no 'fmt ' chunk")
    tag, channels, rate, _, block, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == _EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack_from("<H", fmt, 24)[0]  # sub-format GUID starts with the tag
    if channels < 1 or rate < 1000:
        raise InputError(f"{name}: WAV header says {channels} channels at {rate} Hz")
    width = bits // 8
    if tag == _PCM and width in (1, 2, 3, 4):
        samples = _pcm(body, width)
    elif tag == _FLOAT and width in (4, 8):
        n = len(body) // width
        samples = array("f" if width == 4 else "d")
        samples.frombytes(body[: n * width])
        if sys.byteorder == "big":
            samples.byteswap()
    else:
        raise InputError(f"{name}: unsupported WAV encoding (format tag {tag}, {bits}-bit); "
                         "use PCM 8/16/24/32-bit or float 32/64-bit")
    if len(samples) < channels:
        raise InputError(f"{name}: WAV file has no audio samples")
    return _mono(samples, channels), rate


def _pcm(body: bytes, width: int) -> array:
    n = len(body) // width
    if width == 1:  # unsigned 8-bit
        return array("f", [(b - 128) / 128.0 for b in body[:n]])
    if width == 2:
        a = array("h")
        a.frombytes(body[: 2 * n])
        scale = 1 / 32768.0
    elif width == 4:
        a = array("i")
        a.frombytes(body[: 4 * n])
        scale = 1 / 2147483648.0
    else:  # 24-bit: widen each sample to 32 bits
        b = bytearray(4 * n)
        b[1::4], b[2::4], b[3::4] = body[0: 3 * n: 3], body[1: 3 * n: 3], body[2: 3 * n: 3]
        a = array("i")
        a.frombytes(bytes(b))
        scale = 1 / 2147483648.0
    if sys.byteorder == "big":
        a.byteswap()
    return array("f", [v * scale for v in a])


def _mono(samples: array, channels: int) -> array:
    if channels == 1:
        return samples if samples.typecode == "f" else array("f", samples)
    n = len(samples) // channels
    inv = 1.0 / channels
    return array("f", [sum(samples[i * channels: (i + 1) * channels]) * inv for i in range(n)])


# ---------------------------------------------------------------------------------- resampling


def kernel_params(src: int, dst: int) -> tuple[int, float]:
    """(half width in input samples, cutoff as a fraction of the input Nyquist)."""
    cutoff = min(1.0, dst / src) * 0.95
    return math.ceil(8 / cutoff), cutoff


class Resampler:
    """Streaming src -> dst Hz windowed-sinc (Hann) resampler with one weight table per phase.

    push(samples) returns the output samples that are complete; flush() pads with zeros and
    returns the rest. Output sample n sits at input position n * src / dst.
    """

    def __init__(self, src: int, dst: int = RATE) -> None:
        if src <= 0 or dst <= 0:
            raise InputError(f"sample rates must be positive, got {src} -> {dst}")
        self.src, self.dst = src, dst
        g = math.gcd(src, dst)
        self.up, self.down = dst // g, src // g
        self.half, cutoff = kernel_params(src, dst)
        self.tables: list[list[float]] = []
        for phase in range(self.up if src != dst else 0):
            frac = phase / self.up  # position of the output inside [base, base + 1)
            row = []
            for k in range(-self.half + 1, self.half + 1):
                d = frac - k
                if abs(d) >= self.half:
                    row.append(0.0)
                    continue
                x = cutoff * d
                s = 1.0 if x == 0 else math.sin(math.pi * x) / (math.pi * x)
                row.append(cutoff * s * (0.5 + 0.5 * math.cos(math.pi * d / self.half)))
            self.tables.append(row)
        self.reset()

    def reset(self) -> None:
        # Input history with `offset` = absolute index of buf[0]; zeros before the start.
        self.buf = array("f", [0.0] * (self.half - 1)) if self.src != self.dst else array("f")
        self.offset = -(self.half - 1)
        self.n_in = 0
        self.n_out = 0

    def push(self, samples) -> array:
        if self.src == self.dst:
            return array("f", samples)
        self.buf.extend(samples)
        self.n_in += len(samples)
        return self._drain(self.n_in)

    def flush(self) -> array:
        if self.src == self.dst:
            return array("f")
        # Pad so every output up to the input's end is complete.
        self.buf.extend([0.0] * (self.half + 1))
        total = self.n_in * self.up // self.down + (1 if self.n_in * self.up % self.down else 0)
        out = self._drain(self.n_in + self.half + 1, total)
        return out

    def _drain(self, avail: int, limit: int | None = None) -> array:
        out = array("f")
        up, down, half, buf, tables = self.up, self.down, self.half, self.buf, self.tables
        n = self.n_out
        while limit is None or n < limit:
            pos = n * down
            base, phase = pos // up, pos % up
            if base + half >= avail:
                break
            start = base - half + 1 - self.offset
            row = tables[phase]
            acc = 0.0
            for w, v in zip(row, buf[start: start + 2 * half], strict=True):
                acc += w * v
            out.append(acc)
            n += 1
        self.n_out = n
        # Drop history no output needs any more.
        keep_from = (n * down) // up - half + 1 - self.offset
        if keep_from > 4096:
            del self.buf[:keep_from]
            self.offset += keep_from
        return out


def resample(samples, src: int, dst: int = RATE) -> array:
    """Whole-signal resampling: the same numbers as streaming it through a Resampler."""
    r = Resampler(src, dst)
    out = r.push(samples)
    out.extend(r.flush())
    return out


def to_int16_bytes(samples) -> bytes:
    """float [-1, 1] -> little-endian 16-bit PCM (saving takes compactly)."""
    a = array("h", [max(-32768, min(32767, int(round(v * 32767.0)))) for v in samples])
    if sys.byteorder == "big":
        a.byteswap()
    return a.tobytes()


def from_int16_bytes(data: bytes) -> array:
    a = array("h")
    a.frombytes(data[: len(data) // 2 * 2])
    if sys.byteorder == "big":
        a.byteswap()
    return array("f", [v / 32768.0 for v in a])


def write_wav(samples, rate: int = RATE) -> bytes:
    """Mono 16-bit PCM WAV bytes (tests, exports)."""
    pcm = to_int16_bytes(samples)
    return (b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, _PCM, 1, rate, rate * 2, 2, 16)
            + b"data" + struct.pack("<I", len(pcm)) + pcm)
