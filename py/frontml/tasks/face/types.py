"""Plain result types of the face task (no numpy: they are built in the page too).

`Face.landmarks` are normalised to the image (x right, y down, in [0, 1] inside the image; z is
depth with the scale of x, smaller = closer to the camera, origin near the face centre).
`Face.pose` is the head pose in "head space" (see frontml.calculators.head_pose): x right, y up,
z toward the viewer, image pixels, origin at the image centre; `pose.matrix` maps the canonical
face template (centimetres, origin between the eyes at landmark 168) into head space, as a
Three.js Matrix4 `elements` array (column-major).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from frontml.calculators.types import Landmark, NormalizedRect
from frontml.tasks.core.result import FrameResult


@dataclass
class HeadPose:
    """yaw, pitch, roll: degrees, Three.js Euler order "YXZ" (R = Ry(yaw) Rx(pitch) Rz(roll));
    yaw > 0: face turned toward image right; pitch > 0: looking down; roll > 0: head tilted
    counter-clockwise on screen. rotation: row-major 3x3; translation: head-space pixels of the
    template origin (between the eyes); scale: pixels per template centimetre; matrix: 4x4
    column-major (Three.js `Matrix4.fromArray`); rms: fit residual in pixels."""

    yaw: float
    pitch: float
    roll: float
    rotation: tuple
    translation: tuple[float, float, float]
    scale: float
    matrix: list[float]
    rms: float = 0.0

    def to_json(self) -> dict:
        return {"yaw": self.yaw, "pitch": self.pitch, "roll": self.roll,
                "matrix": list(self.matrix)}


@dataclass
class Face:
    """One face.

    score: the landmark model's face-presence probability for this ROI.
    box: [x0, y0, x1, y1] normalised bounding box of the landmarks.
    landmarks: 468 `Landmark`s (478 with refine_landmarks: + right-eye iris 468..472 around
        mesh points 33/133, + left-eye iris 473..477 around 362/263, centre first).
    pose: the head pose.
    eye_ratio_left / eye_ratio_right: eye aspect ratios of the subject's left (362/263) and
        right (33/133) eye; blink_left / blink_right: ratio below BLINK_THRESHOLD.
    mouth_open: inner-lip gap / mouth width (0 closed, ~0.3+ wide open).
    roi: the rotated crop the landmark model saw.
    """

    score: float
    box: tuple[float, float, float, float]
    landmarks: list[Landmark]
    pose: HeadPose
    eye_ratio_left: float = 0.0
    eye_ratio_right: float = 0.0
    blink_left: bool = False
    blink_right: bool = False
    mouth_open: float = 0.0
    roi: NormalizedRect | None = None

    def to_json(self) -> dict:
        return {
            "score": self.score,
            "box": list(self.box),
            "landmarks": [{"x": lm.x, "y": lm.y, "z": lm.z} for lm in self.landmarks],
            "pose": self.pose.to_json(),
        }

    def measures(self) -> dict:
        return {"blink_left": self.blink_left, "blink_right": self.blink_right,
                "eye_ratio_left": self.eye_ratio_left, "eye_ratio_right": self.eye_ratio_right,
                "mouth_open": self.mouth_open}


@dataclass
class FaceResult(FrameResult):
    """All faces found in one frame (an empty list when there is none).

    connections: edges between landmarks for drawing (none: the mesh is drawn as points).
    """

    faces: list[Face] = field(default_factory=list)
    connections: tuple[tuple[int, int], ...] = ()

    def items_json(self) -> dict:
        return {"faces": [item.to_json() for item in self.faces]}


__all__ = ["Face", "FaceResult", "HeadPose", "Landmark", "NormalizedRect"]
