"""Object detection (COCO-80 CenterNet, or 23 Open Images classes) with a built-in tracker.

```python
import frontml.tasks

detector = await frontml.tasks.create("detection", score_threshold=0.4)
result = await detector.process(frame, timestamp_ms)   # -> DetectionResult
for d in result.detections:                               # best first
    print(d.label, d.score, d.box, d.id)                  # box normalised; id in video mode
result.counts, result.events                              # video mode: per class, enter/leave
detector.close()
```
"""

from __future__ import annotations

from frontml.models import Progress
from frontml.tasks.detection.detector import DetectionResult, ObjectDetection, ObjectDetector
from frontml.tasks.detection.options import MODELS, NMS_MODES, DetectorOptions
from frontml.tasks.detection.tracker import IouTracker, Track, TrackEvent, iou


async def create_object_detector(options: DetectorOptions | None = None, *,
                                 progress: Progress | None = None) -> ObjectDetector:
    """The detection task's factory (what `frontml.tasks.create("detection")` calls)."""
    return await ObjectDetector.create(options, progress=progress)


__all__ = ["MODELS", "NMS_MODES", "DetectionResult", "DetectorOptions", "IouTracker",
           "ObjectDetection", "ObjectDetector", "Track", "TrackEvent", "create_object_detector",
           "iou"]
