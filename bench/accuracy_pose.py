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
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "bench"))

TARGET = 0.05
DEFAULT_REFERENCE = ROOT / "bench" / ".cache" / "mediapipe_pose_reference.json"


def torso_length(landmarks: list[dict], width: int, height: int) -> float:
    def mid(a: int, b: int) -> tuple[float, float]:
        return ((landmarks[a]["x"] + landmarks[b]["x"]) / 2 * width,
                (landmarks[a]["y"] + landmarks[b]["y"]) / 2 * height)

    (sx, sy), (hx, hy) = mid(11, 12), mid(23, 24)
    return math.hypot(sx - hx, sy - hy)


def normalised_error(ours: list[dict], ref: list[dict], width: int, height: int) -> float:
    """Mean (x, y) pixel distance over the landmarks / the reference's torso length."""
    dist = [math.hypot((a["x"] - b["x"]) * width, (a["y"] - b["y"]) * height)
            for a, b in zip(ours, ref, strict=True)]
    return sum(dist) / len(dist) / torso_length(ref, width, height)


def border_frame_class():
    """An ArrayFrame whose warp takes `border="zero"|"replicate"` (numpy bilinear).

    frontml's ArrayFrame (Pillow) pads with zeros only; MediaPipe's landmark crop replicates
    the border. This stand-in shows what the pipeline gives once Frame.warp supports it.
    """
    import numpy as np

    from frontml.image import ArrayFrame
    from frontml.runtime import Tensor

    class BorderArrayFrame(ArrayFrame):
        def warp(self, matrix, out_w, out_h, border="zero"):
            a, b, c, d, e, f = matrix
            u, v = np.meshgrid(np.arange(out_w) + 0.5, np.arange(out_h) + 0.5)
            sx = a * u + b * v + c - 0.5  # continuous coords -> pixel-index space
            sy = d * u + e * v + f - 0.5
            src = self.array
            h, w = src.shape[:2]
            x0 = np.floor(sx).astype(np.int64)
            y0 = np.floor(sy).astype(np.int64)
            fx = (sx - x0)[..., None]
            fy = (sy - y0)[..., None]

            def px(yy, xx):
                got = src[np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)].astype(np.float32)
                if border == "replicate":
                    return got
                inside = ((xx >= 0) & (xx < w) & (yy >= 0) & (yy < h))[..., None]
                return np.where(inside, got, 0.0)

            out = (px(y0, x0) * (1 - fx) * (1 - fy) + px(y0, x0 + 1) * fx * (1 - fy)
                   + px(y0 + 1, x0) * (1 - fx) * fy + px(y0 + 1, x0 + 1) * fx * fy)
            out = np.clip(np.rint(out), 0, 255).astype(np.uint8)
            return Tensor.from_buffer("uint8", (1, out_h, out_w, 4), out.reshape(-1))

    return BorderArrayFrame


def load_photo(name: str, border: bool = False):
    """The same pixels the reference script used (as a BorderArrayFrame if border)."""
    from frontml.image import ArrayFrame, load_image

    if name == "astronaut":
        from skimage import data

        frame = ArrayFrame(data.astronaut())
    elif name.startswith("face-api/"):
        frame = load_image(ROOT / "bench" / ".cache" / "face-api" / "package" / "demo"
                           / name.split("/", 1)[1])
    else:
        raise ValueError(f"unknown photo {name!r}")
    return border_frame_class()(frame.array) if border else frame


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
            row = [item["name"], w, h]
            for border in (False, True):
                frame = load_photo(item["name"], border)
                ours = (await single.process(frame, 0)).to_json()["poses"]
                if border:
                    row.append(len((await multi.process(frame, 0)).poses))
                row.append(len(ours))
                row.append(normalised_error(ours[0]["landmarks"], ref[0]["landmarks"], w, h)
                           if ours and ref else None)
            row.append(len(ref))
            rows.append(tuple(row))
        single.close()
        multi.close()
        return rows

    rows = run_sync(run())
    print(f"model {args.model} vs MediaPipe {reference.get('mediapipe')} "
          f"(complexity {reference.get('model_complexity')})")
    print("error A: ArrayFrame as is (Pillow, zero border); error B: border-replicating warp "
          "(MediaPipe's BORDER_REPLICATE landmark crop)")
    print(f"{'photo':24} {'size':>10} {'people':>6} {'mp':>3} {'A poses':>7} {'error A':>8} "
          f"{'B poses':>7} {'error B':>8}")

    def fmt(err):
        return "-" if err is None else f"{err:.4f}"

    for name, w, h, n_a, err_a, people, n_b, err_b, n_ref in rows:
        print(f"{name:24} {f'{w}x{h}':>10} {people:>6} {n_ref:>3} {n_a:>7} {fmt(err_a):>8} "
              f"{n_b:>7} {fmt(err_b):>8}")
    for label, col in (("A", 4), ("B", 7)):
        errors = [r[col] for r in rows if r[col] is not None]
        single = [r[col] for r in rows if r[col] is not None and r[5] == 1]
        missed = sum(1 for r in rows if (r[col - 1] > 0) != (r[8] > 0))
        if errors:
            print(f"summary {label}: {len(errors)} photos compared, mean "
                  f"{sum(errors) / len(errors):.4f}, max {max(errors):.4f}; single-person: "
                  + (f"{len(single)}, max {max(single):.4f} (target <= {TARGET})" if single
                     else "none")
                  + f"; presence disagreements: {missed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
