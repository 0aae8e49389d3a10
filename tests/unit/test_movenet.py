"""MoveNet (issue 4): decoding, letterbox geometry and tracking, on real photos and a fake model.

Real-model tests skip when the model is not built (not in web/models/manifest.json).
Reference positions on scikit-image's astronaut (512×512, checked by drawing the keypoints on
the photo): face between x 0.30-0.60 and y 0.10-0.35 of the image, nose ≈ (0.44, 0.24), eyes
≈ y 0.20, her right shoulder ≈ (0.24, 0.45) on the image's left, her left one ≈ (0.59, 0.50).
"""

from __future__ import annotations

import json
from array import array

import numpy as np
import pytest

from frontml.errors import ModelError, ModelIntegrityError
from frontml.image import ArrayFrame
from frontml.models import load_session
from frontml.runtime import Session, Tensor, run_sync
from frontml.runtime.session import TensorInfo
from frontml.tasks.pose.movenet import (
    COCO_KEYPOINTS,
    COCO_SKELETON,
    MoveNet,
    multipose_letterbox,
)
from frontml.tasks.pose.options import PoseOptions
from frontml.timing import StageTimer


def run(coro):
    return run_sync(coro)


def _session(model_id: str) -> Session:
    try:
        return run(load_session(model_id))
    except ModelIntegrityError:
        raise
    except ModelError as exc:
        pytest.skip(f"{model_id} not built: {exc}")


@pytest.fixture(scope="module")
def multipose_session():
    session = _session("movenet_multipose")
    yield session
    session.close()


def movenet_options(**options) -> PoseOptions:
    """MoveNet MultiPose options, up to 6 people unless told otherwise."""
    return PoseOptions(**{"model": "movenet", "num_poses": 6, **options})


def detector(session: Session, **options) -> MoveNet:
    """A fresh detector (fresh tracker) on a shared session."""
    return MoveNet(session, movenet_options(**options))


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    from skimage import data

    return data.astronaut()


def process(net: MoveNet, image: np.ndarray, timestamp_ms: float = 0.0, timer=None):
    return run(net.process(ArrayFrame(image), timestamp_ms, timer))


# --------------------------------------------------------------------------- real model


def test_astronaut_one_person_with_sensible_keypoints(multipose_session, astronaut):
    result = process(detector(multipose_session), astronaut)
    assert len(result.poses) == 1
    pose = result.poses[0]
    assert pose.id == 1 and 0.25 <= pose.score <= 1.0
    assert len(pose.landmarks) == 17
    nose, l_eye, r_eye = (pose.keypoint(n) for n in ("nose", "left_eye", "right_eye"))
    assert 0.38 < nose.x < 0.50 and 0.17 < nose.y < 0.30
    assert nose.visibility > 0.5
    for eye in (l_eye, r_eye):  # both eyes in the face, above the nose
        assert 0.30 < eye.x < 0.60 and 0.12 < eye.y < nose.y and eye.visibility > 0.5
    # mirror image: her right eye/shoulder is on the image's left
    assert r_eye.x < nose.x < l_eye.x
    l_sh, r_sh = pose.keypoint("left_shoulder"), pose.keypoint("right_shoulder")
    assert 0.15 < r_sh.x < 0.32 and 0.52 < l_sh.x < 0.68
    assert 0.38 < r_sh.y < 0.58 and 0.38 < l_sh.y < 0.58
    assert min(l_sh.visibility, r_sh.visibility) > 0.4
    x0, y0, x1, y1 = pose.box  # the box holds the face and the shoulders
    for kp in (nose, l_eye, r_eye, l_sh, r_sh):
        assert x0 <= kp.x <= x1 and y0 <= kp.y <= y1
    assert 0.0 <= x0 < 0.2 and 0.0 <= y0 < 0.15 and 0.6 < x1 <= 1.0 and 0.9 < y1 <= 1.05


