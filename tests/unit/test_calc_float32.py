"""The ROI chain's float32 ports against MediaPipe to the bit.

tests/data/mediapipe_pose_float32_standing.json holds MediaPipe 0.10.21's own values at full
float32 precision on frames 10-16 of bench/video_clips.py's standing_enter_leave (pose full,
smoothing on; `bench/mediapipe_video_reference.py --fixture`): its detection and the ROI it
gave, its unfiltered and filtered auxiliary landmarks and the next frame's ROI. Fed MediaPipe's
inputs, the ports give MediaPipe's outputs exactly; the one exception is the rotation, which
goes through the C library's atan2f (not correctly rounded in the wheel's libm): 1 float32 ulp.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import pytest

from frontml.calculators.detections_to_rects import detection_to_roi
from frontml.calculators.float32 import f32, sigmoid_f32
from frontml.calculators.types import Detection, Landmark
from frontml.tasks.pose.constants import POSE_DETECTION_TO_ROI
from frontml.tasks.pose.filtering import PoseLandmarkFiltering, pose_landmarks_to_roi

DATA = json.loads((Path(__file__).parent.parent / "data"
                   / "mediapipe_pose_float32_standing.json").read_text())
W, H = DATA["image"]["width"], DATA["image"]["height"]


def _rect(r) -> list[float]:
    return [r.x_center, r.y_center, r.width, r.height, r.rotation]


def _check(got: list[float], want: list[float], where: str) -> None:
    assert got[:4] == want[:4], where  # centre and size: bit-equal
    # rotation: one float32 ulp of atan2f's result (|angle| < pi: at most 2**-22)
    assert abs(got[4] - want[4]) <= 2.0 ** -22, where
    assert got[4] == f32(got[4])


def test_f32_rounds_like_a_c_float() -> None:
    for x in (0.1, 1 / 3, 640 * 0.7, -2.5e-8, 1e30):
        assert f32(x) == struct.unpack("f", struct.pack("f", x))[0]
    assert f32(1e300) == math.inf
    assert sigmoid_f32(0.0) == 0.5
    assert sigmoid_f32(-1000.0) == 0.0 and sigmoid_f32(1000.0) == 1.0
    assert sigmoid_f32(0.3) == f32(1.0 / f32(1.0 + f32(math.exp(-0.3))))


def test_detection_to_roi_is_mediapipes() -> None:
    frames = [f for f in DATA["frames"] if f["detection"]]
    assert frames
    for f in frames:
        d = f["detection"]
        det = Detection(d["score"], *d["box"], keypoints=[tuple(k) for k in d["keypoints"]])
        roi = detection_to_roi(det, (W, H), POSE_DETECTION_TO_ROI)
        _check(_rect(roi), f["roi_from_detection"], f"frame {f['frame']}")


def test_landmarks_to_roi_is_mediapipes() -> None:
    for f in DATA["frames"]:
        roi = pose_landmarks_to_roi([Landmark(*v) for v in f["filtered_auxiliary"]], W, H)
        _check(_rect(roi), f["roi_from_landmarks"], f"frame {f['frame']}")


def test_auxiliary_landmark_filtering_is_mediapipes() -> None:
    # the first frame with a pose starts the filters, as in MediaPipe's run
    filtering = PoseLandmarkFiltering(True)
    for f in DATA["frames"]:
        out = filtering.apply(f["timestamp_us"], W, H, [Landmark(*v) for v in f["landmarks"]],
                              [Landmark(*v) for v in f["auxiliary"]])
        got = [[lm.x, lm.y, lm.z] for lm in out.auxiliary_landmarks]
        want = [v[:3] for v in f["filtered_auxiliary"]]
        assert got == want, f"frame {f['frame']}"


@pytest.mark.parametrize("x", [0.25, 0.7, 1.3])
def test_f32_is_idempotent(x: float) -> None:
    assert f32(f32(x)) == f32(x)
