"""MediaPipe's own pose result on the benchmark photos: the reference for accuracy_pose.py.

Runs in its own venv (mediapipe 0.10.21 needs numpy<2), never imports frontml:

    python3 -m venv .venv-mediapipe
    .venv-mediapipe/bin/pip install mediapipe==0.10.21 "numpy<2" pillow scikit-image
    .venv-mediapipe/bin/python bench/mediapipe_pose_reference.py [--fixture]

Photos: scikit-image's astronaut and the people photos of npm `@vladmandic/face-api`
(`demo/sample*.jpg`, fetched with `npm pack` into bench/.cache/, never committed).
Writes bench/.cache/mediapipe_pose_reference.json; with --fixture also the astronaut's
reference to tests/data/mediapipe_pose_astronaut.json (what the unit test compares against).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
REFERENCE = CACHE / "mediapipe_pose_reference.json"
FIXTURE = ROOT / "tests" / "data" / "mediapipe_pose_astronaut.json"
FACE_API = "@vladmandic/face-api@1.7.15"
MODEL_COMPLEXITY = 1  # = frontml model "full"


def face_api_photos() -> list[Path]:
    """demo/sample*.jpg of @vladmandic/face-api, unpacked once into bench/.cache/face-api/."""
    demo = CACHE / "face-api" / "package" / "demo"
    photos = sorted(demo.glob("sample*.jpg"))
    if photos:
        return photos
    CACHE.mkdir(parents=True, exist_ok=True)
    tgz = sorted(CACHE.glob("vladmandic-face-api-*.tgz"))
    if not tgz:
        subprocess.run(["npm", "pack", FACE_API], cwd=CACHE, check=True,
                       stdout=subprocess.DEVNULL)
        tgz = sorted(CACHE.glob("vladmandic-face-api-*.tgz"))
    with tarfile.open(tgz[-1]) as tar:
        members = [m for m in tar.getmembers()
                   if m.name.startswith("package/demo/sample") and m.name.endswith(".jpg")]
        tar.extractall(CACHE / "face-api", members=members, filter="data")
    return sorted(demo.glob("sample*.jpg"))


def photos() -> list[tuple[str, object]]:
    """(name, RGB uint8 array) for every benchmark photo."""
    import numpy as np
    from PIL import Image, ImageOps
    from skimage import data

    out = [("astronaut", data.astronaut())]
    for path in face_api_photos():
        img = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
        out.append((f"face-api/{path.name}", np.asarray(img)))
    return out


def run_mediapipe(rgb) -> dict | None:
    import mediapipe as mp

    with mp.solutions.pose.Pose(static_image_mode=True, model_complexity=MODEL_COMPLEXITY,
                                enable_segmentation=False) as pose:
        result = pose.process(rgb)
    if result.pose_landmarks is None:
        return None
    return {
        "landmarks": [
            {"x": lm.x, "y": lm.y, "z": lm.z, "visibility": lm.visibility,
             "presence": lm.presence}
            for lm in result.pose_landmarks.landmark
        ],
        "world_landmarks": [
            {"x": lm.x, "y": lm.y, "z": lm.z} for lm in result.pose_world_landmarks.landmark
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", action="store_true",
                        help=f"also write {FIXTURE.relative_to(ROOT)}")
    args = parser.parse_args()
    import mediapipe as mp

    images = []
    for name, rgb in photos():
        ref = run_mediapipe(rgb)
        h, w = rgb.shape[:2]
        images.append({"name": name, "width": w, "height": h,
                       "poses": [] if ref is None else [ref]})
        print(f"{name}: {w}x{h}, {'no pose' if ref is None else 'pose'}", file=sys.stderr)
    meta = {"mediapipe": mp.__version__, "solution": "mp.solutions.pose.Pose",
            "static_image_mode": True, "model_complexity": MODEL_COMPLEXITY}
    CACHE.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(json.dumps({**meta, "images": images}, indent=1))
    print(f"wrote {REFERENCE}", file=sys.stderr)
    if args.fixture:
        astro = next(i for i in images if i["name"] == "astronaut")
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE.write_text(json.dumps({**meta, **astro}, indent=1) + "\n")
        print(f"wrote {FIXTURE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
