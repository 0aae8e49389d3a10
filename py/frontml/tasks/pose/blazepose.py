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
from array import array
from collections.abc import Sequence

from frontml.calculators.detection_letterbox import remove_landmark_letterbox
from frontml.calculators.float32 import f32, sigmoids_f32, sum_f32
from frontml.calculators.image_to_tensor import ImageToTensorTransform
from frontml.calculators.landmarks import (
    landmark_projection,
    tensors_to_landmarks,
    tensors_to_normalized_landmarks,
    world_landmark_projection,
)
from frontml.calculators.types import Landmark, NormalizedRect
from frontml.image import Frame
from frontml.runtime import Session, Tensor
from frontml.tasks.core.landmarker import LandmarkerTask, Track
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
        center_col = int(f32(lm.x * hm_width))  # float product, truncated toward zero
        center_row = int(f32(lm.y * hm_height))
        # MediaPipe checks center_col against hm_height where center_row is meant; the heatmap
        # is square, and the row range below comes out empty for rows past the end anyway.
        if center_col < 0 or center_col >= hm_width or center_row < 0 or center_col >= hm_height:
            continue
        begin_col = max(0, center_col - offset)
        end_col = min(hm_width, center_col + offset + 1)
        begin_row = max(0, center_row - offset)
        end_row = min(hm_height, center_row + offset + 1)
        # MediaPipe sums in float: every step rounded to float32 (the sigmoids and products
        # in batches through array('f'), the running sums one by one)
        cols = range(begin_col, end_col)
        rows = [row for row in range(begin_row, end_row) for _ in cols]
        cols_flat = list(cols) * (end_row - begin_row)
        conf = sigmoids_f32([heatmap[row_size * row + index + hm_channels * col]
                              for row, col in zip(rows, cols_flat, strict=True)])
        # (the sums are only needed where the landmark is refined: test that first)
        if not conf or max(conf) < min_confidence_to_refine:
            continue
        col_products = array("f", [col * c for col, c in zip(cols_flat, conf, strict=True)])
        row_products = array("f", [row * c for row, c in zip(rows, conf, strict=True)])
        total = sum_f32(conf)
        weighted_col = sum_f32(col_products)
        weighted_row = sum_f32(row_products)
        if total > 0:
            lm.x = f32(f32(weighted_col / hm_width) / total)
            lm.y = f32(f32(weighted_row / hm_height) / total)


@dataclasses.dataclass
class _RoiResult:
    pose: Pose
    auxiliary: list[Landmark]


class BlazePose(LandmarkerTask):
    """MediaPipe BlazePose (33 landmarks, world landmarks, optional mask) for frames.

    Counters for tests and the HUD: `detector_runs`, `landmark_runs`.
    """

    options: PoseOptions
    options_class = PoseOptions
    max_objects_option = "num_poses"
    ssd_preset = POSE_DETECTION  # pose_detection_cpu.pbtxt
    flag_output = "pose_flag"  # a probability
    detection_to_roi_preset = POSE_DETECTION_TO_ROI  # pose_detection_to_roi.pbtxt

    def __init__(self, options: PoseOptions, detector: Session, landmarker: Session) -> None:
        _check_model(options)
        super().__init__(options, detector, landmarker)

    @classmethod
    def model_ids(cls, options: PoseOptions) -> tuple[str, ...]:
        _check_model(options)
        return (DETECTOR_MODEL_ID, LANDMARK_MODEL_IDS[options.model])

    def new_track(self, roi: NormalizedRect) -> Track:
        return Track(roi, PoseLandmarkFiltering(self.options.smooth_landmarks))

    def smooth(self, track: Track, found: _RoiResult, timestamp_us: int, width: int,
               height: int) -> _RoiResult:
        # PoseLandmarkFiltering subgraph (pose_landmark_filtering.pbtxt)
        pose = found.pose
        filtered = track.filters.apply(timestamp_us, width, height, pose.landmarks,
                                       found.auxiliary, pose.world_landmarks)
        if filtered.landmarks is not None:
            pose.landmarks = filtered.landmarks
        if filtered.world_landmarks is not None:
            pose.world_landmarks = filtered.world_landmarks
        found.auxiliary = filtered.auxiliary_landmarks or found.auxiliary
        return found

    def next_roi(self, found: _RoiResult, width: int, height: int) -> NormalizedRect:
        # PoseLandmarksToRoi subgraph (pose_landmarks_to_roi.pbtxt)
        return pose_landmarks_to_roi(found.auxiliary, width, height)

    def build_item(self, found: _RoiResult, width: int, height: int) -> Pose:
        return found.pose

    def build_result(self, width: int, height: int, items: list) -> PoseResult:
        return PoseResult(width, height, items)

    async def landmarks(self, frame: Frame, roi: NormalizedRect, outputs: dict[str, Tensor],
                        transform: ImageToTensorTransform, score: float,
                        timer: StageTimer) -> _RoiResult:
        """PoseLandmarkByRoiCpu subgraph (pose_landmark_by_roi_cpu.pbtxt) after the pose-flag
        gate; the crop (rotated ROI, keep_aspect_ratio, BORDER_REPLICATE; range [0, 1] and
        RGBA->RGB folded into the model) ran in LandmarkerTask."""
        with timer.stage("post"):
            # TensorsToLandmarksCalculator (39 landmarks, sigmoid visibility/presence)
            raw = tensors_to_normalized_landmarks(outputs["landmarks"].data,
                                                  POSE_LANDMARKS_OPTIONS)
            # RefineLandmarksFromHeatmapCalculator (kernel 9: HEATMAP_KERNEL_SIZE)
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


def _check_model(options: PoseOptions) -> None:
    if options.model not in LANDMARK_MODEL_IDS:
        raise ValueError(f"BlazePose model must be one of {BLAZEPOSE_MODELS}, "
                         f"got {options.model!r}")
