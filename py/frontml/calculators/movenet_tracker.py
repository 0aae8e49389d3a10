"""Track ids across frames for multi-person pose (MoveNet MultiPose).

Port of tfjs-models pose-detection/src/calculators/tracker.ts, keypoint_tracker.ts,
bounding_box_tracker.ts and tracker_utils.ts, with the defaults of
pose-detection/src/movenet/constants.ts (MoveNet MultiPose uses the bounding-box tracker by
default; it detects up to 6 people and keeps up to 18 tracks).

Timestamps are microseconds; max_age is milliseconds (as in tfjs-models).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(slots=True)
class BoundingBox:
    """Normalised box (tfjs-models BoundingBox)."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float

    @property
    def width(self) -> float:
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        return self.ymax - self.ymin


@dataclass(slots=True)
class Keypoint:
    x: float
    y: float
    score: float = 1.0


@dataclass(slots=True)
class TrackedPose:
    """A detected person as the tracker sees it (tfjs-models Pose); the tracker fills `id`."""

    keypoints: list[Keypoint]
    score: float = 0.0
    box: BoundingBox | None = None
    id: int | None = None


@dataclass(slots=True)
class Track:
    id: int
    last_timestamp: int
    keypoints: list[Keypoint]
    box: BoundingBox | None = None


@dataclass(frozen=True)
class KeypointTrackerParams:
    keypoint_confidence_threshold: float
    keypoint_falloff: tuple[float, ...]
    min_number_of_keypoints: int


@dataclass(frozen=True)
class TrackerConfig:
    max_tracks: int
    max_age: float  # milliseconds
    min_similarity: float
    keypoint_tracker_params: KeypointTrackerParams | None = None


# From pose-detection/src/movenet/constants.ts DEFAULT_KEYPOINT_TRACKER_CONFIG
DEFAULT_KEYPOINT_TRACKER_CONFIG = TrackerConfig(
    max_tracks=18,  # 3 times max detections of the multi-pose model.
    max_age=1000,
    min_similarity=0.2,
    keypoint_tracker_params=KeypointTrackerParams(
        keypoint_confidence_threshold=0.3,
        # From COCO: https://cocodataset.org/#keypoints-eval
        keypoint_falloff=(
            0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062,
            0.062, 0.107, 0.107, 0.087, 0.087, 0.089, 0.089,
        ),
        min_number_of_keypoints=4,
    ),
)  # fmt: skip

# From pose-detection/src/movenet/constants.ts DEFAULT_BOUNDING_BOX_TRACKER_CONFIG
DEFAULT_BOUNDING_BOX_TRACKER_CONFIG = TrackerConfig(
    max_tracks=18, max_age=1000, min_similarity=0.15
)


# Port of validateTrackerConfig() in tracker_utils.ts
def validate_tracker_config(config: TrackerConfig) -> None:
    if config.max_tracks < 1:
        raise ValueError(
            f"Must specify 'maxTracks' to be at least 1, but encountered {config.max_tracks}"
        )
    if config.max_age <= 0:
        raise ValueError(f"Must specify 'maxAge' to be positive, but encountered {config.max_age}")
    p = config.keypoint_tracker_params
    if p is not None:
        if not 0 <= p.keypoint_confidence_threshold <= 1:
            raise ValueError("Must specify 'keypointConfidenceThreshold' to be in the range [0, 1]")
        if p.min_number_of_keypoints < 1:
            raise ValueError("Must specify 'minNumberOfKeypoints' to be at least 1")
        if any(f <= 0.0 for f in p.keypoint_falloff):
            raise ValueError("Must specify each keypoint falloff parameter to be positive")


