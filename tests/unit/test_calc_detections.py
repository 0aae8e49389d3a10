"""TensorsToDetections, NonMaxSuppression and letterbox removal ports."""

import math
from array import array

import pytest

from frontml.calculators import (
    Anchor,
    Detection,
    Landmark,
    NonMaxSuppressionCalculatorOptions,
    TensorsToDetectionsCalculator,
    TensorsToDetectionsCalculatorOptions,
    generate_anchors,
    letterbox_padding,
    non_max_suppression,
    overlap_similarity,
    remove_detection_letterbox,
    remove_landmark_letterbox,
    tensors_to_detections,
)
from frontml.calculators.float32 import f32
from frontml.tasks.pose.constants import POSE_DETECTION


def _logit(p):
    return math.log(p / (1 - p))


def test_decode_synthetic_pose_tensor():
    preset = POSE_DETECTION
    anchors = generate_anchors(preset.anchors)
    o = preset.decoding
    boxes = array("f", [0.0] * (o.num_boxes * o.num_coords))
    scores = array("f", [-10.0] * o.num_boxes)
    # Box 100: XYWH (reverse_output_order) offsets in input pixels (scale 224), anchor w=h=1.
    i = 100
    a = anchors[i]
    boxes[i * 12 : i * 12 + 4] = array("f", [22.4, -11.2, 44.8, 67.2])  # dx=.1 dy=-.05 w=.2 h=.3
    boxes[i * 12 + 4 : i * 12 + 6] = array("f", [0.0, 0.0])  # keypoint 0 at the anchor centre
    boxes[i * 12 + 6 : i * 12 + 8] = array("f", [11.2, 22.4])  # keypoint 1: +.05, +.1
    scores[i] = 2.0
    scores[7] = _logit(0.19)  # just below min_score_thresh 0.2
    dets = tensors_to_detections(memoryview(boxes), memoryview(scores), anchors, o)
    assert len(dets) == 1
    d = dets[0]
    assert d.score == pytest.approx(1 / (1 + math.exp(-2.0)))
    xc, yc = a.x_center + 0.1, a.y_center - 0.05
    assert d.xmin == pytest.approx(xc - 0.1, abs=1e-6)
    assert d.ymin == pytest.approx(yc - 0.15, abs=1e-6)
    assert d.width == pytest.approx(0.2, abs=1e-6)
    assert d.height == pytest.approx(0.3, abs=1e-6)
    assert len(d.keypoints) == 4
    assert d.keypoints[0] == pytest.approx((a.x_center, a.y_center))
    assert d.keypoints[1] == pytest.approx((a.x_center + 0.05, a.y_center + 0.1), abs=1e-6)


def test_threshold_boundary_and_clipping():
    anchors = [Anchor(0.5, 0.5, 1.0, 1.0)] * 3
    o = TensorsToDetectionsCalculatorOptions(
        num_classes=1, num_boxes=3, num_coords=4, x_scale=1, y_scale=1, w_scale=1, h_scale=1,
        sigmoid_score=True, score_clipping_thresh=1.0, min_score_thresh=0.5,
    )  # fmt: skip
    boxes = [0.0, 0.0, 0.1, 0.1] * 3
    # 0.0 -> exactly 0.5 (kept), -1e-3 -> below, 50 -> clipped to sigmoid(1).
    dets = TensorsToDetectionsCalculator(o, anchors).process(boxes, [0.0, -1e-3, 50.0])
    assert [round(d.score, 6) for d in dets] == [0.5, round(1 / (1 + math.exp(-1)), 6)]


def test_yxhw_multiclass_ignore_and_exponential():
    anchors = [Anchor(0.5, 0.5, 0.2, 0.4), Anchor(0.25, 0.25, 0.1, 0.1)]
    o = TensorsToDetectionsCalculatorOptions(
        num_classes=3, num_boxes=2, num_coords=4, x_scale=10, y_scale=10, w_scale=5, h_scale=5,
        apply_exponential_on_box_size=True, sigmoid_score=True, ignore_classes=(0,),
        min_score_thresh=0.6,
    )  # fmt: skip
    # YXHW raw: y=1 -> +0.1*0.4, x=2 -> +0.2*0.2, h=0 -> 0.4, w=5*ln2 -> 0.4
    boxes = [1.0, 2.0, 0.0, 5 * math.log(2.0)] + [0.0] * 4
    scores = [9.0, 1.0, 3.0] + [9.0, -5.0, -5.0]  # class 0 ignored
    dets = tensors_to_detections(boxes, scores, anchors, o)
    assert len(dets) == 1
    d = dets[0]
    assert d.label_id == 2
    assert d.score == pytest.approx(1 / (1 + math.exp(-3.0)))
    assert d.xmin + d.width / 2 == pytest.approx(0.5 + 0.04)
    assert d.ymin + d.height / 2 == pytest.approx(0.5 + 0.04)
    assert (d.width, d.height) == pytest.approx((0.4, 0.4))


