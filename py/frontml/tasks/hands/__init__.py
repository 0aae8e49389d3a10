"""Hands: MediaPipe palm detection + 21 hand landmarks, up to 4 hands, built-in gestures and
teachable signs.

```python
from frontml.tasks.hands import HandsOptions, create_hand_landmarker

landmarker = await create_hand_landmarker(HandsOptions(model="full", num_hands=2))
result = await landmarker.process(frame, timestamp_ms)      # -> HandsResult
for hand in result.hands:
    print(hand.handedness, hand.gesture.name, hand.keypoint("index_finger_tip"))
landmarker.close()
```
"""

from __future__ import annotations

from frontml.models import Progress
from frontml.tasks.hands.gestures import GESTURES, classify_gesture, gesture_scores
from frontml.tasks.hands.landmarker import HandLandmarker
from frontml.tasks.hands.options import HAND_MODELS, MAX_HANDS, HandsOptions
from frontml.tasks.hands.signs import (
    NO_SIGN,
    NoExamplesError,
    SignClassifier,
    SignDataError,
    SignSpeller,
    hand_features,
)
from frontml.tasks.hands.types import (
    HAND_CONNECTIONS,
    LANDMARK_NAMES,
    Gesture,
    Hand,
    HandsResult,
    Landmark,
)


async def create_hand_landmarker(options: HandsOptions | None = None, *,
                                 progress: Progress | None = None) -> HandLandmarker:
    """Load the palm detector and hand landmark model `options.model` names."""
    return await HandLandmarker.create(options, progress=progress)


__all__ = [
    "GESTURES",
    "HAND_CONNECTIONS",
    "HAND_MODELS",
    "LANDMARK_NAMES",
    "MAX_HANDS",
    "NO_SIGN",
    "Gesture",
    "Hand",
    "HandLandmarker",
    "HandsOptions",
    "HandsResult",
    "Landmark",
    "NoExamplesError",
    "SignClassifier",
    "SignDataError",
    "SignSpeller",
    "classify_gesture",
    "create_hand_landmarker",
    "gesture_scores",
    "hand_features",
]
