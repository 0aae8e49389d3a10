"""Image classification: ImageNet-1k (EfficientNet-Lite0) + the embedding, in one pass.

```python
import frontml.tasks

classifier = await frontml.tasks.create("classification", max_results=5)
result = await classifier.process(frame, timestamp_ms)   # -> ClassificationResult
result.classifications        # [Category(index, label, score)], best first
result.embedding              # 1280 floats, same forward pass (transfer learning)
result.decision               # video mode: smoothed label with hysteresis, or "unsure"
classifier.close()
```
"""

from __future__ import annotations

from frontml.models import Progress
from frontml.tasks.classification.classifier import (
    Category,
    ClassificationResult,
    ImageClassifier,
    softmax,
)
from frontml.tasks.classification.options import MODELS, ClassifierOptions
from frontml.tasks.classification.smoothing import UNSURE, Decision, ScoreSmoother
from frontml.tasks.core.filters import FilterOptions, label_indices


async def create_image_classifier(options: ClassifierOptions | None = None, *,
                                  progress: Progress | None = None) -> ImageClassifier:
    """The classification task's factory (what `frontml.tasks.create("classification")` calls)."""
    return await ImageClassifier.create(options, progress=progress)


__all__ = ["MODELS", "UNSURE", "Category", "ClassificationResult", "ClassifierOptions",
           "Decision", "FilterOptions", "ImageClassifier", "ScoreSmoother",
           "create_image_classifier", "label_indices", "softmax"]
