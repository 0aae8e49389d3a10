"""frontml's person segmentation (CPython, onnxruntime) against MediaPipe's own masks.

    .venv-mediapipe/bin/python bench/mediapipe_segmentation_reference.py   # once: the reference
    .venv/bin/python bench/accuracy_segmentation.py [--reference DIR]

IoU per photo and model of the masks thresholded at 0.5 (both at image size; MediaPipe's
legacy `mp.solutions.selfie_segmentation`, model_selection 0 = "general", 1 = "landscape").
Also the mean absolute probability difference. Target: median IoU >= 0.95.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "py"))

TARGET = 0.95
DEFAULT_REFERENCE = ROOT / "bench" / ".cache" / "mediapipe_segmentation"


def iou(a, b) -> float:
    import numpy as np

    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


def load_photo(name: str):
    from frontml.image import ArrayFrame, load_image

    if name in ("astronaut", "coffee"):
        from skimage import data

        return ArrayFrame(getattr(data, name)())
    if name == "camera_astronaut":
        from tests.media import astronaut_frame

        return ArrayFrame(astronaut_frame())
    if name.startswith("face-api/"):
        return load_image(ROOT / "bench" / ".cache" / "face-api" / "package" / "demo"
                          / name.split("/", 1)[1])
    raise ValueError(f"unknown photo {name!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    args = parser.parse_args()
    index_path = args.reference / "index.json"
    if not index_path.exists():
        print(f"no reference at {index_path}: run .venv-mediapipe/bin/python "
              f"bench/mediapipe_segmentation_reference.py first", file=sys.stderr)
        return 2
    import numpy as np
    from PIL import Image

    from frontml.runtime import run_sync
    from frontml.tasks.segmentation import PersonSegmenter, SegmentationOptions

    index = json.loads(index_path.read_text())

    async def run() -> list[tuple]:
        rows = []
        for model in ("general", "landscape"):
            seg = await PersonSegmenter.create(SegmentationOptions(model=model))
            for item in index["images"]:
                if item["model"] != model:
                    continue
                ref = np.asarray(Image.open(args.reference / item["file"]),
                                 np.float32) / 255.0
                ours = (await seg.process(load_photo(item["name"]), 0)).probability_image()
                rows.append((item["name"], model, item["width"], item["height"],
                             float((ref > 0.5).mean()), iou(ours > 0.5, ref > 0.5),
                             float(np.abs(ours - ref).mean())))
            seg.close()
        return rows

    rows = run_sync(run())
    print(f"frontml vs MediaPipe {index.get('mediapipe')} ({index.get('solution')}), "
          f"IoU of the masks at 0.5")
    print()
    print("| photo | size | model | MediaPipe coverage | IoU | mean abs diff |")
    print("|---|---|---|---|---|---|")
    for name, model, w, h, cov, score, diff in rows:
        print(f"| {name} | {w}×{h} | {model} | {cov:.3f} | {score:.4f} | {diff:.4f} |")
    print()
    for model in ("general", "landscape"):
        scores = [r[5] for r in rows if r[1] == model]
        if scores:
            print(f"{model}: median IoU {statistics.median(scores):.4f}, min {min(scores):.4f} "
                  f"over {len(scores)} photos (target median >= {TARGET})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