def test_negative_size_dropped_and_max_results():
    anchors = [Anchor(0.5, 0.5, 1.0, 1.0)] * 3
    o = TensorsToDetectionsCalculatorOptions(
        num_classes=1, num_boxes=3, num_coords=4, x_scale=1, y_scale=1, w_scale=1, h_scale=1,
        reverse_output_order=True, max_results=1,
    )  # fmt: skip
    boxes = [0, 0, -0.1, 0.1] + [0, 0, 0.1, 0.1] + [0, 0, 0.2, 0.2]
    dets = tensors_to_detections(boxes, [1.0, 0.5, 0.9], anchors, o)
    assert len(dets) == 1 and dets[0].width == pytest.approx(0.1)


def _det(score, xmin, ymin, w, h, kps=None, label=0):
    return Detection(score, xmin, ymin, w, h, kps or [], label)


def test_iou():
    a = _det(1, 0.0, 0.0, 0.2, 0.2)
    b = _det(1, 0.1, 0.0, 0.2, 0.2)
    assert overlap_similarity("INTERSECTION_OVER_UNION", a, b) == pytest.approx(0.02 / 0.06)
    assert overlap_similarity("JACCARD", a, b) == pytest.approx(0.02 / 0.06)
    assert overlap_similarity("MODIFIED_JACCARD", a, b) == pytest.approx(0.5)
    assert overlap_similarity("INTERSECTION_OVER_UNION", a, _det(1, 0.5, 0.5, 0.1, 0.1)) == 0.0


def test_weighted_nms_merges_by_score():
    opts = NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.3, overlap_type="INTERSECTION_OVER_UNION", algorithm="WEIGHTED"
    )
    d1 = _det(0.9, 0.10, 0.10, 0.20, 0.20, [(0.2, 0.2)])
    d2 = _det(0.6, 0.12, 0.10, 0.20, 0.20, [(0.3, 0.2)])
    far = _det(0.7, 0.70, 0.70, 0.10, 0.10, [(0.75, 0.75)])
    out = non_max_suppression([d2, far, d1], opts)
    assert len(out) == 2
    merged, other = out
    assert merged.score == 0.9  # the top score is kept
    total = 0.9 + 0.6
    assert merged.xmin == pytest.approx((0.10 * 0.9 + 0.12 * 0.6) / total)
    assert merged.width == pytest.approx(0.20)
    assert merged.keypoints[0][0] == pytest.approx((0.2 * 0.9 + 0.3 * 0.6) / total)
    assert other.xmin == pytest.approx(0.70, rel=1e-6)  # MediaPipe's float sums: float32
    assert other.xmin == f32(other.xmin)
    assert d1.xmin == 0.10  # inputs untouched


def test_default_nms_suppresses_and_limits():
    opts = NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.3, overlap_type="INTERSECTION_OVER_UNION"
    )
    d1 = _det(0.9, 0.10, 0.10, 0.20, 0.20)
    d2 = _det(0.8, 0.11, 0.10, 0.20, 0.20)
    d3 = _det(0.7, 0.60, 0.60, 0.20, 0.20)
    d4 = _det(0.1, 0.00, 0.60, 0.20, 0.20)
    assert non_max_suppression([d3, d2, d1, d4], opts) == [d1, d3, d4]
    limited = NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.3, overlap_type="INTERSECTION_OVER_UNION", max_num_detections=1
    )
    assert non_max_suppression([d3, d2, d1], limited) == [d1]
    thresholded = NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.3, overlap_type="INTERSECTION_OVER_UNION",
        min_score_threshold=0.5,
    )  # fmt: skip
    assert non_max_suppression([d4, d3, d1], thresholded) == [d1, d3]
    assert non_max_suppression([], opts) == []


def test_letterbox_padding_and_removal():
    # 640x480 into 224x224: scaled image is 224x168, padded 28 px top and bottom.
    pad = letterbox_padding(640, 480, 224, 224)
    assert pad == pytest.approx((0.0, 0.125, 0.0, 0.125))
    det = _det(0.9, 0.25, 0.125, 0.5, 0.375, [(0.5, 0.5)])
    (out,) = remove_detection_letterbox([det], pad)
    assert (out.xmin, out.ymin, out.width, out.height) == pytest.approx((0.25, 0.0, 0.5, 0.5))
    assert out.keypoints[0] == pytest.approx((0.5, 0.5))
    # Portrait image pads left/right.
    assert letterbox_padding(480, 640, 224, 224) == pytest.approx((0.125, 0.0, 0.125, 0.0))
    (lm,) = remove_landmark_letterbox([Landmark(0.125, 0.875, 0.3, 0.7, 0.8)], pad)
    assert (lm.x, lm.y, lm.z, lm.visibility, lm.presence) == pytest.approx(
        (0.125, 1.0, 0.3, 0.7, 0.8)
    )
