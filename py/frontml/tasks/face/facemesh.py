"""Face mesh: MediaPipe's face landmark pipeline (detector + 468-landmark model + iris) in Python.

The graph this follows is the legacy `mp.solutions.face_mesh` one
(mediapipe/modules/face_landmark/face_landmark_front_cpu.pbtxt) with the iris subgraph of
mediapipe/modules/iris_landmark/iris_landmark_left_and_right_cpu.pbtxt for refined eyes, and
the Tasks FaceLandmarker's landmark smoothing in video mode.

Per frame:
  video mode, face tracked:  ROI from last frame's landmarks (face_landmark_landmarks_to_roi)
  otherwise:                 detector (letterboxed 128x128 short range or 192x192 full range)
                             -> decode + weighted NMS -> ROI (face_detection_front_detection_
                             to_roi: eyes level, x1.5, square)
  landmark model (rotated 192x192 crop, BORDER_REPLICATE) -> face flag gate -> 468 landmarks
  -> projection back to the image -> (refine) two eye crops 64x64 -> iris model -> 5 iris
  points per eye -> (video) smoothing -> head pose (Procrustes fit to the canonical template)
  -> blink / mouth measures -> next frame's ROI.

Stdlib only: pixels are touched only by `frame.warp` (canvas in the page, numpy in CPython)
and by the models.
"""

from __future__ import annotations

import dataclasses

from frontml.calculators.detection_letterbox import remove_letterbox_columns
from frontml.calculators.detector_preset import DetectorPreset
from frontml.calculators.filters import LandmarksSmoothing
from frontml.calculators.head_pose import (
    euler_yxz,
    fit_similarity,
    landmarks_to_head_space,
    matrix4,
)
from frontml.calculators.image_to_tensor import (
    ImageToTensorTransform,
    image_to_tensor_transform,
)
from frontml.calculators.landmarks import (
    columns_to_landmarks,
    project_columns,
    tensors_to_normalized_columns,
)
from frontml.calculators.types import Affine, Landmark, NormalizedRect
from frontml.image import Frame, warp_like_opencv
from frontml.runtime import Session, Tensor
from frontml.tasks.core.landmarker import LandmarkerTask, Track
from frontml.tasks.face.constants import (
    BLINK_THRESHOLD,
    FACE_DETECTION_FULL_RANGE,
    FACE_DETECTION_SHORT_RANGE,
    FACE_DETECTION_TO_ROI,
    FACE_LANDMARKS_FILTER,
    FACE_LANDMARKS_OPTIONS,
    FACE_NUM_LANDMARKS,
    IRIS_LEFT_EYE_BOUNDARY,
    IRIS_OPTIONS,
    IRIS_RIGHT_EYE_BOUNDARY,
    LEFT_EYE_EAR,
    RIGHT_EYE_EAR,
)
from frontml.tasks.face.landmarks import (
    eye_aspect_ratio,
    face_landmarks_to_roi,
    iris_roi,
    mouth_open_ratio,
)
from frontml.tasks.face.options import FaceOptions
from frontml.tasks.face.types import Face, FaceResult, HeadPose
from frontml.timing import StageTimer

DETECTOR_MODEL_IDS = {"short": "face_detection_short", "full": "face_detection_full"}
DETECTOR_PRESETS = {"short": FACE_DETECTION_SHORT_RANGE, "full": FACE_DETECTION_FULL_RANGE}
LANDMARK_MODEL_ID = "face_landmark"
IRIS_MODEL_ID = "iris_landmark"
# The iris crop (ImageCroppingCalculator) replicates the border like the face crop.
# iris_landmark_cpu.pbtxt flips the eye crop horizontally (and the landmarks back) for the eye
# the model was not trained on: MediaPipe's "right eye", mesh points 362/263.
FLIP_RIGHT_EYE = True


def _flip_affine(affine: Affine, out_w: int) -> Affine:
    """The affine that samples the same crop mirrored left-right (u -> out_w - u)."""
    a, b, c, d, e, f = affine
    return (-a, b, c + a * out_w, -d, e, f + d * out_w)


def _template():
    try:
        from frontml.tasks.face.template import CANONICAL_FACE, FIT_WEIGHTS
    except ImportError:  # only while bench/build_face_template.py bootstraps it
        return None, None
    return CANONICAL_FACE, FIT_WEIGHTS


# The pose fit uses every 3rd mesh landmark (156 points spread over the whole face): the same
# angles within ~0.2 degrees as all 468, a third of the time (~1 ms in CPython).
FIT_STRIDE = 3


def head_pose(landmarks, width: int, height: int) -> HeadPose:
    """Head pose of 468/478 normalised landmarks against the canonical template."""
    template, weights = _template()
    if template is None:
        return HeadPose(0.0, 0.0, 0.0, ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
                        (0.0, 0.0, 0.0), 1.0, [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0,
                                               1.0])
    points = landmarks_to_head_space(landmarks[:FACE_NUM_LANDMARKS:FIT_STRIDE], width, height)
    fit = fit_similarity(template[::FIT_STRIDE], points, weights[::FIT_STRIDE])
    yaw, pitch, roll = euler_yxz(fit.rotation)
    return HeadPose(yaw, pitch, roll, fit.rotation, fit.translation, fit.scale, matrix4(fit),
                    fit.rms)


@dataclasses.dataclass
class _Found:
    score: float
    landmarks: list[Landmark]
    raw_landmarks: list[Landmark]  # before smoothing: the next ROI comes from these
    roi: NormalizedRect