def test_to_json_shape(multipose_session, astronaut):
    doc = process(detector(multipose_session), astronaut, 12.5).to_json()
    json.dumps(doc)  # plain JSON
    assert doc["image"] == {"width": 512, "height": 512, "timestamp_ms": 12.5}
    (pose,) = doc["poses"]
    assert set(pose) == {"id", "score", "box", "landmarks"}
    assert len(pose["box"]) == 4 and len(pose["landmarks"]) == 17
    assert set(pose["landmarks"][0]) == {"x", "y", "z", "visibility"}
    assert all(lm["z"] == 0.0 for lm in pose["landmarks"])
    assert doc["keypoint_names"] == list(COCO_KEYPOINTS)


def test_no_person_in_coffee(multipose_session):
    from skimage import data

    net = detector(multipose_session)
    assert process(net, data.coffee()).poses == []
    # the model still reports 6 candidates; all are under the 0.25 pose-score threshold
    everything = process(detector(multipose_session, min_pose_score=0.0), data.coffee())
    assert len(everything.poses) == 6
    assert max(p.score for p in everything.poses) < 0.25


def test_letterboxed_input_is_zero_padded(multipose_session):
    from skimage import data

    net = detector(multipose_session)
    process(net, data.coffee())  # 600×400 -> 256×171, padded to 256×256 at the bottom
    pixels = np.frombuffer(net.debug_tensors()["input"].data, np.uint8).reshape(256, 256, 4)
    assert pixels[171:].max() == 0
    assert pixels[:171, :, :3].mean() > 50


