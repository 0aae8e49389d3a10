"""Port of tfjs-models pose-detection trackers (MoveNet MultiPose)."""

import pytest

from frontml.calculators import (
    DEFAULT_BOUNDING_BOX_TRACKER_CONFIG,
    DEFAULT_KEYPOINT_TRACKER_CONFIG,
    BoundingBox,
    BoundingBoxTracker,
    Keypoint,
    KeypointTracker,
    TrackedPose,
    TrackerConfig,
)

MS = 1000  # microseconds per millisecond


def _box_pose(xmin, ymin, xmax, ymax, score=0.9):
    return TrackedPose(keypoints=[], score=score, box=BoundingBox(xmin, ymin, xmax, ymax))


def _kp_pose(dx=0.0, dy=0.0, score=0.9):
    # 17 keypoints spread over a person-sized region.
    kps = [Keypoint(0.3 + 0.02 * i + dx, 0.2 + 0.03 * i + dy, score) for i in range(17)]
    return TrackedPose(keypoints=kps, score=score)


def test_default_configs():
    assert DEFAULT_BOUNDING_BOX_TRACKER_CONFIG.max_tracks == 18
    assert DEFAULT_BOUNDING_BOX_TRACKER_CONFIG.min_similarity == 0.15
    assert DEFAULT_KEYPOINT_TRACKER_CONFIG.min_similarity == 0.2
    assert len(DEFAULT_KEYPOINT_TRACKER_CONFIG.keypoint_tracker_params.keypoint_falloff) == 17


def test_bounding_box_tracker_keeps_ids_and_adds_new_person():
    t = BoundingBoxTracker()
    p1 = t.apply([_box_pose(0.1, 0.1, 0.3, 0.6), _box_pose(0.6, 0.1, 0.8, 0.6)], 0)
    assert [p.id for p in p1] == [1, 2]
    # Slightly moved, and order swapped.
    p2 = t.apply([_box_pose(0.61, 0.12, 0.81, 0.62), _box_pose(0.11, 0.1, 0.31, 0.6)], 33 * MS)
    assert [p.id for p in p2] == [2, 1]
    # A new person appears far away.
    p3 = t.apply(
        [_box_pose(0.11, 0.1, 0.31, 0.6), _box_pose(0.62, 0.12, 0.82, 0.62),
         _box_pose(0.4, 0.7, 0.5, 0.95)],
        66 * MS,
    )  # fmt: skip
    assert [p.id for p in p3] == [1, 2, 3]
    assert t.get_track_ids() == {1, 2, 3}


def test_tracks_expire_after_max_age():
    t = BoundingBoxTracker()
    t.apply([_box_pose(0.1, 0.1, 0.3, 0.6)], 0)
    assert t.apply([_box_pose(0.1, 0.1, 0.3, 0.6)], 1000 * MS)[0].id == 1  # <= max_age
    assert t.apply([_box_pose(0.1, 0.1, 0.3, 0.6)], 2001 * MS)[0].id == 2  # expired


def test_max_tracks_keeps_freshest():
    cfg = TrackerConfig(max_tracks=2, max_age=1000, min_similarity=0.15)
    t = BoundingBoxTracker(cfg)
    t.apply([_box_pose(0.0, 0.0, 0.1, 0.1)], 0)
    t.apply([_box_pose(0.5, 0.5, 0.6, 0.6)], 10 * MS)
    t.apply([_box_pose(0.8, 0.8, 0.9, 0.9)], 20 * MS)
    assert [tr.id for tr in t.get_tracks()] == [3, 2]


def test_keypoint_tracker():
    t = KeypointTracker()
    assert t.apply([_kp_pose()], 0)[0].id == 1
    moved = t.apply([_kp_pose(dx=0.005, dy=-0.004)], 33 * MS)
    assert moved[0].id == 1
    far = t.apply([_kp_pose(dx=0.005), _kp_pose(dx=0.4, dy=0.3)], 66 * MS)
    assert [p.id for p in far] == [1, 2]
    # Too few confident keypoints -> similarity 0 -> new track.
    low = _kp_pose(dx=0.005)
    for k in low.keypoints[3:]:
        k.score = 0.1
    assert t.apply([low], 99 * MS)[0].id == 3


def test_oks_identical_pose_is_one():
    t = KeypointTracker()
    t.apply([_kp_pose()], 0)
    assert t.compute_similarity([_kp_pose()])[0][0] == pytest.approx(1.0)


def test_invalid_config():
    with pytest.raises(ValueError):
        BoundingBoxTracker(TrackerConfig(max_tracks=0, max_age=1000, min_similarity=0.1))
    with pytest.raises(ValueError):
        KeypointTracker(TrackerConfig(max_tracks=1, max_age=1000, min_similarity=0.1))
