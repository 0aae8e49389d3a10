"""ROI geometry: detections->rects, rect transformation, crop affine, landmark projection."""

import math

import pytest

from frontml.calculators import (
    Detection,
    DetectionsToRectsCalculatorOptions,
    Landmark,
    NormalizedRect,
    RectTransformationCalculatorOptions,
    alignment_points_to_rect,
    apply_affine,
    compute_rotation,
    detection_to_rect,
    detection_to_roi,
    detections_to_rects,
    image_to_tensor_transform,
    invert_affine,
    landmark_projection,
    landmarks_to_detection,
    normalize_radians,
    project_landmarks_with_matrix,
    tensors_to_normalized_landmarks,
    transform_normalized_rect,
    world_landmark_projection,
)
from frontml.tasks.face.constants import FACE_DETECTION_TO_ROI
from frontml.tasks.pose.constants import POSE_DETECTION_TO_ROI, POSE_LANDMARKS_OPTIONS
from frontml.tasks.pose.filtering import pose_landmarks_to_roi

ROT_90 = DetectionsToRectsCalculatorOptions(
    rotation_vector_start_keypoint_index=0,
    rotation_vector_end_keypoint_index=1,
    rotation_vector_target_angle_degrees=90,
)


def _kp_det(p0, p1):
    return Detection(1.0, 0.4, 0.4, 0.2, 0.2, [p0, p1])


def test_rotation_from_two_keypoints():
    size = (640, 480)
    # Keypoints straight up (y decreases) -> already at the 90-degree target -> rotation 0.
    assert compute_rotation(_kp_det((0.5, 0.6), (0.5, 0.4)), size, ROT_90) == pytest.approx(0.0)
    # Pointing right -> rect must rotate +90 degrees (clockwise on screen).
    assert compute_rotation(_kp_det((0.5, 0.5), (0.7, 0.5)), size, ROT_90) == pytest.approx(
        math.pi / 2
    )
    # Pointing left -> -90 degrees.
    assert compute_rotation(_kp_det((0.5, 0.5), (0.3, 0.5)), size, ROT_90) == pytest.approx(
        -math.pi / 2
    )
    # Pointing down -> +-180 degrees (normalised to [-pi, pi)).
    assert abs(compute_rotation(_kp_det((0.5, 0.4), (0.5, 0.6)), size, ROT_90)) == pytest.approx(
        math.pi
    )


def test_rotation_uses_pixels_not_normalised_coords():
    # 45 degrees in pixels on a 2:1 image is dx=0.1 (normalised x) vs dy=0.2 (normalised y).
    r = compute_rotation(_kp_det((0.5, 0.5), (0.6, 0.3)), (400, 100), ROT_90)
    assert r == pytest.approx(math.pi / 2 - math.atan2(0.2 * 100, 0.1 * 400))


def test_normalize_radians():
    assert normalize_radians(3 * math.pi / 2) == pytest.approx(-math.pi / 2)
    assert normalize_radians(-3 * math.pi / 2) == pytest.approx(math.pi / 2)
    assert normalize_radians(0.3) == pytest.approx(0.3)


def test_detection_to_rect_box_and_keypoints_modes():
    det = Detection(1.0, 0.2, 0.3, 0.4, 0.2, [(0.1, 0.1), (0.5, 0.3)])
    r = detection_to_rect(det, DetectionsToRectsCalculatorOptions())
    assert (r.x_center, r.y_center, r.width, r.height, r.rotation) == pytest.approx(
        (0.4, 0.4, 0.4, 0.2, 0.0)
    )
    r = detection_to_rect(det, DetectionsToRectsCalculatorOptions(conversion_mode="USE_KEYPOINTS"))
    assert (r.x_center, r.y_center, r.width, r.height) == pytest.approx((0.3, 0.2, 0.4, 0.2))
    zero = DetectionsToRectsCalculatorOptions(output_zero_rect_for_empty_detections=True)
    assert detections_to_rects([], zero) == [NormalizedRect(0.0, 0.0, 0.0, 0.0)]


def test_alignment_points_rect():
    # Centre (0.5, 0.5), scale point 100 px above on a 400x200 image.
    det = _kp_det((0.5, 0.5), (0.5, 0.0))
    r = alignment_points_to_rect(det, ROT_90, (400, 200))
    assert (r.x_center, r.y_center) == pytest.approx((0.5, 0.5))
    assert r.width == pytest.approx(200 / 400)  # side 2 * 100 px
    assert r.height == pytest.approx(200 / 200)
    assert r.rotation == pytest.approx(0.0)


