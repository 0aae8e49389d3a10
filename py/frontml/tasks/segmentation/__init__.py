"""Person segmentation and background effects.

```python
from frontml.tasks.segmentation import PersonSegmenter, SegmentationOptions

segmenter = await PersonSegmenter.create(SegmentationOptions(model="auto"))
result = await segmenter.process(frame, timestamp_ms)   # -> SegmentationResult
print(result.to_json())                                   # coverage, mask size, affine ...
segmenter.close()
```

In the page the mask goes to the canvas (`segRender` in web/js/frontml.js) for threshold,
temporal smoothing, feathering, blur/replace compositing and body-part colouring; in CPython
`frontml.tasks.segmentation.effects_cpu` does the same with numpy.
"""

from __future__ import annotations

from frontml.models import Progress
from frontml.tasks.segmentation.options import (
    EFFECTS,
    LANDSCAPE_MIN_ASPECT,
    MODELS,
    SegmentationOptions,
    pick_model,
)
from frontml.tasks.segmentation.parts import PART_COLOURS, PARTS, body_part_segments
from frontml.tasks.segmentation.segmenter import (
    MODEL_IDS,
    PersonSegmenter,
    SegmentationResult,
    mask_stats,
)


async def create_person_segmenter(options: SegmentationOptions | None = None, *,
                                  progress: Progress | None = None) -> PersonSegmenter:
    """The segmentation task's factory (what `frontml.tasks.create("segmentation")` calls)."""
    return await PersonSegmenter.create(options, progress=progress)


__all__ = [
    "EFFECTS",
    "LANDSCAPE_MIN_ASPECT",
    "MODELS",
    "MODEL_IDS",
    "PARTS",
    "PART_COLOURS",
    "PersonSegmenter",
    "SegmentationOptions",
    "SegmentationResult",
    "body_part_segments",
    "create_person_segmenter",
    "mask_stats",
    "pick_model",
]
