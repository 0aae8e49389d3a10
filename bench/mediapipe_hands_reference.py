"""MediaPipe's own hands result on the benchmark photos: the reference for accuracy_hands.py.

Runs in its own venv (mediapipe 0.10.21 needs numpy<2), never imports frontml:

    .venv-mediapipe/bin/python bench/mediapipe_hands_reference.py [--fixture]
    .venv-mediapipe/bin/python bench/mediapipe_hands_reference.py --model-complexity 0  # lite

Legacy `mp.solutions.hands.Hands(static_image_mode=True, max_num_hands=4,
model_complexity=1)` (= frontml model "full") on the photos bench/mediapipe_pose_reference.py
uses (scikit-image's astronaut and @vladmandic/face-api's demo/sample*.jpg, fetched into
bench/.cache/). Writes bench/.cache/mediapipe_hands_reference.json; with --fixture also
tests/data/mediapipe_hands_sample.json (one photo with a clear hand, for the unit test).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from mediapipe_pose_reference import CACHE, photos  # noqa: E402

REFERENCE = CACHE / "mediapipe_hands_reference.json"
FIXTURE = ROOT / "tests" / "data" / "mediapipe_hands_sample5.json"
# A small crop of face-api's sample5.jpg (MIT) around its one clear hand, committed so the unit
# and e2e tests need no download; made by fixture_photo() from the cached package photo.
FIXTURE_PHOTO = ROOT / "tests" / "data" / "hands_sample5.jpg"
FIXTURE_CROP = (1000, 950, 1560, 1480)  # left, top, right, bottom in sample5.jpg
FIXTURE_SIZE = (336, 318)
MODEL_COMPLEXITY = 1  # = frontml model "full"
MAX_NUM_HANDS = 4


def fixture_photo():
    """RGB array of the committed hand crop (written from the package photo if missing)."""
    import numpy as np
    from PIL import Image, ImageOps

    if not FIXTURE_PHOTO.exists():
        src = CACHE / "face-api" / "package" / "demo" / "sample5.jpg"
        img = ImageOps.exif_transpose(Image.open(src)).convert("RGB")
        img = img.crop(FIXTURE_CROP).resize(FIXTURE_SIZE, Image.Resampling.LANCZOS)
        FIXTURE_PHOTO.parent.mkdir(parents=True, exist_ok=True)
        img.save(FIXTURE_PHOTO, quality=90)
    return np.asarray(ImageOps.exif_transpose(Image.open(FIXTURE_PHOTO)).convert("RGB"))


def run_mediapipe(rgb) -> list[dict]:
    import mediapipe as mp

    with mp.solutions.hands.Hands(static_image_mode=True, max_num_hands=MAX_NUM_HANDS,
                                  model_complexity=MODEL_COMPLEXITY,
                                  min_detection_confidence=0.5) as hands:
        result = hands.process(rgb)
    if not result.multi_hand_landmarks:
        return []
    out = []
    for lms, world, handed in zip(result.multi_hand_landmarks, result.multi_hand_world_landmarks,
                                  result.multi_handedness, strict=True):
        cls = handed.classification[0]
        out.append({
            "handedness": cls.label,
            "score": cls.score,
            "landmarks": [{"x": lm.x, "y": lm.y, "z": lm.z} for lm in lms.landmark],
            "world_landmarks": [{"x": lm.x, "y": lm.y, "z": lm.z} for lm in world.landmark],
        })
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-complexity", type=int, choices=[0, 1], default=1,
                        help="0 = frontml 'lite' (writes ..._lite.json), 1 = 'full' (default)")
    parser.add_argument("--fixture", action="store_true",
                        help=f"also write {FIXTURE.relative_to(ROOT)}")
    args = parser.parse_args()
    global MODEL_COMPLEXITY
    MODEL_COMPLEXITY = args.model_complexity
    reference = REFERENCE if MODEL_COMPLEXITY == 1 else REFERENCE.with_name(
        REFERENCE.stem + "_lite.json")
    import mediapipe as mp

    images = []
    for name, rgb in photos():
        hands = run_mediapipe(rgb)
        h, w = rgb.shape[:2]
        images.append({"name": name, "width": w, "height": h, "hands": hands})
        print(f"{name}: {w}x{h}, {len(hands)} hand(s) "
              + " ".join(f"{x['handedness']}:{x['score']:.2f}" for x in hands), file=sys.stderr)
    meta = {"mediapipe": mp.__version__, "solution": "mp.solutions.hands.Hands",
            "static_image_mode": True, "max_num_hands": MAX_NUM_HANDS,
            "model_complexity": MODEL_COMPLEXITY}
    CACHE.mkdir(parents=True, exist_ok=True)
    reference.write_text(json.dumps({**meta, "images": images}, indent=1))
    print(f"wrote {reference}", file=sys.stderr)
    if args.fixture and MODEL_COMPLEXITY == 1:
        rgb = fixture_photo()
        h, w = rgb.shape[:2]
        item = {"name": f"tests/data/{FIXTURE_PHOTO.name}", "width": w, "height": h,
                "hands": run_mediapipe(rgb)}
        FIXTURE.write_text(json.dumps({**meta, **item}) + "\n")
        print(f"wrote {FIXTURE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
