"""frontml's face mesh (CPython, onnxruntime) against MediaPipe's own FaceMesh, per photo.

    .venv-mediapipe/bin/python bench/mediapipe_face_reference.py   # once: the reference
    .venv/bin/python bench/accuracy_face.py [--detector short] [--reference PATH]

Both sides: image mode, up to 6 faces, 468 landmarks (legacy `mp.solutions.face_mesh`,
static_image_mode, refine_landmarks False, short-range detector). Faces are matched by nearest
nose tip (landmark 1). Error per face = mean (x, y) pixel distance over the 468 landmarks /
MediaPipe's inter-ocular distance (outer eye corners 33-263). Targets: error <= 0.05 on faces
both find; the same face count on >= 90 % of photos. This side needs no mediapipe.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "bench"))

from metrics import face_error, interocular  # noqa: E402

TARGET = 0.05
COUNT_TARGET = 0.9
DEFAULT_REFERENCE = ROOT / "bench" / ".cache" / "mediapipe_face_reference.json"


def photo_names() -> list[str]:
    demo = ROOT / "bench" / ".cache" / "face-api" / "package" / "demo"
    return ["astronaut"] + [f"face-api/{p.name}" for p in sorted(demo.glob("sample*.jpg"))]


def load_photo(name: str):
    from accuracy_pose import load_photo as load

    return load(name)




def match_faces(ours: list[dict], refs: list[dict], width: int, height: int) -> list[tuple]:
    """(our face, reference face) pairs, greedy by nose-tip distance (< 1 inter-ocular)."""
    pairs = []
    used: set[int] = set()
    for ref in refs:
        io = interocular(ref["landmarks"], width, height)
        best, bi = math.inf, -1
        for i, face in enumerate(ours):
            if i in used:
                continue
            a, b = face["landmarks"][1], ref["landmarks"][1]
            d = math.hypot((a["x"] - b["x"]) * width, (a["y"] - b["y"]) * height)
            if d < best:
                best, bi = d, i
        if bi >= 0 and best < io:
            used.add(bi)
            pairs.append((ours[bi], ref))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector", default="short", choices=["short", "full"])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    args = parser.parse_args()
    if not args.reference.exists():
        print(f"no reference at {args.reference}: run "
              f".venv-mediapipe/bin/python bench/mediapipe_face_reference.py first",
              file=sys.stderr)
        return 2
    from frontml.runtime import run_sync
    from frontml.tasks.face import FaceOptions, create_face_mesh

    reference = json.loads(args.reference.read_text())

    async def run() -> list[tuple]:
        mesh = await create_face_mesh(FaceOptions(detector=args.detector, running_mode="image",
                                                  num_faces=6))
        rows = []
        for item in reference["images"]:
            w, h = item["width"], item["height"]
            ours = (await mesh.process(load_photo(item["name"]), 0)).to_json()["faces"]
            errors = [face_error(a["landmarks"], b["landmarks"], w, h)
                      for a, b in match_faces(ours, item["faces"], w, h)]
            rows.append((item["name"], w, h, len(item["faces"]), len(ours), errors))
        mesh.close()
        return rows

    rows = run_sync(run())
    print(f"detector {args.detector} vs MediaPipe {reference.get('mediapipe')} "
          f"{reference.get('solution')} (max_num_faces {reference.get('max_num_faces')})")
    print("| photo | size | MediaPipe faces | frontml faces | matched | mean error | max error |")
    print("|---|---|---|---|---|---|---|")
    for name, w, h, n_ref, n_ours, errors in rows:
        mean = f"{sum(errors) / len(errors):.4f}" if errors else "-"
        worst = f"{max(errors):.4f}" if errors else "-"
        print(f"| {name} | {w}×{h} | {n_ref} | {n_ours} | {len(errors)} | {mean} | {worst} |")
    all_errors = [e for r in rows for e in r[5]]
    same = sum(1 for r in rows if r[3] == r[4])
    if all_errors:
        mean = sum(all_errors) / len(all_errors)
        print(f"summary: {len(all_errors)} faces compared, mean {mean:.4f}"
              f", max {max(all_errors):.4f} (target <= {TARGET}); same face count on {same}/"
              f"{len(rows)} photos (target >= {COUNT_TARGET:.0%})")
    ok = all_errors and max(all_errors) <= TARGET and same >= COUNT_TARGET * len(rows)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
