"""One registry of tasks: `await frontml.tasks.create(name, options, progress=...)`.

Every page and CLI command creates its task here (the role of tfjs's `createDetector` and
transformers.js's `pipeline(task)`). Task modules are imported only when created, so a page
loads the Python of its own task alone.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from frontml.models import Progress


@dataclass(frozen=True)
class TaskEntry:
    name: str
    module: str        # e.g. "frontml.tasks.pose"
    factory: str       # async factory(options, progress=...) in that module
    options: str       # its options class in that module
    summary: str


_ENTRIES: dict[str, TaskEntry] = {}


def register(name: str, module: str, factory: str, options: str, summary: str) -> None:
    _ENTRIES[name] = TaskEntry(name, module, factory, options, summary)


def names() -> tuple[str, ...]:
    return tuple(_ENTRIES)


def entry(name: str) -> TaskEntry:
    try:
        return _ENTRIES[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; available: {', '.join(_ENTRIES)}") from None


def options_class(name: str) -> type:
    e = entry(name)
    return getattr(importlib.import_module(e.module), e.options)


def make_options(name: str, options: Any = None, **overrides: Any):
    """`options` (an instance, a dict of field values or None) plus keyword overrides."""
    cls = options_class(name)
    if options is None:
        options = {}
    if isinstance(options, dict):
        return cls(**{**options, **overrides})
    if overrides:
        import dataclasses

        return dataclasses.replace(options, **overrides)
    return options


async def create(name: str, options: Any = None, *, progress: Progress | None = None,
                 **overrides: Any):
    """Create task `name` from options (instance, dict or None = defaults)."""
    e = entry(name)
    module = importlib.import_module(e.module)
    opts = make_options(name, options, **overrides)
    return await getattr(module, e.factory)(opts, progress=progress)


# The built-in tasks (one line each; new tasks add theirs here).
register("pose", "frontml.tasks.pose", "create_pose_detector", "PoseOptions",
         "BlazePose 33 keypoints or MoveNet (multi-person)")
register("face", "frontml.tasks.face", "create_face_mesh", "FaceOptions",
         "face detection + 468-point mesh, iris, head pose")
register("hands", "frontml.tasks.hands", "create_hand_landmarker", "HandsOptions",
         "palm detection + 21 hand landmarks, gestures")
register("hello", "frontml.tasks.hello", "create_hello_segmenter", "HelloOptions",
         "the smallest pipeline: selfie mask -> a few numbers")
register("segmentation", "frontml.tasks.segmentation", "create_person_segmenter",
         "SegmentationOptions", "person segmentation and background effects")
register("classification", "frontml.tasks.classification", "create_image_classifier",
         "ClassifierOptions", "ImageNet-1k classes + embedding (EfficientNet-Lite0), smoothing")
register("detection", "frontml.tasks.detection", "create_object_detector", "DetectorOptions",
         "objects (COCO-80 CenterNet or 23 Open Images classes), NMS, tracking ids and counts")
register("text", "frontml.tasks.text", "create_text_analyzer", "TextOptions",
         "offensive language, sentiment, embeddings, semantic search, few-shot text classes")
register("speech", "frontml.tasks.speech", "create_speech_detector", "SpeechOptions",
         "speech commands (yes/no/up/down/...) and personal words from the microphone or files")
register("makeup", "frontml.tasks.makeup", "create_makeup", "MakeupOptions",
         "virtual makeup on the face mesh: lips (gloss/matte), blush, eyeliner, brows")
