"""Face task: calculators (anchors, NMS, ROI), head pose, the pipeline vs MediaPipe, bad input,
the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from frontml.calculators import (
    Detection,
    Landmark,
    detection_to_roi,
    generate_anchors,
    non_max_suppression,
)
from frontml.calculators.head_pose import (
    euler_yxz,
    fit_similarity,
    jacobi_eigen,
    rotation_yxz,
)
from frontml.image import ArrayFrame
from frontml.runtime import run_sync
from frontml.tasks.face import FaceOptions, create_face_mesh, head_pose
from frontml.tasks.face.constants import (
    FACE_DETECTION_FULL_RANGE,
    FACE_DETECTION_SHORT_RANGE,
    FACE_DETECTION_TO_ROI,
)
from frontml.tasks.face.landmarks import (
    eye_aspect_ratio,
    face_landmarks_to_roi,
    iris_roi,
    mouth_open_ratio,
)
from frontml.tasks.face.template import CANONICAL_FACE, MIRROR

DATA = Path(__file__).resolve().parent.parent / "data"


# ------------------------------------------------------------------ calculators


def test_anchor_counts_and_layout():
    short = generate_anchors(FACE_DETECTION_SHORT_RANGE.anchors)
    full = generate_anchors(FACE_DETECTION_FULL_RANGE.anchors)
    assert len(short) == 896 and len(full) == 2304
    # short range: 16x16 grid x 2 anchors (stride 8), then 8x8 x 6 (strides 16, 16, 16)
    assert (short[0].x_center, short[0].y_center) == pytest.approx((0.5 / 16, 0.5 / 16))
    assert (short[1].x_center, short[1].y_center) == pytest.approx((0.5 / 16, 0.5 / 16))
    assert (short[512].x_center, short[512].y_center) == pytest.approx((0.5 / 8, 0.5 / 8))
    assert all(a.w == 1.0 and a.h == 1.0 for a in short + full)  # fixed_anchor_size
    # full range: one 48x48 layer, one anchor per cell
    assert (full[-1].x_center, full[-1].y_center) == pytest.approx((47.5 / 48, 47.5 / 48))


def test_weighted_nms_merges_overlaps_and_keeps_separate_faces():
    a = Detection(0.9, 0.10, 0.10, 0.20, 0.20, [(0.15, 0.15)] * 6)
    b = Detection(0.6, 0.12, 0.12, 0.20, 0.20, [(0.17, 0.17)] * 6)
    far = Detection(0.8, 0.60, 0.60, 0.20, 0.20, [(0.7, 0.7)] * 6)
    out = non_max_suppression([b, far, a], FACE_DETECTION_SHORT_RANGE.nms)
    assert len(out) == 2
    assert out[0].score == pytest.approx(0.9) and out[1].score == pytest.approx(0.8)
    # weighted: the merged box lies between a and b, nearer the stronger a
    assert 0.10 < out[0].xmin < 0.12 and out[0].xmin == pytest.approx(
        (0.9 * 0.10 + 0.6 * 0.12) / 1.5)


def test_detection_to_roi_levels_the_eyes_and_scales_square():
    # eyes at (0.4, 0.5) and (0.6, 0.45) in a 200x100 image: tilted, box 0.2 x 0.4
    det = Detection(0.9, 0.4, 0.3, 0.2, 0.4, [(0.4, 0.5), (0.6, 0.45)] + [(0.5, 0.5)] * 4)
    roi = detection_to_roi(det, (200, 100), FACE_DETECTION_TO_ROI)
    expected = -math.atan2(-(0.45 - 0.5) * 100, (0.6 - 0.4) * 200)
    assert roi.rotation == pytest.approx(expected)
    assert roi.x_center == pytest.approx(0.5) and roi.y_center == pytest.approx(0.5)
    # square_long: the long side (0.4 * 100 = 40 px vs 0.2 * 200 = 40 px) x 1.5 = 60 px
    assert roi.width * 200 == pytest.approx(60) and roi.height * 100 == pytest.approx(60)


def test_landmarks_to_roi_and_iris_roi():
    pts = [Landmark(0.5, 0.5) for _ in range(468)]
    pts[33] = Landmark(0.4, 0.4)
    pts[263] = Landmark(0.6, 0.4)
    pts[133] = Landmark(0.45, 0.4)
    pts[0] = Landmark(0.5, 0.7)
    roi = face_landmarks_to_roi(pts, 100, 100)
    assert roi.rotation == pytest.approx(0.0)
    assert roi.width == pytest.approx(0.3 * 1.5) and roi.height == pytest.approx(0.3 * 1.5)
    pts[263] = Landmark(0.6, 0.3)  # head rolled: ROI rotates with the eye line
    assert face_landmarks_to_roi(pts, 100, 100).rotation == pytest.approx(
        -math.atan2(0.1, 0.2))  # MediaPipe: rotation = 0 - atan2(-dy, dx)
    eye = iris_roi(pts, (33, 133), 100, 100)
    assert eye.x_center == pytest.approx(0.425) and eye.width == pytest.approx(0.05 * 2.3)


def test_eye_and_mouth_measures():
    pts = [Landmark(0.0, 0.0) for _ in range(468)]
    for i, (x, y) in zip((33, 160, 158, 133, 153, 144),
                         [(0, 0), (1, -0.3), (2, -0.3), (3, 0), (2, 0.3), (1, 0.3)], strict=True):
        pts[i] = Landmark(x, y)
    assert eye_aspect_ratio(pts, (33, 160, 158, 133, 153, 144)) == pytest.approx(0.2)
    pts[78], pts[308], pts[13], pts[14] = (Landmark(0, 0), Landmark(4, 0), Landmark(2, -0.5),
                                           Landmark(2, 0.5))
    assert mouth_open_ratio(pts) == pytest.approx(0.25)


# ------------------------------------------------------------------ head pose


def test_jacobi_eigen_diagonalises():
    m = [[4.0, 1.0, 2.0, 0.5], [1.0, 3.0, 0.0, 1.0], [2.0, 0.0, 5.0, -1.0],
         [0.5, 1.0, -1.0, 2.0]]
    values, vectors = jacobi_eigen(m)
    ref = np.linalg.eigvalsh(np.asarray(m))
    assert sorted(values) == pytest.approx(sorted(ref), abs=1e-9)
    v = np.asarray(vectors)
    assert np.allclose(np.asarray(m) @ v, v * np.asarray(values), atol=1e-9)


@pytest.mark.parametrize("yaw,pitch,roll", [(0, 0, 0), (30, 0, 0), (-25, 10, 5),
                                            (10, -20, -15), (45, 15, 20), (-40, -10, 30)])
def test_head_pose_recovers_known_rotation(yaw, pitch, roll):
    """The template, rotated/scaled/placed in a 640x480 image as normalised landmarks with
    pixel noise, gives back yaw/pitch/roll within 2 degrees."""
    rng = np.random.default_rng(7)
    rot = rotation_yxz(yaw, pitch, roll)
    width, height, scale = 640, 480, 9.0  # px per cm
    tx, ty, tz = 40.0, -20.0, 0.0
    lms = []
    for p in CANONICAL_FACE:
        q = [sum(rot[i][k] * p[k] for k in range(3)) * scale for i in range(3)]
        hx, hy, hz = q[0] + tx, q[1] + ty, q[2] + tz
        hx, hy, hz = (v + rng.normal(0, 1.0) for v in (hx, hy, hz))
        lms.append(Landmark((hx + width / 2) / width, (height / 2 - hy) / height, -hz / width))
    pose = head_pose(lms, width, height)
    assert pose.yaw == pytest.approx(yaw, abs=2)
    assert pose.pitch == pytest.approx(pitch, abs=2)
    assert pose.roll == pytest.approx(roll, abs=2)
    assert pose.scale == pytest.approx(scale, rel=0.02)
    # translation = where the template origin (between the eyes) lands; matrix is column-major
    assert pose.translation[0] == pytest.approx(tx, abs=1.0)
    assert pose.matrix[12:15] == pytest.approx(list(pose.translation))
    assert pose.matrix[15] == 1.0 and pose.matrix[3] == pose.matrix[7] == pose.matrix[11] == 0


def test_fit_similarity_exact_and_euler_round_trip():
    src = [(1.0, 0.0, 0.0), (0.0, 2.0, 0.0), (0.0, 0.0, 3.0), (1.0, 1.0, 1.0)]
    rot = rotation_yxz(20, -30, 40)
    dst = [tuple(2.5 * sum(rot[i][k] * p[k] for k in range(3)) + (1, 2, 3)[i]
                 for i in range(3)) for p in src]
    fit = fit_similarity(src, dst)
    assert fit.scale == pytest.approx(2.5) and fit.rms < 1e-9
    assert euler_yxz(fit.rotation) == pytest.approx((20, -30, 40))


def test_template_is_symmetric_and_centred():
    assert len(CANONICAL_FACE) == 468 and CANONICAL_FACE[168] == (0.0, 0.0, 0.0)
    mutual = [(i, j) for i, j in enumerate(MIRROR) if MIRROR[j] == i]
    assert len(mutual) >= 460  # nearest-neighbour pairing leaves a couple of odd points
    for i, j in mutual:
        assert CANONICAL_FACE[i][0] == pytest.approx(-CANONICAL_FACE[j][0], abs=1e-3)
        assert CANONICAL_FACE[i][1:] == pytest.approx(CANONICAL_FACE[j][1:], abs=1e-3)
    assert MIRROR[33] == 263  # outer eye corners pair up
    assert CANONICAL_FACE[1][2] > 1.0  # the nose tip points toward the viewer


# ------------------------------------------------------------------ the pipeline


@pytest.fixture(scope="module")
def image_mesh():
    mesh = run_sync(create_face_mesh(FaceOptions(running_mode="image", num_faces=3,
                                                 refine_landmarks=True)))
    yield mesh
    mesh.close()


def astronaut() -> np.ndarray:
    from skimage import data

    return data.astronaut()


def test_astronaut_matches_mediapipe(image_mesh):
    ref = json.loads((DATA / "mediapipe_face_astronaut.json").read_text())
    res = run_sync(image_mesh.process(ArrayFrame(astronaut()), 0))
    assert len(res.faces) == len(ref["faces"]) == 1
    face, theirs = res.faces[0], ref["faces"][0]["landmarks"]
    assert len(face.landmarks) == 478 and face.score > 0.9
    w, h = ref["width"], ref["height"]
    io = math.hypot((theirs[33]["x"] - theirs[263]["x"]) * w,
                    (theirs[33]["y"] - theirs[263]["y"]) * h)
    err = [math.hypot((a.x - b["x"]) * w, (a.y - b["y"]) * h)
           for a, b in zip(face.landmarks[:468], theirs, strict=True)]
    assert sum(err) / len(err) / io < 0.01  # measured 1e-4
    assert max(abs(a.z - b["z"]) for a, b in zip(face.landmarks, theirs, strict=False)) < 5e-3
    # irises sit between their eye corners
    for centre, (a, b) in ((468, (33, 133)), (473, (362, 263))):
        lm = face.landmarks
        assert min(lm[a].x, lm[b].x) < lm[centre].x < max(lm[a].x, lm[b].x)
        assert abs(lm[centre].y - (lm[a].y + lm[b].y) / 2) < 0.02
    # box encloses the mesh; roughly frontal pose; eyes open, mouth nearly closed
    x0, y0, x1, y1 = face.box
    assert all(x0 <= lm.x <= x1 and y0 <= lm.y <= y1 for lm in face.landmarks[:468])
    assert abs(face.pose.yaw) < 15 and abs(face.pose.pitch) < 20 and abs(face.pose.roll) < 10
    assert not face.blink_left and not face.blink_right and face.mouth_open < 0.3
    assert set(res.to_json()["faces"][0]) == {"score", "box", "landmarks", "pose"}
    assert set(res.to_json()["faces"][0]["pose"]) == {"yaw", "pitch", "roll", "matrix"}


def test_mirrored_image_flips_yaw_and_roll(image_mesh):
    img = astronaut()
    turned = np.asarray(Image.fromarray(img).rotate(0))
    a = run_sync(image_mesh.process(ArrayFrame(turned), 0)).faces[0].pose
    b = run_sync(image_mesh.process(ArrayFrame(np.ascontiguousarray(img[:, ::-1])), 0)).faces[0]
    assert b.pose.yaw == pytest.approx(-a.yaw, abs=2)
    assert b.pose.roll == pytest.approx(-a.roll, abs=2)
    assert b.pose.pitch == pytest.approx(a.pitch, abs=2)


def test_rotated_photo_changes_roll(image_mesh):
    img = Image.fromarray(astronaut())
    base = run_sync(image_mesh.process(ArrayFrame(np.asarray(img)), 0)).faces[0].pose.roll
    # PIL rotates counter-clockwise for positive angles: roll grows by about that much
    rolled = run_sync(image_mesh.process(
        ArrayFrame(np.asarray(img.rotate(20, center=(220, 130)))), 0)).faces[0].pose.roll
    assert rolled - base == pytest.approx(20, abs=3)


def test_no_face_gives_empty_result(image_mesh):
    from skimage import data

    res = run_sync(image_mesh.process(ArrayFrame(data.coffee()), 0))
    assert res.faces == [] and res.to_json()["faces"] == []


@pytest.mark.parametrize("case", ["left_edge", "top_edge", "tiny", "one_pixel"])
def test_edge_and_small_faces_do_not_crash(image_mesh, case):
    img = astronaut()
    if case == "left_edge":  # the face cut by the left border
        frame = np.ascontiguousarray(img[:, 200:])
    elif case == "top_edge":
        frame = np.ascontiguousarray(img[90:, :])
    elif case == "tiny":  # a 40 px astronaut in a 640x480 frame
        small = np.asarray(Image.fromarray(img).resize((40, 40)))
        frame = np.full((480, 640, 3), 128, np.uint8)
        frame[220:260, 300:340] = small
    else:
        frame = np.zeros((1, 1, 3), np.uint8)
    res = run_sync(image_mesh.process(ArrayFrame(frame), 0))
    for face in res.faces:
        assert len(face.landmarks) == 478
        assert all(math.isfinite(v) for v in face.pose.matrix)


def test_video_mode_tracks_without_detector_and_smooths():
    mesh = run_sync(create_face_mesh(FaceOptions(running_mode="video")))
    frame = ArrayFrame(astronaut())
    results = [run_sync(mesh.process(frame, 33.3 * i)) for i in range(4)]
    assert all(len(r.faces) == 1 for r in results)
    assert mesh.detector_runs == 1 and mesh.landmark_runs == 4
    a, b = results[0].faces[0].landmarks[1], results[-1].faces[0].landmarks[1]
    # the tracked ROI (from landmarks) differs a little from the detection's: ~1 px here
    assert abs(a.x - b.x) < 5e-3 and abs(a.y - b.y) < 5e-3
    with pytest.raises(Exception, match="increasing timestamps"):
        run_sync(mesh.process(frame, 0.0))
    mesh.close()


def test_full_range_detector_finds_the_astronaut():
    mesh = run_sync(create_face_mesh(FaceOptions(detector="full", running_mode="image")))
    res = run_sync(mesh.process(ArrayFrame(astronaut()), 0))
    mesh.close()
    assert len(res.faces) == 1 and len(res.faces[0].landmarks) == 468


def test_options_are_validated():
    with pytest.raises(ValueError):
        FaceOptions(detector="long")
    with pytest.raises(ValueError):
        FaceOptions(num_faces=0)
    with pytest.raises(ValueError):
        FaceOptions(min_detection_confidence=2.0)


# ------------------------------------------------------------------ CLI


def test_cli_json(tmp_path, capsys):
    from frontml.cli import main

    path = tmp_path / "astronaut.png"
    Image.fromarray(astronaut()).save(path)
    assert main(["face", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["image"] == {"width": 512, "height": 512}
    (face,) = out["faces"]
    assert set(face) == {"score", "box", "landmarks", "pose"}
    assert len(face["landmarks"]) == 468 and set(face["landmarks"][0]) == {"x", "y", "z"}
    assert len(face["pose"]["matrix"]) == 16 and len(face["box"]) == 4
    assert main(["face", str(path), "--json", "--iris"]) == 0
    assert len(json.loads(capsys.readouterr().out)["faces"][0]["landmarks"]) == 478
    assert main(["face", str(tmp_path / "missing.png")]) == 2
