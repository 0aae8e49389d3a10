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

from frontml.calculators.association_norm_rect import rect_iou, usable_roi
from frontml.calculators.detection_letterbox import (
    remove_detection_letterbox,
    remove_landmark_letterbox,
)
from frontml.calculators.detections_to_rects import detection_to_roi
from frontml.calculators.filters import LandmarksSmoothing
from frontml.calculators.head_pose import (
    euler_yxz,
    fit_similarity,
    landmarks_to_head_space,
    matrix4,
)
from frontml.calculators.image_to_tensor import image_to_tensor_transform
from frontml.calculators.landmarks import (
    landmark_projection,
    sigmoid,
    tensors_to_normalized_landmarks,
)
from frontml.calculators.non_max_suppression import non_max_suppression
from frontml.calculators.ssd_anchors import generate_anchors
from frontml.calculators.tensors_to_detections import TensorsToDetectionsCalculator
from frontml.calculators.types import Affine, Detection, Landmark, NormalizedRect
from frontml.errors import InputError
from frontml.image import Frame, warp_like_opencv
from frontml.models import Progress, load_session
from frontml.runtime import Session
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
# ImageToTensorCalculator border modes (see blazepose.py): zero for the detector's letterbox,
# replicate (the default) for the face crop; the iris crop (ImageCroppingCalculator) replicates.
DETECTOR_BORDER = "zero"
LANDMARK_BORDER = "replicate"
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
class _Track:
    roi: NormalizedRect
    smoothing: LandmarksSmoothing


