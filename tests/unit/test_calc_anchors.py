"""SsdAnchorsCalculator port: counts per preset and known anchor positions."""

import math

import pytest

from frontml.calculators import (
    SsdAnchorsCalculatorOptions,
    generate_anchors,
)
from frontml.tasks.face.constants import FACE_DETECTION_FULL_RANGE, FACE_DETECTION_SHORT_RANGE
from frontml.tasks.hands.constants import PALM_DETECTION
from frontml.tasks.pose.constants import POSE_DETECTION
from tests.unit.detector_presets import DETECTOR_PRESETS, OBJECTRON_SSD_MOBILENETV2_OIDV4


@pytest.mark.parametrize(
    ("preset", "count"),
    [
        (POSE_DETECTION, 2254),
        (FACE_DETECTION_SHORT_RANGE, 896),
        (FACE_DETECTION_FULL_RANGE, 2304),
        (PALM_DETECTION, 2016),
        (OBJECTRON_SSD_MOBILENETV2_OIDV4, 1917),
    ],
)
def test_anchor_counts(preset, count):
    anchors = generate_anchors(preset.anchors)
    assert len(anchors) == count
    assert preset.decoding.num_boxes == count


def test_presets_registry():
    assert set(DETECTOR_PRESETS) == {
        "pose_detection",
        "face_detection_short_range",
        "face_detection_full_range",
        "palm_detection",
        "objectron_ssd_mobilenetv2_oidv4",
    }


def test_pose_anchor_positions():
    anchors = generate_anchors(POSE_DETECTION.anchors)
    # First layer: stride 8 on 224 -> 28x28 grid, 2 anchors per cell (ratio 1 + interpolated).
    first = anchors[0]
    assert first.x_center == pytest.approx(0.5 / 28)
    assert first.y_center == pytest.approx(0.5 / 28)
    assert (first.w, first.h) == (1.0, 1.0)  # fixed_anchor_size
    assert anchors[1].x_center == pytest.approx(0.5 / 28)
    assert anchors[2].x_center == pytest.approx(1.5 / 28)
    # Row-major: cell (x=0, y=1) starts after 28 cells * 2 anchors.
    assert anchors[56].y_center == pytest.approx(1.5 / 28)
    assert anchors[56].x_center == pytest.approx(0.5 / 28)
    # Layers 2 (stride 16 -> 14x14, 2/cell) and 3-5 merged (stride 32 -> 7x7, 6/cell).
    assert anchors[28 * 28 * 2].x_center == pytest.approx(0.5 / 14)
    assert anchors[28 * 28 * 2 + 14 * 14 * 2].x_center == pytest.approx(0.5 / 7)
    assert anchors[-1].x_center == pytest.approx(6.5 / 7)
    assert anchors[-1].y_center == pytest.approx(6.5 / 7)


def test_face_short_range_positions():
    anchors = generate_anchors(FACE_DETECTION_SHORT_RANGE.anchors)
    assert anchors[0].x_center == pytest.approx(0.5 / 16)
    assert anchors[512].x_center == pytest.approx(0.5 / 8)  # after 16*16*2
    assert all(a.w == 1.0 and a.h == 1.0 for a in anchors)


# Lines of mediapipe/calculators/tflite/testdata/anchor_golden_file_1.txt (x y w h), the golden
# output of ssd_anchors_calculator_test.cc MobileSSDConfig (= the objectron preset's options).
GOLDEN_HEAD = [
    (0.0263158, 0.0263158, 0.1, 0.1),
    (0.0263158, 0.0263158, 0.282843, 0.141421),
    (0.0263158, 0.0263158, 0.141421, 0.282843),
    (0.0789474, 0.0263158, 0.1, 0.1),
]
GOLDEN_TAIL = [
    (0.75, 0.75, 0.87178, 0.87178),
    (0.5, 0.5, 0.95, 0.95),
    (0.5, 0.5, 1.3435, 0.671751),
    (0.5, 0.5, 0.671751, 1.3435),
    (0.5, 0.5, 1.64545, 0.548483),
    (0.5, 0.5, 0.548455, 1.64553),
    (0.5, 0.5, 0.974679, 0.974679),
]


def test_mobile_ssd_matches_mediapipe_golden_file():
    anchors = generate_anchors(OBJECTRON_SSD_MOBILENETV2_OIDV4.anchors)
    got_head = anchors[: len(GOLDEN_HEAD)]
    got_tail = anchors[-len(GOLDEN_TAIL) :]
    for a, g in zip(got_head + got_tail, GOLDEN_HEAD + GOLDEN_TAIL, strict=True):
        assert (a.x_center, a.y_center, a.w, a.h) == pytest.approx(g, abs=1e-5)


def test_single_layer_scale_is_mean():
    opts = SsdAnchorsCalculatorOptions(
        input_size_width=64,
        input_size_height=32,
        min_scale=0.2,
        max_scale=0.6,
        num_layers=1,
        strides=(16,),
        aspect_ratios=(1.0,),
        interpolated_scale_aspect_ratio=0.0,
    )
    anchors = generate_anchors(opts)
    assert len(anchors) == 4 * 2
    assert anchors[0].w == pytest.approx(0.4)
    assert anchors[0].x_center == pytest.approx(0.5 / 4)
    assert anchors[0].y_center == pytest.approx(0.5 / 2)
    assert math.isclose(anchors[-1].y_center, 1.5 / 2)


def test_missing_strides_rejected():
    with pytest.raises(ValueError):
        generate_anchors(
            SsdAnchorsCalculatorOptions(
                input_size_width=8, input_size_height=8, min_scale=0.1, max_scale=0.2, num_layers=1
            )
        )
