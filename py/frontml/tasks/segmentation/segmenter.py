"""PersonSegmenter: MediaPipe selfie segmentation (general / landscape) or the BlazePose mask.

The graph this follows is mediapipe/modules/selfie_segmentation/selfie_segmentation_cpu.pbtxt
(the legacy `mp.solutions.selfie_segmentation`): ImageToTensorCalculator (whole frame stretched
to 256x256 or 256x144, no letterbox, BORDER_ZERO, [0, 1] folded into the model) -> model ->
TensorsToSegmentationCalculator (activation NONE: the model already outputs probabilities;
the mask is resized to the image bilinearly).

Python never touches the mask's pixels one by one: the result carries the model's Tensor and
the affine that maps mask pixels to image pixels; thresholding, smoothing, feathering and
compositing run on the canvas (web/js/frontml.js, `segRender`) or in numpy
(`frontml.tasks.segmentation.effects_cpu`). Coverage stats use builtins over the memoryview.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from frontml.image import Affine, Frame, scale_matrix, warp_like_opencv
from frontml.models import Progress, load_session
from frontml.runtime import Session, Tensor
from frontml.tasks import registry
from frontml.tasks.core.result import FrameResult
from frontml.tasks.core.task import Task, TaskBase
from frontml.tasks.segmentation.options import SegmentationOptions, pick_model
from frontml.tasks.segmentation.parts import body_part_segments
from frontml.timing import StageTimer

MODEL_IDS = {"general": "selfie_segmentation", "landscape": "selfie_segmentation_landscape"}
EMPTY_MASK_SIZE = 16


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _row_span(affine: Affine, v: int, mw: int, width: int, height: int) -> tuple[int, int]:
    """[u0, u1): the mask pixels of row v whose centres fall inside the image."""
    a, b, c, d, e, f = affine
    lo, hi = 0.0, float(mw)
    yc = v + 0.5
    for k, m, limit in ((a, b * yc + c, width), (d, e * yc + f, height)):
        # 0 <= k * (u + .5) + m < limit
        if abs(k) < 1e-12:
            if not 0.0 <= m < limit:
                return 0, 0
            continue
        u_a, u_b = (-m) / k - 0.5, (limit - m) / k - 0.5
        lo, hi = max(lo, min(u_a, u_b)), min(hi, max(u_a, u_b))
    u0, u1 = max(0, math.ceil(lo)), min(mw, math.ceil(hi))
    return (u0, u1) if u1 > u0 else (0, 0)


def mask_stats(mask: Tensor, affine: Affine, logits: bool, threshold: float,
               width: int, height: int, stride: int | None = None
               ) -> tuple[float, float | None, float]:
    """(coverage, mean, max) of a mask without a Python-level pixel loop.

    coverage: fraction of the image area whose probability is above `threshold`: mask pixels
    above it whose centres lie in the image, times their area in the image (rows are sliced
    to the part inside the image, so a ROI mask reaching outside is not over-counted).
    mean: mean probability over the mask (None for logit masks). max: max probability.
    stride: sample every stride-th row and column (default: about 64x64 samples; a 256x256
    mask is read at stride 4, which keeps this ~1 ms in Pyodide and within ~0.5% of the full
    count).
    """
    values = mask.data
    if len(values) == 0:
        return 0.0, 0.0, 0.0
    _, mh, mw, _ = mask.shape
    if stride is None:
        stride = max(1, min(mh, mw) // 64)
    cut = logit(threshold) if logits else threshold
    above = total = 0.0
    top = -math.inf
    rows = 0
    for v in range(stride // 2, mh, stride):  # one C-level map per sampled row, not per pixel
        row = values[v * mw + stride // 2:(v + 1) * mw:stride]
        rows += 1
        total += sum(row)
        top = max(top, max(row))
        u0, u1 = _row_span(affine, v, mw, width, height)
        if u1 > u0:
            first = stride // 2 + -(-(u0 - stride // 2) // stride) * stride  # first sample >= u0
            first = max(first, stride // 2)
            if first < u1:
                above += sum(map(cut.__lt__, values[v * mw + first:v * mw + u1:stride]))
    samples = rows * len(range(stride // 2, mw, stride))
    if logits:
        top = 1.0 / (1.0 + math.exp(-max(-80.0, min(80.0, top))))
        mean = None
    else:
        mean = total / samples
    a, b, _, d, e, _ = affine
    pixel_area = abs(a * e - b * d) * stride * stride
    coverage = min(1.0, above * pixel_area / (width * height))
    return coverage, mean, top


@dataclass
class SegmentationResult(FrameResult):
    """The person mask of one frame.

    mask: Tensor float32 [1, h, w, 1]: probabilities, or logits when `logits` (model "pose").
    mask_affine: mask px -> image px (frontml.image convention: mask pixel (u, v) covers
        apply_affine(mask_affine, u + .5, v + .5)); outside the mask's footprint is background.
    coverage: fraction of the image above `threshold`; mean / max: mask probability stats.
    pose: the BlazePose result used (model "pose" or body_parts), else None.
    segments: body-part skeleton segments (x0, y0, x1, y1, part) in image px, or empty.
    """

    model: str
    mask: Tensor
    mask_affine: Affine
    logits: bool
    threshold: float
    coverage: float
    mean: float | None
    max: float
    pose: Any = None  # a frontml.tasks.pose Pose (created through the registry)
    segments: object = field(default_factory=list)  # array('f') of 5-tuples

    @property
    def mask_width(self) -> int:
        return self.mask.shape[2]

    @property
    def mask_height(self) -> int:
        return self.mask.shape[1]

    @property
    def has_person(self) -> bool:
        return self.coverage > 0.001

    def to_json(self) -> dict:
        return {
            "image": {"width": self.image_width, "height": self.image_height},
            "model": self.model,
            "mask": {"width": self.mask_width, "height": self.mask_height,
                     "affine": list(self.mask_affine), "logits": self.logits},
            "threshold": self.threshold,
            "coverage": self.coverage,
            "mean": self.mean,
            "max": self.max,
            "person": self.has_person,
            "pose": None if self.pose is None else self.pose.to_json(),
            "body_part_segments": len(self.segments) // 5,
        }

    def probability(self):
        """CPython only: the mask as [h, w] float32 probabilities (numpy), mask space."""
        import numpy as np

        m = np.frombuffer(self.mask.data, dtype=np.float32).reshape(self.mask_height,
                                                                    self.mask_width)
        if self.logits:
            m = (1.0 / (1.0 + np.exp(-np.clip(m, -80.0, 80.0)))).astype(np.float32)
        return m

    def probability_image(self):
        """CPython only: the probability mask at image size, [H, W] float32 (bilinear)."""
        from frontml.tasks.segmentation.effects_cpu import mask_to_image

        return mask_to_image(self.probability(), self.mask_affine, self.image_width,
                             self.image_height)


class PersonSegmenter(TaskBase):
    """Person segmentation for frames: `await create(options)`, `await process(frame, ts)`."""

    def __init__(self, options: SegmentationOptions, sessions: dict[str, Session],
                 pose: Task | None) -> None:
        super().__init__()
        self.options = options
        self.sessions = sessions
        self.pose_detector = pose
        self.last_model: str | None = None
        self.last_input: Tensor | None = None

    @classmethod
    async def create(cls, options: SegmentationOptions | None = None, *,
                     progress: Progress | None = None) -> PersonSegmenter:
        """Load the models `options` needs ("auto" loads both selfie models)."""
        options = options or SegmentationOptions()
        wanted = {"auto": ["general", "landscape"], "pose": []}.get(options.model,
                                                                     [options.model])
        sessions: dict[str, Session] = {}
        pose = None
        try:
            for name in wanted:
                sessions[name] = await load_session(MODEL_IDS[name], provider=options.provider,
                                                    progress=progress)
            if options.model == "pose" or options.body_parts:
                # BlazePose through the registry (no import from the sibling task)
                pose = await registry.create("pose", {
                    "model": options.pose_model, "running_mode": options.running_mode,
                    "output_mask": options.model == "pose", "provider": options.provider,
                }, progress=progress)
        except BaseException:
            for s in sessions.values():
                s.close()
            raise
        return cls(options, sessions, pose)

    def close(self) -> None:
        for s in self.sessions.values():
            s.close()
        self.sessions = {}
        if self.pose_detector is not None:
            self.pose_detector.close()
            self.pose_detector = None

    def reset(self) -> None:
        super().reset()
        if self.pose_detector is not None:
            self.pose_detector.reset()

    async def process(self, frame: Frame, timestamp_ms: float | None = None,
                      timer: StageTimer | None = None) -> SegmentationResult:
        timer = timer if timer is not None else StageTimer()
        if timestamp_ms is None:
            timestamp_ms = frame.timestamp_ms
        width, height = frame.width, frame.height
        model = pick_model(self.options.model, width, height)
        self.last_model = model
        pose = None
        if self.pose_detector is not None:
            poses = await self.pose_detector.process(frame, timestamp_ms, timer)
            pose = poses.poses[0] if poses.poses else None
        if model == "pose":
            if pose is not None and pose.mask is not None:
                mask, affine, logits = pose.mask, pose.mask_affine, True
            else:  # nobody: an empty mask over the whole frame
                n = EMPTY_MASK_SIZE
                mask = Tensor.zeros("float32", (1, n, n, 1))
                affine, logits = scale_matrix(width, height, n, n), False
        else:
            session = self.sessions[model]
            _, in_h, in_w, _ = session.inputs["image"].shape
            with timer.stage("pre"):
                # ImageToTensorCalculator: the whole frame stretched, OpenCV sampling, zero border
                image = warp_like_opencv(frame, scale_matrix(width, height, in_w, in_h), in_w,
                                         in_h, "zero")
            with timer.stage("infer"):
                mask = (await session.run({"image": image}))["mask"]
            self.last_input = image
            self.record_input("input", image)
            _, mh, mw, _ = mask.shape
            affine, logits = scale_matrix(width, height, mw, mh), False
        with timer.stage("post"):
            coverage, mean, top = mask_stats(mask, affine, logits, self.options.threshold,
                                             width, height)
            segments = (body_part_segments(pose, width, height)
                        if self.options.body_parts and pose is not None else [])
        return SegmentationResult(width, height, model, mask, affine, logits,
                                  self.options.threshold, coverage, mean, top, pose, segments)
