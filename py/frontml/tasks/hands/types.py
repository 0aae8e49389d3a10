"""Plain result types of the hands task (no numpy: they are built in the page too).

`Hand.landmarks` are normalised to the image (x right, y down; z is depth relative to the
wrist with roughly the scale of x, smaller = closer to the camera). `Hand.world_landmarks` are
metres, origin near the hand's centre. Order: MediaPipe's 21-point hand topology
(`LANDMARK_NAMES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from frontml.calculators.types import Landmark, NormalizedRect
from frontml.tasks.core.result import FrameResult

LANDMARK_NAMES = (
    "wrist",
    "thumb_cmc", "thumb_mcp", "thumb_ip", "thumb_tip",
    "index_finger_mcp", "index_finger_pip", "index_finger_dip", "index_finger_tip",
    "middle_finger_mcp", "middle_finger_pip", "middle_finger_dip", "middle_finger_tip",
    "ring_finger_mcp", "ring_finger_pip", "ring_finger_dip", "ring_finger_tip",
    "pinky_mcp", "pinky_pip", "pinky_dip", "pinky_tip",
)  # fmt: skip

# mediapipe/python/solutions/hands_connections.py HAND_CONNECTIONS (for drawing)
HAND_CONNECTIONS: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 9), (9, 13), (13, 17), (0, 17),
    (5, 6), (6, 7), (7, 8), (9, 10), (10, 11), (11, 12), (13, 14), (14, 15), (15, 16),
    (17, 18), (18, 19), (19, 20),
)  # fmt: skip


@dataclass
class Gesture:
    """A recognised hand shape: a built-in gesture name (or "none") or a taught sign."""

    name: str = "none"
    score: float = 0.0

    def to_json(self) -> dict:
        return {"name": self.name, "score": self.score}


@dataclass
class Hand:
    """One hand.

    handedness: "Left" | "Right" with MediaPipe Hands' convention: the model assumes a
        mirrored (selfie) image, so on a non-mirrored photo a person's right hand is "Left".
    score: handedness confidence in [0.5, 1] (as MediaPipe's multi_handedness score).
    presence: the landmark model's hand-presence probability for this ROI.
    landmarks: 21 `Landmark`s normalised to the image.
    world_landmarks: 21 `Landmark`s in metres.
    roi: the rotated crop the landmark model saw (normalised to the image, rotation radians).
    gesture: the built-in gesture (filled when `HandsOptions.gestures`), or a taught sign.
    """

    handedness: str
    score: float
    landmarks: list[Landmark]
    world_landmarks: list[Landmark]
    presence: float = 1.0
    roi: NormalizedRect | None = None
    gesture: Gesture = field(default_factory=Gesture)

    def keypoint(self, name: str) -> Landmark:
        return self.landmarks[LANDMARK_NAMES.index(name)]

    def to_json(self) -> dict:
        return {
            "handedness": self.handedness,
            "score": self.score,
            "landmarks": [{"x": lm.x, "y": lm.y, "z": lm.z} for lm in self.landmarks],
            "world_landmarks": [{"x": lm.x, "y": lm.y, "z": lm.z}
                                for lm in self.world_landmarks],
            "gesture": self.gesture.to_json(),
        }

    @classmethod
    def from_json(cls, obj: dict) -> Hand:
        """A hand from `to_json()` output (e.g. recorded landmarks in tests or examples)."""
        def lms(items) -> list[Landmark]:
            return [Landmark(float(p["x"]), float(p["y"]), float(p.get("z", 0.0)))
                    for p in items]

        gesture = obj.get("gesture") or {}
        return cls(
            handedness=str(obj.get("handedness", "Right")),
            score=float(obj.get("score", 1.0)),
            landmarks=lms(obj["landmarks"]),
            world_landmarks=lms(obj.get("world_landmarks") or []),
            gesture=Gesture(str(gesture.get("name", "none")), float(gesture.get("score", 0.0))),
        )


@dataclass
class HandsResult(FrameResult):
    """All hands found in one frame (an empty list when there are none).

    connections: edges between landmarks for drawing.
    """

    hands: list[Hand] = field(default_factory=list)
    connections: tuple[tuple[int, int], ...] = HAND_CONNECTIONS

    def items_json(self) -> dict:
        return {"hands": [item.to_json() for item in self.hands]}


__all__ = ["HAND_CONNECTIONS", "LANDMARK_NAMES", "Gesture", "Hand", "HandsResult", "Landmark",
           "NormalizedRect"]
