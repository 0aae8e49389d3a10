"""Hand-made embeddings for the teachable features: body pose as one vector."""

from __future__ import annotations

import math
from collections.abc import Sequence

from frontml.learn.backbone import Backbone

POSE_LANDMARKS = Backbone("frontml.pose.landmarks/1", dim=66, metric="euclidean")


def pose_features(landmarks: Sequence) -> tuple[float, ...]:
    """33 BlazePose landmarks (objects with x, y) -> 66 floats: positions relative to the mid-hip
    point, in torso lengths (mid-hip to mid-shoulder), so place and size do not matter."""
    if len(landmarks) != 33:
        raise ValueError(f"expected 33 pose landmarks, got {len(landmarks)}")
    hx = (landmarks[23].x + landmarks[24].x) / 2
    hy = (landmarks[23].y + landmarks[24].y) / 2
    sx = (landmarks[11].x + landmarks[12].x) / 2
    sy = (landmarks[11].y + landmarks[12].y) / 2
    torso = math.hypot(sx - hx, sy - hy)
    if not torso > 1e-6:
        raise ValueError("degenerate pose: shoulders and hips coincide")
    out: list[float] = []
    for p in landmarks:
        out.extend(((p.x - hx) / torso, (p.y - hy) / torso))
    return tuple(out)
