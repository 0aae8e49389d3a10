"""The detect-then-track loop every landmark task shares (pose, face, hands).

MediaPipe composes each landmarker graph the same way (pose_landmarker_graph.cc: a detector
subgraph + PreviousLoopbackCalculator + AssociationNormRectCalculator + a landmarks subgraph
per ROI); this class is that composition, and the tasks fill in only what is theirs.

Per frame:
  video mode: ROIs tracked from last frame's landmarks
  fewer than `max_objects` tracked (or image mode): the SSD detector -> ROI per detection
  association: new ROIs that overlap a tracked one are dropped (the tracked ROI wins)
  per ROI: landmark model, gated by min_tracking_confidence (tracked ROI) or
           min_presence_confidence (fresh detection); below it the object is lost this frame
  video mode: smoothing -> next frame's ROI from the landmarks -> drop degenerate ROIs and
              ROIs that now cover an object already tracked

A subclass supplies: `options_class`, `max_objects_option`, `model_ids`, the detector and
detection-to-ROI presets, the presence output (`flag_output`), `landmarks` (decode the outputs),
`new_track`, `smooth`, `next_roi`, `build_item` and `build_result`. A fix to association or
tracking loss lands here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from frontml.calculators.association_norm_rect import associate, overlaps_any, usable_roi
from frontml.calculators.detections_to_rects import DetectionToRoiPreset, detection_to_roi
from frontml.calculators.detector_preset import DetectorPreset
from frontml.calculators.image_to_tensor import ImageToTensorTransform, image_to_tensor_transform
from frontml.calculators.landmarks import sigmoid
from frontml.calculators.types import Detection, NormalizedRect
from frontml.image import Frame, warp_like_opencv
from frontml.models import Progress, load_session
from frontml.runtime import Session, Tensor
from frontml.tasks.core.detector import SsdDetector
from frontml.tasks.core.options import LandmarkerOptions
from frontml.tasks.core.result import FrameResult
from frontml.tasks.core.task import TaskBase
from frontml.timing import StageTimer

ASSOCIATIONS = ("tracked_first", "norm_rect")


@dataclass
class Track:
    """One object followed across video frames: its ROI for the next frame and the task's
    smoothing state (filters)."""

    roi: NormalizedRect
    filters: Any = None


class LandmarkerTask(TaskBase):
    """Detector + landmark model + tracking. Counters for tests and the HUD: `detector_runs`,
    `landmark_runs`.

    association: how fresh detection ROIs meet tracked ones.
      "tracked_first": tracked ROIs first; detections are added best first while fewer than
        `max_objects`, skipping any that overlap (IoU > min_tracking_confidence) a kept ROI
        (the legacy solutions' pose and face graphs).
      "norm_rect": AssociationNormRectCalculator on [detection ROIs..., tracked ROIs...]
        (later wins; the legacy hand tracking graph).
    """

    options: LandmarkerOptions
    options_class: ClassVar[type] = LandmarkerOptions
    # the options field that caps the objects per frame (num_poses, num_faces, num_hands)
    max_objects_option: ClassVar[str]
    # the detector graph's preset (or override detector_preset() when options choose it)
    ssd_preset: ClassVar[DetectorPreset]
    association: ClassVar[str] = "tracked_first"
    # The landmark model's presence output (ThresholdingCalculator input) and whether it is a
    # logit (sigmoid applied first) or already a probability.
    flag_output: ClassVar[str]
    flag_is_logit: ClassVar[bool] = False
    # ImageToTensorCalculator's default border mode for the ROI crop (BORDER_REPLICATE).
    landmark_border: ClassVar[str] = "replicate"

    def __init__(self, options: LandmarkerOptions, detector: Session,
                 landmarker: Session) -> None:
        super().__init__()
        if self.association not in ASSOCIATIONS:
            raise ValueError(f"association must be one of {ASSOCIATIONS}")
        self.options = options
        # The legacy solutions set the detector's min_score_thresh from min_detection_confidence.
        self.detector = SsdDetector(self.detector_preset(options), detector,
                                    min_score=options.min_detection_confidence)
        self.landmarker = landmarker
        _, self._lm_h, self._lm_w, _ = landmarker.inputs["image"].shape
        self._tracks: list[Track] = []
        self.landmark_runs = 0

    # ------------------------------------------------------------------ life cycle

    @classmethod
    def model_ids(cls, options: Any) -> tuple[str, ...]:
        """Model ids to load, in constructor order (detector, landmark model, extras)."""
        raise NotImplementedError

    @classmethod
    def default_options(cls) -> LandmarkerOptions:
        return cls.options_class()

    @classmethod
    async def create(cls, options: Any = None, *, progress: Progress | None = None):
        """Load the models (closing those already loaded if one fails) and build the task."""
        options = options if options is not None else cls.default_options()
        model_ids = cls.model_ids(options)
        sessions: list[Session] = []
        try:
            for model_id in model_ids:
                sessions.append(await load_session(model_id, provider=options.provider,
                                                   threads=options.threads or 0,
                                                   progress=progress))
        except BaseException:
            for session in sessions:
                session.close()
            raise
        return cls(options, *sessions)

    def reset(self) -> None:
        """Forget tracked objects and timestamps (e.g. when the video source changes)."""
        super().reset()
        self._tracks = []

    def close(self) -> None:
        self.detector.close()
        self.landmarker.close()
        self._tracks = []

    @property
    def detector_runs(self) -> int:
        return self.detector.runs

    # ------------------------------------------------------------------ what subclasses supply

    @classmethod
    def detector_preset(cls, options: Any) -> DetectorPreset:
        return cls.ssd_preset

    detection_to_roi_preset: ClassVar[DetectionToRoiPreset]

    @property
    def max_objects(self) -> int:
        return getattr(self.options, self.max_objects_option)

    async def landmarks(self, frame: Frame, roi: NormalizedRect, outputs: dict[str, Tensor],
                        transform: ImageToTensorTransform, score: float,
                        timer: StageTimer) -> Any:
        """Decode the landmark model's outputs for one ROI that passed the presence gate."""
        raise NotImplementedError

    def new_track(self, roi: NormalizedRect) -> Track:
        return Track(roi)

    def smooth(self, track: Track, found: Any, timestamp_us: int, width: int,
               height: int) -> Any:
        """Video mode: smooth `found` with the track's filters (default: unchanged)."""
        return found

    def next_roi(self, found: Any, width: int, height: int) -> NormalizedRect:
        """Next frame's ROI from this frame's (smoothed) landmarks."""
        raise NotImplementedError

    def build_item(self, found: Any, width: int, height: int) -> Any:
        """The result item (Pose, Face, Hand) for one object."""
        return found

    def build_result(self, width: int, height: int, items: list) -> FrameResult:
        raise NotImplementedError

    # ------------------------------------------------------------------ shared steps

    def roi_from_detection(self, detection: Detection, width: int,
                           height: int) -> NormalizedRect:
        """The task's detection-to-ROI subgraph (DetectionsToRects + RectTransformation)."""
        return detection_to_roi(detection, (width, height), self.detection_to_roi_preset)

    def landmark_score(self, outputs: dict[str, Tensor]) -> float:
        """TensorsToFloatsCalculator (+ sigmoid): the presence the gate compares."""
        value = float(outputs[self.flag_output].data[0])
        return sigmoid(value) if self.flag_is_logit else value

    async def run_landmark_model(
        self, frame: Frame, roi: NormalizedRect, timer: StageTimer
    ) -> tuple[dict[str, Tensor], ImageToTensorTransform]:
        """ImageToTensorCalculator (rotated ROI crop, keep_aspect_ratio) -> landmark model."""
        with timer.stage("pre"):
            transform = image_to_tensor_transform(
                frame.width, frame.height, self._lm_w, self._lm_h, roi, keep_aspect_ratio=True
            )
            image = warp_like_opencv(frame, transform.affine, self._lm_w, self._lm_h,
                                     self.landmark_border, transform.opencv_matrix)
        with timer.stage("infer"):
            outputs = await self.landmarker.run({"image": image})
        self.landmark_runs += 1
        self.record_input("landmark_input", image)
        if "landmarks" in outputs:
            self.record_input("landmark_output", outputs["landmarks"])
        return outputs, transform

    def associate_rois(self, detections: list[Detection], tracked: list[Track], width: int,
                       height: int) -> list[tuple[NormalizedRect, Track | None]]:
        """(ROI, its track or None for a fresh detection), in processing order."""
        threshold = self.options.min_tracking_confidence
        if self.association == "norm_rect":
            # ClipDetectionVectorSizeCalculator (max_objects) + detection-to-ROI, then
            # AssociationNormRectCalculator with the tracked ROIs last (they win).
            fresh = [roi for roi in (self.roi_from_detection(d, width, height)
                                     for d in detections[:self.max_objects])
                     if usable_roi(roi, width, height)]
            rects = fresh + [t.roi for t in tracked]
            return [(rects[i], tracked[i - len(fresh)] if i >= len(fresh) else None)
                    for i in associate(rects, threshold)]
        pairs: list[tuple[NormalizedRect, Track | None]] = [(t.roi, t) for t in tracked]
        rois = [t.roi for t in tracked]
        for detection in detections:
            if len(pairs) >= self.max_objects:
                break
            roi = self.roi_from_detection(detection, width, height)
            if not usable_roi(roi, width, height) or overlaps_any(roi, rois, threshold):
                continue
            rois.append(roi)
            pairs.append((roi, None))
        return pairs

    async def process(self, frame: Frame, timestamp_ms: float | None = None,
                      timer: StageTimer | None = None) -> FrameResult:
        """Objects in `frame`. In video mode timestamps (ms) must increase from call to call."""
        timer = timer if timer is not None else StageTimer()
        width, height = frame.width, frame.height
        if width < 1 or height < 1:
            return self.build_result(width, height, [])
        timestamp_us = self.check_timestamp(
            frame.timestamp_ms if timestamp_ms is None else timestamp_ms)
        video = self.options.running_mode == "video"
        options = self.options

        # PreviousLoopbackCalculator + GateCalculator: ROIs from last frame's landmarks.
        tracked = list(self._tracks) if video else []
        detections: list[Detection] = []
        if len(tracked) < self.max_objects:
            detections = await self.detector.detect(frame, timer)
        with timer.stage("post"):
            pairs = self.associate_rois(detections, tracked, width, height)

        new_tracks: list[Track] = []
        items: list = []
        for roi, track in pairs:
            threshold = (options.min_tracking_confidence if track is not None
                         else options.min_presence_confidence)
            outputs, transform = await self.run_landmark_model(frame, roi, timer)
            with timer.stage("post"):
                # ThresholdingCalculator + GateCalculator on the presence flag
                score = self.landmark_score(outputs)
            if not score >= threshold:
                continue  # lost: nothing this frame, the detector looks again next frame
            found = await self.landmarks(frame, roi, outputs, transform, score, timer)
            with timer.stage("post"):
                if video:
                    if track is None:
                        track = self.new_track(roi)
                    found = self.smooth(track, found, timestamp_us, width, height)
                    track.roi = self.next_roi(found, width, height)
                    if not usable_roi(track.roi, width, height) or overlaps_any(
                        track.roi, [t.roi for t in new_tracks], options.min_tracking_confidence
                    ):
                        continue  # degenerate, or now the same object as an earlier track
                    new_tracks.append(track)
                items.append(self.build_item(found, width, height))
            if len(items) >= self.max_objects:
                break
        if video:
            self._tracks = new_tracks
        return self.build_result(width, height, items)
