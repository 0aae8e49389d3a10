"""Short test videos made from package photos, for the video-mode accuracy check.

Imported by both sides of bench/accuracy_video.py: frontml's venv and the MediaPipe venv
(numpy<2, no onnxruntime), so this needs only numpy and Pillow and never imports frontml.

Each clip moves one photo over a grey 640x480 frame, frame by frame, with a camera-like path:
pans, zooms, rotations, a person entering and leaving. Frames are written as y4m
(bench/.cache/video/NAME.y4m, what the CLI and Chromium's fake camera read) and both sides
decode that file with the same BT.601 conversion, so they see the same pixels.

    .venv/bin/python bench/video_clips.py   # writes the clips (also done on demand)
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
VIDEO_DIR = CACHE / "video"
WIDTH, HEIGHT, FPS = 640, 480, 30
GREY = (128, 128, 128)


@dataclass(frozen=True)
class Pose2D:
    """Where the photo sits in the frame: centre (pixels), scale, rotation (degrees, CCW)."""

    cx: float
    cy: float
    scale: float
    angle: float = 0.0


@dataclass(frozen=True)
class Clip:
    name: str
    photo: str  # a key of PHOTOS
    frames: int
    path: Callable[[float], Pose2D]  # t in [0, 1] -> placement
    tasks: tuple[str, ...]  # which accuracy sections use it


def _ease(t: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * min(max(t, 0.0), 1.0))


def _pan_zoom(t: float) -> Pose2D:
    # slow zoom in and out, pan left/right and a little up/down
    s = 0.94 * (1.0 + 0.45 * math.sin(math.pi * t))
    return Pose2D(320 + 90 * math.sin(2 * math.pi * t), 240 + 30 * math.sin(4 * math.pi * t), s)


def _rotate(t: float) -> Pose2D:
    return Pose2D(320 + 40 * math.sin(2 * math.pi * t), 240, 0.9,
                  30.0 * math.sin(2 * math.pi * t))


def _enter_leave(t: float) -> Pose2D:
    # off the frame on the left, in (ease), held, out to the right; 0.94 = photo fills height
    x_in, x_out = -300.0, 940.0
    if t < 0.35:
        x = x_in + (320 - x_in) * _ease(t / 0.35)
    elif t < 0.6:
        x = 320.0
    else:
        x = 320 + (x_out - 320) * _ease((t - 0.6) / 0.4)
    return Pose2D(x, 240, 0.94)


def _hand(t: float) -> Pose2D:
    return Pose2D(320 + 70 * math.sin(2 * math.pi * t), 240 + 25 * math.sin(2 * math.pi * t),
                  1.0 + 0.5 * math.sin(math.pi * t), 20.0 * math.sin(2 * math.pi * t))


def _body_pan_zoom(t: float) -> Pose2D:
    # the whole photo stays inside the frame: zoom 0.75-0.9 of the height, pan +-120 px
    return Pose2D(320 + 120 * math.sin(2 * math.pi * t), 240 + 10 * math.sin(4 * math.pi * t),
                  0.75 + 0.15 * math.sin(math.pi * t))


def _body_rotate(t: float) -> Pose2D:
    return Pose2D(320 + 60 * math.sin(2 * math.pi * t), 240, 0.82,
                  25.0 * math.sin(2 * math.pi * t))


def _body_enter_leave(t: float) -> Pose2D:
    # enters from the right, holds, leaves on the left (the photo is ~250 px wide)
    x_in, x_out = 800.0, -160.0
    if t < 0.35:
        x = x_in + (320 - x_in) * _ease(t / 0.35)
    elif t < 0.6:
        x = 320.0
    else:
        x = 320 + (x_out - 320) * _ease((t - 0.6) / 0.4)
    return Pose2D(x, 240, 0.86)


# Photo name -> (source, crop box in source pixels or None). No package photo we have shows a
# person head to feet; these are the most complete bodies: head to hips/knees, in frame whole.
PHOTOS = {
    "astronaut": ("skimage:astronaut", None),
    "hand": ("tests/data/hands_sample5.jpg", None),
    "cameraman": ("skimage:camera", None),  # standing, head to thighs, profile
    "seated": ("face-api:sample2.jpg", (1150, 0, 1920, 1367)),  # head to boots, seated
    "standing": ("face-api:sample4.jpg", (1230, 60, 1920, 1448)),  # head to thighs
}
BODY_HEIGHT = 512  # cropped photos are scaled to this height (the astronaut's), so scales match

CLIPS = (
    Clip("astronaut_pan_zoom", "astronaut", 90, _pan_zoom, ("pose", "face")),
    Clip("astronaut_rotate", "astronaut", 75, _rotate, ("pose", "face")),
    Clip("astronaut_enter_leave", "astronaut", 90, _enter_leave, ("pose", "face")),
    Clip("cameraman_pan_zoom", "cameraman", 90, _body_pan_zoom, ("pose",)),
    Clip("seated_rotate", "seated", 75, _body_rotate, ("pose",)),
    Clip("standing_enter_leave", "standing", 90, _body_enter_leave, ("pose",)),
    Clip("hand_move", "hand", 75, _hand, ("hands",)),
)


def face_api_photo(name: str) -> Path:
    """A demo photo of npm @vladmandic/face-api (unpacked by bench/mediapipe_pose_reference.py
    into bench/.cache/face-api/, which `npm pack`s it once)."""
    path = CACHE / "face-api" / "package" / "demo" / name
    if not path.exists():
        import subprocess
        import tarfile

        CACHE.mkdir(parents=True, exist_ok=True)
        tgz = sorted(CACHE.glob("vladmandic-face-api-*.tgz"))
        if not tgz:
            subprocess.run(["npm", "pack", "@vladmandic/face-api@1.7.15"], cwd=CACHE,
                           check=True, stdout=subprocess.DEVNULL)
            tgz = sorted(CACHE.glob("vladmandic-face-api-*.tgz"))
        with tarfile.open(tgz[-1]) as tar:
            tar.extractall(CACHE / "face-api", members=[tar.getmember(f"package/demo/{name}")],
                           filter="data")
    return path


def photo(name: str) -> Image.Image:
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}")
    source, box = PHOTOS[name]
    if source.startswith("skimage:"):
        from skimage import data

        img = Image.fromarray(getattr(data, source.split(":", 1)[1])()).convert("RGB")
    elif source.startswith("face-api:"):
        from PIL import ImageOps

        img = ImageOps.exif_transpose(Image.open(face_api_photo(source.split(":", 1)[1])))
        img = img.convert("RGB")
    else:
        img = Image.open(ROOT / source).convert("RGB")
    if box is not None:
        img = img.crop(box)
        img = img.resize((round(img.width * BODY_HEIGHT / img.height), BODY_HEIGHT),
                         Image.Resampling.LANCZOS)
    return img


def render(img: Image.Image, place: Pose2D) -> np.ndarray:
    """The photo placed at `place` on a grey 640x480 frame (bilinear)."""
    a = math.radians(place.angle)
    c, s = math.cos(a) / place.scale, math.sin(a) / place.scale
    # frame pixel (x, y) -> photo pixel; rotation CCW on screen (y down)
    dx, dy = -place.cx, -place.cy
    coeffs = (c, -s, c * dx - s * dy + img.width / 2,
              s, c, s * dx + c * dy + img.height / 2)
    rgba = img.convert("RGBA").transform((WIDTH, HEIGHT), Image.Transform.AFFINE, coeffs,
                                         resample=Image.Resampling.BILINEAR)
    frame = Image.new("RGBA", (WIDTH, HEIGHT), (*GREY, 255))
    frame.alpha_composite(rgba)
    return np.asarray(frame.convert("RGB"))


def rgb_to_yuv420(rgb: np.ndarray) -> bytes:
    """BT.601 limited-range planar 4:2:0 (same as tests/media.py)."""
    f = rgb.astype(np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = 16 + 0.257 * r + 0.504 * g + 0.098 * b
    u = 128 - 0.148 * r - 0.291 * g + 0.439 * b
    v = 128 + 0.439 * r - 0.368 * g - 0.071 * b
    h, w = y.shape

    def sub(ch: np.ndarray) -> np.ndarray:
        return ch.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

    return b"".join(np.clip(np.rint(p), 0, 255).astype(np.uint8).tobytes()
                    for p in (y, sub(u), sub(v)))


def clip_path(clip: Clip) -> Path:
    return VIDEO_DIR / f"{clip.name}.y4m"


def write_clip(clip: Clip) -> Path:
    out = clip_path(clip)
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    img = photo(clip.photo)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        fh.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for i in range(clip.frames):
            t = i / (clip.frames - 1)
            fh.write(b"FRAME\n" + rgb_to_yuv420(render(img, clip.path(t))))
    tmp.rename(out)
    return out


def decode(path: Path) -> Iterator[np.ndarray]:
    """RGB frames of one of our y4m clips, converted exactly like frontml.video (BT.601
    limited range, chroma repeated 2x2)."""
    frame_bytes = WIDTH * HEIGHT * 3 // 2
    with open(path, "rb") as fh:
        fh.readline()
        while fh.readline().startswith(b"FRAME"):
            buf = np.frombuffer(fh.read(frame_bytes), np.uint8)
            n = WIDTH * HEIGHT // 4
            y = buf[:WIDTH * HEIGHT].reshape(HEIGHT, WIDTH).astype(np.float32)
            u = buf[WIDTH * HEIGHT:WIDTH * HEIGHT + n].reshape(HEIGHT // 2, WIDTH // 2)
            v = buf[WIDTH * HEIGHT + n:].reshape(HEIGHT // 2, WIDTH // 2)
            uf = u.repeat(2, 0).repeat(2, 1).astype(np.float32) - 128.0
            vf = v.repeat(2, 0).repeat(2, 1).astype(np.float32) - 128.0
            yf = 1.164 * (y - 16.0)
            rgb = np.stack([yf + 1.596 * vf, yf - 0.392 * uf - 0.813 * vf, yf + 2.017 * uf],
                           axis=-1)
            yield np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def clips_for(task: str) -> list[Clip]:
    return [c for c in CLIPS if task in c.tasks]


def main() -> int:
    for clip in CLIPS:
        print(f"{write_clip(clip)} ({clip.frames} frames)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
