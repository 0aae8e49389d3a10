"""MediaPipe's own face mesh on the benchmark photos: the reference for accuracy_face.py.

Runs in its own venv (mediapipe 0.10.21 needs numpy<2), never imports frontml:

    .venv-mediapipe/bin/python bench/mediapipe_face_reference.py [--fixture]

Legacy `mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=6,
refine_landmarks=False)` (468 landmarks, short-range detector) on scikit-image's astronaut and
the people photos of npm `@vladmandic/face-api` (`demo/sample*.jpg`, fetched with `npm pack`
into bench/.cache/ by mediapipe_pose_reference.face_api_photos, never committed).
Writes bench/.cache/mediapipe_face_reference.json; with --fixture also the astronaut's
reference to tests/data/mediapipe_face_astronaut.json (what the unit test compares against).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
CACHE = ROOT / "bench" / ".cache"
REFERENCE = CACHE / "mediapipe_face_reference.json"
FIXTURE = ROOT / "tests" / "data" / "mediapipe_face_astronaut.json"
MAX_NUM_FACES = 6


def run_mediapipe(rgb) -> list[dict]:
    import mediapipe as mp

    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=MAX_NUM_FACES,
                                         refine_landmarks=False,
                                         min_detection_confidence=0.5) as mesh:
        result = mesh.process(rgb)
    faces = result.multi_face_landmarks or []
    return [{"landmarks": [{"x": lm.x, "y": lm.y, "z": lm.z} for lm in face.landmark]}
            for face in faces]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", action="store_true",
                        help=f"also write {FIXTURE.relative_to(ROOT)}")
    args = parser.parse_args()
    import mediapipe as mp
    from mediapipe_pose_reference import photos

    images = []
    for name, rgb in photos():
        faces = run_mediapipe(rgb)
        h, w = rgb.shape[:2]
        images.append({"name": name, "width": w, "height": h, "faces": faces})
        print(f"{name}: {w}x{h}, {len(faces)} face(s)", file=sys.stderr)
    meta = {"mediapipe": mp.__version__, "solution": "mp.solutions.face_mesh.FaceMesh",
            "static_image_mode": True, "max_num_faces": MAX_NUM_FACES,
            "refine_landmarks": False}
    CACHE.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(json.dumps({**meta, "images": images}))
    print(f"wrote {REFERENCE}", file=sys.stderr)
    if args.fixture:
        astro = next(i for i in images if i["name"] == "astronaut")
        rounded = {**astro, "faces": [
            {"landmarks": [{k: round(v, 5) for k, v in lm.items()} for lm in f["landmarks"]]}
            for f in astro["faces"]]}
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE.write_text(json.dumps({**meta, **rounded}) + "\n")
        print(f"wrote {FIXTURE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
