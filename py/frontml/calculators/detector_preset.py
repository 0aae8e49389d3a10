"""What a MediaPipe SSD detector graph configures around its model: anchors, decoding, NMS and
the image-to-tensor input (tasks define their presets in their `constants.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from frontml.calculators.non_max_suppression import NonMaxSuppressionCalculatorOptions
from frontml.calculators.ssd_anchors import SsdAnchorsCalculatorOptions
from frontml.calculators.tensors_to_detections import TensorsToDetectionsCalculatorOptions


@dataclass(frozen=True)
class DetectorPreset:
    """Everything a MediaPipe SSD detector graph configures after inference."""

    name: str
    anchors: SsdAnchorsCalculatorOptions
    decoding: TensorsToDetectionsCalculatorOptions
    nms: NonMaxSuppressionCalculatorOptions
    input_width: int
    input_height: int
    # ImageToTensorCalculator: keep_aspect_ratio (letterbox) and output_tensor_float_range.
    keep_aspect_ratio: bool
    float_range: tuple[float, float]
