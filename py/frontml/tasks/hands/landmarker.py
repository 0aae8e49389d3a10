"""MediaPipe Hands in Python: palm detection + hand landmarks + tracking, up to 4 hands.

The graph this follows is mediapipe/modules/hand_landmark/hand_landmark_tracking_cpu.pbtxt (the
legacy `mp.solutions.hands` graph) with its subgraphs palm_detection_cpu.pbtxt,
palm_detection_detection_to_roi.pbtxt, hand_landmark_cpu.pbtxt and
hand_landmark_landmarks_to_roi.pbtxt; smoothing follows the Tasks HandLandmarker.

Per frame:
  video mode, hands tracked:  ROIs from last frame's landmarks; the palm detector runs only while
                              fewer than num_hands are tracked
  otherwise:                  palm detector (letterboxed 192x192, [0, 1]) -> decode (2016
                              anchors) + weighted NMS -> at most num_hands -> ROI per palm
                              (wrist -> middle MCP up, x2.6, shift -0.5, square)
  association (tracked ROIs win over overlapping new ones) -> per ROI: rotated 224x224 crop ->
  hand landmark model -> presence gate -> landmarks, handedness, world landmarks -> projection
  back to the image -> (video) smoothing -> next frame's ROI from the palm landmarks
  -> built-in gesture from the landmarks.

Stdlib-only glue around `frontml.calculators`; pixels are touched only by `frame.warp` and the
models.
"""

from __future__ import annotations

import dataclasses

from frontml.calculators.association_norm_rect import associate, rect_iou, usable_roi
from frontml.calculators.detection_letterbox import (
    remove_detection_letterbox,
    remove_landmark_letterbox,
)
from frontml.calculators.detections_to_rects import detection_to_roi
from frontml.calculators.filters import LandmarksSmoothing
from frontml.calculators.image_to_tensor import image_to_tensor_transform
from frontml.calculators.landmarks import (
    landmark_projection,
    tensors_to_landmarks,
    tensors_to_normalized_landmarks,
    world_landmark_projection,
)
from frontml.calculators.non_max_suppression import non_max_suppression
from frontml.calculators.ssd_anchors import generate_anchors
from frontml.calculators.tensors_to_detections import TensorsToDetectionsCalculator
from frontml.calculators.types import Detection, NormalizedRect
from frontml.errors import InputError
from frontml.image import Frame, warp_like_opencv
from frontml.models import Progress, load_session
from frontml.runtime import Session
from frontml.tasks.hands.constants import (
    HAND_LANDMARKS_FILTER,
    HAND_LANDMARKS_OPTIONS,
    HAND_WORLD_LANDMARKS_FILTER,
    HAND_WORLD_LANDMARKS_OPTIONS,
    PALM_DETECTION,
    PALM_DETECTION_TO_ROI,
)
from frontml.tasks.hands.gestures import classify_gesture
from frontml.tasks.hands.landmarks_to_rect import hand_landmarks_to_roi, handedness_from_tensor
from frontml.tasks.hands.options import HAND_MODELS, HandsOptions
from frontml.tasks.hands.types import Hand, HandsResult
from frontml.timing import StageTimer

DETECTOR_MODEL_IDS = {name: f"palm_detection_{name}" for name in HAND_MODELS}
LANDMARK_MODEL_IDS = {name: f"hand_landmark_{name}" for name in HAND_MODELS}
# palm_detection_cpu.pbtxt asks for BORDER_ZERO; hand_landmark_cpu.pbtxt leaves the default,
# BORDER_REPLICATE.
DETECTOR_BORDER = "zero"
LANDMARK_BORDER = "replicate"
# hand_landmark_cpu.pbtxt TensorsToLandmarksCalculator: "normalize_z: 0.4" (z distribution of
# the training data).
HAND_NORMALIZE_Z = 0.4
_LANDMARK_OPTIONS = dataclasses.replace(HAND_LANDMARKS_OPTIONS, normalize_z=HAND_NORMALIZE_Z)


