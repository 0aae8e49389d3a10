"""Person segmentation (CPython): masks vs MediaPipe, post-processing math, effects, body
parts, the `segment` CLI and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from frontml.cli import main
from frontml.errors import InputError
from frontml.image import ArrayFrame
from frontml.runtime import Tensor, run_sync
from frontml.tasks.segmentation import (
    PARTS,
    PersonSegmenter,
    SegmentationOptions,
    mask_stats,
    pick_model,
)
from frontml.tasks.segmentation import effects_cpu as fx
from tests.media import astronaut_frame, astronaut_image

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "mediapipe_segmentation_astronaut.png"
MODELS = ("selfie_segmentation", "selfie_segmentation_landscape", "pose_detection",
          "pose_landmark_lite")
needs_models = pytest.mark.requires_models(*MODELS)



def segment(image: np.ndarray, **options):
    async def go():
        seg = await PersonSegmenter.create(SegmentationOptions(running_mode="image", **options))
        try:
            return await seg.process(ArrayFrame(image), 0.0)
        finally:
            seg.close()

    return run_sync(go())


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.logical_and(a, b).sum() / max(1, np.logical_or(a, b).sum()))


# ------------------------------------------------------------------ pure math (no models)


def test_options_validate_and_auto_picks_by_aspect():
    assert pick_model("auto", 640, 480) == "general"
    assert pick_model("auto", 1280, 720) == "landscape"
    assert pick_model("pose", 1280, 720) == "pose"
    for bad in ({"model": "x"}, {"threshold": 1.5}, {"smoothing": 1.0}, {"softness": -1}):
        with pytest.raises(ValueError):
            SegmentationOptions(**bad)


def test_soft_and_hard_threshold():
    p = np.array([0.0, 0.35, 0.45, 0.5, 0.55, 0.65, 1.0], np.float32)
    assert fx.soft_threshold(p, 0.5, 0.0).tolist() == [0, 0, 0, 1, 1, 1, 1]
    soft = fx.soft_threshold(p, 0.5, 0.1)
    np.testing.assert_allclose(soft, [0, 0, 0.25, 0.5, 0.75, 1, 1], atol=1e-6)


def test_temporal_smoothing_follows_mediapipe():
    prev = np.array([1.0, 1.0, 0.0], np.float32)
    cur = np.array([0.5, 0.0, 1.0], np.float32)
    out = fx.smooth(prev, cur, 0.8)
    # p = 0.5 is fully uncertain: mix with the previous value by the whole ratio
    assert out[0] == pytest.approx(0.5 + 0.5 * 0.8)
    # confident values (0 or 1) keep the new mask: no lag on clear changes
    assert out[1] == pytest.approx(0.0, abs=1e-3) and out[2] == pytest.approx(1.0, abs=1e-3)
    assert fx.smooth(None, cur, 0.8) is not None
    np.testing.assert_array_equal(fx.smooth(prev, cur, 0.0), cur)
    # flicker damping: an uncertain pixel alternating 0.4/0.6 moves less with smoothing
    m, values = None, []
    for i in range(10):
        m = fx.smooth(m, np.array([0.4 if i % 2 else 0.6], np.float32), 0.7)
        values.append(float(m[0]))
    assert max(values[4:]) - min(values[4:]) < 0.1


def test_mask_stats_no_pixel_loop_and_roi_clipping():
    mask = Tensor.from_buffer("float32", (1, 4, 4, 1), np.array(
        [1.0] * 8 + [0.0] * 8, np.float32).tobytes())
    # 4x4 mask over a 40x40 image
    cov, mean, top = mask_stats(mask, (10.0, 0, 0, 0, 10.0, 0), False, 0.5, 40, 40)
    assert cov == pytest.approx(0.5) and mean == pytest.approx(0.5) and top == 1.0
    # the same mask shifted half outside the image (rows 0-1 above it): nothing left inside
    cov, _, _ = mask_stats(mask, (10.0, 0, 0, 0, 10.0, -20.0), False, 0.5, 40, 40)
    assert cov == 0.0
    # logits: threshold in logit space
    logits = Tensor.from_buffer("float32", (1, 1, 2, 1), np.array([3.0, -3.0], np.float32))
    cov, mean, top = mask_stats(logits, (20.0, 0, 0, 0, 40.0, 0), True, 0.5, 40, 40)
    assert cov == pytest.approx(0.5) and mean is None and top == pytest.approx(0.9526, 1e-3)


def test_effects_change_background_and_keep_foreground():
    rgb = np.zeros((40, 60, 3), np.uint8)
    rgb[:, ::2] = 255  # stripes: blurring changes them
    alpha = np.zeros((40, 60), np.float32)
    alpha[10:30, 20:40] = 1.0
    fg, bg = (slice(12, 28), slice(22, 38)), (slice(0, 8), slice(0, 15))
    for effect, kw in (("blur", {"blur": 4}), ("color", {"colour": (0, 177, 64)}),
                       ("image", {"background": np.full((10, 10, 3), 200, np.uint8)})):
        out = fx.composite(rgb, alpha, effect, **kw)
        np.testing.assert_array_equal(out[fg], rgb[fg])
        assert np.abs(out[bg].astype(int) - rgb[bg]).mean() > 40, effect
    out = fx.composite(rgb, alpha, "color", colour=(0, 177, 64))
    assert out[0, 0].tolist() == [0, 177, 64]
    cut = fx.cutout(rgb, alpha)
    assert cut.shape == (40, 60, 4) and cut[0, 0, 3] == 0 and cut[20, 30, 3] == 255


def test_feather_softens_the_edge_only():
    alpha = np.zeros((40, 40), np.float32)
    alpha[:, 20:] = 1.0
    out = fx.feather(alpha, 3.0)
    assert out[20, 2] == 0.0 and out[20, 37] == 1.0 and 0.2 < out[20, 20] < 0.8


def test_body_part_labels_nearest_segment():
    alpha = np.ones((10, 10), np.float32)
    alpha[0, 0] = 0.0
    segments = [0, 0, 0, 100, 1,  100, 0, 100, 100, 2]  # x=0 line: head; x=100 line: torso
    labels = fx.body_part_labels(alpha, (10.0, 0, 0, 0, 10.0, 0), segments)
    assert labels[0, 0] == 0  # not person
    assert labels[5, 1] == 1 and labels[5, 8] == 2


def test_bad_background_is_a_clear_error(tmp_path):
    bad = tmp_path / "notes.png"
    bad.write_text("this is not an image")
    with pytest.raises(InputError, match="background.*not an image"):
        fx.load_background(bad)
    with pytest.raises(InputError, match="colour"):
        fx.parse_colour("#12")


# ------------------------------------------------------------------ models


@needs_models
def test_astronaut_mask_matches_mediapipe_fixture():
    result = segment(astronaut_image(), model="general")
    assert result.model == "general" and result.mask.shape == (1, 256, 256, 1)
    prob = result.probability_image()
    assert prob.shape == (512, 512)
    small = np.asarray(Image.fromarray(prob, mode="F").resize((64, 64), Image.Resampling.BOX))
    ref = np.asarray(Image.open(FIXTURE), np.float32) / 255.0
    assert iou(small > 0.5, ref > 0.5) >= 0.97
    assert abs(result.coverage - float((ref > 0.5).mean())) < 0.03
    # the astronaut's face (centre top) is person, the top corners are not
    assert prob[120, 256] > 0.9 and prob[10, 10] < 0.1 and prob[10, 500] < 0.1
    assert result.to_json()["person"] is True


@needs_models
def test_landscape_and_auto_models():
    wide = np.asarray(Image.fromarray(astronaut_frame(640, 360)))
    auto = segment(wide, model="auto")
    assert auto.model == "landscape" and auto.mask.shape == (1, 144, 256, 1)
    square = segment(astronaut_image(), model="landscape").probability_image()
    general = segment(astronaut_image(), model="general").probability_image()
    assert iou(square > 0.5, general > 0.5) > 0.9


@needs_models
def test_no_person_gives_an_empty_mask_and_effects_still_render():
    grey = np.full((240, 320, 3), 128, np.uint8)
    for model in ("general", "pose"):
        result = segment(grey, model=model)
        assert result.coverage == 0.0 and not result.has_person, model
        alpha = fx.MaskFilter().matte(result)
        assert alpha.max() == 0.0
        out = fx.composite(grey, alpha, "color", colour=(10, 20, 30))
        assert out[0, 0].tolist() == [10, 20, 30]
    # the coffee photo has no person: BlazePose finds nobody (the selfie models are not
    # person detectors: MediaPipe's own general model marks 23% of it, ours agrees)
    assert segment(__import__("skimage.data").data.coffee(), model="pose").coverage == 0.0


@needs_models
def test_pose_mask_covers_the_astronaut_image():
    result = segment(astronaut_image(), model="pose")
    assert result.logits and result.pose is not None
    general = segment(astronaut_image(), model="general").probability_image()
    assert iou(result.probability_image() > 0.5, general > 0.5) > 0.6


@needs_models
def test_body_parts_put_the_head_at_the_nose():
    result = segment(astronaut_image(), model="general", body_parts=True)
    assert len(result.segments) // 5 >= 8
    labels = fx.body_part_labels(fx.soft_threshold(result.probability(), 0.5),
                                 result.mask_affine, result.segments)
    image = fx.labels_to_image(labels, result.mask_affine, 512, 512)
    nose = result.pose.keypoint("nose")
    x, y = round(nose.x * 512), round(nose.y * 512)
    assert PARTS[image[y, x]] == "head"
    assert PARTS[image[min(511, y + 180), x]] == "torso"  # the chest below
    assert set(np.unique(image)) >= {0, 1, 2}


@needs_models
def test_smoothing_over_frames_is_stable_on_a_still_image():
    f = fx.MaskFilter(smoothing=0.7)
    result = segment(astronaut_image(), model="general")
    a1, a2 = f.matte(result), f.matte(result)
    np.testing.assert_allclose(a1, a2, atol=1e-6)


@needs_models
def test_cli_writes_an_8bit_mask_and_effects(tmp_path, capsys):
    photo = tmp_path / "astronaut.png"
    Image.fromarray(astronaut_image()).save(photo)
    bg = tmp_path / "bg.png"
    Image.fromarray(np.full((50, 80, 3), (0, 0, 255), np.uint8)).save(bg)
    out = tmp_path / "mask.png"
    rc = main(["segment", str(photo), "--out", str(out), "--effect", "replace",
               "--background", str(bg), "--effect-out", str(tmp_path / "fx.png"), "--json"])
    assert rc == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["model"] == "general" and summary["person"] is True
    mask = Image.open(out)
    assert mask.mode == "L" and mask.size == (512, 512)
    m = np.asarray(mask)
    assert m[120, 256] > 230 and m[10, 10] < 25
    fxi = np.asarray(Image.open(tmp_path / "fx.png"))
    assert fxi[10, 10].tolist() == [0, 0, 255]  # background replaced
    np.testing.assert_array_equal(fxi[120, 256], astronaut_image()[120, 256])  # face kept
    rc = main(["segment", str(photo), "--out", str(out), "--effect", "cutout",
               "--effect-out", str(tmp_path / "cut.png")])
    cut = Image.open(tmp_path / "cut.png")
    assert rc == 0 and cut.mode == "RGBA"
    assert np.asarray(cut)[10, 10, 3] == 0 and np.asarray(cut)[120, 256, 3] == 255


def test_cli_rejects_a_background_that_is_not_an_image(tmp_path, capsys):
    photo = tmp_path / "astronaut.png"
    Image.fromarray(astronaut_image()).save(photo)
    bad = tmp_path / "bg.png"
    bad.write_text("hello")
    rc = main(["segment", str(photo), "--out", str(tmp_path / "m.png"), "--effect", "replace",
               "--background", str(bad)])
    assert rc == 2
    err = capsys.readouterr().err
    assert "background" in err and "not an image" in err
    assert not (tmp_path / "m.png").exists()