# Port of tracker.ts Tracker
class Tracker:
    """Greedy detection-to-track association; subclasses define the similarity."""

    def __init__(self, config: TrackerConfig) -> None:
        validate_tracker_config(config)
        self.tracks: list[Track] = []
        self.max_tracks = config.max_tracks
        self.max_age = config.max_age * 1000  # Convert msec to usec.
        self.min_similarity = config.min_similarity
        self._next_id = 1

    def apply(self, poses: list[TrackedPose], timestamp_us: int) -> list[TrackedPose]:
        """Sets `id` on each pose (poses sorted most to least confident) and returns them."""
        self.filter_old_tracks(timestamp_us)
        sim_matrix = self.compute_similarity(poses)
        self.assign_tracks(poses, sim_matrix, timestamp_us)
        self.update_tracks(timestamp_us)
        return poses

    def compute_similarity(self, poses: Sequence[TrackedPose]) -> list[list[float]]:
        raise NotImplementedError

    def get_tracks(self) -> list[Track]:
        return list(self.tracks)

    def get_track_ids(self) -> set[int]:
        return {t.id for t in self.tracks}

    def filter_old_tracks(self, timestamp_us: int) -> None:
        self.tracks = [t for t in self.tracks if timestamp_us - t.last_timestamp <= self.max_age]

    def assign_tracks(
        self, poses: list[TrackedPose], sim_matrix: list[list[float]], timestamp_us: int
    ) -> None:
        unmatched_track_indices = list(range(len(sim_matrix[0]) if sim_matrix else 0))
        unmatched_detection_indices: list[int] = []
        for detection_index in range(len(poses)):
            if not unmatched_track_indices:
                unmatched_detection_indices.append(detection_index)
                continue
            # Assign the detection to the track with the highest similarity above the minimum.
            max_track_index = -1
            max_similarity = -1.0
            for track_index in unmatched_track_indices:
                similarity = sim_matrix[detection_index][track_index]
                if similarity >= self.min_similarity and similarity > max_similarity:
                    max_track_index = track_index
                    max_similarity = similarity
            if max_track_index >= 0:
                linked = self.tracks[max_track_index]
                fresh = self.create_track(poses[detection_index], timestamp_us, linked.id)
                linked.last_timestamp = fresh.last_timestamp
                linked.keypoints = fresh.keypoints
                linked.box = fresh.box
                poses[detection_index].id = linked.id
                unmatched_track_indices.remove(max_track_index)
            else:
                unmatched_detection_indices.append(detection_index)
        # Spawn new tracks for all unmatched detections.
        for detection_index in unmatched_detection_indices:
            new_track = self.create_track(poses[detection_index], timestamp_us)
            self.tracks.append(new_track)
            poses[detection_index].id = new_track.id

    def update_tracks(self, timestamp_us: int) -> None:
        # Most recent first (stable, like Array.prototype.sort), then keep max_tracks.
        self.tracks.sort(key=lambda t: t.last_timestamp, reverse=True)
        del self.tracks[self.max_tracks :]

    def create_track(self, pose: TrackedPose, timestamp_us: int,
                     track_id: int | None = None) -> Track:
        box = pose.box
        return Track(
            id=track_id if track_id else self.next_track_id(),
            last_timestamp=timestamp_us,
            keypoints=[Keypoint(k.x, k.y, k.score) for k in pose.keypoints],
            box=BoundingBox(box.xmin, box.ymin, box.xmax, box.ymax) if box is not None else None,
        )

    def next_track_id(self) -> int:
        next_id = self._next_id
        self._next_id += 1
        return next_id

    def remove(self, *ids: int) -> None:
        self.tracks = [t for t in self.tracks if t.id not in ids]

    def reset(self) -> None:
        self.tracks = []


# Port of keypoint_tracker.ts KeypointTracker
class KeypointTracker(Tracker):
    """Object Keypoint Similarity (OKS) tracker; keypoints in normalised image coordinates."""

    def __init__(self, config: TrackerConfig = DEFAULT_KEYPOINT_TRACKER_CONFIG) -> None:
        super().__init__(config)
        p = config.keypoint_tracker_params
        if p is None:
            raise ValueError("KeypointTracker needs keypoint_tracker_params")
        self.keypoint_threshold = p.keypoint_confidence_threshold
        self.keypoint_falloff = p.keypoint_falloff
        self.min_num_keypoints = p.min_number_of_keypoints

    def compute_similarity(self, poses: Sequence[TrackedPose]) -> list[list[float]]:
        if not poses or not self.tracks:
            return [[]]
        return [[self._oks(pose, track) for track in self.tracks] for pose in poses]

    def _oks(self, pose: TrackedPose, track: Track) -> float:
        box_area = self._area(track.keypoints) + 1e-6
        oks_total = 0.0
        num_valid_keypoints = 0
        thr = self.keypoint_threshold
        for i, pose_kpt in enumerate(pose.keypoints):
            track_kpt = track.keypoints[i]
            if pose_kpt.score < thr or track_kpt.score < thr:
                continue
            num_valid_keypoints += 1
            d_squared = (pose_kpt.x - track_kpt.x) ** 2 + (pose_kpt.y - track_kpt.y) ** 2
            x = 2 * self.keypoint_falloff[i]
            oks_total += math.exp(-1 * d_squared / (2 * box_area * x**2))
        if num_valid_keypoints < self.min_num_keypoints:
            return 0.0
        return oks_total / num_valid_keypoints

    def _area(self, keypoints: Sequence[Keypoint]) -> float:
        valid = [k for k in keypoints if k.score > self.keypoint_threshold]
        min_x = min([1.0] + [k.x for k in valid])
        max_x = max([0.0] + [k.x for k in valid])
        min_y = min([1.0] + [k.y for k in valid])
        max_y = max([0.0] + [k.y for k in valid])
        return (max_x - min_x) * (max_y - min_y)


# Port of bounding_box_tracker.ts BoundingBoxTracker
class BoundingBoxTracker(Tracker):
    """IoU tracker (MoveNet MultiPose's default)."""

    def __init__(self, config: TrackerConfig = DEFAULT_BOUNDING_BOX_TRACKER_CONFIG) -> None:
        super().__init__(config)

    def compute_similarity(self, poses: Sequence[TrackedPose]) -> list[list[float]]:
        if not poses or not self.tracks:
            return [[]]
        return [[self._iou(pose, track) for track in self.tracks] for pose in poses]

    @staticmethod
    def _iou(pose: TrackedPose, track: Track) -> float:
        a = pose.box
        b = track.box
        if a is None or b is None:
            raise ValueError("BoundingBoxTracker needs a box on every pose")
        xmin = max(a.xmin, b.xmin)
        ymin = max(a.ymin, b.ymin)
        xmax = min(a.xmax, b.xmax)
        ymax = min(a.ymax, b.ymax)
        if xmin >= xmax or ymin >= ymax:
            return 0.0
        intersection = (xmax - xmin) * (ymax - ymin)
        area_pose = a.width * a.height
        area_track = b.width * b.height
        return intersection / (area_pose + area_track - intersection)
