"""Built-in gestures from the 21 hand landmarks (pure Python, a few hundred float ops).

Each finger gets an "extended" score in [0, 1] from two rotation-invariant cues: how straight
it is (angle between its base and tip segments) and how far its tip is from the wrist compared
with its middle joint (thumb: from the index knuckle, relative to palm size). A gesture is a
pattern of extended / folded fingers, plus a direction for pointing up and thumbs up/down; its
score is the mean agreement with the pattern averaged with the worst finger's agreement
(times the direction term). The best gesture wins
if its score is at least `MIN_GESTURE_SCORE`, else the result is "none".

Names: open_palm, closed_fist, pointing_up, thumbs_up, thumbs_down, victory, i_love_you
(MediaPipe's canned gestures Open_Palm, Closed_Fist, Pointing_Up, Thumb_Up, Thumb_Down,
Victory, ILoveYou), or "none".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from frontml.calculators.types import Landmark
from frontml.tasks.hands.types import Gesture, Hand

GESTURES = ("open_palm", "closed_fist", "pointing_up", "thumbs_up", "thumbs_down", "victory",
            "i_love_you")
MIN_GESTURE_SCORE = 0.7

# (thumb, index, middle, ring, pinky): 1 extended, 0 folded, None either.
_PATTERNS: dict[str, tuple[int | None, ...]] = {
    "open_palm": (1, 1, 1, 1, 1),
    "closed_fist": (0, 0, 0, 0, 0),
    "pointing_up": (None, 1, 0, 0, 0),
    "thumbs_up": (1, 0, 0, 0, 0),
    "thumbs_down": (1, 0, 0, 0, 0),
    "victory": (None, 1, 1, 0, 0),
    "i_love_you": (1, 1, 0, 0, 1),
}
_FINGERS = ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20))


def _sub(a: Landmark, b: Landmark) -> tuple[float, float, float]:
    return (a.x - b.x, a.y - b.y, a.z - b.z)


def _norm(v: tuple[float, float, float]) -> float:
    return math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])


def _cos(u: tuple[float, float, float], v: tuple[float, float, float]) -> float:
    nu, nv = _norm(u), _norm(v)
    if nu <= 0 or nv <= 0:
        return 0.0
    return (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (nu * nv)


def _ramp(value: float, lo: float, hi: float) -> float:
    return min(1.0, max(0.0, (value - lo) / (hi - lo)))


def finger_extension(points: Sequence[Landmark]) -> list[float]:
    """Extended score per finger (thumb, index, middle, ring, pinky), each in [0, 1]."""
    wrist = points[0]
    palm = _norm(_sub(points[9], wrist)) or 1e-9
    out = []
    for n, (a, b, c, d) in enumerate(_FINGERS):
        straight = _cos(_sub(points[b], points[a]), _sub(points[d], points[c]))
        if n == 0:  # thumb: straight and away from the index knuckle
            reach = _norm(_sub(points[d], points[5])) / palm
            out.append(0.5 * _ramp(straight, 0.3, 0.9) + 0.5 * _ramp(reach, 0.45, 0.8))
        else:
            reach = _norm(_sub(points[d], wrist)) / (_norm(_sub(points[b], wrist)) or 1e-9)
            out.append(0.5 * _ramp(straight, 0.0, 0.8) + 0.5 * _ramp(reach, 1.0, 1.3))
    return out


def _up(points: Sequence[Landmark], base: int, tip: int) -> float:
    """Cosine between base->tip and image up (-y), in the image plane."""
    dx = points[tip].x - points[base].x
    dy = points[tip].y - points[base].y
    n = math.hypot(dx, dy)
    return -dy / n if n > 0 else 0.0


def gesture_scores(hand_or_points: Hand | Sequence[Landmark]) -> dict[str, float]:
    """Score of every built-in gesture in [0, 1].

    Uses the world landmarks when the hand has them (metric, 3D: no aspect-ratio distortion;
    their x/y axes are the image's), else the normalised landmarks.
    """
    if isinstance(hand_or_points, Hand):
        hand = hand_or_points
        points = hand.world_landmarks if len(hand.world_landmarks) == 21 else hand.landmarks
    else:
        points = hand_or_points
    if len(points) != 21:
        raise ValueError(f"expected 21 hand landmarks, got {len(points)}")
    ext = finger_extension(points)
    scores: dict[str, float] = {}
    for name, pattern in _PATTERNS.items():
        terms = [e if want == 1 else 1.0 - e
                 for e, want in zip(ext, pattern, strict=True) if want is not None]
        # mean agreement, pulled down by the worst finger (one wrong finger is a different
        # shape, not a slightly worse one)
        score = 0.5 * sum(terms) / len(terms) + 0.5 * min(terms)
        if name == "pointing_up":
            score *= _ramp(_up(points, 5, 8), 0.5, 0.8)
        elif name == "thumbs_up":
            score *= _ramp(_up(points, 2, 4), 0.5, 0.8)
        elif name == "thumbs_down":
            score *= _ramp(-_up(points, 2, 4), 0.5, 0.8)
        scores[name] = score
    return scores


def classify_gesture(hand_or_points: Hand | Sequence[Landmark],
                     min_score: float = MIN_GESTURE_SCORE) -> Gesture:
    """The best built-in gesture, or Gesture("none", 1 - best score) below `min_score`."""
    scores = gesture_scores(hand_or_points)
    name = max(scores, key=lambda k: scores[k])
    best = scores[name]
    if best < min_score:
        return Gesture("none", 1.0 - best)
    return Gesture(name, best)


__all__ = ["GESTURES", "MIN_GESTURE_SCORE", "classify_gesture", "finger_extension",
           "gesture_scores"]
