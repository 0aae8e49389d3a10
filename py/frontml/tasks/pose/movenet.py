"""MoveNet pose estimation: MultiPose (up to 6 people, tracked ids) and SinglePose.

Port of tfjs-models pose-detection/src/movenet/detector.ts (MoveNetDetector), crop_utils.ts,
detector_utils.ts, constants.ts and shared/filters/{keypoints_one_euro_filter, one_euro_filter,
low_pass_filter}.ts. The trackers are frontml.calculators.movenet_tracker.

MultiPose (model "movenet"): the frame is resized, keeping its aspect ratio, so its longer side
is 256 px (tf.image.resizeBilinear geometry: no half-pixel centres), then zero-padded at the
bottom/right; the model gives 6 × (17 × (y, x, score), ymin, xmin, ymax, xmax, score) relative to
the padded input; keypoints are un-padded to the image, poses under `min_pose_score` dropped, the
rest tracked (bounding-box IoU or keypoint OKS) and, with smoothing, One-Euro filtered per track.
Deviations from tfjs-models, both forced or harmless:
  * the ONNX model has a fixed 256×256 input, so the short side is padded up to 256, not to the
    next multiple of 32 (the un-padding formula is the same);
  * the box is un-padded to image-normalised coordinates too (tfjs leaves it relative to the
    padded input; IoU tracking is unchanged because per-axis scaling preserves IoU).

SinglePose (models "movenet_lightning" 192², "movenet_thunder" 256²): a square crop region that
follows the person from frame to frame (determineNextCropRegion, low-pass filtered), sampled like
tf.image.cropAndResize; the pose score is the mean of keypoint scores above 0.2. These models
output no box: `box` is the extent of the keypoints scoring at least `min_keypoint_score`.

All coordinates in results are normalised to the image: x / width, y / height.
Stdlib only: this runs in Pyodide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from frontml.calculators.filters import KeypointsOneEuroFilter, LowPassFilter, OneEuroFilterOptions
from frontml.calculators.movenet_tracker import (
    BoundingBox,
    BoundingBoxTracker,
    Keypoint,
    KeypointTracker,
    TrackedPose,
    Tracker,
)
from frontml.calculators.types import Landmark
from frontml.errors import InputError
from frontml.image import Frame
from frontml.models import Progress, load_session
from frontml.runtime import Session, Tensor
from frontml.tasks.core.task import TaskBase
from frontml.tasks.pose.options import PoseOptions
from frontml.tasks.pose.types import Pose, PoseResult
from frontml.timing import StageTimer

# pose-detection/src/constants.ts COCO_KEYPOINTS
COCO_KEYPOINTS: tuple[str, ...] = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip
KEYPOINT_INDEX: dict[str, int] = {name: i for i, name in enumerate(COCO_KEYPOINTS)}

# pose-detection/src/constants.ts COCO_CONNECTED_KEYPOINTS_PAIRS: the skeleton to draw
COCO_SKELETON: tuple[tuple[int, int], ...] = (
    (0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (5, 11), (6, 8), (6, 12),
    (7, 9), (8, 10), (11, 12), (11, 13), (12, 14), (13, 15), (14, 16),
)  # fmt: skip

# model option -> manifest id
MODEL_IDS: dict[str, str] = {
    "movenet": "movenet_multipose",
    "movenet_multipose": "movenet_multipose",
    "movenet_lightning": "movenet_lightning",
    "movenet_thunder": "movenet_thunder",
}

# movenet/constants.ts
NUM_KEYPOINTS = 17
NUM_KEYPOINT_VALUES = 3  # [y, x, score]
MULTIPOSE_BOX_SIZE = 5  # [ymin, xmin, ymax, xmax, score]
MULTIPOSE_BOX_IDX = NUM_KEYPOINTS * NUM_KEYPOINT_VALUES
MULTIPOSE_BOX_SCORE_IDX = MULTIPOSE_BOX_IDX + 4
MULTIPOSE_INSTANCE_SIZE = NUM_KEYPOINTS * NUM_KEYPOINT_VALUES + MULTIPOSE_BOX_SIZE
MIN_CROP_KEYPOINT_SCORE = 0.2
CROP_FILTER_ALPHA = 0.9
DIMENSION_DIVISOR = 32


# movenet/constants.ts KEYPOINT_FILTER_CONFIG (tfjs One-Euro: asinh threshold, no value scaling).
KEYPOINT_FILTER_CONFIG = OneEuroFilterOptions(
    frequency=30.0, min_cutoff=2.5, beta=300.0, derivate_cutoff=2.5, threshold_cutoff=0.5,
    threshold_beta=5.0, disable_value_scaling=True)


@dataclass
# ---------------------------------------------------------------------------------------------
# Geometry


@dataclass(frozen=True, slots=True)
class Letterbox:
    """MultiPose input geometry (estimateMultiplePoses)."""

    resized_width: int
    resized_height: int
    padded_width: int
    padded_height: int
    affine: tuple[float, float, float, float, float, float]  # resized px -> source px


def multipose_letterbox(width: int, height: int, max_dimension: int = 256,
                        padded_size: tuple[int, int] | None = None) -> Letterbox:
    """Resize the longer side to `max_dimension`, pad the other (bottom/right) with zeros.

    `padded_size` (w, h) forces the padded size (a fixed-shape model); without it the short side
    is padded to the next multiple of 32, as tfjs-models does.
    """
    if width > height:
        resized_w = max_dimension
        resized_h = _js_round(max_dimension * height / width)
        padded_w = resized_w
        padded_h = math.ceil(resized_h / DIMENSION_DIVISOR) * DIMENSION_DIVISOR
    else:
        resized_w = _js_round(max_dimension * width / height)
        resized_h = max_dimension
        padded_w = math.ceil(resized_w / DIMENSION_DIVISOR) * DIMENSION_DIVISOR
        padded_h = resized_h
    resized_w, resized_h = max(resized_w, 1), max(resized_h, 1)
    if padded_size is not None:
        padded_w, padded_h = padded_size
    # tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=false): output pixel i samples
    # source index i*scale, i.e. source continuous (i + 0.5 - 0.5)*scale + 0.5.
    sx, sy = width / resized_w, height / resized_h
    affine = (sx, 0.0, 0.5 * (1.0 - sx), 0.0, sy, 0.5 * (1.0 - sy))
    return Letterbox(resized_w, resized_h, padded_w, padded_h, affine)


def crop_and_resize_affine(box: BoundingBox, width: int, height: int, out_w: int, out_h: int):
    """tf.image.cropAndResize geometry for one normalised box (corners on pixel indices)."""
    a = (box.xmax - box.xmin) * (width - 1) / (out_w - 1) if out_w > 1 else 0.0
    e = (box.ymax - box.ymin) * (height - 1) / (out_h - 1) if out_h > 1 else 0.0
    c = box.xmin * (width - 1) + 0.5 - 0.5 * a
    f = box.ymin * (height - 1) + 0.5 - 0.5 * e
    return (a, 0.0, c, 0.0, e, f)


def pad_rgba(image: Tensor, out_w: int, out_h: int) -> Tensor:
    """Place an RGBA [1, h, w, 4] tensor at the top-left of a zero [1, out_h, out_w, 4] one."""
    _, h, w, _ = image.shape
    if (w, h) == (out_w, out_h):
        return image
    src = image.data.cast("B") if image.data.format != "B" else image.data
    out = bytearray(out_w * out_h * 4)
    row, out_row = w * 4, out_w * 4
    for y in range(min(h, out_h)):
        out[y * out_row: y * out_row + row] = src[y * row: (y + 1) * row]
    return Tensor.from_buffer("uint8", (1, out_h, out_w, 4), out)


def _js_round(value: float) -> int:
    """Math.round: halves go up (Python's round() goes to even)."""
    return math.floor(value + 0.5)


# Port of crop_utils.ts initCropRegion
def init_crop_region(first_frame: bool, width: int, height: int) -> BoundingBox:
    if first_frame:
        if width > height:
            box_h, box_w = 1.0, height / width
            y_min, x_min = 0.0, (width / 2 - height / 2) / width
        else:
            box_h, box_w = width / height, 1.0
            y_min, x_min = (height / 2 - width / 2) / height, 0.0
    elif width > height:
        box_h, box_w = width / height, 1.0
        y_min, x_min = (height / 2 - width / 2) / height, 0.0
    else:
        box_h, box_w = 1.0, height / width
        y_min, x_min = 0.0, (width / 2 - height / 2) / width
    return BoundingBox(x_min, y_min, x_min + box_w, y_min + box_h)


def _torso_visible(keypoints: list[Keypoint]) -> bool:
    k, i = keypoints, KEYPOINT_INDEX
    return ((k[i["left_hip"]].score > MIN_CROP_KEYPOINT_SCORE
             or k[i["right_hip"]].score > MIN_CROP_KEYPOINT_SCORE)
            and (k[i["left_shoulder"]].score > MIN_CROP_KEYPOINT_SCORE
                 or k[i["right_shoulder"]].score > MIN_CROP_KEYPOINT_SCORE))


# Port of crop_utils.ts determineNextCropRegion (+ determineTorsoAndBodyRange)
def determine_next_crop_region(current: BoundingBox | None, keypoints: list[Keypoint],
                               width: int, height: int) -> BoundingBox:
    target = [(k.y * height, k.x * width) for k in keypoints]
    if not _torso_visible(keypoints):
        return init_crop_region(current is None, width, height)
    i = KEYPOINT_INDEX
    center_y = (target[i["left_hip"]][0] + target[i["right_hip"]][0]) / 2
    center_x = (target[i["left_hip"]][1] + target[i["right_hip"]][1]) / 2
    max_torso_y = max_torso_x = 0.0
    for name in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"):
        max_torso_y = max(max_torso_y, abs(center_y - target[i[name]][0]))
        max_torso_x = max(max_torso_x, abs(center_x - target[i[name]][1]))
    max_body_y = max_body_x = 0.0
    for j, kp in enumerate(keypoints):
        if kp.score < MIN_CROP_KEYPOINT_SCORE:
            continue
        max_body_y = max(max_body_y, abs(center_y - target[j][0]))
        max_body_x = max(max_body_x, abs(center_x - target[j][1]))
    half = max(max_torso_x * 1.9, max_torso_y * 1.9, max_body_y * 1.2, max_body_x * 1.2)
    half = min(half, max(center_x, width - center_x, center_y, height - center_y))
    if half > max(width, height) / 2:
        return init_crop_region(current is None, width, height)
    corner_y, corner_x = center_y - half, center_x - half
    length = half * 2
    return BoundingBox(corner_x / width, corner_y / height,
                       (corner_x + length) / width, (corner_y + length) / height)


# ---------------------------------------------------------------------------------------------
# The task


class MoveNet(TaskBase):
    """MoveNet pose estimation over frames; keeps tracks and filters between `process` calls."""

    def __init__(self, session: Session, options: PoseOptions) -> None:
        super().__init__()
        if options.model not in MODEL_IDS:
            raise ValueError(f"unknown MoveNet model {options.model!r}; use one of "
                             f"{sorted(MODEL_IDS)}")
        self.session = session
        self.options = options
        self.model_id = MODEL_IDS[options.model]
        self.multipose = self.model_id == "movenet_multipose"
        # single-person models find one person at most
        self.num_poses = options.num_poses if self.multipose else 1
        self.input_name = next(iter(session.inputs))
        self.output_name = next(iter(session.outputs))
        _, self.in_h, self.in_w, _ = session.inputs[self.input_name].shape
        self.tracker: Tracker | None = None
        self.keypoint_filters: dict[int, KeypointsOneEuroFilter] = {}
        self.single_filter = KeypointsOneEuroFilter(KEYPOINT_FILTER_CONFIG)
        self.crop_filters = [LowPassFilter(CROP_FILTER_ALPHA) for _ in range(4)]
        self.crop_region: BoundingBox | None = None
        self.reset()

    @classmethod
    async def create(cls, options: PoseOptions | None = None, *,
                     progress: Progress | None = None) -> MoveNet:
        """Load the model named by `options.model`."""
        options = options if options is not None else PoseOptions(model="movenet")
        if options.model not in MODEL_IDS:
            raise ValueError(f"unknown MoveNet model {options.model!r}")
        session = await load_session(MODEL_IDS[options.model], provider=options.provider,
                                     threads=options.threads or 0, progress=progress)
        return cls(session, options)

    def reset(self) -> None:
        """Forget tracks, filters and the single-pose crop region."""
        super().reset()
        opts = self.options
        self.tracker = None
        if self.multipose and opts.enable_tracking:
            self.tracker = (KeypointTracker() if opts.tracker_type == "keypoint"
                            else BoundingBoxTracker())
        self.keypoint_filters.clear()
        self.single_filter.reset()
        for f in self.crop_filters:
            f.reset()
        self.crop_region = None

    async def process(self, frame: Frame, timestamp_ms: float = 0.0,
                      timer: StageTimer | None = None) -> PoseResult:
        timer = timer or StageTimer()
        if frame.width < 1 or frame.height < 1:
            raise InputError(f"empty frame ({frame.width}x{frame.height})")
        if self.options.running_mode == "image":
            self.reset()
        timestamp_us = int(round(timestamp_ms * 1000))
        if self.multipose:
            poses = await self._multipose(frame, timestamp_us, timer)
        else:
            poses = await self._single_pose(frame, timestamp_us, timer)
        with timer.stage("post"):
            result = PoseResult(frame.width, frame.height,
                                [self._to_result(p) for p in poses], COCO_SKELETON,
                                self.options.model, timestamp_ms,
                                self.options.min_keypoint_score, COCO_KEYPOINTS)
        return result

    async def _infer(self, image: Tensor, timer: StageTimer) -> memoryview:
        with timer.stage("infer"):
            out = await self.session.run({self.input_name: image})
        return out[self.output_name].data

    # estimateMultiplePoses + runMultiPersonPoseModel
    async def _multipose(self, frame: Frame, timestamp_us: int,
                         timer: StageTimer) -> list[TrackedPose]:
        with timer.stage("pre"):
            lb = multipose_letterbox(frame.width, frame.height, max(self.in_w, self.in_h),
                                     padded_size=(self.in_w, self.in_h))
            image = pad_rgba(frame.warp(lb.affine, lb.resized_width, lb.resized_height),
                             lb.padded_width, lb.padded_height)
        self.record_input("input", image)
        values = (await self._infer(image, timer)).tolist()
        with timer.stage("post"):
            if len(values) % MULTIPOSE_INSTANCE_SIZE:
                raise InputError(f"unexpected MoveNet MultiPose output size {len(values)}")
            sy = lb.padded_height / lb.resized_height
            sx = lb.padded_width / lb.resized_width
            poses: list[TrackedPose] = []
            for start in range(0, len(values), MULTIPOSE_INSTANCE_SIZE):
                person = values[start:start + MULTIPOSE_INSTANCE_SIZE]
                score = person[MULTIPOSE_BOX_SCORE_IDX]
                if score < self.options.min_pose_score:
                    continue
                keypoints = [
                    Keypoint(person[j + 1] * sx, person[j] * sy, person[j + 2])
                    for j in range(0, MULTIPOSE_BOX_IDX, NUM_KEYPOINT_VALUES)
                ]
                ymin, xmin, ymax, xmax = person[MULTIPOSE_BOX_IDX:MULTIPOSE_BOX_IDX + 4]
                poses.append(TrackedPose(keypoints, score,
                                  BoundingBox(xmin * sx, ymin * sy, xmax * sx, ymax * sy)))
            poses.sort(key=lambda p: p.score, reverse=True)  # the tracker wants best first
            del poses[self.num_poses:]
            if self.tracker is not None:
                self.tracker.apply(poses, timestamp_us)
                if self.options.smooth_landmarks:
                    for pose in poses:
                        filt = self.keypoint_filters.get(pose.id)
                        if filt is None:
                            filt = KeypointsOneEuroFilter(KEYPOINT_FILTER_CONFIG)
                            self.keypoint_filters[pose.id] = filt
                        pose.keypoints = filt.apply(pose.keypoints, timestamp_us, 1.0)
                    live = self.tracker.get_track_ids()
                    for track_id in [t for t in self.keypoint_filters if t not in live]:
                        del self.keypoint_filters[track_id]
        return poses

    # estimateSinglePose + runSinglePersonPoseModel
    async def _single_pose(self, frame: Frame, timestamp_us: int,
                           timer: StageTimer) -> list[TrackedPose]:
        width, height = frame.width, frame.height
        with timer.stage("pre"):
            if self.crop_region is None:
                self.crop_region = init_crop_region(True, width, height)
            crop = self.crop_region
            image = frame.warp(crop_and_resize_affine(crop, width, height, self.in_w, self.in_h),
                               self.in_w, self.in_h)
        self.record_input("input", image)
        values = (await self._infer(image, timer)).tolist()
        with timer.stage("post"):
            if len(values) != NUM_KEYPOINTS * NUM_KEYPOINT_VALUES:
                raise InputError(f"unexpected MoveNet SinglePose output size {len(values)}")
            keypoints = [Keypoint(values[j + 1], values[j], values[j + 2])
                         for j in range(0, len(values), NUM_KEYPOINT_VALUES)]
            valid = [k.score for k in keypoints if k.score > MIN_CROP_KEYPOINT_SCORE]
            score = sum(valid) / len(valid) if valid else 0.0
            if score < self.options.min_pose_score:
                self.reset()
                return []
            for k in keypoints:  # crop -> image coordinates
                k.y = crop.ymin + k.y * crop.height
                k.x = crop.xmin + k.x * crop.width
            if self.options.smooth_landmarks:
                keypoints = self.single_filter.apply(keypoints, timestamp_us, 1.0)
            nxt = determine_next_crop_region(self.crop_region, keypoints, width, height)
            f = self.crop_filters
            self.crop_region = BoundingBox(f[1].apply(nxt.xmin), f[0].apply(nxt.ymin),
                                           f[3].apply(nxt.xmax), f[2].apply(nxt.ymax))
            pose = TrackedPose(keypoints, score)
            thr = self.options.min_keypoint_score
            shown = [k for k in keypoints if k.score >= thr]
            if shown:
                pose.box = BoundingBox(min(k.x for k in shown), min(k.y for k in shown),
                                       max(k.x for k in shown), max(k.y for k in shown))
        return [pose]

    @staticmethod
    def _to_result(pose: TrackedPose) -> Pose:
        box = pose.box
        return Pose(
            landmarks=[Landmark(k.x, k.y, 0.0, k.score, k.score) for k in pose.keypoints],
            score=pose.score,
            box=(box.xmin, box.ymin, box.xmax, box.ymax) if box is not None else None,
            id=pose.id,
            keypoint_names=COCO_KEYPOINTS,
        )

    def close(self) -> None:
        self.session.close()
