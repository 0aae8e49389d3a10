"""Detector presets only the anchor tests use (MediaPipe's Objectron SSD) and the full set."""

from frontml.calculators.detector_preset import DetectorPreset
from frontml.tasks.detection.constants import OBJECTRON_SSD_MOBILENETV2_OIDV4
from frontml.tasks.face.constants import FACE_DETECTION_FULL_RANGE, FACE_DETECTION_SHORT_RANGE
from frontml.tasks.hands.constants import PALM_DETECTION
from frontml.tasks.pose.constants import POSE_DETECTION

DETECTOR_PRESETS: dict[str, DetectorPreset] = {
    p.name: p
    for p in (
        POSE_DETECTION,
        FACE_DETECTION_SHORT_RANGE,
        FACE_DETECTION_FULL_RANGE,
        PALM_DETECTION,
        OBJECTRON_SSD_MOBILENETV2_OIDV4,
    )
}