class FaceMesh(LandmarkerTask):
    """MediaPipe face mesh (468/478 landmarks) + head pose + blink / mouth measures.

    Counters for tests and the HUD: `detector_runs`, `landmark_runs`, `iris_runs`.
    """

    options: FaceOptions
    options_class = FaceOptions
    max_objects_option = "num_faces"
    flag_output = "face_flag"
    flag_is_logit = True
    detection_to_roi_preset = FACE_DETECTION_TO_ROI  # face_detection_front_detection_to_roi

    def __init__(self, options: FaceOptions, detector: Session, landmarker: Session,
                 iris: Session | None = None) -> None:
        super().__init__(options, detector, landmarker)
        self.iris = iris
        self.iris_runs = 0

    @classmethod
    def model_ids(cls, options: FaceOptions) -> tuple[str, ...]:
        return (DETECTOR_MODEL_IDS[options.detector], LANDMARK_MODEL_ID) + (
            (IRIS_MODEL_ID,) if options.refine_landmarks else ())

    @classmethod
    def detector_preset(cls, options: FaceOptions) -> DetectorPreset:
        return DETECTOR_PRESETS[options.detector]

    def close(self) -> None:
        super().close()
        if self.iris is not None:
            self.iris.close()

    def new_track(self, roi: NormalizedRect) -> Track:
        return Track(roi, LandmarksSmoothing(
            FACE_LANDMARKS_FILTER if self.options.smooth_landmarks else None))

    def smooth(self, track: Track, found: _Found, timestamp_us: int, width: int,
               height: int) -> _Found:
        # face_landmarks_detector_graph.cc: LandmarksSmoothingCalculator with NORM_LANDMARKS +
        # IMAGE_SIZE only, so the object scale comes from the landmarks, not the ROI.
        smoothed = track.filters.apply(found.landmarks, timestamp_us, width, height)
        if smoothed is not None:
            found.landmarks = smoothed
        return found

    def next_roi(self, found: _Found, width: int, height: int) -> NormalizedRect:
        # FaceLandmarkLandmarksToRoi (face_landmark_landmarks_to_roi.pbtxt)
        return face_landmarks_to_roi(found.raw_landmarks[:FACE_NUM_LANDMARKS], width, height)

    def build_item(self, found: _Found, width: int, height: int) -> Face:
        mesh = found.landmarks[:FACE_NUM_LANDMARKS]
        xs = [lm.x for lm in mesh]
        ys = [lm.y for lm in mesh]
        left = eye_aspect_ratio(mesh, LEFT_EYE_EAR, width, height)
        right = eye_aspect_ratio(mesh, RIGHT_EYE_EAR, width, height)
        return Face(
            score=found.score,
            box=(min(xs), min(ys), max(xs), max(ys)),
            landmarks=found.landmarks,
            pose=head_pose(mesh, width, height),
            eye_ratio_left=left,
            eye_ratio_right=right,
            blink_left=left < BLINK_THRESHOLD,
            blink_right=right < BLINK_THRESHOLD,
            mouth_open=mouth_open_ratio(mesh, width, height),
            roi=found.roi,
        )

    def build_result(self, width: int, height: int, items: list) -> FaceResult:
        return FaceResult(width, height, items)

    async def landmarks(self, frame: Frame, roi: NormalizedRect, outputs: dict[str, Tensor],
                        transform: ImageToTensorTransform, score: float,
                        timer: StageTimer) -> _Found:
        """FaceLandmarkCpu (+ iris) for one ROI after the face-flag gate."""
        with timer.stage("post"):
            landmarks = columns_to_landmarks(project_columns(remove_letterbox_columns(
                tensors_to_normalized_columns(outputs["landmarks"].data, FACE_LANDMARKS_OPTIONS),
                transform.letterbox_padding), roi))
        if self.options.refine_landmarks and self.iris is not None:
            for boundary, flip in ((IRIS_LEFT_EYE_BOUNDARY, False),
                                   (IRIS_RIGHT_EYE_BOUNDARY, FLIP_RIGHT_EYE)):
                landmarks.extend(await self._iris(frame, landmarks, boundary, flip, timer))
        return _Found(score, landmarks, landmarks, roi)

    async def _iris(self, frame: Frame, mesh: list[Landmark], boundary: tuple[int, int],
                    flip: bool, timer: StageTimer) -> list[Landmark]:
        """IrisLandmarkCpu for one eye: the 5 iris landmarks (centre first), normalised."""
        width, height = frame.width, frame.height
        assert self.iris is not None
        with timer.stage("pre"):
            roi = iris_roi(mesh, boundary, width, height)
            _, ih, iw, _ = self.iris.inputs["image"].shape
            transform = image_to_tensor_transform(width, height, iw, ih, roi,
                                                  keep_aspect_ratio=True)
            affine = _flip_affine(transform.affine, iw) if flip else transform.affine
            image = warp_like_opencv(frame, affine, iw, ih, self.landmark_border,
                                     None if flip else transform.opencv_matrix)
        with timer.stage("infer"):
            outputs = await self.iris.run({"image": image})
        self.iris_runs += 1
        with timer.stage("post"):
            return columns_to_landmarks(project_columns(remove_letterbox_columns(
                tensors_to_normalized_columns(outputs["iris"].data, IRIS_OPTIONS,
                                              flip_horizontally=flip),
                transform.letterbox_padding), roi))
