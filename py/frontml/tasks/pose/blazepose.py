"""BlazePose: MediaPipe's pose landmarker (detector + landmark model + tracking) in Python.

The graph this follows is mediapipe/modules/pose_landmark/pose_landmark_cpu.pbtxt (the legacy
`mp.solutions.pose` graph); multi-pose tracking follows the Tasks PoseLandmarker (track every
ROI, run the detector while fewer than num_poses are tracked, keep tracked ROIs over
overlapping new detections).

Per frame:
  video mode, pose tracked:   ROI from last frame's auxiliary landmarks -> landmark model
  otherwise:                  detector (letterboxed 224x224) -> decode + weighted NMS ->
                              ROI from detection keypoints -> landmark model
  landmark model (rotated 256x256 crop) -> pose flag gate -> landmarks (+ heatmap refinement)
  -> projection back to the image -> (video) smoothing -> next frame's ROI.

Everything here is stdlib-only glue around `frontml.calculators`; pixels are touched only by
`frame.warp` (canvas in the page, Pillow in CPython) and by the models.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from frontml.calculators.association_norm_rect import rect_iou, usable_roi
from frontml.calculators.detection_letterbox import (
    remove_detection_letterbox,
    remove_landmark_letterbox,
)
from frontml.calculators.detections_to_rects import detection_to_roi
from frontml.calculators.image_to_tensor import image_to_tensor_transform
from frontml.calculators.landmarks import (
    landmark_projection,
    sigmoid,
    tensors_to_landmarks,
    tensors_to_normalized_landmarks,
    world_landmark_projection,
)
from frontml.calculators.non_max_suppression import non_max_suppression
from frontml.calculators.ssd_anchors import generate_anchors
from frontml.calculators.tensors_to_detections import TensorsToDetectionsCalculator
from frontml.calculators.types import Detection, Landmark, NormalizedRect
from frontml.errors import InputError
from frontml.image import Frame, warp_like_opencv
from frontml.models import Progress, load_session
from frontml.runtime import Session, Tensor
from frontml.tasks.pose.constants import (
    HEATMAP_KERNEL_SIZE,
    HEATMAP_MIN_CONFIDENCE_TO_REFINE,
    POSE_DETECTION,
    POSE_DETECTION_TO_ROI,
    POSE_LANDMARKS_OPTIONS,
    POSE_NUM_LANDMARKS,
    POSE_WORLD_LANDMARKS_OPTIONS,
)
from frontml.tasks.pose.filtering import PoseLandmarkFiltering, pose_landmarks_to_roi
from frontml.tasks.pose.options import BLAZEPOSE_MODELS, PoseOptions
from frontml.tasks.pose.types import Pose, PoseResult
from frontml.timing import StageTimer

DETECTOR_MODEL_ID = "pose_detection"
LANDMARK_MODEL_IDS = {name: f"pose_landmark_{name}" for name in BLAZEPOSE_MODELS}


# ImageToTensorCalculator border modes: the detector asks for BORDER_ZERO
# (pose_detection_cpu.pbtxt); the landmark crop uses the default, BORDER_REPLICATE
# (pose_landmark_by_roi_cpu.pbtxt), which matters a lot when the ROI leaves the image.
DETECTOR_BORDER = "zero"
LANDMARK_BORDER = "replicate"


# Port of RefineLandmarksFromHeatMap() (refine_landmarks_from_heatmap_calculator.cc), in place.
def refine_landmarks_from_heatmap(
    landmarks: Sequence[Landmark],
    heatmap: memoryview,
    hm_height: int,
    hm_width: int,
    hm_channels: int,
    kernel_size: int = HEATMAP_KERNEL_SIZE,
    min_confidence_to_refine: float = HEATMAP_MIN_CONFIDENCE_TO_REFINE,
) -> None:
    """Replaces x/y by the sigmoid-weighted centroid of a kernel around each landmark when the
    heatmap is confident there. Reads kernel_size^2 values per landmark, not the whole tensor."""
    if len(landmarks) != hm_channels:
        raise ValueError("Expected heatmap to have number of layers == to number of landmarks")
    row_size = hm_width * hm_channels
    offset = (kernel_size - 1) // 2
    for index, lm in enumerate(landmarks):
        if not (math.isfinite(lm.x) and math.isfinite(lm.y)):
            continue
        center_col = int(lm.x * hm_width)  # C++ float->int truncates toward zero
        center_row = int(lm.y * hm_height)
        # MediaPipe checks center_col against hm_height where center_row is meant; the heatmap
        # is square, and the row range below comes out empty for rows past the end anyway.
        if center_col < 0 or center_col >= hm_width or center_row < 0 or center_col >= hm_height:
            continue
        begin_col = max(0, center_col - offset)
        end_col = min(hm_width, center_col + offset + 1)
        begin_row = max(0, center_row - offset)
        end_row = min(hm_height, center_row + offset + 1)
        total = weighted_col = weighted_row = max_confidence = 0.0
        for row in range(begin_row, end_row):
            base = row_size * row + index
            for col in range(begin_col, end_col):
                confidence = sigmoid(heatmap[base + hm_channels * col])
                total += confidence
                if confidence > max_confidence:
                    max_confidence = confidence
                weighted_col += col * confidence
                weighted_row += row * confidence
        if max_confidence >= min_confidence_to_refine and total > 0:
            lm.x = weighted_col / hm_width / total
            lm.y = weighted_row / hm_height / total


@dataclasses.dataclass
class _Track:
    """One pose followed across video frames."""

    roi: NormalizedRect
    filtering: PoseLandmarkFiltering


@dataclasses.dataclass
class _RoiResult:
    pose: Pose
    auxiliary: list[Landmark]


class BlazePose:
    """MediaPipe BlazePose (33 landmarks, world landmarks, optional mask) for frames.

    Counters for tests and the HUD: `detector_runs`, `landmark_runs`.
    """

    def __init__(self, options: PoseOptions, detector: Session, landmarker: Session) -> None:
        if options.model not in LANDMARK_MODEL_IDS:
            raise ValueError(f"BlazePose model must be one of {BLAZEPOSE_MODELS}, "
                             f"got {options.model!r}")
        self.options = options
        self.detector = detector
        self.landmarker = landmarker
        preset = POSE_DETECTION
        self._preset = preset
        # pose_detection_cpu.pbtxt's TensorsToDetectionsCalculator; the legacy solution sets
        # its min_score_thresh from min_detection_confidence.
        decoding = dataclasses.replace(
            preset.decoding, min_score_thresh=options.min_detection_confidence
        )
        self._decoder = TensorsToDetectionsCalculator(decoding, generate_anchors(preset.anchors))
        _, self._lm_h, self._lm_w, _ = landmarker.inputs["image"].shape
        self._tracks: list[_Track] = []
        self._last_timestamp_us: int | None = None
        self.detector_runs = 0
        self.landmark_runs = 0

    @classmethod
    async def create(
        cls, options: PoseOptions | None = None, *, progress: Progress | None = None
    ) -> BlazePose:
        options = options or PoseOptions()
        if options.model not in LANDMARK_MODEL_IDS:
            raise ValueError(f"BlazePose model must be one of {BLAZEPOSE_MODELS}, "
                             f"got {options.model!r}")
        detector = await load_session(DETECTOR_MODEL_ID, provider=options.provider,
                                      progress=progress)
        try:
            landmarker = await load_session(LANDMARK_MODEL_IDS[options.model],
                                            provider=options.provider, progress=progress)
        except BaseException:
            detector.close()
            raise
        return cls(options, detector, landmarker)

    def reset(self) -> None:
        """Forget tracked poses and timestamps (e.g. when the video source changes)."""
        self._tracks = []
        self._last_timestamp_us = None

    def close(self) -> None:
        self.detector.close()
        self.landmarker.close()
        self._tracks = []

    # ------------------------------------------------------------------ per frame

    async def process(
        self, frame: Frame, timestamp_ms: float | None = None, timer: StageTimer | None = None
    ) -> PoseResult:
        """Poses in `frame`. In video mode timestamps (ms) must increase from call to call."""
        timer = timer if timer is not None else StageTimer()
        width, height = frame.width, frame.height
        result = PoseResult(width, height, [])
        if width < 1 or height < 1:
            return result
        video = self.options.running_mode == "video"
        if timestamp_ms is None:
            timestamp_ms = frame.timestamp_ms
        timestamp_us = int(round(timestamp_ms * 1000.0))  # MediaPipe timestamps are microseconds
        if video:
            if self._last_timestamp_us is not None and timestamp_us <= self._last_timestamp_us:
                raise InputError(
                    f"video mode needs increasing timestamps: got {timestamp_ms} ms after "
                    f"{self._last_timestamp_us / 1000.0} ms (call reset() to start over)"
                )
            self._last_timestamp_us = timestamp_us

        # PreviousLoopbackCalculator + GateCalculator: ROIs from last frame's landmarks.
        tracks: list[_Track | None] = list(self._tracks) if video else []
        rois = [t.roi for t in tracks if t is not None]
        if len(rois) < self.options.num_poses:
            detections = await self._detect(frame, timer)
            with timer.stage("post"):
                for detection in detections:
                    if len(rois) >= self.options.num_poses:
                        break
                    # PoseDetectionToRoi subgraph (pose_detection_to_roi.pbtxt)
                    roi = detection_to_roi(detection, (width, height), POSE_DETECTION_TO_ROI)
                    if not usable_roi(roi, width, height):
                        continue
                    # Association (AssociationNormRectCalculator): tracked ROIs win.
                    if any(rect_iou(roi, r) > self.options.min_tracking_confidence
                           for r in rois):
                        continue
                    rois.append(roi)
                    tracks.append(None)

        new_tracks: list[_Track] = []
        for roi, track in zip(rois, tracks, strict=True):
            threshold = (self.options.min_tracking_confidence if track is not None
                         else self.options.min_presence_confidence)
            found = await self._landmarks(frame, roi, threshold, timer)
            if found is None:
                continue  # tracking lost: MediaPipe outputs nothing now, detects next frame
            if not video:
                result.poses.append(found.pose)
                continue
            with timer.stage("post"):
                if track is None:
                    track = _Track(roi, PoseLandmarkFiltering(self.options.smooth_landmarks))
                pose = found.pose
                # PoseLandmarkFiltering subgraph (pose_landmark_filtering.pbtxt)
                filtered = track.filtering.apply(
                    timestamp_us, width, height, pose.landmarks, found.auxiliary,
                    pose.world_landmarks,
                )
                if filtered.landmarks is not None:
                    pose.landmarks = filtered.landmarks
                if filtered.world_landmarks is not None:
                    pose.world_landmarks = filtered.world_landmarks
                aux = filtered.auxiliary_landmarks or found.auxiliary
                # PoseLandmarksToRoi subgraph (pose_landmarks_to_roi.pbtxt): next frame's ROI.
                track.roi = pose_landmarks_to_roi(aux, width, height)
                if not usable_roi(track.roi, width, height) or any(
                    rect_iou(track.roi, t.roi) > self.options.min_tracking_confidence
                    for t in new_tracks
                ):
                    # degenerate, or now the same person as an earlier track: stop tracking it
                    continue
                new_tracks.append(track)
                result.poses.append(pose)
        if video:
            self._tracks = new_tracks
        return result

    async def _detect(self, frame: Frame, timer: StageTimer) -> list[Detection]:
        """PoseDetectionCpu subgraph (pose_detection_cpu.pbtxt): detections, best first."""
        preset = self._preset
        with timer.stage("pre"):
            # ImageToTensorCalculator: whole image, letterboxed (keep_aspect_ratio).
            transform = image_to_tensor_transform(
                frame.width, frame.height, preset.input_width, preset.input_height,
                keep_aspect_ratio=preset.keep_aspect_ratio,
            )
            image = warp_like_opencv(frame, transform.affine, preset.input_width,
                                     preset.input_height, DETECTOR_BORDER)
        with timer.stage("infer"):
            outputs = await self.detector.run({"image": image})
        self.detector_runs += 1
        with timer.stage("post"):
            # TensorsToDetectionsCalculator -> NonMaxSuppressionCalculator (WEIGHTED) ->
            # DetectionLetterboxRemovalCalculator
            detections = self._decoder.process(outputs["boxes"].data, outputs["scores"].data)
            detections = non_max_suppression(detections, preset.nms)
            detections = remove_detection_letterbox(detections, transform.letterbox_padding)
        return detections

    async def _landmarks(
        self, frame: Frame, roi: NormalizedRect, threshold: float, timer: StageTimer
    ) -> _RoiResult | None:
        """PoseLandmarkByRoiCpu subgraph (pose_landmark_by_roi_cpu.pbtxt) for one ROI."""
        width, height = frame.width, frame.height
        with timer.stage("pre"):
            # ImageToTensorCalculator: rotated ROI crop, keep_aspect_ratio, range [0, 1] (the
            # range and the RGBA->RGB step are folded into the model), BORDER_REPLICATE.
            transform = image_to_tensor_transform(
                width, height, self._lm_w, self._lm_h, roi, keep_aspect_ratio=True
            )
            image = warp_like_opencv(frame, transform.affine, self._lm_w, self._lm_h,
                                     LANDMARK_BORDER)
        with timer.stage("infer"):
            outputs = await self.landmarker.run({"image": image})
        self.landmark_runs += 1
        with timer.stage("post"):
            # TensorsToFloatsCalculator + ThresholdingCalculator + GateCalculator: pose flag.
            score = float(outputs["pose_flag"].data[0])
            if not score >= threshold:
                return None
            # TensorsToLandmarksCalculator (39 landmarks, sigmoid visibility/presence)
            raw = tensors_to_normalized_landmarks(outputs["landmarks"].data,
                                                  POSE_LANDMARKS_OPTIONS)
            # RefineLandmarksFromHeatmapCalculator (kernel 7)
            heatmap: Tensor = outputs["heatmap"]
            _, hm_h, hm_w, hm_c = heatmap.shape
            refine_landmarks_from_heatmap(raw, heatmap.data, hm_h, hm_w, hm_c)
            # LandmarkLetterboxRemovalCalculator + LandmarkProjectionCalculator (NORM_RECT)
            raw = remove_landmark_letterbox(raw, transform.letterbox_padding)
            projected = landmark_projection(raw, roi)
            landmarks = projected[:POSE_NUM_LANDMARKS]
            auxiliary = projected[POSE_NUM_LANDMARKS:POSE_NUM_LANDMARKS + 2]
            # TensorsToLandmarksCalculator (world) + VisibilityCopyCalculator +
            # WorldLandmarkProjectionCalculator
            world = tensors_to_landmarks(outputs["world_landmarks"].data,
                                         POSE_WORLD_LANDMARKS_OPTIONS)[:POSE_NUM_LANDMARKS]
            for w, lm in zip(world, landmarks, strict=True):
                w.visibility = lm.visibility
                w.presence = lm.presence
            world = world_landmark_projection(world, roi)
            mask = outputs["mask"] if self.options.output_mask else None
            pose = Pose(
                score=score,
                landmarks=landmarks,
                world_landmarks=world,
                roi=roi,
                mask=mask,
                mask_affine=transform.affine if mask is not None else None,
            )
        return _RoiResult(pose, auxiliary)