class FaceMesh:
    """MediaPipe face mesh (468/478 landmarks) + head pose + blink / mouth measures.

    Counters for tests and the HUD: `detector_runs`, `landmark_runs`, `iris_runs`.
    """

    def __init__(self, options: FaceOptions, detector: Session, landmarker: Session,
                 iris: Session | None) -> None:
        self.options = options
        self.detector = detector
        self.landmarker = landmarker
        self.iris = iris
        preset = DETECTOR_PRESETS[options.detector]
        self._preset = preset
        decoding = dataclasses.replace(
            preset.decoding, min_score_thresh=options.min_detection_confidence
        )
        self._decoder = TensorsToDetectionsCalculator(decoding, generate_anchors(preset.anchors))
        _, self._lm_h, self._lm_w, _ = landmarker.inputs["image"].shape
        self._tracks: list[_Track] = []
        self._last_timestamp_us: int | None = None
        self.detector_runs = 0
        self.landmark_runs = 0
        self.iris_runs = 0

    @classmethod
    async def create(cls, options: FaceOptions | None = None, *,
                     progress: Progress | None = None) -> FaceMesh:
        options = options or FaceOptions()
        sessions: list[Session] = []
        try:
            for model_id in (DETECTOR_MODEL_IDS[options.detector], LANDMARK_MODEL_ID) + (
                (IRIS_MODEL_ID,) if options.refine_landmarks else ()
            ):
                sessions.append(await load_session(model_id, provider=options.provider,
                                                   progress=progress))
        except BaseException:
            for s in sessions:
                s.close()
            raise
        return cls(options, sessions[0], sessions[1], sessions[2] if len(sessions) > 2 else None)

    def reset(self) -> None:
        """Forget tracked faces and timestamps (e.g. when the video source changes)."""
        self._tracks = []
        self._last_timestamp_us = None

    def close(self) -> None:
        self.detector.close()
        self.landmarker.close()
        if self.iris is not None:
            self.iris.close()
        self._tracks = []

    # ------------------------------------------------------------------ per frame

    async def process(self, frame: Frame, timestamp_ms: float | None = None,
                      timer: StageTimer | None = None) -> FaceResult:
        """Faces in `frame`. In video mode timestamps (ms) must increase from call to call."""
        timer = timer if timer is not None else StageTimer()
        width, height = frame.width, frame.height
        result = FaceResult(width, height, [])
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

        tracks: list[_Track | None] = list(self._tracks) if video else []
        rois = [t.roi for t in tracks if t is not None]
        if len(rois) < self.options.num_faces:
            detections = await self._detect(frame, timer)
            with timer.stage("post"):
                for detection in detections:
                    if len(rois) >= self.options.num_faces:
                        break
                    # FaceDetectionFrontDetectionToRoi
                    roi = detection_to_roi(detection, (width, height), FACE_DETECTION_TO_ROI)
                    if not usable_roi(roi, width, height):
                        continue
                    # AssociationNormRectCalculator: tracked ROIs win over new detections.
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
                continue  # tracking lost: the detector runs on the next frame
            score, landmarks = found
            with timer.stage("post"):
                next_roi = face_landmarks_to_roi(landmarks[:FACE_NUM_LANDMARKS], width, height)
                if video:
                    if track is None:
                        track = _Track(roi, LandmarksSmoothing(
                            FACE_LANDMARKS_FILTER if self.options.smooth_landmarks else None))
                    smoothed = track.smoothing.apply(landmarks, timestamp_us, width, height,
                                                     object_scale_roi=roi)
                    if smoothed is not None:
                        landmarks = smoothed
                    track.roi = next_roi
                    if not usable_roi(next_roi, width, height) or any(
                        rect_iou(next_roi, t.roi) > self.options.min_tracking_confidence
                        for t in new_tracks
                    ):
                        continue  # degenerate, or now the same face as an earlier track
                    new_tracks.append(track)
                result.faces.append(self._face(score, landmarks, roi, width, height))
        if video:
            self._tracks = new_tracks
        return result

    def _face(self, score: float, landmarks: list[Landmark], roi: NormalizedRect,
              width: int, height: int) -> Face:
        mesh = landmarks[:FACE_NUM_LANDMARKS]
        xs = [lm.x for lm in mesh]
        ys = [lm.y for lm in mesh]
        left = eye_aspect_ratio(mesh, LEFT_EYE_EAR, width, height)
        right = eye_aspect_ratio(mesh, RIGHT_EYE_EAR, width, height)
        return Face(
            score=score,
            box=(min(xs), min(ys), max(xs), max(ys)),
            landmarks=landmarks,
            pose=head_pose(mesh, width, height),
            eye_ratio_left=left,
            eye_ratio_right=right,
            blink_left=left < BLINK_THRESHOLD,
            blink_right=right < BLINK_THRESHOLD,
            mouth_open=mouth_open_ratio(mesh, width, height),
            roi=roi,
        )

    async def _detect(self, frame: Frame, timer: StageTimer) -> list[Detection]:
        """FaceDetectionShortRange/FullRangeCpu: detections, best first."""
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

    async def _landmarks(self, frame: Frame, roi: NormalizedRect, threshold: float,
                         timer: StageTimer) -> tuple[float, list[Landmark]] | None:
        """FaceLandmarkCpu (+ iris) for one ROI: (face probability, landmarks) or None."""
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
            score = sigmoid(float(outputs["face_flag"].data[0]))
            if not score >= threshold:
                return None
            raw = tensors_to_normalized_landmarks(outputs["landmarks"].data,
                                                  FACE_LANDMARKS_OPTIONS)
            raw = remove_landmark_letterbox(raw, transform.letterbox_padding)
            landmarks = landmark_projection(raw, roi)
        if self.options.refine_landmarks and self.iris is not None:
            for boundary, flip in ((IRIS_LEFT_EYE_BOUNDARY, False),
                                   (IRIS_RIGHT_EYE_BOUNDARY, FLIP_RIGHT_EYE)):
                landmarks.extend(await self._iris(frame, landmarks, boundary, flip, timer))
        return score, landmarks

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
            image = warp_like_opencv(frame, affine, iw, ih, LANDMARK_BORDER)
        with timer.stage("infer"):
            outputs = await self.iris.run({"image": image})
        self.iris_runs += 1
        with timer.stage("post"):
            iris = tensors_to_normalized_landmarks(outputs["iris"].data, IRIS_OPTIONS,
                                                   flip_horizontally=flip)
            iris = remove_landmark_letterbox(iris, transform.letterbox_padding)
            return landmark_projection(iris, roi)

