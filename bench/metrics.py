"""Landmark error metrics shared by the unit tests and the accuracy scripts.

Landmarks are dicts with normalised "x" / "y" (the `to_json()` shape); errors are the mean
pixel distance between matching landmarks divided by a size of the REFERENCE object, so they
compare across image sizes: pose / torso length, face / inter-ocular distance, hand / palm size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def distance(a: dict, b: dict, width: int, height: int) -> float:
    """Pixel distance between two normalised landmarks."""
    return math.hypot((a["x"] - b["x"]) * width, (a["y"] - b["y"]) * height)


def mean_distance(ours: Sequence[dict], ref: Sequence[dict], width: int, height: int) -> float:
    """Mean pixel distance over paired landmarks (the lists must be the same length)."""
    dist = [distance(a, b, width, height) for a, b in zip(ours, ref, strict=True)]
    return sum(dist) / len(dist)


def torso_length(landmarks: Sequence[dict], width: int, height: int) -> float:
    """Shoulder midpoint to hip midpoint, px (BlazePose indices 11/12, 23/24)."""
    def mid(a: int, b: int) -> dict:
        return {"x": (landmarks[a]["x"] + landmarks[b]["x"]) / 2,
                "y": (landmarks[a]["y"] + landmarks[b]["y"]) / 2}

    return distance(mid(11, 12), mid(23, 24), width, height)


def interocular(landmarks: Sequence[dict], width: int, height: int) -> float:
    """Outer eye corners, px (face mesh 33 / 263)."""
    return distance(landmarks[33], landmarks[263], width, height)


def palm_size(landmarks: Sequence[dict], width: int, height: int) -> float:
    """Wrist to middle-finger MCP, px (hand landmarks 0 / 9)."""
    return distance(landmarks[0], landmarks[9], width, height)


def pose_error(ours: Sequence[dict], ref: Sequence[dict], width: int, height: int) -> float:
    """Mean distance over the landmarks / the reference's torso length."""
    return mean_distance(ours, ref, width, height) / torso_length(ref, width, height)


def face_error(ours: Sequence[dict], ref: Sequence[dict], width: int, height: int) -> float:
    """Mean distance over the 468 mesh points (irises left out) / inter-ocular distance."""
    return mean_distance(ours[:468], ref[:468], width, height) / interocular(ref, width, height)


def hand_error(ours: Sequence[dict], ref: Sequence[dict], width: int, height: int) -> float:
    """Mean distance over the 21 landmarks / the reference's palm size."""
    return mean_distance(ours, ref, width, height) / palm_size(ref, width, height)