def test_rect_transformation_square_long_scale_shift():
    rect = NormalizedRect(0.5, 0.5, 0.2, 0.5)  # 128 x 240 px on 640x480
    opts = RectTransformationCalculatorOptions(scale_x=1.5, scale_y=1.5, square_long=True)
    out = transform_normalized_rect(rect, 640, 480, opts)
    assert out.width * 640 == pytest.approx(240 * 1.5)
    assert out.height * 480 == pytest.approx(240 * 1.5)
    short = transform_normalized_rect(
        rect, 640, 480, RectTransformationCalculatorOptions(square_short=True)
    )
    assert short.width * 640 == pytest.approx(128) and short.height * 480 == pytest.approx(128)
    # Shift is along the rect's own axes: rotated 90 degrees, shift_y moves along -x.
    rotated = NormalizedRect(0.5, 0.5, 0.2, 0.2, math.pi / 2)
    moved = transform_normalized_rect(
        rotated, 100, 100, RectTransformationCalculatorOptions(shift_y=-0.5)
    )
    assert (moved.x_center, moved.y_center) == pytest.approx((0.6, 0.5))
    assert moved.rotation == pytest.approx(math.pi / 2)
    unrotated = transform_normalized_rect(
        NormalizedRect(0.5, 0.5, 0.2, 0.2),
        100,
        100,
        RectTransformationCalculatorOptions(shift_x=0.5),
    )
    assert unrotated.x_center == pytest.approx(0.6)


def test_affine_maps_rect_corners_to_output_corners():
    img_w, img_h, out = 640, 480, 256
    rect = NormalizedRect(0.5, 0.5, 0.3, 0.4)  # 192 x 192 px: square, no padding
    t = image_to_tensor_transform(img_w, img_h, out, out, rect, keep_aspect_ratio=True)
    assert t.letterbox_padding == (0.0, 0.0, 0.0, 0.0)
    assert apply_affine(t.affine, 0, 0) == pytest.approx((320 - 96, 240 - 96))
    assert apply_affine(t.affine, out, out) == pytest.approx((320 + 96, 240 + 96))
    assert apply_affine(t.affine, out / 2, out / 2) == pytest.approx((320, 240))
    # Rotated 90 degrees (clockwise on screen): output top-left comes from the ROI's
    # bottom-left... in source terms (cx + h/2, cy - w/2).
    rot = NormalizedRect(0.5, 0.5, 0.3, 0.4, math.pi / 2)
    t = image_to_tensor_transform(img_w, img_h, out, out, rot)
    assert apply_affine(t.affine, 0, 0) == pytest.approx((320 + 96, 240 - 96))
    assert apply_affine(t.affine, out, 0) == pytest.approx((320 + 96, 240 + 96))
    inv = invert_affine(t.affine)
    assert apply_affine(inv, *apply_affine(t.affine, 17.0, 99.0)) == pytest.approx((17.0, 99.0))


def test_affine_whole_image_letterbox():
    t = image_to_tensor_transform(640, 480, 224, 224, None, keep_aspect_ratio=True)
    assert t.letterbox_padding == pytest.approx((0.0, 0.125, 0.0, 0.125))
    # The padded ROI is 640x640 centred on the image: output top edge is 80 px above it.
    assert apply_affine(t.affine, 0, 0) == pytest.approx((0, -80))
    assert apply_affine(t.affine, 224, 224) == pytest.approx((640, 560))
    flipped = image_to_tensor_transform(640, 480, 224, 224, None, True, flip_horizontally=True)
    assert apply_affine(flipped.affine, 0, 0) == pytest.approx((640, -80))


def _crop_point(t, u, v, out_w, out_h, img_w, img_h):
    sx, sy = apply_affine(t.affine, u * out_w, v * out_h)
    return sx / img_w, sy / img_h