@dataclasses.dataclass
class _Track:
    """One hand followed across video frames."""

    roi: NormalizedRect
    landmarks_filter: LandmarksSmoothing
    world_filter: LandmarksSmoothing


class HandLandmarker:
    """MediaPipe Hands (21 landmarks, handedness, world landmarks) for frames.

    Counters for tests and the HUD: `detector_runs`, `landmark_runs`.
    """

    def __init__(self, options: HandsOptions, detector: Session, landmarker: Session) -> None:
        self.options = options
        self.detector = detector
        self.landmarker = landmarker
        preset = PALM_DETECTION
        self._preset = preset
        # The legacy solution sets palm detection's min_score_thresh from
        # min_detection_confidence.
        decoding = dataclasses.replace(
            preset.decoding, min_score_thresh=options.min_detection_confidence
        )
        self._decoder = TensorsToDetectionsCalculator(decoding, generate_anchors(preset.anchors))
        _, self._lm_h, self._lm_w, _ = landmarker.inputs["image"].shape
        self._options = dataclasses.replace(
            _LANDMARK_OPTIONS, input_image_width=self._lm_w, input_image_height=self._lm_h
        )
        self._tracks: list[_Track] = []
        self._last_timestamp_us: int | None = None
        self.detector_runs = 0
        self.landmark_runs = 0

    @classmethod
    async def create(
        cls, options: HandsOptions | None = None, *, progress: Progress | None = None
    ) -> HandLandmarker:
        options = options or HandsOptions()
        detector = await load_session(DETECTOR_MODEL_IDS[options.model],
                                      provider=options.provider, progress=progress)
        try:
            landmarker = await load_session(LANDMARK_MODEL_IDS[options.model],
                                            provider=options.provider, progress=progress)
        except BaseException:
            detector.close()
            raise
        return cls(options, detector, landmarker)

    def reset(self) -> None:
        """Forget tracked hands and timestamps (e.g. when the video source changes)."""
        self._tracks = []
        self._last_timestamp_us = None

    def close(self) -> None:
        self.detector.close()
        self.landmarker.close()
        self._tracks = []

    # ------------------------------------------------------------------ per frame

    async def process(
        self, frame: Frame, timestamp_ms: float | None = None, timer: StageTimer | None = None
    ) -> HandsResult:
        """Hands in `frame`. In video mode timestamps (ms) must increase from call to call."""
        timer = timer if timer is not None else StageTimer()
        width, height = frame.width, frame.height
        result = HandsResult(width, height, [])
        if width < 1 or height < 1:
            return result
        video = self.options.running_mode == "video"
        if timestamp_ms is None:
            timestamp_ms = frame.timestamp_ms
        timestamp_us = int(round(timestamp_ms * 1000.0))
        if video:
            if self._last_timestamp_us is not None and timestamp_us <= self._last_timestamp_us:
                raise InputError(
                    f"video mode needs increasing timestamps: got {timestamp_ms} ms after "
                    f"{self._last_timestamp_us / 1000.0} ms (call reset() to start over)"
                )
            self._last_timestamp_us = timestamp_us

        # PreviousLoopbackCalculator + GateCalculator: ROIs from last frame's landmarks.
        tracked: list[_Track] = list(self._tracks) if video else []
        fresh: list[NormalizedRect] = []
        if len(tracked) < self.options.num_hands:
            detections = await self._detect(frame, timer)
            with timer.stage("post"):
                # ClipDetectionVectorSizeCalculator (num_hands) + PalmDetectionDetectionToRoi
                for detection in detections[:self.options.num_hands]:
                    roi = detection_to_roi(detection, (width, height), PALM_DETECTION_TO_ROI)
                    if usable_roi(roi, width, height):
                        fresh.append(roi)
        with timer.stage("post"):
            # AssociationNormRectCalculator: palm ROIs first, then the tracked ones (which win).
            rects = fresh + [t.roi for t in tracked]
            order = associate(rects, self.options.min_tracking_confidence)
        new_tracks: list[_Track] = []
        for index in order:
            track = tracked[index - len(fresh)] if index >= len(fresh) else None
            roi = rects[index]
            threshold = (self.options.min_tracking_confidence if track is not None
                         else self.options.min_presence_confidence)
            hand = await self._landmarks(frame, roi, threshold, timer)
            if hand is None:
                continue  # lost: nothing this frame, the detector looks again next frame
            with timer.stage("post"):
                if video:
                    if track is None:
                        track = _Track(roi, LandmarksSmoothing(HAND_LANDMARKS_FILTER),
                                       LandmarksSmoothing(HAND_WORLD_LANDMARKS_FILTER))
                    if self.options.smooth_landmarks:
                        smoothed = track.landmarks_filter.apply(hand.landmarks, timestamp_us,
                                                                width, height)
                        world = track.world_filter.apply(hand.world_landmarks, timestamp_us)
                        hand.landmarks = smoothed or hand.landmarks
                        hand.world_landmarks = world or hand.world_landmarks
                    # HandLandmarkLandmarksToRoi: next frame's ROI.
                    track.roi = hand_landmarks_to_roi(hand.landmarks, width, height)
                    if not usable_roi(track.roi, width, height) or any(
                        rect_iou(track.roi, t.roi) > self.options.min_tracking_confidence
                        for t in new_tracks
                    ):
                        continue  # degenerate, or now the same hand as an earlier track
                    new_tracks.append(track)
                if self.options.gestures:
                    hand.gesture = classify_gesture(hand)
                result.hands.append(hand)
            if len(result.hands) >= self.options.num_hands:
                break
        if video:
            self._tracks = new_tracks
        return result

    async def _detect(self, frame: Frame, timer: StageTimer) -> list[Detection]:
        """PalmDetectionCpu subgraph (palm_detection_cpu.pbtxt): detections, best first."""
        preset = self._preset
        with timer.stage("pre"):
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
            detections = self._decoder.process(outputs["boxes"].data, outputs["scores"].data)
            detections = non_max_suppression(detections, preset.nms)
            detections = remove_detection_letterbox(detections, transform.letterbox_padding)
        return detections

    async def _landmarks(
        self, frame: Frame, roi: NormalizedRect, threshold: float, timer: StageTimer
    ) -> Hand | None:
        """HandLandmarkCpu subgraph (hand_landmark_cpu.pbtxt) for one ROI."""
        width, height = frame.width, frame.height
        with timer.stage("pre"):
            transform = image_to_tensor_transform(
                width, height, self._lm_w, self._lm_h, roi, keep_aspect_ratio=True
            )
            image = warp_like_opencv(frame, transform.affine, self._lm_w, self._lm_h,
                                     LANDMARK_BORDER)
        with timer.stage("infer"):
            outputs = await self.landmarker.run({"image": image})
        self.landmark_runs += 1
        with timer.stage("post"):
            # TensorsToFloats + ThresholdingCalculator: hand presence (already a probability).
            presence = float(outputs["hand_flag"].data[0])
            if not presence >= threshold:
                return None
            handedness, score = handedness_from_tensor(float(outputs["handedness"].data[0]))
            raw = tensors_to_normalized_landmarks(outputs["landmarks"].data, self._options)
            raw = remove_landmark_letterbox(raw, transform.letterbox_padding)
            landmarks = landmark_projection(raw, roi)
            world = tensors_to_landmarks(outputs["world_landmarks"].data,
                                         HAND_WORLD_LANDMARKS_OPTIONS)
            world = world_landmark_projection(world, roi)
        return Hand(handedness=handedness, score=score, landmarks=landmarks,
                    world_landmarks=world, presence=presence, roi=roi)
