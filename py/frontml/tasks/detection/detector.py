"""ObjectDetector: COCO-80 CenterNet or the 23-class Open Images SSD, NMS, and a tracker.

Flow as MediaPipe Tasks' ObjectDetector (image -> model -> decode -> score threshold,
allow/deny list -> NMS -> max results), the frame stretched to the model's square input
(as both sources feed it: human's centernet.ts, MediaPipe's object_detection_oid_v4_cpu.pbtxt).
The SSD decodes with our ports of MediaPipe's SsdAnchorsCalculator, TensorsToDetections and
NonMaxSuppression; CenterNet's graph already returns its best 100 boxes. Video mode adds the
IoU tracker (frontml.tasks.detection.tracker).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from frontml.calculators.non_max_suppression import (
    NonMaxSuppressionCalculatorOptions,
    non_max_suppression,
)
from frontml.calculators.ssd_anchors import generate_anchors
from frontml.calculators.tensors_to_detections import TensorsToDetectionsCalculator
from frontml.calculators.types import Detection
from frontml.errors import InputError
from frontml.image import Frame
from frontml.models import Progress
from frontml.runtime import Session, Tensor
from frontml.tasks.core import FrameResult, TaskBase
from frontml.tasks.core.filters import create_labelled, label_indices
from frontml.tasks.detection.constants import OBJECTRON_SSD_MOBILENETV2_OIDV4
from frontml.tasks.detection.options import DetectorOptions
from frontml.tasks.detection.tracker import IouTracker, TrackEvent
from frontml.timing import StageTimer

INPUT_SIZE = {"centernet": 512, "objectron_ssd": 300, "nanodet": 416}
NANODET_GRIDS = ((13, 1), (26, 2), (52, 4))  # (cells per side, human's "strideSize")
NANODET_SCALE_BOX = 2.5  # human's nanodet.ts scaleBox


@dataclass
class ObjectDetection:
    """One object: box (x, y, width, height) normalised to the image from its top-left corner
    (mirrored when the options say so); `id` is the track id in video mode."""

    label: str
    index: int
    score: float
    box: tuple[float, float, float, float]
    id: int | None = None

    def pixels(self, width: int, height: int) -> tuple[float, float, float, float]:
        x, y, w, h = self.box
        return (x * width, y * height, w * width, h * height)

    def to_json(self, width: int, height: int) -> dict:
        x, y, w, h = self.box
        px, py, pw, ph = self.pixels(width, height)
        out: dict = {"label": self.label, "score": self.score,
                     "box": {"x": x, "y": y, "width": w, "height": h},
                     "pixels": {"x": px, "y": py, "width": pw, "height": ph}}
        if self.id is not None:
            out["id"] = self.id
        return out


@dataclass
class DetectionResult(FrameResult):
    detections: list[ObjectDetection] = field(default_factory=list)
    counts: dict[str, int] | None = None  # video mode with tracking: tracked objects per class
    events: list[TrackEvent] = field(default_factory=list)

    def items_json(self) -> dict:
        out: dict = {"detections": [d.to_json(self.image_width, self.image_height)
                                    for d in self.detections]}
        if self.counts is not None:
            out["counts"] = dict(sorted(self.counts.items()))
            out["events"] = [e.to_json() for e in self.events]
        return out


def _clip(d: Detection) -> tuple[float, float, float, float]:
    x0, y0 = max(0.0, d.xmin), max(0.0, d.ymin)
    x1, y1 = min(1.0, d.xmin + d.width), min(1.0, d.ymin + d.height)
    return (x0, y0, max(0.0, x1 - x0), max(0.0, y1 - y0))


class ObjectDetector(TaskBase):
    def __init__(self, options: DetectorOptions, session: Session, labels: list[str]) -> None:
        super().__init__()
        self.options = options
        self.session = session
        self.labels = labels
        self.size = INPUT_SIZE[options.model]
        skip = (0,) if options.model == "objectron_ssd" else ()  # "???" = background
        allowed = label_indices(labels, options.category_allowlist, options.category_denylist,
                                skip)
        self.allowed = None if allowed is None else set(allowed)
        self._ssd = None
        if options.model == "objectron_ssd":
            preset = OBJECTRON_SSD_MOBILENETV2_OIDV4
            decoding = dataclasses.replace(
                preset.decoding, num_classes=len(labels),
                ignore_classes=() if allowed is not None else (0,),
                allow_classes=tuple(allowed or ()),
                min_score_thresh=options.score_threshold)
            self._ssd = TensorsToDetectionsCalculator(decoding, generate_anchors(preset.anchors))
        self._nms = NonMaxSuppressionCalculatorOptions(
            min_suppression_threshold=options.iou_threshold,
            overlap_type="INTERSECTION_OVER_UNION", algorithm="DEFAULT",
            multiclass_nms=options.nms == "per_class",
            max_num_detections=options.max_results)
        o = options
        self.tracker = IouTracker(o.track_iou, o.track_max_missed, o.track_min_hits)

    @classmethod
    async def create(cls, options: DetectorOptions | None = None, *,
                     progress: Progress | None = None) -> ObjectDetector:
        return await create_labelled(cls, options or DetectorOptions(), progress)

    def reset(self) -> None:
        super().reset()
        self.tracker.reset()

    def close(self) -> None:
        self.session.close()

    def decode(self, out: dict[str, Tensor]) -> list[Detection]:
        """Model outputs -> relative detections (score threshold + class filter applied)."""
        if self._ssd is not None:
            return self._ssd.process(out["boxes"].data, out["scores"].data)
        if self.options.model == "nanodet":
            return self._nanodet(out)
        rows, thr, n = out["detections"].data, self.options.score_threshold, len(self.labels)
        size = float(self.size)
        found = []
        for k in range(0, len(rows), 6):
            x1, y1, x2, y2, score, cls = rows[k:k + 6]
            c = int(cls)
            if score < thr or not 0 <= c < n or (self.allowed is not None
                                                  and c not in self.allowed):
                continue
            found.append(Detection(score=score, xmin=x1 / size, ymin=y1 / size,
                                   width=(x2 - x1) / size, height=(y2 - y1) / size, label_id=c))
        return found

    # Port of process() in human's src/object/nanodet.ts (its box decoding: arg-max bin per
    # side, scaled by scaleBox / strideSize), class by class above the threshold.
    def _nanodet(self, out: dict[str, Tensor]) -> list[Detection]:
        thr, n, size = self.options.score_threshold, len(self.labels), float(self.size)
        found = []
        for base, stride in NANODET_GRIDS:
            scores, boxes = out[f"scores_{base}"].data, out[f"boxes_{base}"].data
            bins = len(boxes) // (base * base * 4)
            unit = base / stride / size * NANODET_SCALE_BOX / stride
            for i in range(base * base):
                row = scores[i * n:(i + 1) * n]
                if max(row) <= thr:  # one C-level max per cell; most cells stop here
                    continue
                side = boxes[i * 4 * bins:(i + 1) * 4 * bins]
                off = [max(range(bins), key=side[k * bins:(k + 1) * bins].__getitem__) * unit
                       for k in range(4)]
                cx, cy = (0.5 + i % base) / base, (0.5 + i // base) / base
                x, y = cx - off[0], cy - off[1]
                w, h = cx + off[2] - x, cy + off[3] - y
                for c, score in enumerate(row):
                    # human skips class 61 ("toilet"): NanoDet fires it on cups and sinks
                    if score > thr and c != 61 and (self.allowed is None or c in self.allowed):
                        found.append(Detection(score=score, xmin=x, ymin=y, width=w, height=h,
                                               label_id=c))
        return found

    async def process(self, frame: Frame, timestamp_ms: float | None = None,
                      timer: StageTimer | None = None) -> DetectionResult:
        if not isinstance(frame, Frame):
            raise InputError(f"expected a frame (image), got {type(frame).__name__}")
        if frame.width < 1 or frame.height < 1:
            raise InputError(f"empty frame ({frame.width}x{frame.height})")
        ts = frame.timestamp_ms if timestamp_ms is None else timestamp_ms
        video = self.options.running_mode == "video"
        if video:
            self.check_timestamp(ts)
        timer = timer or StageTimer()
        with timer.stage("pre"):
            tensor = frame.resize(self.size, self.size)
        self.record_input("image", tensor)
        with timer.stage("infer"):
            out = await self.session.run({"image": tensor})
        with timer.stage("post"):
            raw = self.decode(out)
            kept = non_max_suppression(raw, self._nms) if raw else []
        objects = []
        for d in kept:
            x, y, w, h = _clip(d)
            if self.options.mirrored:
                x = 1.0 - x - w
            if w > 0.0 and h > 0.0:
                objects.append(ObjectDetection(self.labels[d.label_id], d.label_id,
                                               float(d.score), (x, y, w, h)))
        result = DetectionResult(frame.width, frame.height, objects)
        if video and self.options.tracking:
            with timer.stage("track"):
                upd = self.tracker.update([(o.label, o.box, o.score) for o in objects], ts)
                for o, track_id in zip(objects, upd.assignments, strict=True):
                    o.id = track_id
                result.counts, result.events = upd.counts, upd.events
        return result
