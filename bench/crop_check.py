"""Split a video-mode difference into model conversion / crop / ROI, on MediaPipe's own crops.

    .venv-mediapipe/bin/python bench/mediapipe_video_reference.py --crops CLIP CONFIG A-B
    .venv/bin/python bench/crop_check.py CLIP CONFIG [--jitter]

For each recorded frame, with the ROI MediaPipe's video-mode run used there:
  conversion: frontml's ONNX on MediaPipe's crop tensor vs the .tflite on it (flag, landmarks)
  crop:       frontml's crop of the same ROI (`warp_like_opencv`) vs MediaPipe's (grey levels),
              and the ONNX on it vs the .tflite on MediaPipe's crop
  --jitter:   the ONNX on frontml's crop of that ROI moved by +-1/2/3 px, +-1 deg, +-1 % size:
              how much the pose flag depends on the ROI (near the presence threshold a pixel
              can cross it).
Landmark differences are in pixels of the 256x256 model input.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "bench"))

from mediapipe_video_reference import CONFIGS, CROPS  # noqa: E402
from video_clips import CLIPS, HEIGHT, WIDTH, clip_path, decode  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip")
    parser.add_argument("config")
    parser.add_argument("--jitter", action="store_true")
    parser.add_argument("--affine", action="store_true",
                        help="crop with the default affine arithmetic (what the page runs)")
    args = parser.parse_args()
    import frontml.image
    from frontml.calculators.image_to_tensor import image_to_tensor_transform
    from frontml.calculators.types import NormalizedRect
    from frontml.image import ArrayFrame, warp_like_opencv
    from frontml.models import load_session
    from frontml.runtime import Tensor, run_sync

    _, model, _ = CONFIGS[args.config]
    # MediaPipe's own arithmetic (bit-equal crops); --affine: the arithmetic the page shares
    frontml.image.EXACT_OPENCV_CROPS = not args.affine
    data = np.load(CROPS / f"{args.clip}__{args.config}.npz")
    rois = {int(k): v for k, v in json.loads(str(data["rois"])).items()}
    images = list(decode(clip_path(next(c for c in CLIPS if c.name == args.clip))))

    def xy(values) -> np.ndarray:
        return np.asarray(values, np.float32).reshape(-1, 5)[:33, :2]

    async def run() -> None:
        session = await load_session(f"pose_landmark_{model}")

        async def infer(rgba: np.ndarray) -> tuple[float, np.ndarray]:
            out = await session.run({"image": Tensor.from_buffer("uint8", (1, 256, 256, 4),
                                                                 rgba.tobytes())})
            return float(out["pose_flag"].data[0]), xy(out["landmarks"].data)

        def crop(i: int, roi: dict) -> np.ndarray:
            t = image_to_tensor_transform(WIDTH, HEIGHT, 256, 256, NormalizedRect(**roi),
                                          keep_aspect_ratio=True)
            tensor = warp_like_opencv(ArrayFrame(images[i]), t.affine, 256, 256, "replicate",
                                      t.opencv_matrix)
            return np.frombuffer(tensor.data.tobytes(), np.uint8).reshape(256, 256, 4)

        try:
            for i, roi in sorted(rois.items()):
                mp_crop, mp_lms, mp_flag = data[f"crop{i}"], xy(data[f"lms{i}"]), data[f"flag{i}"]
                alpha = np.full((256, 256, 1), 255, np.uint8)
                flag_a, lms_a = await infer(np.concatenate([mp_crop, alpha], -1))
                ours = crop(i, roi)
                flag_b, lms_b = await infer(ours)
                diff = np.abs(ours[..., :3].astype(int) - mp_crop.astype(int))
                print(f"frame {i:3}: tflite flag {float(mp_flag):.4f} | ONNX on its crop "
                      f"{flag_a:.4f}, landmarks max {np.abs(lms_a - mp_lms).max():.4f} px | "
                      f"frontml crop: {int((diff > 0).sum())} values differ (max {diff.max()}), "
                      f"flag {flag_b:.4f}, landmarks max {np.abs(lms_b - mp_lms).max():.4f} px")
                if not args.jitter:
                    continue
                moves = [("dx", f"{d:+d} px", {"x_center": roi["x_center"] + d / WIDTH})
                         for d in (-3, -2, -1, 1, 2, 3)]
                moves += [("rot", f"{d:+d} deg",
                           {"rotation": roi["rotation"] + math.radians(d)}) for d in (-1, 1)]
                moves += [("size", f"x{s}", {"width": roi["width"] * s,
                                             "height": roi["height"] * s}) for s in (0.99, 1.01)]
                flags = []
                for _, label, change in moves:
                    flag, _ = await infer(crop(i, {**roi, **change}))
                    flags.append(f"{label} {flag:.3f}")
                print("           flag with the ROI moved: " + ", ".join(flags))
        finally:
            session.close()

    run_sync(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