def _shift(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Move the photo right/down by (dx, dy) px, filling with black."""
    out = np.zeros_like(image)
    h, w = image.shape[:2]
    out[dy:, dx:] = image[: h - dy, : w - dx]
    return out


@pytest.mark.parametrize("tracker_type", ["bounding_box", "keypoint"])
def test_tracker_keeps_the_id_across_shifted_frames(multipose_session, astronaut, tracker_type):
    net = detector(multipose_session, tracker_type=tracker_type, smooth_landmarks=False)
    noses, ids = [], []
    for i, (dx, dy) in enumerate([(0, 0), (6, 3), (12, 6)]):
        result = process(net, _shift(astronaut, dx, dy), timestamp_ms=33.0 * i)
        assert len(result.poses) == 1
        ids.append(result.poses[0].id)
        noses.append(result.poses[0].keypoint("nose"))
    assert ids == [1, 1, 1]
    # keypoints follow the shift (12 px = 0.023 of the width), give or take the model's jitter
    assert noses[2].x - noses[0].x == pytest.approx(12 / 512, abs=0.012)
    assert noses[2].y - noses[0].y == pytest.approx(6 / 512, abs=0.012)


def test_smoothing_keeps_id_and_stays_near_raw(multipose_session, astronaut):
    smooth = detector(multipose_session)  # smoothing on (the default)
    raw = detector(multipose_session, smooth_landmarks=False)
    for i, (dx, dy) in enumerate([(0, 0), (6, 3), (12, 6)]):
        frame = _shift(astronaut, dx, dy)
        a = process(smooth, frame, 33.0 * i).poses
        b = process(raw, frame, 33.0 * i).poses
        assert [p.id for p in a] == [1]
        assert a[0].keypoint("nose").x == pytest.approx(b[0].keypoint("nose").x, abs=0.02)


def test_two_side_by_side_people_get_two_ids(multipose_session, astronaut):
    double = np.concatenate([astronaut, astronaut], axis=1)  # 1024×512
    net = detector(multipose_session)
    first = process(net, double, 0.0).poses
    assert len(first) == 2
    assert len({p.id for p in first}) == 2 and {p.id for p in first} == {1, 2}
    by_side = sorted(first, key=lambda p: p.keypoint("nose").x)
    left, right = by_side
    assert left.box[2] <= 0.55 and right.box[0] >= 0.45
    assert 0.19 < left.keypoint("nose").x < 0.25 and 0.69 < right.keypoint("nose").x < 0.75
    for pose in by_side:
        assert 0.17 < pose.keypoint("nose").y < 0.30
    # next frame: each person keeps their own id
    second = process(net, _shift(double, 4, 2), 33.0).poses
    ids = {round(p.keypoint("nose").x): p.id for p in second}
    assert len(second) == 2
    assert ids == {0: left.id, 1: right.id}


def test_num_poses_keeps_the_best(multipose_session, astronaut):
    double = np.concatenate([astronaut, astronaut], axis=1)
    poses = process(detector(multipose_session, num_poses=1), double).poses
    assert len(poses) == 1


def test_image_mode_forgets_tracks(multipose_session, astronaut):
    net = detector(multipose_session, running_mode="image")
    double = np.concatenate([astronaut, astronaut], axis=1)
    assert {p.id for p in process(net, double, 0).poses} == {1, 2}
    assert {p.id for p in process(net, astronaut, 1000).poses} == {1}


def test_stage_timings(multipose_session, astronaut):
    timer = StageTimer()
    process(detector(multipose_session), astronaut, 0.0, timer)
    assert set(timer.ms) == {"pre", "infer", "post"}
    assert all(v >= 0 for v in timer.ms.values())


def test_pose_factory_creates_movenet(multipose_session, astronaut):
    """frontml.tasks.pose.create_pose_detector(PoseOptions(model="movenet")) -> MoveNet."""
    pose = pytest.importorskip("frontml.tasks.pose")
    calls = []
    options = pose.PoseOptions(model="movenet", num_poses=2, smooth_landmarks=False)
    net = run(pose.create_pose_detector(options, progress=lambda *a: calls.append(a)))
    try:
        assert isinstance(net, MoveNet)
        assert calls and calls[-1][0] == "movenet_multipose"
        assert net.options.num_poses == 2 and not net.options.smooth_landmarks
        double = np.concatenate([astronaut, astronaut], axis=1)
        assert {p.id for p in process(net, double).poses} == {1, 2}
    finally:
        net.close()


@pytest.mark.parametrize("model", ["movenet_lightning", "movenet_thunder"])
def test_single_pose_models_on_astronaut(model, astronaut):
    session = _session(model)
    try:
        net = MoveNet(session, PoseOptions(model=model))
        poses = [process(net, astronaut, 33.0 * i).poses for i in range(3)]
    finally:
        session.close()
    for frame_poses in poses:
        assert len(frame_poses) == 1
        nose = frame_poses[0].keypoint("nose")
        assert 0.38 < nose.x < 0.50 and 0.17 < nose.y < 0.30
        assert frame_poses[0].id is None
    # the crop region moved off the first-frame guess onto the person
    assert net.crop_region is not None and net.crop_region.height < 1.5


# --------------------------------------------------------------------------- no model needed


class FakeMultiPose(Session):
    """Returns a fixed [1, 6, 56] output and records the input it was given."""

    backend = "fake"

    def __init__(self, people: list[list[float]]) -> None:
        super().__init__("fake_multipose",
                         [TensorInfo("image", "uint8", (1, 256, 256, 4))],
                         [TensorInfo("people", "float32", (1, 6, 56))])
        rows = people + [[0.0] * 56] * (6 - len(people))
        self.output = array("f", [v for row in rows for v in row])

    async def _run(self, feeds):
        self.fed = feeds["image"]
        return {"people": Tensor.from_buffer("float32", (1, 6, 56), self.output)}


def _person(cx: float, cy: float, score: float, kp_score: float = 0.9) -> list[float]:
    """Keypoints on a small cross around (cx, cy) in padded-input coordinates; box ±0.1."""
    row = []
    for j in range(17):
        row += [cy + 0.001 * j, cx - 0.001 * j, kp_score]
    return row + [cy - 0.1, cx - 0.1, cy + 0.1, cx + 0.1, score]


def _frame(width: int, height: int) -> ArrayFrame:
    return ArrayFrame(np.full((height, width, 3), 128, np.uint8))


def test_decoding_unpads_filters_and_sorts():
    # 600×400 frame: resized 256×171, padded 256×256 -> y scales by 256/171, x by 1
    fake = FakeMultiPose([_person(0.3, 0.2, 0.2), _person(0.7, 0.4, 0.9), _person(0.5, 0.3, 0.6)])
    net = MoveNet(fake, movenet_options())
    result = run(net.process(_frame(600, 400), 0.0))
    assert [round(p.score, 3) for p in result.poses] == [0.9, 0.6]  # 0.2 < 0.25 dropped
    assert [p.id for p in result.poses] == [1, 2]
    best = result.poses[0]
    sy = 256 / 171
    assert best.landmarks[0].y == pytest.approx(0.4 * sy, abs=1e-6)
    assert best.landmarks[0].x == pytest.approx(0.7, abs=1e-6)
    assert best.landmarks[16].y == pytest.approx((0.4 + 0.016) * sy, abs=1e-6)
    assert best.landmarks[16].visibility == pytest.approx(0.9)
    assert best.box == pytest.approx((0.6, 0.3 * sy, 0.8, 0.5 * sy), abs=1e-6)
    assert fake.fed.shape == (1, 256, 256, 4)


def test_decoding_portrait_unpads_x():
    # 300×600 portrait: resized 128×256, padded to 256×256 at the right -> x scales by 2
    fake = FakeMultiPose([_person(0.25, 0.5, 0.8)])
    result = run(MoveNet(fake, movenet_options()).process(_frame(300, 600)))
    (pose,) = result.poses
    assert pose.landmarks[0].x == pytest.approx(0.5, abs=1e-6)
    assert pose.landmarks[0].y == pytest.approx(0.5, abs=1e-6)
    assert pose.box == pytest.approx((0.3, 0.4, 0.7, 0.6), abs=1e-6)


def test_tracking_off_gives_no_ids():
    fake = FakeMultiPose([_person(0.5, 0.5, 0.8)])
    net = MoveNet(fake, movenet_options(enable_tracking=False))
    assert [p.id for p in run(net.process(_frame(256, 256))).poses] == [None]


def test_track_expires_after_max_age():
    fake = FakeMultiPose([_person(0.5, 0.5, 0.8)])
    net = MoveNet(fake, movenet_options())
    assert run(net.process(_frame(256, 256), 0.0)).poses[0].id == 1
    assert run(net.process(_frame(256, 256), 900.0)).poses[0].id == 1
    assert run(net.process(_frame(256, 256), 2000.0)).poses[0].id == 2  # 1.1 s > max_age 1 s


def test_letterbox_geometry_matches_tfjs():
    lb = multipose_letterbox(600, 400, 256)
    assert (lb.resized_width, lb.resized_height, lb.padded_width, lb.padded_height) == (
        256, 171, 256, 192)
    lb = multipose_letterbox(600, 400, 256, padded_size=(256, 256))
    assert (lb.padded_width, lb.padded_height) == (256, 256)
    # resizeBilinear without half-pixel centres: output pixel 0 samples source pixel 0's centre
    a, _, c, _, e, f = lb.affine
    assert a * 0.5 + c == pytest.approx(0.5) and e * 0.5 + f == pytest.approx(0.5)
    # Math.round rounds halves up (Python's round would give 2 for 1.5 too, but 0 for 0.5)
    assert multipose_letterbox(512, 3, 256).resized_height == 2  # 1.5 -> 2
    assert multipose_letterbox(256, 640, 64).resized_width == 26  # 25.6 -> 26
    assert multipose_letterbox(1024, 2, 256).resized_height == 1  # 0.5 -> 1 (round: 0)


def test_options_validation_with_pose_options():
    with pytest.raises(ValueError, match="num_poses"):
        PoseOptions(model="movenet", num_poses=7)
    with pytest.raises(ValueError, match="model"):
        PoseOptions(model="posenet")
    with pytest.raises(ValueError, match="tracker_type"):
        PoseOptions(model="movenet", tracker_type="hungarian")
    opts = PoseOptions(model="movenet")
    assert opts.min_pose_score == 0.25 and opts.tracker_type == "bounding_box"
    assert PoseOptions(model="full", num_poses=9).num_poses == 9  # no MoveNet limit


def test_single_pose_models_find_one_person():
    class OneInput(Session):
        backend = "fake"

        def __init__(self) -> None:
            super().__init__("m", [TensorInfo("input", "uint8", (1, 192, 192, 3))],
                             [TensorInfo("out", "float32", (1, 1, 17, 3))])

    net = MoveNet(OneInput(), PoseOptions(model="movenet_lightning", num_poses=3))
    assert net.num_poses == 1


def test_constants_for_drawing():
    assert len(COCO_KEYPOINTS) == 17 and COCO_KEYPOINTS[0] == "nose"
    assert len(COCO_SKELETON) == 16
    assert all(0 <= i < 17 and 0 <= j < 17 for i, j in COCO_SKELETON)