@pytest.mark.parametrize("rotation", [0.0, 0.7, -2.0])
def test_landmark_projection_inverts_crop(rotation):
    img_w, img_h, out = 640, 480, 256
    # Square in pixels (as square_long makes it): 0.3 * 640 == 0.4 * 480.
    rect = NormalizedRect(0.45, 0.55, 0.3, 0.4, rotation)
    t = image_to_tensor_transform(img_w, img_h, out, out, rect, keep_aspect_ratio=True)
    crop_lms = [Landmark(0.1, 0.2, 0.05), Landmark(0.9, 0.4, -0.1), Landmark(0.5, 0.5, 0.0)]
    by_rect = landmark_projection(crop_lms, rect)
    by_matrix = project_landmarks_with_matrix(crop_lms, t.matrix)
    for lm, a, b in zip(crop_lms, by_rect, by_matrix, strict=True):
        expected = _crop_point(t, lm.x, lm.y, out, out, img_w, img_h)
        # the crop affine comes from float32 corners (MediaPipe's CPU converter): ~1e-5 px
        assert (a.x, a.y) == pytest.approx(expected, abs=1e-7)
        assert (b.x, b.y) == pytest.approx(expected, abs=1e-7)
        assert a.z == pytest.approx(lm.z * 0.3)
        # MediaPipe's CalculateZScale: length of the projected (0,0)-(1,0) segment in
        # normalised image coords (== rect width only without rotation).
        z_scale = math.hypot(
            0.3 * 640 * math.cos(rotation) / 640, 0.3 * 640 * math.sin(rotation) / 480
        )
        assert b.z == pytest.approx(lm.z * z_scale)


def test_matrix_projection_non_square_roi_with_letterbox():
    img_w, img_h, out = 640, 480, 256
    rect = NormalizedRect(0.5, 0.5, 0.5, 0.2, 0.4)  # 320 x 96 px -> padded to square
    t = image_to_tensor_transform(img_w, img_h, out, out, rect, keep_aspect_ratio=True)
    lm = Landmark(0.3, 0.8, 0.0)
    (p,) = project_landmarks_with_matrix([lm], t.matrix)
    assert (p.x, p.y) == pytest.approx(_crop_point(t, 0.3, 0.8, out, out, img_w, img_h))


def test_world_landmark_projection_rotates_only():
    (w,) = world_landmark_projection(
        [Landmark(1.0, 0.0, 0.5)], NormalizedRect(0, 0, 1, 1, math.pi / 2)
    )
    assert (w.x, w.y, w.z) == pytest.approx((0.0, 1.0, 0.5))


def test_tensors_to_landmarks_pose():
    raw = [0.0] * (39 * 5)
    raw[0:5] = [128.0, 64.0, 25.6, 0.0, 100.0]
    lms = tensors_to_normalized_landmarks(raw, POSE_LANDMARKS_OPTIONS)
    assert len(lms) == 39
    assert (lms[0].x, lms[0].y, lms[0].z) == pytest.approx((0.5, 0.25, 0.1))
    assert lms[0].visibility == pytest.approx(0.5)  # sigmoid(0)
    assert lms[0].presence == pytest.approx(1.0)
    flipped = tensors_to_normalized_landmarks(raw, POSE_LANDMARKS_OPTIONS, flip_horizontally=True)
    assert flipped[0].x == pytest.approx(0.5) and flipped[1].x == pytest.approx(1.0)


def test_pose_detection_and_landmarks_to_roi():
    # Hip centre (kp 0) at image centre, scale point (kp 1) 100 px straight up on 640x480.
    det = _kp_det((0.5, 0.5), (0.5, 0.5 - 100 / 480))
    roi = detection_to_roi(det, (640, 480), POSE_DETECTION_TO_ROI)
    assert roi.rotation == pytest.approx(0.0)
    assert roi.width * 640 == pytest.approx(200 * 1.25)
    assert roi.height * 480 == pytest.approx(200 * 1.25)
    lms = [Landmark(0.1, 0.1)] * 33 + [Landmark(0.5, 0.5), Landmark(0.5, 0.5 - 100 / 480)]
    roi2 = pose_landmarks_to_roi(lms, 640, 480)
    assert (roi2.x_center, roi2.y_center, roi2.width, roi2.height) == pytest.approx(
        (roi.x_center, roi.y_center, roi.width, roi.height)
    )
    assert pose_landmarks_to_roi(lms[33:], 640, 480) == roi2


def test_face_detection_to_roi_eyes_level():
    det = _kp_det((0.4, 0.5), (0.6, 0.5))  # left eye -> right eye, horizontal
    det.xmin, det.ymin, det.width, det.height = 0.3, 0.3, 0.4, 0.4
    roi = detection_to_roi(det, (100, 100), FACE_DETECTION_TO_ROI)
    assert roi.rotation == pytest.approx(0.0)
    assert (roi.width, roi.height) == pytest.approx((0.6, 0.6))


def test_landmarks_to_detection():
    d = landmarks_to_detection([Landmark(0.2, 0.3), Landmark(0.6, 0.1), Landmark(0.4, 0.9)])
    assert (d.xmin, d.ymin, d.width, d.height) == pytest.approx((0.2, 0.1, 0.4, 0.8))
    assert d.keypoints == [(0.2, 0.3), (0.6, 0.1), (0.4, 0.9)]
