"""Hands: calculators, built-in gestures, teachable signs and spelling, and the pipeline on a
photo against MediaPipe's own result (tests/data/mediapipe_hands_sample5.json)."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from bench.metrics import hand_error
from frontml.calculators import NormalizedRect
from frontml.calculators.association_norm_rect import associate
from frontml.calculators.types import Landmark
from frontml.tasks.hands import (
    GESTURES,
    NO_SIGN,
    Hand,
    HandsOptions,
    NoExamplesError,
    SignClassifier,
    SignDataError,
    SignSpeller,
    classify_gesture,
    hand_features,
)
from frontml.tasks.hands.constants import HAND_PALM_LANDMARK_INDICES, PALM_DETECTION_TO_ROI
from frontml.tasks.hands.landmarks_to_rect import (
    hand_landmarks_to_rect,
    hand_landmarks_to_roi,
    hand_rotation,
    handedness_from_tensor,
)

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURE = DATA / "mediapipe_hands_sample5.json"
PHOTO = DATA / "hands_sample5.jpg"

# ------------------------------------------------------------------ synthetic hands
# Canonical right hand seen palm-on, y down, wrist at the origin, fingers pointing up (-y),
# palm size (wrist -> middle MCP) about 1.
_MCP_X = (-0.3, -0.1, 0.1, 0.3)  # index, middle, ring, pinky


def _finger(x: float, extended: bool) -> list[tuple[float, float, float]]:
    if extended:
        return [(x, -1.0, 0.0), (x * 1.1, -1.4, 0.0), (x * 1.15, -1.65, 0.0),
                (x * 1.2, -1.85, 0.0)]
    return [(x, -1.0, 0.0), (x, -1.35, -0.1), (x, -1.1, -0.3), (x, -0.9, -0.2)]


def _thumb(extended: bool) -> list[tuple[float, float, float]]:
    if extended:
        return [(-0.25, -0.15, 0.0), (-0.48, -0.28, 0.0), (-0.68, -0.42, 0.0),
                (-0.85, -0.55, 0.0)]
    return [(-0.25, -0.15, 0.0), (-0.35, -0.35, -0.05), (-0.2, -0.5, -0.1),
            (-0.05, -0.55, -0.1)]


def synthetic_hand(fingers: str, angle_deg: float = 0.0, scale: float = 0.1,
                   origin: tuple[float, float] = (0.5, 0.7), jitter: float = 0.0,
                   rng: random.Random | None = None, handedness: str = "Right") -> Hand:
    """fingers: 5 chars of 1/0 (thumb..pinky extended). angle: clockwise in the image."""
    pts = [(0.0, 0.0, 0.0)] + _thumb(fingers[0] == "1")
    for x, f in zip(_MCP_X, fingers[1:], strict=True):
        pts += _finger(x, f == "1")
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    mirror = -1.0 if handedness == "Left" else 1.0
    rng = rng or random.Random(0)
    out = []
    for x, y, z in pts:
        x *= mirror
        if jitter:
            x, y, z = (x + rng.gauss(0, jitter), y + rng.gauss(0, jitter),
                       z + rng.gauss(0, jitter))
        out.append(Landmark(origin[0] + scale * (c * x - s * y),
                            origin[1] + scale * (s * x + c * y), scale * z))
    return Hand(handedness=handedness, score=1.0, landmarks=out, world_landmarks=[])


def _thumb_angle(up: bool) -> float:
    """Clockwise rotation that makes the canonical extended thumb point up (or down)."""
    hand = synthetic_hand("10000", scale=1.0, origin=(0, 0))
    mcp, tip = hand.landmarks[2], hand.landmarks[4]
    current = math.degrees(math.atan2(tip.y - mcp.y, tip.x - mcp.x))
    return (-90.0 if up else 90.0) - current


GESTURE_SHAPES = {
    "open_palm": ("11111", 0.0),
    "closed_fist": ("00000", 0.0),
    "pointing_up": ("01000", 0.0),
    "thumbs_up": ("10000", None),
    "thumbs_down": ("10000", None),
    "victory": ("01100", 0.0),
    "i_love_you": ("11001", 0.0),
}


# ------------------------------------------------------------------ calculators


def test_palm_detection_to_roi_preset_matches_mediapipe():
    # palm_detection_detection_to_roi.pbtxt: wrist centre (0) -> middle MCP (2), 90 degrees;
    # RectTransformation scale 2.6, shift_y -0.5, square_long.
    assert PALM_DETECTION_TO_ROI.rects.rotation_vector_start_keypoint_index == 0
    assert PALM_DETECTION_TO_ROI.rects.rotation_vector_end_keypoint_index == 2
    assert PALM_DETECTION_TO_ROI.rects.rotation_vector_target_angle_degrees == 90
    t = PALM_DETECTION_TO_ROI.transformation
    assert (t.scale_x, t.scale_y, t.shift_y, t.square_long) == (2.6, 2.6, -0.5, True)
    assert not PALM_DETECTION_TO_ROI.alignment_points


@pytest.mark.parametrize("angle", [0.0, 30.0, -75.0, 150.0])
def test_hand_rotation_follows_the_hand(angle):
    hand = synthetic_hand("11111", angle_deg=angle, scale=100.0, origin=(320.0, 240.0))
    # work in pixels: normalise by a 640x480 image
    lms = [Landmark(p.x / 640, p.y / 480) for p in hand.landmarks]
    palm = [lms[i] for i in HAND_PALM_LANDMARK_INDICES]
    rot = hand_rotation(palm, 640, 480)
    # wrist -> mean of MCPs is straight "up" in the canonical hand, tilted by +angle here
    # the canonical hand's wrist -> knuckles vector leans 0.1 palm left of vertical
    expected = math.radians(angle) - math.atan2(0.1, 1.0)
    d = (rot - expected + math.pi) % (2 * math.pi) - math.pi
    assert abs(d) < 1e-6, (math.degrees(rot), angle)


def test_hand_landmarks_to_rect_is_rotation_equivariant():
    def rect(angle):
        hand = synthetic_hand("11111", angle_deg=angle, scale=100.0, origin=(320.0, 240.0))
        lms = [Landmark(p.x / 640, p.y / 480) for p in hand.landmarks]
        return hand_landmarks_to_rect([lms[i] for i in HAND_PALM_LANDMARK_INDICES], 640, 480)

    a, b = rect(0.0), rect(40.0)
    # the same hand turned: same size in pixels, rotation differs by the turn
    assert a.width * 640 == pytest.approx(b.width * 640, rel=1e-6)
    assert a.height * 480 == pytest.approx(b.height * 480, rel=1e-6)
    # (NormalizedRect is float32, as MediaPipe's proto)
    assert b.rotation - a.rotation == pytest.approx(math.radians(40.0), abs=1e-6)
    # the rect encloses the palm points tightly along its own (rotated) axes
    palm = [synthetic_hand("11111", scale=100.0, origin=(320.0, 240.0)).landmarks[i]
            for i in HAND_PALM_LANDMARK_INDICES]
    c, s = math.cos(-a.rotation), math.sin(-a.rotation)
    us, vs = [], []
    for p in palm:
        dx, dy = p.x - a.x_center * 640, p.y - a.y_center * 480
        us.append(c * dx - s * dy)
        vs.append(s * dx + c * dy)
    assert max(us) == pytest.approx(a.width * 640 / 2) and min(us) == pytest.approx(
        -a.width * 640 / 2)
    assert max(vs) == pytest.approx(a.height * 480 / 2) and min(vs) == pytest.approx(
        -a.height * 480 / 2)


def test_hand_landmarks_to_roi_expands_and_squares():
    hand = synthetic_hand("11111", scale=100.0, origin=(320.0, 240.0))
    lms = [Landmark(p.x / 640, p.y / 480) for p in hand.landmarks]
    raw = hand_landmarks_to_rect([lms[i] for i in HAND_PALM_LANDMARK_INDICES], 640, 480)
    roi = hand_landmarks_to_roi(lms, 640, 480)
    long_side = max(raw.width * 640, raw.height * 480)
    assert roi.width * 640 == pytest.approx(2.0 * long_side)
    assert roi.height * 480 == pytest.approx(2.0 * long_side)
    # shift_y -0.1 of the rect height towards the fingers (up, for an upright hand)
    dx, dy = (roi.x_center - raw.x_center) * 640, (roi.y_center - raw.y_center) * 480
    assert math.hypot(dx, dy) == pytest.approx(0.1 * raw.height * 480) and dy < 0
    with pytest.raises(ValueError, match="21"):
        hand_landmarks_to_roi(lms[:20], 640, 480)


def test_handedness_from_tensor():
    assert handedness_from_tensor(0.9) == ("Left", 0.9)
    label, score = handedness_from_tensor(0.2)
    assert label == "Right" and score == pytest.approx(0.8)


def test_association_keeps_later_rects_over_overlapping_earlier_ones():
    a = NormalizedRect(0.3, 0.3, 0.2, 0.2)
    a2 = NormalizedRect(0.31, 0.3, 0.2, 0.2)  # same hand, later (tracked) wins
    b = NormalizedRect(0.7, 0.7, 0.2, 0.2)
    assert associate([a, b, a2], 0.5) == [1, 2]
    assert associate([a, b], 0.5) == [0, 1]


def test_options_are_checked():
    with pytest.raises(ValueError, match="num_hands"):
        HandsOptions(num_hands=5)
    with pytest.raises(ValueError, match="model"):
        HandsOptions(model="heavy")
    assert HandsOptions().num_hands == 2


# ------------------------------------------------------------------ built-in gestures


@pytest.mark.parametrize("name", sorted(GESTURE_SHAPES))
@pytest.mark.parametrize("handedness", ["Right", "Left"])
def test_each_builtin_gesture_from_synthetic_landmarks(name, handedness):
    fingers, angle = GESTURE_SHAPES[name]
    if angle is None:
        angle = _thumb_angle(up=name == "thumbs_up")
        if handedness == "Left":
            angle = -angle
    rng = random.Random(1)
    for trial in range(5):
        hand = synthetic_hand(fingers, angle_deg=angle + rng.uniform(-10, 10),
                              scale=rng.uniform(0.05, 0.3), jitter=0.03, rng=rng,
                              handedness=handedness)
        got = classify_gesture(hand)
        assert got.name == name, (trial, got)
        assert 0.7 <= got.score <= 1.0
    assert set(GESTURES) == set(GESTURE_SHAPES)


@pytest.mark.parametrize("angle", [30.0, 120.0, -150.0])
def test_fist_and_palm_do_not_depend_on_rotation(angle):
    assert classify_gesture(synthetic_hand("00000", angle_deg=angle)).name == "closed_fist"
    assert classify_gesture(synthetic_hand("11111", angle_deg=angle)).name == "open_palm"


def test_pointing_sideways_and_other_shapes_are_none():
    assert classify_gesture(synthetic_hand("01000", angle_deg=90.0)).name == "none"
    got = classify_gesture(synthetic_hand("00110"))
    assert got.name == "none" and 0.0 <= got.score <= 1.0


# ------------------------------------------------------------------ teachable signs


def _sequence(fingers: str, n: int, seed: int, **kw) -> list[Hand]:
    """A 'recorded' sequence: the same sign, moving, turning and shaking a little."""
    rng = random.Random(seed)
    return [synthetic_hand(fingers, angle_deg=kw.get("angle", 0.0) + rng.uniform(-15, 15),
                           scale=rng.uniform(0.08, 0.2),
                           origin=(rng.uniform(0.3, 0.7), rng.uniform(0.4, 0.8)),
                           jitter=0.03, rng=rng, handedness=kw.get("handedness", "Right"))
            for _ in range(n)]


SIGNS = {"A": "00000", "B": "01111", "L": "11000", "Y": "10001"}


def _taught() -> SignClassifier:
    signs = SignClassifier()
    for seed, (label, fingers) in enumerate(SIGNS.items()):
        for hand in _sequence(fingers, 4, seed):
            signs.add_example(label, hand)
    return signs


def test_no_examples_gives_a_clear_hint():
    with pytest.raises(NoExamplesError, match="record a few examples"):
        SignClassifier().predict(synthetic_hand("00000"))


def test_teach_then_recognise_recorded_sequences():
    signs = _taught()
    assert signs.counts() == {label: 4 for label in SIGNS}
    for seed, (label, fingers) in enumerate(SIGNS.items(), start=10):
        # other frames: turned, moved, resized; and the LEFT hand (mirrored) too
        for hand in (_sequence(fingers, 10, seed, angle=40.0)
                     + _sequence(fingers, 10, seed + 50, handedness="Left")):
            got, score = signs.predict(hand)
            assert got == label and score > 0.5, (label, got, score)
    # something never taught and far from every example is "none"
    far = synthetic_hand("11111")
    far.landmarks[8] = Landmark(far.landmarks[8].x + 0.5, far.landmarks[8].y, 0.0)
    assert signs.predict(far)[0] == NO_SIGN


def test_teach_from_real_landmarks_of_the_mediapipe_fixture():
    ref = json.loads(FIXTURE.read_text())["hands"][0]
    hand = Hand.from_json({**ref, "gesture": None})
    signs = SignClassifier()
    signs.add_example("rest", hand)
    signs.add_example("A", synthetic_hand("00000"))
    assert signs.predict(hand)[0] == "rest"
    assert len(hand_features(hand)) == 63


def test_features_are_invariant_to_position_scale_rotation_and_hand():
    a = hand_features(synthetic_hand("11000"))
    b = hand_features(synthetic_hand("11000", angle_deg=70.0, scale=0.3, origin=(0.2, 0.3)))
    c = hand_features(synthetic_hand("11000", handedness="Left"))
    assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 1e-9
    assert max(abs(x - y) for x, y in zip(a, c, strict=True)) < 1e-9


def test_json_round_trip_and_malformed_import_keeps_examples():
    signs = _taught()
    text = signs.to_json()
    copy = SignClassifier.from_json(text)
    hand = _sequence(SIGNS["L"], 1, 99)[0]
    assert copy.predict(hand)[0] == signs.predict(hand)[0] == "L"
    before = list(signs.examples)
    bad_inputs = [
        "{not json",
        "[]",
        json.dumps({"format": "other", "version": 1, "examples": []}),
        json.dumps({"format": "frontml.signs", "version": 99, "examples": []}),
        json.dumps({"format": "frontml.signs", "version": 1, "examples": "x"}),
        json.dumps({"format": "frontml.signs", "version": 1,
                    "examples": [{"label": "A", "features": [0.0] * 62}]}),
        json.dumps({"format": "frontml.signs", "version": 1,
                    "examples": [{"label": "", "features": [0.0] * 63}]}),
        '{"format": "frontml.signs", "version": 1, "examples": '
        '[{"label": "A", "features": [NaN' + ", 0" * 62 + "]}]}",
    ]
    for bad in bad_inputs:
        with pytest.raises(SignDataError):
            signs.load_json(bad)
        assert signs.examples == before
    with pytest.raises(SignDataError, match="not valid JSON"):
        signs.load_json("{not json")
    # a valid import replaces (or merges)
    assert signs.load_json(copy.to_json(), merge=True) == 16
    assert len(signs.examples) == 32


def test_spelling_a_word_from_held_signs():
    signs = _taught()
    speller = SignSpeller(hold_frames=5)
    frames: list[Hand | None] = []
    for seed, letter in enumerate("BABY"):
        fingers = SIGNS[letter]
        frames += _sequence(fingers, 8, 100 + seed)  # held: typed once
        frames += [None] * 2  # hand down between letters (a repeated letter needs it)
    frames += _sequence(SIGNS["L"], 3, 7)  # too short: not typed
    typed = []
    for hand in frames:
        if hand is None:
            speller.push(None)
            continue
        label, score = signs.predict(hand)
        got = speller.push(label, score)
        if got:
            typed.append(got)
    assert typed == ["B", "A", "B", "Y"]
    assert speller.text == "BABY"


def test_speller_special_labels_and_words():
    speller = SignSpeller(hold_frames=2)
    for label in ["hello", "hello", "world", "world", "space", "space", "A", "A", "delete",
                  "delete", "B", "B", "B", "B"]:
        speller.push(label)
    assert speller.text == "hello world B"
    speller.push("clear")
    speller.push("clear")
    assert speller.text == ""
    speller.push("C", score=0.1)
    speller.push("C", score=0.1)
    assert speller.text == ""  # low scores are ignored


# ------------------------------------------------------------------ the pipeline


@pytest.fixture(scope="module")
def landmarker_full():
    from frontml.runtime import run_sync
    from frontml.tasks.hands import create_hand_landmarker

    lm = run_sync(create_hand_landmarker(HandsOptions(model="full", running_mode="image",
                                                      num_hands=4)))
    yield lm
    lm.close()


def test_pipeline_on_a_photo_matches_mediapipe(landmarker_full):
    from frontml.image import load_image
    from frontml.runtime import run_sync

    ref = json.loads(FIXTURE.read_text())
    result = run_sync(landmarker_full.process(load_image(PHOTO), 0.0))
    out = result.to_json()
    assert out["image"] == {"width": ref["width"], "height": ref["height"]}
    assert len(out["hands"]) == len(ref["hands"]) == 1
    ours, theirs = out["hands"][0], ref["hands"][0]
    assert set(ours) == {"handedness", "score", "landmarks", "world_landmarks", "gesture"}
    assert set(ours["gesture"]) == {"name", "score"}
    assert ours["handedness"] == theirs["handedness"]
    assert ours["score"] == pytest.approx(theirs["score"], abs=0.01)
    err = hand_error(ours["landmarks"], theirs["landmarks"], ref["width"], ref["height"])
    assert err <= 0.02, err
    z = max(abs(a["z"] - b["z"]) for a, b in zip(ours["landmarks"], theirs["landmarks"],
                                                 strict=True))
    assert z <= 0.01
    world = max(abs(a[k] - b[k]) for a, b in zip(ours["world_landmarks"],
                                                 theirs["world_landmarks"], strict=True)
                for k in "xyz")
    assert world <= 0.005  # metres


def test_video_mode_tracks_without_the_detector():
    from frontml.image import load_image
    from frontml.runtime import run_sync
    from frontml.tasks.hands import create_hand_landmarker

    lm = run_sync(create_hand_landmarker(HandsOptions(model="lite", num_hands=1)))
    frame = load_image(PHOTO)
    results = [run_sync(lm.process(frame, t * 33.0)) for t in range(3)]
    assert [len(r.hands) for r in results] == [1, 1, 1]
    assert lm.detector_runs == 1 and lm.landmark_runs == 3
    with pytest.raises(Exception, match="increasing timestamps"):
        run_sync(lm.process(frame, 0.0))
    lm.close()


def test_video_mode_roi_comes_from_the_raw_landmarks():
    # MediaPipe's hand tracking takes the next ROI from the landmark model's own output
    # (smoothing, where there is any, only shapes what is reported): the crops, and so the
    # raw landmarks, must not depend on smoothing.
    import numpy as np

    from frontml.image import ArrayFrame, load_image
    from frontml.runtime import run_sync
    from frontml.tasks.hands import create_hand_landmarker

    photo = load_image(PHOTO).array
    frames = [ArrayFrame(np.roll(photo, (2 * i, 3 * i), axis=(0, 1))) for i in range(4)]
    rois = {}
    for smooth in (False, True):
        lm = run_sync(create_hand_landmarker(HandsOptions(model="lite", num_hands=1,
                                                          smooth_landmarks=smooth)))
        rois[smooth] = []
        for i, frame in enumerate(frames):
            result = run_sync(lm.process(frame, i * 33.0))
            assert len(result.hands) == 1
            rois[smooth].append(result.hands[0].roi)
        lm.close()
    assert rois[True] == rois[False]


def test_no_hands_in_coffee(landmarker_full):
    from skimage import data

    from frontml.image import ArrayFrame
    from frontml.runtime import run_sync

    result = run_sync(landmarker_full.process(ArrayFrame(data.coffee()), 0.0))
    assert result.to_json()["hands"] == []


# ------------------------------------------------------------------ CLI


def test_cli_hands_json(capsys):
    from frontml.cli import main

    assert main(["hands", str(PHOTO), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["image"] == {"width": 336, "height": 318}
    (hand,) = out["hands"]
    assert set(hand) == {"handedness", "score", "landmarks", "world_landmarks", "gesture"}
    assert hand["handedness"] in ("Left", "Right")
    assert len(hand["landmarks"]) == 21 and set(hand["landmarks"][0]) == {"x", "y", "z"}
    assert len(hand["world_landmarks"]) == 21
    assert set(hand["gesture"]) == {"name", "score"}
    assert main(["hands", str(PHOTO), "--num-hands", "9"]) == 2


def test_legacy_signs_file_migrates_to_the_learn_format():
    signs = _taught()
    legacy = json.dumps({"format": "frontml.signs", "version": 1, "k": 3, "max_distance": 0.4,
                         "examples": [{"label": label, "features": [round(v, 5) for v in f]}
                                      for label, f in signs.examples]})
    old = SignClassifier.from_json(legacy)
    assert old.counts() == signs.counts() and old.max_distance == 0.4
    new_text = old.to_json()
    assert json.loads(new_text)["format"] == "frontml.learn"
    again = SignClassifier.from_json(new_text)
    assert again.max_distance == 0.4 and again.counts() == signs.counts()
    for seed, (label, fingers) in enumerate(SIGNS.items(), start=40):
        hand = _sequence(fingers, 1, seed)[0]
        assert old.predict(hand) == again.predict(hand)
        assert again.predict(hand)[0] == label
    # a learn file of other features is refused, and nothing is lost
    from frontml.learn import Backbone, Classifier
    other = Classifier(Backbone("efficientnet_lite0", "ab", 128, "projection"))
    other.add("x", [1.0] * 128)
    with pytest.raises(SignDataError, match="not comparable"):
        again.load_json(other.to_bytes())
    assert again.counts() == signs.counts()
