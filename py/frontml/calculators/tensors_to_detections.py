"""Decoding of SSD detector output tensors into detections.

Port of mediapipe/calculators/tensor/tensors_to_detections_calculator.cc (CPU path, raw
boxes + raw scores + anchors) and its .proto options.

Performance: scores are thresholded first, in logit space (raw scores are compared to
logit(min_score_thresh)), so the sigmoid and the box/keypoint decoding run for survivors only.
The result is the same as MediaPipe's decode-everything-then-filter order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frontml.calculators.float32 import f32, sigmoid_f32
from frontml.calculators.types import Detection

if TYPE_CHECKING:
    from frontml.calculators.ssd_anchors import Anchor

# A flat float tensor: memoryview (format 'f'), array('f'), or a list.
FloatBuffer = Sequence[float] | memoryview


# Port of mediapipe/calculators/tensor/tensors_to_detections_calculator.proto
@dataclass(frozen=True)
class TensorsToDetectionsCalculatorOptions:
    num_classes: int
    num_boxes: int
    num_coords: int
    keypoint_coord_offset: int = 0
    num_keypoints: int = 0
    num_values_per_keypoint: int = 2
    box_coord_offset: int = 0
    x_scale: float = 0.0
    y_scale: float = 0.0
    w_scale: float = 0.0
    h_scale: float = 0.0
    apply_exponential_on_box_size: bool = False
    # DEPRECATED in MediaPipe in favour of box_format; True means XYWH.
    reverse_output_order: bool = False
    ignore_classes: tuple[int, ...] = ()
    allow_classes: tuple[int, ...] = ()
    sigmoid_score: bool = False
    score_clipping_thresh: float | None = None
    flip_vertically: bool = False
    min_score_thresh: float | None = None
    max_results: int = -1
    # "UNSPECIFIED" | "YXHW" | "XYWH" | "XYXY"
    box_format: str = "UNSPECIFIED"


# Port of GetBoxFormat() in tensors_to_detections_calculator.cc
def get_box_format(options: TensorsToDetectionsCalculatorOptions) -> str:
    if options.box_format != "UNSPECIFIED":
        return options.box_format
    if options.reverse_output_order:
        return "XYWH"
    return "YXHW"


# Port of TensorsToDetectionsCalculator (CPU decoding: DecodeBoxes + score filtering +
# ConvertToDetections), restructured to threshold before decoding.
class TensorsToDetectionsCalculator:
    """Decodes (raw_boxes, raw_scores) flat tensors into relative-coordinate detections.

    raw_boxes has num_boxes * num_coords floats, raw_scores num_boxes * num_classes floats.
    """

    def __init__(
        self, options: TensorsToDetectionsCalculatorOptions, anchors: Sequence[Anchor]
    ) -> None:
        o = options
        if o.num_values_per_keypoint != 2:
            raise ValueError("Currently only support 2D when num_values_per_keypoint equals to 2.")
        if o.num_keypoints * o.num_values_per_keypoint + 4 != o.num_coords:
            raise ValueError("num_coords must equal num_keypoints * num_values_per_keypoint + 4")
        if o.max_results == 0:
            raise ValueError("max_results must be non-zero")
        if o.allow_classes and o.ignore_classes:
            raise ValueError("ignore_classes and allow_classes are mutually exclusive")
        if len(anchors) != o.num_boxes:
            raise ValueError(f"expected {o.num_boxes} anchors, got {len(anchors)}")
        self.options = o
        self.box_format = get_box_format(o)
        self._ax = [a.x_center for a in anchors]
        self._ay = [a.y_center for a in anchors]
        self._aw = [a.w for a in anchors]
        self._ah = [a.h for a in anchors]
        if o.allow_classes:
            allowed = set(o.allow_classes)
            self._classes = [c for c in range(o.num_classes) if c in allowed]
        else:
            ignored = set(o.ignore_classes)
            self._classes = [c for c in range(o.num_classes) if c not in ignored]
        self._raw_threshold = self._compute_raw_threshold()

    def _compute_raw_threshold(self) -> float:
        """A raw-score threshold that every box passing min_score_thresh also passes."""
        o = self.options
        t = o.min_score_thresh
        if t is None:
            return -math.inf
        if not o.sigmoid_score:
            return t
        if t <= 0.0 or t >= 1.0:
            return -math.inf  # no safe logit; the exact check below decides
        # Small margin for float32 vs float64 rounding; the exact check below decides.
        return math.log(t / (1.0 - t)) - 1e-4

    def _score(self, raw: float) -> float:
        # Port of the per-class score computation in ProcessCPU().
        o = self.options
        if o.sigmoid_score:
            c = o.score_clipping_thresh
            if c is not None:
                raw = -c if raw < -c else raw
                raw = c if raw > c else raw
            return sigmoid_f32(raw)  # 1.0f / (1.0f + std::exp(-score)) in float
        return raw

    def process(self, raw_boxes: FloatBuffer, raw_scores: FloatBuffer) -> list[Detection]:
        o = self.options
        num_boxes = o.num_boxes
        num_classes = o.num_classes
        thr = self._raw_threshold

        # 1. Candidate boxes by raw score (monotone in the final score).
        if num_classes == 1 and self._classes == [0]:
            if thr == -math.inf:
                candidates = list(range(num_boxes))
            else:
                candidates = [i for i, s in enumerate(raw_scores[:num_boxes]) if s >= thr]
        else:
            candidates = []
            classes = self._classes
            for i in range(num_boxes):
                base = i * num_classes
                best = -math.inf
                for c in classes:
                    s = raw_scores[base + c]
                    if s > best:
                        best = s
                if best >= thr and classes:
                    candidates.append(i)

        # 2. Exact scoring (first max wins, as in MediaPipe) and threshold.
        min_score = o.min_score_thresh
        scored: list[tuple[int, float, int]] = []
        for i in candidates:
            class_id = -1
            max_score = -math.inf
            base = i * num_classes
            for c in self._classes:
                score = self._score(raw_scores[base + c])
                if max_score < score:
                    max_score = score
                    class_id = c
            if class_id < 0:
                continue
            if min_score is not None and max_score < min_score:
                continue
            scored.append((i, max_score, class_id))

        # 3. Decode survivors only (DecodeBoxes + ConvertToDetections).
        fmt = self.box_format
        num_coords = o.num_coords
        x_scale, y_scale, w_scale, h_scale = o.x_scale, o.y_scale, o.w_scale, o.h_scale
        flip = o.flip_vertically
        out: list[Detection] = []
        for i, score, class_id in scored:
            if o.max_results > 0 and len(out) == o.max_results:
                break
            off = i * num_coords + o.box_coord_offset
            if fmt == "XYWH":
                x_center = raw_boxes[off]
                y_center = raw_boxes[off + 1]
                w = raw_boxes[off + 2]
                h = raw_boxes[off + 3]
            elif fmt == "XYXY":
                x_center = (-raw_boxes[off] + raw_boxes[off + 2]) / 2
                y_center = (-raw_boxes[off + 1] + raw_boxes[off + 3]) / 2
                w = raw_boxes[off + 2] + raw_boxes[off]
                h = raw_boxes[off + 3] + raw_boxes[off + 1]
            else:  # YXHW / UNSPECIFIED
                y_center = raw_boxes[off]
                x_center = raw_boxes[off + 1]
                h = raw_boxes[off + 2]
                w = raw_boxes[off + 3]
            aw = self._aw[i]
            ah = self._ah[i]
            ax = self._ax[i]
            ay = self._ay[i]
            # DecodeBoxes computes in float: rounded after every operation
            if fmt == "XYXY":
                x_center, y_center, w, h = f32(x_center), f32(y_center), f32(w), f32(h)
            x_center = f32(f32(f32(x_center / x_scale) * aw) + ax)
            y_center = f32(f32(f32(y_center / y_scale) * ah) + ay)
            if o.apply_exponential_on_box_size:
                h = f32(f32(math.exp(f32(h / h_scale))) * ah)
                w = f32(f32(math.exp(f32(w / w_scale))) * aw)
            else:
                h = f32(f32(h / h_scale) * ah)
                w = f32(f32(w / w_scale) * aw)
            ymin = f32(y_center - f32(h / 2.0))
            xmin = f32(x_center - f32(w / 2.0))
            ymax = f32(y_center + f32(h / 2.0))
            xmax = f32(x_center + f32(w / 2.0))
            width = f32(xmax - xmin)
            height = f32(ymax - ymin)
            # Negative or NaN sizes are dropped (b/171391719). (NaN fails both comparisons.)
            if not (width >= 0 and height >= 0):
                continue
            keypoints: list[tuple[float, float]] = []
            if o.num_keypoints:
                kbase = i * num_coords + o.keypoint_coord_offset
                for k in range(o.num_keypoints):
                    koff = kbase + k * o.num_values_per_keypoint
                    if fmt == "YXHW" or fmt == "UNSPECIFIED":
                        ky = raw_boxes[koff]
                        kx = raw_boxes[koff + 1]
                    else:
                        kx = raw_boxes[koff]
                        ky = raw_boxes[koff + 1]
                    kx = f32(f32(f32(kx / x_scale) * aw) + ax)
                    ky = f32(f32(f32(ky / y_scale) * ah) + ay)
                    keypoints.append((kx, f32(1.0 - ky) if flip else ky))
            out.append(
                Detection(
                    score=score,
                    xmin=xmin,
                    ymin=f32(1.0 - ymax) if flip else ymin,
                    width=width,
                    height=height,
                    keypoints=keypoints,
                    label_id=class_id,
                )
            )
        return out


# Port of TensorsToDetectionsCalculator::Process (functional form).
def tensors_to_detections(
    raw_boxes: FloatBuffer,
    raw_scores: FloatBuffer,
    anchors: Sequence[Anchor],
    options: TensorsToDetectionsCalculatorOptions,
) -> list[Detection]:
    """One-shot decoding; build a TensorsToDetectionsCalculator once for per-frame use."""
    return TensorsToDetectionsCalculator(options, anchors).process(raw_boxes, raw_scores)
