"""Classification / detection building blocks without models: options, filters, smoothing
with hysteresis, NMS modes, the IoU tracker on a synthetic moving-box sequence."""

from __future__ import annotations

import pytest

from frontml.calculators.non_max_suppression import (
    NonMaxSuppressionCalculatorOptions,
    non_max_suppression,
)
from frontml.calculators.types import Detection
from frontml.tasks import registry
from frontml.tasks.classification import (
    UNSURE,
    ClassifierOptions,
    ScoreSmoother,
    label_indices,
    softmax,
)
from frontml.tasks.detection import DetectorOptions, IouTracker, iou

LABELS = ["tench, Tinca tinca", "tabby, tabby cat", "tiger cat", "cup", "espresso"]


def test_options_validation():
    with pytest.raises(ValueError, match="mutually exclusive"):
        ClassifierOptions(category_allowlist=("cup",), category_denylist=("tench",))
    with pytest.raises(ValueError, match="max_results"):
        ClassifierOptions(max_results=0)
    with pytest.raises(ValueError, match="score_threshold"):
        DetectorOptions(score_threshold=1.5)
    with pytest.raises(ValueError, match="model"):
        DetectorOptions(model="yolo")
    with pytest.raises(ValueError, match="nms"):
        DetectorOptions(nms="soft")
    with pytest.raises(ValueError, match="region_of_interest"):
        ClassifierOptions(region_of_interest=(0.5, 0.5, 0.8, 0.2))
    assert ClassifierOptions(max_results=-1).max_results == -1


def test_options_from_params_split_lists():
    o = DetectorOptions.from_params({"category_allowlist": "person, cup", "mirrored": "true",
                                     "score_threshold": "0.3"})
    assert o.category_allowlist == ("person", "cup") and o.mirrored and o.score_threshold == 0.3
    c = ClassifierOptions.from_params({"region_of_interest": "0.1,0.2,0.5,0.5"})
    assert c.region_of_interest == (0.1, 0.2, 0.5, 0.5)


def test_registry_knows_both_tasks():
    assert {"classification", "detection"} <= set(registry.names())
    assert registry.options_class("detection") is DetectorOptions
    assert registry.make_options("classification", max_results=3).max_results == 3


def test_label_filters_match_synonyms_and_reject_typos():
    assert label_indices(LABELS, (), ()) is None
    assert label_indices(LABELS, ("tabby", "cup"), ()) == [1, 3]
    assert label_indices(LABELS, (), ("cup",)) == [0, 1, 2, 4]
    assert label_indices(LABELS, (), (), skip=(0,)) == [1, 2, 3, 4]
    with pytest.raises(ValueError, match="not a class"):
        label_indices(LABELS, ("kitten",), ())


def test_softmax_sums_to_one_and_keeps_order():
    p = softmax([1.0, 3.0, 2.0, -50.0, 800.0])
    assert abs(sum(p) - 1.0) < 1e-9 and p.index(max(p)) == 4


def test_smoother_hysteresis_and_unsure():
    s = ScoreSmoother(smoothing=0.5, unsure_below=0.3, hysteresis=0.1)
    cat = [0.0, 0.7, 0.2, 0.05, 0.05]
    flicker = [0.0, 0.45, 0.5, 0.025, 0.025]  # tiger cat slightly ahead for one frame
    for _ in range(4):
        s.update(cat)
        d = s.decide(LABELS)
    assert d.label == "tabby, tabby cat" and d.frames == 4
    s.update(flicker)
    assert s.decide(LABELS).label == "tabby, tabby cat"  # one noisy frame does not flip it
    flat = [0.2] * 5
    for _ in range(8):
        s.update(flat)
        d = s.decide(LABELS)
    assert d.label == UNSURE and d.index == -1  # 0.2 < leave threshold 0.25
    s.update([0.0, 0.0, 0.0, 0.0, 1.0])  # smoothed espresso 0.6 >= enter threshold 0.35
    d = s.decide(LABELS)
    assert d.label == "espresso" and d.frames == 1


def _det(score, x, y, w, h, label):
    return Detection(score=score, xmin=x, ymin=y, width=w, height=h, label_id=label)


def test_nms_per_class_vs_agnostic():
    dets = [_det(0.9, 0.1, 0.1, 0.4, 0.4, 0), _det(0.8, 0.12, 0.1, 0.4, 0.4, 1),
            _det(0.7, 0.11, 0.11, 0.4, 0.4, 0)]
    per_class = non_max_suppression(dets, NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.5, overlap_type="INTERSECTION_OVER_UNION",
        multiclass_nms=True))
    agnostic = non_max_suppression(dets, NonMaxSuppressionCalculatorOptions(
        min_suppression_threshold=0.5, overlap_type="INTERSECTION_OVER_UNION"))
    assert sorted(d.label_id for d in per_class) == [0, 1]
    assert [d.score for d in agnostic] == [0.9]


def test_iou():
    assert iou((0, 0, 1, 1), (0, 0, 1, 1)) == 1.0
    assert iou((0, 0, 1, 1), (2, 2, 1, 1)) == 0.0
    assert abs(iou((0, 0, 2, 1), (1, 0, 2, 1)) - 1 / 3) < 1e-12


def test_tracker_ids_stable_on_moving_boxes():
    """Two people walk towards each other and cross, a cup stays still, one person is
    missed for two frames; ids survive, counts and enter/leave events are right."""
    tr = IouTracker(iou_threshold=0.3, max_missed=3, min_hits=2)
    seen: dict[str, set[int]] = {"a": set(), "b": set(), "cup": set()}
    events = []
    for f in range(30):
        a = ("person", (0.05 + 0.02 * f, 0.2, 0.15, 0.5), 0.9)
        b = ("person", (0.75 - 0.02 * f, 0.25, 0.15, 0.5), 0.8)
        cup = ("cup", (0.45, 0.8, 0.08, 0.1), 0.6)
        dets = [cup, b] if f in (10, 11) else [a, cup, b]
        upd = tr.update(dets, timestamp_ms=f * 33.0)
        events += upd.events
        ids = dict(zip(["cup", "b"] if f in (10, 11) else ["a", "cup", "b"],
                       upd.assignments, strict=True))
        if f >= 1:
            for k, v in ids.items():
                assert v is not None
                seen[k].add(v)
            assert upd.counts == {"person": 2, "cup": 1}
        else:
            assert upd.assignments == [None, None, None]  # min_hits=2: not reported yet
    assert all(len(v) == 1 for v in seen.values()), seen
    assert len({next(iter(v)) for v in seen.values()}) == 3
    assert [e.kind for e in events] == ["enter"] * 3
    for f in range(5):  # everything leaves
        upd = tr.update([], timestamp_ms=(30 + f) * 33.0)
        events += upd.events
    assert sorted(e.label for e in events if e.kind == "leave") == ["cup", "person", "person"]
    assert upd.counts == {}
