"""Non-maximum suppression over relative-box detections.

Port of mediapipe/calculators/util/non_max_suppression_calculator.cc (+ .proto).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frontml.calculators.float32 import f32
from frontml.calculators.types import Detection


# Port of mediapipe/calculators/util/non_max_suppression_calculator.proto
@dataclass(frozen=True)
class NonMaxSuppressionCalculatorOptions:
    max_num_detections: int = -1
    min_score_threshold: float = -1.0
    min_suppression_threshold: float = 1.0
    # "JACCARD" | "MODIFIED_JACCARD" | "INTERSECTION_OVER_UNION"
    overlap_type: str = "JACCARD"
    return_empty_detections: bool = False
    # "DEFAULT" | "WEIGHTED"
    algorithm: str = "DEFAULT"
    multiclass_nms: bool = False


# Port of OverlapSimilarity(overlap_type, rect1, rect2) (Rectangle_f semantics from
# mediapipe/framework/deps/rectangle.h: Intersects() is inclusive, Union() is the bounding box).
def overlap_similarity(overlap_type: str, rect1: Detection, rect2: Detection) -> float:
    ax0, ay0 = rect1.xmin, rect1.ymin
    ax1, ay1 = ax0 + rect1.width, ay0 + rect1.height
    bx0, by0 = rect2.xmin, rect2.ymin
    bx1, by1 = bx0 + rect2.width, by0 + rect2.height
    if (
        ax0 > ax1
        or ay0 > ay1
        or bx0 > bx1
        or by0 > by1  # IsEmpty()
        or bx1 < ax0
        or ax1 < bx0
        or by1 < ay0
        or ay1 < by0
    ):
        return 0.0
    iw = min(ax1, bx1) - max(ax0, bx0)
    ih = min(ay1, by1) - max(ay0, by0)
    intersection = iw * ih
    if overlap_type == "JACCARD":
        normalization = (max(ax1, bx1) - min(ax0, bx0)) * (max(ay1, by1) - min(ay0, by0))
    elif overlap_type == "MODIFIED_JACCARD":
        normalization = rect2.width * rect2.height
    elif overlap_type == "INTERSECTION_OVER_UNION":
        normalization = rect1.width * rect1.height + rect2.width * rect2.height - intersection
    else:
        raise ValueError(f"Unrecognized overlap type: {overlap_type}")
    return intersection / normalization if normalization > 0.0 else 0.0


# Port of GetIndexedScores(): detection indices sorted by decreasing score.
def _indexed_scores(detections: Sequence[Detection]) -> list[tuple[int, float]]:
    return sorted(
        ((i, d.score) for i, d in enumerate(detections)), key=lambda p: p[1], reverse=True
    )


# Port of NonMaxSuppressionCalculator::NonMaxSuppression (algorithm DEFAULT)
def _default_nms(
    indexed_scores: list[tuple[int, float]],
    detections: Sequence[Detection],
    max_num_detections: int,
    options: NonMaxSuppressionCalculatorOptions,
) -> list[Detection]:
    out: list[Detection] = []
    retained: list[Detection] = []
    for index, _ in indexed_scores:
        detection = detections[index]
        if options.min_score_threshold > 0 and detection.score < options.min_score_threshold:
            break
        suppressed = False
        for kept in retained:
            similarity = overlap_similarity(options.overlap_type, kept, detection)
            if similarity > options.min_suppression_threshold:
                suppressed = True
                break
        if not suppressed:
            out.append(detection)
            retained.append(detection)
        if len(out) >= max_num_detections:
            break
    return out


# Port of NonMaxSuppressionCalculator::WeightedNonMaxSuppression (algorithm WEIGHTED)
def _weighted_nms(
    indexed_scores: list[tuple[int, float]],
    detections: Sequence[Detection],
    max_num_detections: int,
    options: NonMaxSuppressionCalculatorOptions,
) -> list[Detection]:
    remained_indexed_scores = list(indexed_scores)
    out: list[Detection] = []
    while remained_indexed_scores:
        original_size = len(remained_indexed_scores)
        detection = detections[remained_indexed_scores[0][0]]
        if options.min_score_threshold > 0 and detection.score < options.min_score_threshold:
            break
        remained: list[tuple[int, float]] = []
        candidates: list[tuple[int, float]] = []
        # This includes the first box.
        for indexed_score in remained_indexed_scores:
            rest = detections[indexed_score[0]]
            similarity = overlap_similarity(options.overlap_type, rest, detection)
            if similarity > options.min_suppression_threshold:
                candidates.append(indexed_score)
            else:
                remained.append(indexed_score)
        weighted = Detection(
            score=detection.score,
            xmin=detection.xmin,
            ymin=detection.ymin,
            width=detection.width,
            height=detection.height,
            keypoints=list(detection.keypoints),
            label_id=detection.label_id,
        )
        if candidates:
            num_keypoints = len(detection.keypoints)
            kps = [0.0] * (num_keypoints * 2)
            w_xmin = w_ymin = w_xmax = w_ymax = 0.0
            total_score = 0.0
            # MediaPipe sums in float: rounded after every operation
            for index, score in candidates:
                total_score = f32(total_score + score)
                c = detections[index]
                w_xmin = f32(w_xmin + f32(c.xmin * score))
                w_ymin = f32(w_ymin + f32(c.ymin * score))
                w_xmax = f32(w_xmax + f32(f32(c.xmin + c.width) * score))
                w_ymax = f32(w_ymax + f32(f32(c.ymin + c.height) * score))
                ckps = c.keypoints
                for k in range(num_keypoints):
                    kps[2 * k] = f32(kps[2 * k] + f32(ckps[k][0] * score))
                    kps[2 * k + 1] = f32(kps[2 * k + 1] + f32(ckps[k][1] * score))
            weighted.xmin = f32(w_xmin / total_score)
            weighted.ymin = f32(w_ymin / total_score)
            weighted.width = f32(f32(w_xmax / total_score) - weighted.xmin)
            weighted.height = f32(f32(w_ymax / total_score) - weighted.ymin)
            weighted.keypoints = [
                (f32(kps[2 * k] / total_score), f32(kps[2 * k + 1] / total_score))
                for k in range(num_keypoints)
            ]
        out.append(weighted)
        # MediaPipe's weighted NMS ignores max_num_detections; we honour it (no-op at -1).
        if len(out) >= max_num_detections:
            break
        # Breaks the loop if the size of indexed scores doesn't change after an iteration.
        if original_size == len(remained):
            break
        remained_indexed_scores = remained
    return out


# Port of NonMaxSuppressionCalculator::DoNonMaxSuppression
def _do_nms(
    detections: Sequence[Detection], options: NonMaxSuppressionCalculatorOptions
) -> list[Detection]:
    # Detections here carry exactly one score/label, so RetainMaxScoringLabelOnly is a no-op.
    indexed_scores = _indexed_scores(detections)
    max_num = options.max_num_detections if options.max_num_detections > -1 else len(indexed_scores)
    if options.algorithm == "WEIGHTED":
        return _weighted_nms(indexed_scores, detections, max_num, options)
    return _default_nms(indexed_scores, detections, max_num, options)


# Port of NonMaxSuppressionCalculator::Process
def non_max_suppression(
    detections: Sequence[Detection], options: NonMaxSuppressionCalculatorOptions
) -> list[Detection]:
    """Returns the retained detections, highest score first.

    MediaPipe emits no packet for empty input unless return_empty_detections; here an empty
    list is returned either way.
    """
    if options.max_num_detections == 0:
        raise ValueError("max_num_detections=0 is not a valid value (use -1 for no limit)")
    if not detections:
        return []
    if not options.multiclass_nms:
        return _do_nms(detections, options)
    by_label: dict[int, list[Detection]] = {}
    for d in detections:
        by_label.setdefault(d.label_id, []).append(d)
    merged: list[Detection] = []
    for group in by_label.values():
        merged.extend(_do_nms(group, options))
    merged.sort(key=lambda d: d.score, reverse=True)
    if options.max_num_detections > -1:
        merged = merged[: options.max_num_detections]
    return merged
