"""Pose estimation: BlazePose (MediaPipe) and MoveNet (multi-person), behind one factory.

```python
from frontml.tasks.pose import PoseOptions, create_pose_detector

detector = await create_pose_detector(PoseOptions(model="full", running_mode="video"))
result = await detector.process(frame, timestamp_ms)   # -> PoseResult
print(result.to_json())
detector.close()
```
"""

from __future__ import annotations

from frontml.models import Progress
from frontml.tasks.pose.blazepose import BlazePose
from frontml.tasks.pose.options import BLAZEPOSE_MODELS, MOVENET_MODELS, PoseOptions
from frontml.tasks.pose.types import (
    LANDMARK_NAMES,
    POSE_CONNECTIONS,
    Landmark,
    NormalizedRect,
    Pose,
    PoseResult,
)


async def create_pose_detector(options: PoseOptions | None = None, *,
                               progress: Progress | None = None):
    """Create the pose detector `options.model` names (like tfjs's `createDetector`).

    Both models take `PoseOptions` and return `PoseResult` (one `Pose` type; MoveNet fills
    `id` and `box`, BlazePose `world_landmarks`, `roi` and `mask`), with `process`, `reset`,
    `close` and `debug_tensors` (the `frontml.tasks.core.Task` contract).
    """
    options = options or PoseOptions()
    if options.model in BLAZEPOSE_MODELS:
        return await BlazePose.create(options, progress=progress)
    if options.model in MOVENET_MODELS:
        from frontml.tasks.pose.movenet import MoveNet

        return await MoveNet.create(options, progress=progress)
    raise ValueError(f"unknown pose model {options.model!r}; use one of "
                     f"{', '.join(BLAZEPOSE_MODELS + MOVENET_MODELS)}")


__all__ = [
    "LANDMARK_NAMES",
    "POSE_CONNECTIONS",
    "BlazePose",
    "Landmark",
    "NormalizedRect",
    "Pose",
    "PoseOptions",
    "PoseResult",
    "create_pose_detector",
]
