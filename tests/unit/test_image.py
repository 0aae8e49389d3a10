"""Frame geometry in CPython: the affine conventions the page's canvas warp shares."""

import math

import numpy as np
import pytest

from frontml.errors import InputError
from frontml.image import (
    ArrayFrame,
    apply,
    crop_matrix,
    invert,
    load_image,
    rotated_crop_matrix,
    scale_matrix,
)


def gradient(w=64, h=48):
    x = np.linspace(0, 255, w, dtype=np.float32)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None].repeat(w, 1)
    return np.stack([x, y, np.full_like(x, 100)], axis=2).astype(np.uint8)


def test_rotated_crop_centre_and_corners():
    m = rotated_crop_matrix(50, 40, 20, 10, 0.0, 200, 100)
    assert apply(m, 100, 50) == pytest.approx((50, 40))
    assert apply(m, 0, 0) == pytest.approx((40, 35))
    # 90° clockwise on screen: the output's +u axis points down the source (+y).
    r = rotated_crop_matrix(50, 40, 20, 20, math.pi / 2, 100, 100)
    du = np.subtract(apply(r, 60, 50), apply(r, 50, 50))
    assert du == pytest.approx((0, 2), abs=1e-9)


def test_invert_round_trip():
    m = rotated_crop_matrix(12, 34, 56, 78, 0.3, 64, 64)
    u, v = apply(invert(m), *apply(m, 7.5, 20.25))
    assert (u, v) == pytest.approx((7.5, 20.25))


def test_warp_identity_and_crop_reproduce_pixels():
    img = gradient()
    frame = ArrayFrame(img)
    same = np.frombuffer(frame.warp((1, 0, 0, 0, 1, 0), 64, 48).data, np.uint8).reshape(48, 64, 4)
    assert np.array_equal(same[..., :3], img) and (same[..., 3] == 255).all()
    crop = frame.crop(10, 5, 20, 30, 20, 30)
    crop = np.frombuffer(crop.data, np.uint8).reshape(30, 20, 4)
    assert np.array_equal(crop[..., :3], img[5:35, 10:30])


def test_resize_samples_pixel_centres():
    frame = ArrayFrame(gradient(64, 48))
    half = np.frombuffer(frame.resize(32, 24).data, np.uint8).reshape(24, 32, 4).astype(int)
    full = gradient(64, 48).astype(int)
    # output pixel (0,0) centre maps to source (1,1): between source pixels 0 and 1 (x and y).
    assert abs(half[0, 0, 0] - (full[0, 0, 0] + full[0, 1, 0]) / 2) <= 1
    assert scale_matrix(64, 48, 32, 24) == (2.0, 0.0, 0.0, 0.0, 2.0, 0.0)
    assert crop_matrix(1, 2, 3, 4, 3, 4) == (1.0, 0.0, 1, 0.0, 1.0, 2)


def test_outside_the_source_is_transparent_black():
    frame = ArrayFrame(gradient())
    out = np.frombuffer(frame.crop(-100, -100, 10, 10, 4, 4).data, np.uint8)
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
