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

from frontml.calculators.detection_letterbox import remove_letterbox_columns
from frontml.calculators.filters import LandmarksSmoothing
from frontml.calculators.image_to_tensor import ImageToTensorTransform
from frontml.calculators.landmarks import (
    columns_to_landmarks,
    project_columns,
    tensors_to_landmarks,
    tensors_to_normalized_columns,
    world_landmark_projection,
)
from frontml.calculators.types import Landmark, NormalizedRect
from frontml.image import Frame
from frontml.runtime import Session, Tensor
from frontml.tasks.core.landmarker import LandmarkerTask, Track
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
# hand_landmark_cpu.pbtxt TensorsToLandmarksCalculator: "normalize_z: 0.4" (z distribution of
# the training data).
HAND_NORMALIZE_Z = 0.4
_LANDMARK_OPTIONS = dataclasses.replace(HAND_LANDMARKS_OPTIONS, normalize_z=HAND_NORMALIZE_Z)


class HandLandmarker(LandmarkerTask):
    """MediaPipe Hands (21 landmarks, handedness, world landmarks) for frames.

    Counters for tests and the HUD: `detector_runs`, `landmark_runs`.
    """

    options: HandsOptions
    options_class = HandsOptions
    max_objects_option = "num_hands"
    ssd_preset = PALM_DETECTION  # palm_detection_cpu.pbtxt
    flag_output = "hand_flag"  # hand presence, already a probability
    # hand_landmark_tracking_cpu.pbtxt: AssociationNormRectCalculator(palm ROIs, tracked ROIs)
    association = "norm_rect"
    detection_to_roi_preset = PALM_DETECTION_TO_ROI  # palm_detection_detection_to_roi.pbtxt

    def __init__(self, options: HandsOptions, detector: Session, landmarker: Session) -> None:
        super().__init__(options, detector, landmarker)
        self._options = dataclasses.replace(
            _LANDMARK_OPTIONS, input_image_width=self._lm_w, input_image_height=self._lm_h
        )
        self._raw_landmarks: list[Landmark] | None = None

    @classmethod
    def model_ids(cls, options: HandsOptions) -> tuple[str, ...]:
        return (DETECTOR_MODEL_IDS[options.model], LANDMARK_MODEL_IDS[options.model])

    def new_track(self, roi: NormalizedRect) -> Track:
        return Track(roi, (LandmarksSmoothing(HAND_LANDMARKS_FILTER),
                           LandmarksSmoothing(HAND_WORLD_LANDMARKS_FILTER)))

    def smooth(self, track: Track, hand: Hand, timestamp_us: int, width: int,
               height: int) -> Hand:
        # the core calls next_roi right after this: it takes the ROI from these
        self._raw_landmarks = hand.landmarks
        if self.options.smooth_landmarks:
            landmarks_filter, world_filter = track.filters
            smoothed = landmarks_filter.apply(hand.landmarks, timestamp_us, width, height)
            world = world_filter.apply(hand.world_landmarks, timestamp_us)
            hand.landmarks = smoothed or hand.landmarks
            hand.world_landmarks = world or hand.world_landmarks
        return hand

    def next_roi(self, hand: Hand, width: int, height: int) -> NormalizedRect:
        # HandLandmarkLandmarksToRoi (hand_landmark_landmarks_to_roi.pbtxt) on the raw
        # landmarks: hand_landmark_tracking_cpu.pbtxt feeds it HandLandmarkCpu's output
        # directly, and the Tasks HandLandmarker's HAND_RECT_NEXT_FRAME comes from the
        # landmarks subgraph, before any smoothing.
        raw, self._raw_landmarks = self._raw_landmarks or hand.landmarks, None
        return hand_landmarks_to_roi(raw, width, height)

    def build_item(self, hand: Hand, width: int, height: int) -> Hand:
        if self.options.gestures:
            hand.gesture = classify_gesture(hand)
        return hand

    def build_result(self, width: int, height: int, items: list) -> HandsResult:
        return HandsResult(width, height, items)

    async def landmarks(self, frame: Frame, roi: NormalizedRect, outputs: dict[str, Tensor],
                        transform: ImageToTensorTransform, presence: float,
                        timer: StageTimer) -> Hand:
        """HandLandmarkCpu subgraph (hand_landmark_cpu.pbtxt) after the presence gate."""
        with timer.stage("post"):
            handedness, score = handedness_from_tensor(float(outputs["handedness"].data[0]))
            landmarks = columns_to_landmarks(project_columns(remove_letterbox_columns(
                tensors_to_normalized_columns(outputs["landmarks"].data, self._options),
                transform.letterbox_padding), roi))
            world = world_landmark_projection(tensors_to_landmarks(
                outputs["world_landmarks"].data, HAND_WORLD_LANDMARKS_OPTIONS), roi)
        return Hand(handedness=handedness, score=score, landmarks=landmarks,
                    world_landmarks=world, presence=presence, roi=roi)
