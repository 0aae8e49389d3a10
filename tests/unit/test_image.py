"""Frame geometry in CPython: the affine conventions the page's canvas warp shares."""

import math

import numpy as np
import pytest

from frontml.calculators.image_to_tensor import roi_to_affine
from frontml.calculators.types import RotatedRect
from frontml.errors import InputError
from frontml.image import (
    ArrayFrame,
    apply_affine,
    invert_affine,
    load_image,
    opencv_sampling,
    scale_matrix,
)


def rotated_crop_matrix(cx, cy, w, h, rotation, out_w, out_h):
    return roi_to_affine(RotatedRect(cx, cy, w, h, rotation), out_w, out_h)


def crop_matrix(x, y, w, h, out_w, out_h):
    return (w / out_w, 0.0, x, 0.0, h / out_h, y)


def gradient(w=64, h=48):
    x = np.linspace(0, 255, w, dtype=np.float32)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None].repeat(w, 1)
    return np.stack([x, y, np.full_like(x, 100)], axis=2).astype(np.uint8)


def test_rotated_crop_centre_and_corners():
    m = rotated_crop_matrix(50, 40, 20, 10, 0.0, 200, 100)
    assert apply_affine(m, 100, 50) == pytest.approx((50, 40))
    assert apply_affine(m, 0, 0) == pytest.approx((40, 35))
    # 90° clockwise on screen: the output's +u axis points down the source (+y).
    r = rotated_crop_matrix(50, 40, 20, 20, math.pi / 2, 100, 100)
    du = np.subtract(apply_affine(r, 60, 50), apply_affine(r, 50, 50))
    assert du == pytest.approx((0, 2), abs=1e-9)


def test_invert_round_trip():
    m = rotated_crop_matrix(12, 34, 56, 78, 0.3, 64, 64)
    u, v = apply_affine(invert_affine(m), *apply_affine(m, 7.5, 20.25))
    assert (u, v) == pytest.approx((7.5, 20.25))


def test_warp_identity_and_crop_reproduce_pixels():
    img = gradient()
    frame = ArrayFrame(img)
    same = np.frombuffer(frame.warp((1, 0, 0, 0, 1, 0), 64, 48).data, np.uint8).reshape(48, 64, 4)
    assert np.array_equal(same[..., :3], img) and (same[..., 3] == 255).all()
    crop = frame.warp(crop_matrix(10, 5, 20, 30, 20, 30), 20, 30)
    crop = np.frombuffer(crop.data, np.uint8).reshape(30, 20, 4)
    assert np.array_equal(crop[..., :3], img[5:35, 10:30])


def test_resize_samples_pixel_centres():
    frame = ArrayFrame(gradient(64, 48))
    half = np.frombuffer(frame.resize(32, 24).data, np.uint8).reshape(24, 32, 4).astype(int)
    full = gradient(64, 48).astype(int)
    # output pixel (0,0) centre maps to source (1,1): between source pixels 0 and 1 (x and y).
    assert abs(half[0, 0, 0] - (full[0, 0, 0] + full[0, 1, 0]) / 2) <= 1
    assert scale_matrix(64, 48, 32, 24) == (2.0, 0.0, 0.0, 0.0, 2.0, 0.0)


def test_opencv_sampling_shifts_by_half_a_pixel():
    # identity at the same size: OpenCV's integer pixel centres = frontml's +0.5 centres
    assert opencv_sampling((1.0, 0.0, 0.0, 0.0, 1.0, 0.0)) == (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    # a 2x downscale samples half a source pixel earlier than the corner-mapped matrix
    assert opencv_sampling((2.0, 0.0, 0.0, 0.0, 2.0, 0.0)) == (2.0, 0.0, -0.5, 0.0, 2.0, -0.5)


def test_outside_the_source_is_transparent_black():
    frame = ArrayFrame(gradient())
    out = np.frombuffer(frame.warp(crop_matrix(-100, -100, 10, 10, 4, 4), 4, 4).data, np.uint8)
    assert not out.any()


def test_load_image_errors_are_clear(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    with pytest.raises(InputError, match="is not an image"):
        load_image(bad)
    with pytest.raises(InputError, match="cannot open image"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(InputError, match="empty frame"):
        ArrayFrame(np.zeros((0, 5, 3), np.uint8))


def test_fixed_point_warp_samples_like_opencv():
    """cv::warpPerspective INTER_LINEAR on 8-bit: coordinates on a 1/32-pixel grid, integer
    weights, sum rounded half up (values worked by hand from imgwarp.cpp's arithmetic)."""
    img = np.zeros((2, 2, 3), np.uint8)
    img[0, 1] = 1  # a single grey level between two pixels
    frame = ArrayFrame(img)

    def sample(dx: float) -> int:
        # one output pixel whose (OpenCV) source coordinate is x = dx, y = 0
        t = frame.warp_fixed_point((1.0, 0.0, dx, 0.0, 1.0, 0.0), 1, 1, "replicate")
        return int(np.frombuffer(t.data, np.uint8)[0])

    # x = 0.5: weights 16/32 each -> 0.5 -> rounds half up to 1 (float rint: 0, half to even)
    assert sample(0.5) == 1
    # x = 15.4/32 is snapped to 15/32 -> 0.47 -> 0; x = 16.6/32 to 17/32 -> 0.53 -> 1
    assert sample(15.4 / 32) == 0 and sample(16.6 / 32) == 1
    # identity and whole-pixel crops reproduce the pixels exactly, like warp()
    g = ArrayFrame(gradient())
    same = np.frombuffer(g.warp_fixed_point((1, 0, 0, 0, 1, 0), 64, 48).data, np.uint8)
    assert np.array_equal(same.reshape(48, 64, 4)[..., :3], gradient())
    # a rotated crop: within one grey level of float bilinear (the gradient's 4 levels a pixel
    # times the 1/64-pixel snap); with the zero border, the edge of the image is one 255-step
    m = rotated_crop_matrix(30, 20, 50, 40, 0.3, 25, 20)
    for border, tolerance in (("replicate", 1), ("zero", 255 // 64 + 1)):
        a = np.frombuffer(g.warp_fixed_point(m, 25, 20, border).data, np.uint8).astype(int)
        b = np.frombuffer(g.warp(m, 25, 20, border).data, np.uint8).astype(int)
        assert np.abs(a - b).max() <= tolerance
