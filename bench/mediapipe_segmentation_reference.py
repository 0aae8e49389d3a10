"""MediaPipe's own selfie segmentation masks on the benchmark photos: the reference for
accuracy_segmentation.py.

Runs in its own venv (mediapipe 0.10.21 needs numpy<2), never imports frontml:

    .venv-mediapipe/bin/python bench/mediapipe_segmentation_reference.py [--fixture]

Photos: scikit-image's astronaut and coffee, the fake camera's 640x480 astronaut frame, and the
people photos of npm `@vladmandic/face-api` (see mediapipe_pose_reference.py). For each photo
and each model (legacy `mp.solutions.selfie_segmentation`, model_selection 0 = general 256x256,
1 = landscape 144x256) the probability mask, at image size, is written as an 8-bit PNG under
bench/.cache/mediapipe_segmentation/ with an index.json. With --fixture the astronaut's general
mask, downsampled to 64x64, is also written to tests/data/mediapipe_segmentation_astronaut.png
(what the unit test compares against).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from mediapipe_pose_reference import face_api_photos  # noqa: E402

OUT = ROOT / "bench" / ".cache" / "mediapipe_segmentation"
FIXTURE = ROOT / "tests" / "data" / "mediapipe_segmentation_astronaut.png"
FIXTURE_SIZE = 64
MODELS = {"general": 0, "landscape": 1}


def camera_frame():
    """tests/media.py's astronaut_frame, re-implemented (this venv does not import tests)."""
    import numpy as np
    from PIL import Image
    from skimage import data

    photo = Image.fromarray(data.astronaut())
    scale = min(640 / photo.width, 480 / photo.height)
    size = (round(photo.width * scale), round(photo.height * scale))
    frame = Image.new("RGB", (640, 480), (128, 128, 128))
    frame.paste(photo.resize(size, Image.Resampling.LANCZOS),
                ((640 - size[0]) // 2, (480 - size[1]) // 2))
    return np.asarray(frame)


def photos() -> list[tuple[str, object]]:
    import numpy as np
    from PIL import Image, ImageOps
    from skimage import data

    out = [("astronaut", data.astronaut()), ("coffee", data.coffee()),
           ("camera_astronaut", camera_frame())]
    for path in face_api_photos():
        img = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
        out.append((f"face-api/{path.name}", np.asarray(img)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", action="store_true",
                        help=f"also write {FIXTURE.relative_to(ROOT)}")
    args = parser.parse_args()
    import mediapipe as mp
    import numpy as np
    from PIL import Image

    OUT.mkdir(parents=True, exist_ok=True)
    index = {"mediapipe": mp.__version__,
             "solution": "mp.solutions.selfie_segmentation.SelfieSegmentation", "images": []}
    items = photos()
    for model, selection in MODELS.items():
        with mp.solutions.selfie_segmentation.SelfieSegmentation(
                model_selection=selection) as seg:
            for name, rgb in items:
                mask = seg.process(np.ascontiguousarray(rgb)).segmentation_mask
                u8 = np.clip(np.rint(mask * 255.0), 0, 255).astype(np.uint8)
                file = f"{model}_{name.replace('/', '_')}.png"
                Image.fromarray(u8, mode="L").save(OUT / file)
                h, w = rgb.shape[:2]
                index["images"].append({"name": name, "model": model, "width": w, "height": h,
                                        "file": file, "coverage": float((mask > 0.5).mean())})
                print(f"{model} {name}: {w}x{h} coverage {(mask > 0.5).mean():.3f}",
                      file=sys.stderr)
                if args.fixture and model == "general" and name == "astronaut":
                    small = Image.fromarray(mask.astype(np.float32), mode="F").resize(
                        (FIXTURE_SIZE, FIXTURE_SIZE), Image.Resampling.BOX)
                    small = np.clip(np.rint(np.asarray(small) * 255.0), 0, 255)
                    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
                    Image.fromarray(small.astype(np.uint8), mode="L").save(FIXTURE)
                    print(f"wrote {FIXTURE}", file=sys.stderr)
    (OUT / "index.json").write_text(json.dumps(index, indent=1))
    print(f"wrote {OUT / 'index.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
