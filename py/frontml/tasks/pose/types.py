"""Plain result types of the pose task (no numpy: they are built in the page too).

Coordinates: `Pose.landmarks` are normalised to the image (x right, y down, in [0, 1] inside
the image; z is depth with roughly the scale of x, smaller = closer to the camera, origin at
the hips). `Pose.world_landmarks` are metres, origin between the hips. Landmark order is
BlazePose's 33-point topology (`LANDMARK_NAMES`).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field

from frontml.calculators.types import Landmark, NormalizedRect
from frontml.image import Affine, invert_affine
from frontml.runtime.tensor import Tensor
from frontml.tasks.core.result import FrameResult

LANDMARK_NAMES = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip

# mediapipe/python/solutions/pose_connections.py POSE_CONNECTIONS (for drawing)
POSE_CONNECTIONS: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10), (11, 12),
    (11, 13), (13, 15), (15, 17), (15, 19), (15, 21), (17, 19), (12, 14), (14, 16), (16, 18),
    (16, 20), (16, 22), (18, 20), (11, 23), (12, 24), (23, 24), (23, 25), (24, 26), (25, 27),
    (26, 28), (27, 29), (28, 30), (29, 31), (30, 32), (27, 31), (28, 32),
)  # fmt: skip


@dataclass
class Pose:
    """One person, from BlazePose or MoveNet (tfjs-models' single `Pose` type).

    score: the landmark model's pose-presence probability (BlazePose) or MoveNet's pose score.
    landmarks: normalised to the image, visibility/presence in [0, 1]: BlazePose's 33
        (`LANDMARK_NAMES`) or MoveNet's 17 COCO keypoints (z = 0, the keypoint score in
        visibility and presence); `keypoint_names` names them.
    world_landmarks: 33 `Landmark`s in metres (BlazePose; visibility/presence copied from
        `landmarks`), None for MoveNet.
    roi: the rotated crop the landmark model saw (BlazePose; normalised, rotation radians).
    mask: person-segmentation LOGITS in ROI space, Tensor float32 [1, 256, 256, 1] (only with
        `output_mask`); pixel (u, v) of the mask lies at `apply_affine(mask_affine, u + .5, v + .5)`
        in image pixels. `mask_probability()` gives probabilities, `mask_to_image()` (CPython)
        an image-aligned [H, W] probability array.
    mask_affine: mask px -> image px affine (frontml.image convention); to warp the mask into
        the image use `invert_affine(mask_affine)` as the output->source matrix.
    box: (x0, y0, x1, y1) normalised (MoveNet), else None.
    id: tracking id across frames (MoveNet MultiPose with tracking), else None.
    """

    score: float
    landmarks: list[Landmark]
    world_landmarks: list[Landmark] | None = None
    roi: NormalizedRect | None = None
    mask: Tensor | None = None
    mask_affine: Affine | None = None
    box: tuple[float, float, float, float] | None = None
    id: int | None = None
    keypoint_names: tuple[str, ...] = LANDMARK_NAMES

    def to_json(self) -> dict:
        if self.world_landmarks is None:  # MoveNet's schema (the CLI's --json contract)
            return {
                "id": self.id,
                "score": self.score,
                "box": list(self.box) if self.box is not None else None,
                "landmarks": [{"x": lm.x, "y": lm.y, "z": lm.z, "visibility": lm.visibility}
                              for lm in self.landmarks],
            }
        return {
            "score": self.score,
            "landmarks": [
                {"x": lm.x, "y": lm.y, "z": lm.z, "visibility": lm.visibility,
                 "presence": lm.presence}
                for lm in self.landmarks
            ],
            "world_landmarks": [{"x": lm.x, "y": lm.y, "z": lm.z} for lm in self.world_landmarks],
        }

    def keypoint(self, name: str) -> Landmark:
        return self.landmarks[self.keypoint_names.index(name)]

    def mask_probability(self) -> array:
        """The mask as float32 probabilities (sigmoid of the logits), ROI space, row-major.

        Pure Python (about 65k exp calls): call it when you need it, not every frame.
        """
        if self.mask is None:
            raise ValueError("no mask: create the detector with output_mask=True")
        out = array("f", bytes(4 * self.mask.size))
        for i, v in enumerate(self.mask.data):
            out[i] = 1.0 / (1.0 + math.exp(-v)) if v > -80.0 else 0.0
        return out

    def mask_to_image(self, image_width: int, image_height: int):
        """CPython only (numpy + Pillow): the mask warped into the image, [H, W] float32 in [0, 1].

        Pixels outside the ROI are 0.
        """
        import numpy as np
        from PIL import Image

        if self.mask is None or self.mask_affine is None:
            raise ValueError("no mask: create the detector with output_mask=True")
        _, mh, mw, _ = self.mask.shape
        logits = np.frombuffer(self.mask.data, dtype=np.float32).reshape(mh, mw)
        prob = (1.0 / (1.0 + np.exp(-np.clip(logits, -80.0, 80.0)))).astype(np.float32)
        img = Image.fromarray(prob, mode="F").transform(
            (image_width, image_height), Image.Transform.AFFINE,
            data=invert_affine(self.mask_affine),
            resample=Image.Resampling.BILINEAR, fillcolor=0.0,
        )
        return np.asarray(img, dtype=np.float32)


@dataclass
class PoseResult(FrameResult):
    """All poses found in one frame (an empty list when there is nobody).

    connections: the skeleton's edges (index pairs into `Pose.landmarks`) for drawing.
    MoveNet results also carry `model`, `timestamp_ms` and `min_keypoint_score` (its JSON).
    """

    poses: list[Pose] = field(default_factory=list)
    connections: tuple[tuple[int, int], ...] = POSE_CONNECTIONS
    model: str | None = None  # set by MoveNet
    timestamp_ms: float = 0.0
    min_keypoint_score: float = 0.0
    keypoint_names: tuple[str, ...] = LANDMARK_NAMES

    def to_json(self) -> dict:
        if self.model is None:
            return super().to_json()
        return {  # MoveNet's schema
            "image": {"width": self.image_width, "height": self.image_height,
                      "timestamp_ms": self.timestamp_ms},
            "model": self.model,
            "keypoint_names": list(self.keypoint_names),
            "min_keypoint_score": self.min_keypoint_score,
            "poses": [pose.to_json() for pose in self.poses],
        }

    def items_json(self) -> dict:
        return {"poses": [p.to_json() for p in self.poses]}


__all__ = ["LANDMARK_NAMES", "POSE_CONNECTIONS", "Landmark", "NormalizedRect", "Pose",
           "PoseResult"]
