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

from frontml.calculators.detection_letterbox import remove_letterbox_columns
from frontml.calculators.float32 import f32, f32s, sigmoid_f32, sigmoids_f32, sums_f32
from frontml.calculators.image_to_tensor import ImageToTensorTransform
from frontml.calculators.landmarks import (
    columns_to_landmarks,
    project_columns,
    tensors_to_landmark_columns,
    tensors_to_normalized_columns,
    world_projection_columns,
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
    xs = [lm.x for lm in landmarks]
    ys = [lm.y for lm in landmarks]
    refine_columns_from_heatmap(xs, ys, heatmap, hm_height, hm_width, hm_channels, kernel_size,
                                min_confidence_to_refine)
    for lm, x, y in zip(landmarks, xs, ys, strict=True):
        lm.x = x
        lm.y = y


def refine_columns_from_heatmap(
    xs: list[float],
    ys: list[float],
    heatmap: memoryview,
    hm_height: int,
    hm_width: int,
    hm_channels: int,
    kernel_size: int = HEATMAP_KERNEL_SIZE,
    min_confidence_to_refine: float = HEATMAP_MIN_CONFIDENCE_TO_REFINE,
) -> None:
    """refine_landmarks_from_heatmap on x and y columns (lists, replaced in place)."""
    if len(xs) != hm_channels:
        raise ValueError("Expected heatmap to have number of layers == to number of landmarks")
    row_size = hm_width * hm_channels
    offset = (kernel_size - 1) // 2
    # float products, truncated toward zero (NaN/inf skipped below, as isfinite does)
    cols_f = f32s([x * hm_width for x in xs])
    rows_f = f32s([y * hm_height for y in ys])
    # Pass 1, per landmark: its kernel's heatmap values and the confidence gate.
    refined: list[int] = []
    values: list[float] = []  # the confident kernels' values, one after the other
    cols_flat: list[int] = []  # each value's column and row
    rows_flat: list[int] = []
    sizes: list[int] = []
    for index in range(hm_channels):
        if not (math.isfinite(xs[index]) and math.isfinite(ys[index])):
            continue
        center_col = int(cols_f[index])
        center_row = int(rows_f[index])
        # MediaPipe checks center_col against hm_height where center_row is meant; the heatmap
        # is square, and the row range below comes out empty for rows past the end anyway.
        if center_col < 0 or center_col >= hm_width or center_row < 0 or center_col >= hm_height:
            continue
        begin_col = max(0, center_col - offset)
        end_col = min(hm_width, center_col + offset + 1)
        begin_row = max(0, center_row - offset)
        end_row = min(hm_height, center_row + offset + 1)
        if begin_row >= end_row:
            continue  # an empty kernel: nothing to refine
        # the kernel's values row by row (per row a strided slice: channel `index`)
        first = index + hm_channels * begin_col
        last = index + hm_channels * (end_col - 1) + 1
        kernel: list[float] = []
        for start in range(row_size * begin_row + first, row_size * end_row, row_size):
            kernel += heatmap[start:start - first + last:hm_channels]
        # The gate: the float sigmoid is monotonic, so the kernel's largest confidence is the
        # sigmoid of its largest value; only a confident kernel needs the sigmoids and sums.
        # (max() cannot see past a NaN in first place: then all sigmoids decide, as before.)
        top = max(kernel)
        if top == top:
            if sigmoid_f32(top) < min_confidence_to_refine:
                continue
        elif max(sigmoids_f32(kernel)) < min_confidence_to_refine:
            continue
        refined.append(index)
        values += kernel
        sizes.append(len(kernel))
        cols, rows = _kernel_grid(begin_col, end_col, begin_row, end_row)
        cols_flat += cols
        rows_flat += rows
    if not refined:
        return
    # Pass 2, all confident kernels at once (MediaPipe's float arithmetic, every step rounded
    # to float32): sigmoids, col * conf and row * conf products, and the three running sums.
    conf = sigmoids_f32(values)
    col_products = f32s([col * c for col, c in zip(cols_flat, conf, strict=True)])
    row_products = f32s([row * c for row, c in zip(rows_flat, conf, strict=True)])
    vectors: list[Sequence[float]] = []
    for flat in (conf, col_products, row_products):
        start = 0
        for size in sizes:
            vectors.append(flat[start:start + size])
            start += size
    sums = sums_f32(vectors)
    n = len(refined)
    for i, index in enumerate(refined):
        total, weighted_col, weighted_row = sums[i], sums[n + i], sums[2 * n + i]
        if total > 0:
            xs[index] = f32(f32(weighted_col / hm_width) / total)
            ys[index] = f32(f32(weighted_row / hm_height) / total)


_GRIDS: dict[tuple[int, int, int, int], tuple[list[int], list[int]]] = {}


def _kernel_grid(begin_col: int, end_col: int, begin_row: int,
                 end_row: int) -> tuple[list[int], list[int]]:
    """Each kernel value's column and row, row by row (cached: a few hundred kernels)."""
    key = (begin_col, end_col, begin_row, end_row)
    grid = _GRIDS.get(key)
    if grid is None:
        if len(_GRIDS) > 1024:  # bounded (a 64x64 heatmap has at most 4096 kernel positions)
            _GRIDS.clear()
        cols = list(range(begin_col, end_col))
        grid = _GRIDS[key] = (cols * (end_row - begin_row),
                              [row for row in range(begin_row, end_row) for _ in cols])
    return grid


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
            xs, ys, zs, vis, pres = tensors_to_normalized_columns(outputs["landmarks"].data,
                                                                  POSE_LANDMARKS_OPTIONS)
            # RefineLandmarksFromHeatmapCalculator (kernel 9: HEATMAP_KERNEL_SIZE)
            heatmap: Tensor = outputs["heatmap"]
            _, hm_h, hm_w, hm_c = heatmap.shape
            xs, ys = list(xs), list(ys)
            refine_columns_from_heatmap(xs, ys, heatmap.data, hm_h, hm_w, hm_c)
            # LandmarkLetterboxRemovalCalculator + LandmarkProjectionCalculator (NORM_RECT)
            columns = project_columns(
                remove_letterbox_columns((xs, ys, zs, vis, pres), transform.letterbox_padding),
                roi)
            projected = columns_to_landmarks(columns)
            landmarks = projected[:POSE_NUM_LANDMARKS]
            auxiliary = projected[POSE_NUM_LANDMARKS:POSE_NUM_LANDMARKS + 2]
            # TensorsToLandmarksCalculator (world; its visibility/presence are replaced) +
            # VisibilityCopyCalculator + WorldLandmarkProjectionCalculator
            n = POSE_NUM_LANDMARKS
            wx, wy, wz, _, _ = tensors_to_landmark_columns(outputs["world_landmarks"].data,
                                                           POSE_WORLD_LANDMARKS_OPTIONS,
                                                           activations=False)
            world = world_projection_columns((wx[:n], wy[:n], wz[:n], vis[:n], pres[:n]), roi)
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
