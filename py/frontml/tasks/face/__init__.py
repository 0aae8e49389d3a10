"""Face mesh (468 landmarks, 478 with irises), head pose, blink and mouth measures.

```python
from frontml.tasks.face import FaceOptions, create_face_mesh

mesh = await create_face_mesh(FaceOptions(num_faces=1, refine_landmarks=True))
result = await mesh.process(frame, timestamp_ms)        # -> FaceResult
for face in result.faces:
    print(face.pose.yaw, face.pose.pitch, face.pose.roll, face.blink_left, face.mouth_open)
print(result.to_json())
mesh.close()
```
"""

from __future__ import annotations

from frontml.models import Progress
from frontml.tasks.face.facemesh import FaceMesh, head_pose
from frontml.tasks.face.options import DETECTORS, FaceOptions
from frontml.tasks.face.types import Face, FaceResult, HeadPose, Landmark, NormalizedRect


async def create_face_mesh(options: FaceOptions | None = None, *,
                           progress: Progress | None = None) -> FaceMesh:
    """Create the face mesh task; it has `await process(frame, timestamp_ms, timer=None)
    -> FaceResult` and `close()`."""
    return await FaceMesh.create(options, progress=progress)


__all__ = ["DETECTORS", "Face", "FaceMesh", "FaceOptions", "FaceResult", "HeadPose", "Landmark",
           "NormalizedRect", "create_face_mesh", "head_pose"]
