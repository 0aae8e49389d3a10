"""ImageClassifier: EfficientNet-Lite0 ImageNet classes + the pooled embedding, one pass.

Follows MediaPipe Tasks' ImageClassifier flow (image -> optional region of interest -> model
-> ClassificationPostprocessing: score, allow/deny list, threshold, max results) with a centre
square crop of the region (ImageNet's evaluation crop) and, in video mode, temporal smoothing
with hysteresis (frontml.tasks.classification.smoothing). The crop/resize is one frame.warp
(canvas in the page, numpy in CPython); normalisation lives in the ONNX graph.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field

from frontml.errors import InputError
from frontml.image import Frame, crop_matrix
from frontml.models import Progress
from frontml.runtime import Session
from frontml.tasks.classification.options import ClassifierOptions
from frontml.tasks.classification.smoothing import Decision, ScoreSmoother
from frontml.tasks.core import FrameResult, TaskBase
from frontml.tasks.core.filters import create_labelled, label_indices
from frontml.timing import StageTimer

INPUT_SIZE = 224


@dataclass
class Category:
    index: int
    label: str
    score: float

    def to_json(self) -> dict:
        return {"index": self.index, "label": self.label, "score": self.score}


@dataclass
class ClassificationResult(FrameResult):
    """classifications: best first. embedding: 1280 floats (array 'f'); projection: its fixed
    128-d random projection (a cheap key for kNN). decision: video mode only."""

    classifications: list[Category] = field(default_factory=list)
    embedding: array = field(default_factory=lambda: array("f"))
    projection: array = field(default_factory=lambda: array("f"))
    decision: Decision | None = None

    def items_json(self) -> dict:
        out: dict = {"classifications": [c.to_json() for c in self.classifications]}
        if self.decision is not None:
            out["decision"] = self.decision.to_json()
        return out


def softmax(logits) -> list[float]:
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = math.fsum(exps)
    return [e / total for e in exps]


def centre_square(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
    side = min(w, h)
    return (x + (w - side) / 2.0, y + (h - side) / 2.0, side, side)


class ImageClassifier(TaskBase):
    def __init__(self, options: ClassifierOptions, session: Session, labels: list[str]) -> None:
        super().__init__()
        self.options = options
        self.session = session
        self.labels = labels
        self.allowed = label_indices(labels, options.category_allowlist,
                                     options.category_denylist)
        self.smoother = ScoreSmoother(options.smoothing, options.unsure_below,
                                      options.hysteresis)

    @classmethod
    async def create(cls, options: ClassifierOptions | None = None, *,
                     progress: Progress | None = None) -> ImageClassifier:
        return await create_labelled(cls, options or ClassifierOptions(), progress)

    def reset(self) -> None:
        super().reset()
        self.smoother.reset()

    def close(self) -> None:
        self.session.close()

    def crop_affine(self, frame: Frame):
        w, h = frame.width, frame.height
        roi = self.options.region_of_interest or (0.0, 0.0, 1.0, 1.0)
        x, y, cw, ch = centre_square(roi[0] * w, roi[1] * h, roi[2] * w, roi[3] * h)
        return crop_matrix(x, y, cw, ch, INPUT_SIZE, INPUT_SIZE)

    async def process(self, frame: Frame, timestamp_ms: float | None = None,
                      timer: StageTimer | None = None) -> ClassificationResult:
        if not isinstance(frame, Frame):
            raise InputError(f"expected a frame (image), got {type(frame).__name__}")
        if frame.width < 1 or frame.height < 1:
            raise InputError(f"empty frame ({frame.width}x{frame.height})")
        video = self.options.running_mode == "video"
        if video:
            self.check_timestamp(frame.timestamp_ms if timestamp_ms is None else timestamp_ms)
        timer = timer or StageTimer()
        with timer.stage("pre"):
            tensor = frame.warp(self.crop_affine(frame), INPUT_SIZE, INPUT_SIZE)
        self.record_input("image", tensor)
        with timer.stage("infer"):
            out = await self.session.run({"image": tensor})
        with timer.stage("post"):
            probs = softmax(out["logits"].data)
            decision = None
            if video:  # smoothing 0: the EMA is this frame's scores, hysteresis still applies
                probs = self.smoother.update(probs)
                decision = self.smoother.decide(self.labels, self.allowed)
            result = ClassificationResult(
                frame.width, frame.height, self.top(probs),
                array("f", out["embedding"].data), array("f", out["projection"].data),
                decision)
        return result

    def top(self, probs) -> list[Category]:
        o = self.options
        pool = range(len(probs)) if self.allowed is None else self.allowed
        kept = [i for i in pool if probs[i] >= o.score_threshold]
        kept.sort(key=probs.__getitem__, reverse=True)
        if o.max_results != -1:
            kept = kept[:o.max_results]
        return [Category(i, self.labels[i], float(probs[i])) for i in kept]
