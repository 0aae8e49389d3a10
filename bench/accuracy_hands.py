"""frontml's hands (CPython, onnxruntime) against MediaPipe Hands' own result, per photo.

    .venv-mediapipe/bin/python bench/mediapipe_hands_reference.py   # once: the reference
    .venv-mediapipe/bin/python bench/mediapipe_hands_reference.py --model-complexity 0
    .venv/bin/python bench/accuracy_hands.py [--model full|lite] [--reference PATH]

Both sides: image mode, up to 4 hands (legacy `mp.solutions.hands`, static_image_mode,
max_num_hands=4, model_complexity 1 = frontml "full", 0 = "lite"). Hands are paired greedily
by wrist distance. Error per hand = mean over the 21 landmarks of the (x, y) pixel distance
between ours and MediaPipe's, divided by MediaPipe's palm size (wrist to middle-finger MCP, pixels).
Targets: error <= 0.05 on hands both find; the same hand count on >= 80 % of photos.
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

from metrics import hand_error, palm_size  # noqa: E402

TARGET_ERROR = 0.05
TARGET_COUNT = 0.8
DEFAULT_REFERENCE = ROOT / "bench" / ".cache" / "mediapipe_hands_reference.json"




def pair(ours: list[dict], ref: list[dict], width: int, height: int) -> list[tuple[dict, dict]]:
    """Greedy pairing by wrist distance, only within one palm size."""
    candidates = []
    for i, a in enumerate(ours):
        for j, b in enumerate(ref):
            d = math.hypot((a["landmarks"][0]["x"] - b["landmarks"][0]["x"]) * width,
                           (a["landmarks"][0]["y"] - b["landmarks"][0]["y"]) * height)
            if d <= palm_size(b["landmarks"], width, height):
                candidates.append((d, i, j))
    used_i, used_j, pairs = set(), set(), []
    for _, i, j in sorted(candidates):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((ours[i], ref[j]))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="full", choices=["lite", "full"])
    parser.add_argument("--reference", type=Path, default=None,
                        help="default: the reference of the same model size")
    args = parser.parse_args()
    if args.reference is None:
        args.reference = DEFAULT_REFERENCE if args.model == "full" else (
            DEFAULT_REFERENCE.with_name(DEFAULT_REFERENCE.stem + "_lite.json"))
    if not args.reference.exists():
        print(f"no reference at {args.reference}: run "
              f".venv-mediapipe/bin/python bench/mediapipe_hands_reference.py first",
              file=sys.stderr)
        return 2
    from accuracy_pose import load_photo

    from frontml.runtime import run_sync
    from frontml.tasks.hands import HandsOptions, create_hand_landmarker

    reference = json.loads(args.reference.read_text())

    async def run() -> list[tuple]:
        landmarker = await create_hand_landmarker(
            HandsOptions(model=args.model, running_mode="image", num_hands=4))
        rows = []
        for item in reference["images"]:
            w, h = item["width"], item["height"]
            ours = (await landmarker.process(load_photo(item["name"]), 0)).to_json()["hands"]
            pairs = pair(ours, item["hands"], w, h)
            errors = [hand_error(a["landmarks"], b["landmarks"], w, h) for a, b in pairs]
            agree = sum(1 for a, b in pairs if a["handedness"] == b["handedness"])
            gestures = ",".join(a["gesture"]["name"] for a, _ in pairs) or "-"
            rows.append((item["name"], w, h, len(item["hands"]), len(ours), errors, agree,
                         gestures))
        landmarker.close()
        return rows

    rows = run_sync(run())
    print(f"model {args.model} vs MediaPipe {reference.get('mediapipe')} "
          f"{reference.get('solution')} (complexity {reference.get('model_complexity')}, "
          f"max_num_hands {reference.get('max_num_hands')})")
    print()
    print("| photo | size | MediaPipe hands | ours | paired | handedness agrees | "
          "mean error | max error | our gestures |")
    print("|---|---|---|---|---|---|---|---|---|")
    all_errors: list[float] = []
    same_count = 0
    for name, w, h, n_ref, n_ours, errors, agree, gestures in rows:
        all_errors += errors
        same_count += n_ref == n_ours
        mean = f"{sum(errors) / len(errors):.4f}" if errors else "-"
        worst = f"{max(errors):.4f}" if errors else "-"
        print(f"| {name} | {w}×{h} | {n_ref} | {n_ours} | {len(errors)} | "
              f"{agree}/{len(errors)} | {mean} | {worst} | {gestures} |")
    print()
    share = same_count / len(rows) if rows else 0.0
    if all_errors:
        print(f"summary: {len(all_errors)} hands compared, mean error "
              f"{sum(all_errors) / len(all_errors):.4f}, max {max(all_errors):.4f} "
              f"(target <= {TARGET_ERROR}); same hand count on {same_count}/{len(rows)} photos "
              f"= {share:.0%} (target >= {TARGET_COUNT:.0%})")
    ok = bool(all_errors) and max(all_errors) <= TARGET_ERROR and share >= TARGET_COUNT
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
