"""The pose landmark path's float32 port against MediaPipe to the bit, from MediaPipe's tensors.

    .venv-mediapipe/bin/python bench/mediapipe_video_reference.py --fixture
    .venv-mediapipe/bin/python bench/mediapipe_video_reference.py \
        --crops standing_enter_leave pose_full_smooth 10-16
    .venv/bin/python bench/float32_check.py

For each recorded frame: MediaPipe's own landmark and heatmap tensors (its .tflite on its crop
of its ROI) through frontml's TensorsToLandmarks -> RefineLandmarksFromHeatmap ->
LandmarkLetterboxRemoval -> LandmarkProjection, against the unfiltered landmarks MediaPipe's
graph produced (tests/data/mediapipe_pose_float32_standing.json): how many of the 33 + 2
auxiliary landmarks are bit-equal, and the largest difference in pixels. (The ROI steps and the
filters are checked the same way by tests/unit/test_calc_float32.py.)
"""

from __future__ import annotations

import json
import sys
from array import array
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "bench"))

from mediapipe_video_reference import CROPS, FLOAT32_FIXTURE  # noqa: E402


def main() -> int:
    from frontml.calculators.detection_letterbox import remove_landmark_letterbox
    from frontml.calculators.image_to_tensor import image_to_tensor_transform
    from frontml.calculators.landmarks import landmark_projection, tensors_to_normalized_landmarks
    from frontml.calculators.types import NormalizedRect
    from frontml.tasks.pose.blazepose import refine_landmarks_from_heatmap
    from frontml.tasks.pose.constants import POSE_LANDMARKS_OPTIONS

    fixture = json.loads(FLOAT32_FIXTURE.read_text())
    w, h = fixture["image"]["width"], fixture["image"]["height"]
    want = {f["frame"]: f for f in fixture["frames"]}
    data = np.load(CROPS / f"{fixture['clip']}__pose_full_smooth.npz")
    rois = {int(k): v for k, v in json.loads(str(data["rois"])).items()}
    for i, roi in sorted(rois.items()):
        if i not in want or f"heatmap{i}" not in data:
            continue
        rect = NormalizedRect(**roi)
        lms = tensors_to_normalized_landmarks(memoryview(array("f", data[f"lms{i}"].tolist())),
                                              POSE_LANDMARKS_OPTIONS)
        heatmap = memoryview(array("f", data[f"heatmap{i}"].tolist()))
        refine_landmarks_from_heatmap(lms, heatmap, 64, 64, 39)
        t = image_to_tensor_transform(w, h, 256, 256, rect, keep_aspect_ratio=True)
        got = landmark_projection(remove_landmark_letterbox(lms, t.letterbox_padding), rect)[:35]
        ref = want[i]["landmarks"] + want[i]["auxiliary"]
        equal = sum(a.x == b[0] and a.y == b[1] for a, b in zip(got, ref, strict=True))
        worst = max(max(abs(a.x - b[0]) * w, abs(a.y - b[1]) * h)
                    for a, b in zip(got, ref, strict=True))
        print(f"frame {i:3}: {equal}/35 landmarks bit-equal to MediaPipe's, "
              f"max difference {worst:.3g} px")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
