"""The SSD detector every landmark task runs first (MediaPipe's pose_detection / face_detection
/ palm_detection graphs share this shape; tfjs-models face-landmarks reuses its detector
object the same way).

Per call: whole image letterboxed to the model input (ImageToTensorCalculator) -> model ->
TensorsToDetectionsCalculator -> NonMaxSuppressionCalculator -> DetectionLetterboxRemoval.
"""

from __future__ import annotations

import dataclasses

from frontml.calculators.detection_letterbox import remove_detection_letterbox
from frontml.calculators.detector_preset import DetectorPreset
from frontml.calculators.image_to_tensor import image_to_tensor_transform
from frontml.calculators.non_max_suppression import non_max_suppression
from frontml.calculators.ssd_anchors import generate_anchors
from frontml.calculators.tensors_to_detections import TensorsToDetectionsCalculator
from frontml.calculators.types import Detection
from frontml.image import Frame, warp_like_opencv
from frontml.runtime import Session
from frontml.timing import StageTimer


class SsdDetector:
    """An SSD detector model with its preset: `await detect(frame, timer)` -> detections,
    best first, in image-normalised coordinates.

    border: the detector graphs ask ImageToTensorCalculator for BORDER_ZERO (the letterbox).
    min_score: overrides the preset's min_score_thresh (the legacy solutions set it from
    min_detection_confidence).
    """

    def __init__(self, preset: DetectorPreset, session: Session, border: str = "zero",
                 min_score: float | None = None) -> None:
        self.preset = preset
        self.session = session
        self.border = border
        decoding = preset.decoding
        if min_score is not None:
            decoding = dataclasses.replace(decoding, min_score_thresh=min_score)
        self._decoder = TensorsToDetectionsCalculator(decoding, generate_anchors(preset.anchors))
        self.runs = 0

    async def detect(self, frame: Frame, timer: StageTimer | None = None) -> list[Detection]:
        preset = self.preset
        timer = timer if timer is not None else StageTimer()
        with timer.stage("pre"):
            # ImageToTensorCalculator: whole image, letterboxed (keep_aspect_ratio).
            transform = image_to_tensor_transform(
                frame.width, frame.height, preset.input_width, preset.input_height,
                keep_aspect_ratio=preset.keep_aspect_ratio,
            )
            image = warp_like_opencv(frame, transform.affine, preset.input_width,
                                     preset.input_height, self.border, transform.opencv_matrix)
        with timer.stage("infer"):
            outputs = await self.session.run({"image": image})
        self.runs += 1
        with timer.stage("post"):
            detections = self._decoder.process(outputs["boxes"].data, outputs["scores"].data)
            detections = non_max_suppression(detections, preset.nms)
            return remove_detection_letterbox(detections, transform.letterbox_padding)

    def close(self) -> None:
        self.session.close()
