"""frontml's BlazePose (CPython, onnxruntime) against MediaPipe's own result, per photo.

    .venv-mediapipe/bin/python bench/mediapipe_pose_reference.py   # once: the reference
    .venv/bin/python bench/accuracy_pose.py [--model full] [--reference PATH]

Error per photo = mean over the 33 landmarks of the (x, y) distance in pixels between ours and
MediaPipe's, divided by MediaPipe's torso length (mid-shoulder to mid-hip, pixels). Both sides
run single-pose image mode (legacy `mp.solutions.pose`, static_image_mode, complexity 1 =
frontml "full"). This side needs no mediapipe: it reads the reference JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "bench"))

from metrics import pose_error  # noqa: E402

TARGET = 0.05
DEFAULT_REFERENCE = ROOT / "bench" / ".cache" / "mediapipe_pose_reference.json"




def load_photo(name: str):
    """The same pixels the reference script used."""
    from frontml.image import ArrayFrame, load_image

    if name == "astronaut":
        from skimage import data

        frame = ArrayFrame(data.astronaut())
    elif name.startswith("face-api/"):
        frame = load_image(ROOT / "bench" / ".cache" / "face-api" / "package" / "demo"
                           / name.split("/", 1)[1])
    else:
        raise ValueError(f"unknown photo {name!r}")
    return frame


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="full", choices=["lite", "full", "heavy"])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    args = parser.parse_args()
    if not args.reference.exists():
        print(f"no reference at {args.reference}: run "
              f".venv-mediapipe/bin/python bench/mediapipe_pose_reference.py first",
              file=sys.stderr)
        return 2
    from frontml.runtime import run_sync
    from frontml.tasks.pose import PoseOptions, create_pose_detector

    reference = json.loads(args.reference.read_text())

    async def run() -> list[tuple]:
        single = await create_pose_detector(PoseOptions(model=args.model, running_mode="image"))
        multi = await create_pose_detector(
            PoseOptions(model=args.model, running_mode="image", num_poses=6)
        )
        rows = []
        for item in reference["images"]:
            ref = item["poses"]
            w, h = item["width"], item["height"]
            frame = load_photo(item["name"])
            ours = (await single.process(frame, 0)).to_json()["poses"]
            people = len((await multi.process(frame, 0)).poses)
            err = (pose_error(ours[0]["landmarks"], ref[0]["landmarks"], w, h)
                   if ours and ref else None)
            rows.append((item["name"], w, h, people, len(ref), len(ours), err))
        single.close()
        multi.close()
        return rows

    rows = run_sync(run())
    print(f"model {args.model} vs MediaPipe {reference.get('mediapipe')} "
          f"(complexity {reference.get('model_complexity')})")
    print(f"{'photo':24} {'size':>10} {'people':>6} {'mp':>3} {'poses':>5} {'error':>8}")
    for name, w, h, people, n_ref, n_ours, err in rows:
        shown = "-" if err is None else f"{err:.4f}"
        print(f"{name:24} {f'{w}x{h}':>10} {people:>6} {n_ref:>3} {n_ours:>5} {shown:>8}")
    errors = [r[6] for r in rows if r[6] is not None]
    single = [r[6] for r in rows if r[6] is not None and r[3] == 1]
    missed = sum(1 for r in rows if (r[5] > 0) != (r[4] > 0))
    if errors:
        print(f"summary: {len(errors)} photos compared, mean {sum(errors) / len(errors):.4f}, "
              f"max {max(errors):.4f}; single-person max "
              + (f"{max(single):.4f}" if single else "-")
              + f" (target <= {TARGET}); presence disagreements: {missed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
