"""Bad input as classes (issue #18): every Pillow image mode, huge images, malformed y4m
headers, broken model manifests, outputs that would overwrite inputs, and the CLI's one-line
errors (exit 2, no traceback unless --debug)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from frontml import models
from frontml.cli import main
from frontml.errors import InputError, ModelError, ModelIntegrityError
from frontml.image import load_image
from frontml.runtime import run_sync
from frontml.video import Y4MReader
from tests.tiny_models import mean_model, write_models_dir

# ------------------------------------------------------------------ images


def _png(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", **kw)
    return buf.getvalue()


def _rgba(data: bytes) -> np.ndarray:
    return load_image(data).array


def test_16bit_grey_png_is_scaled_not_white():
    ramp = (np.arange(64 * 64).reshape(64, 64) * 16).astype(np.uint16)  # 0..65520
    got = _rgba(_png(Image.fromarray(ramp)))
    want = np.rint(ramp / 257.0).astype(np.uint8)
    assert np.abs(got[..., 0].astype(int) - want).max() <= 1
    assert (got[..., 0] == got[..., 2]).all() and (got[..., 3] == 255).all()
    assert 100 < got[..., 0].mean() < 160  # a mid-grey ramp, not ~255


def test_32bit_int_and_float_grey():
    ramp = np.linspace(0, 65535, 256, dtype=np.int32).reshape(16, 16)
    got = _rgba(_tiff(Image.fromarray(ramp, "I")))
    assert got[0, 0, 0] == 0 and got[-1, -1, 0] == 255 and 100 < got[..., 0].mean() < 160
    unit = np.linspace(0, 1, 256, dtype=np.float32).reshape(16, 16)
    got = _rgba(_tiff(Image.fromarray(unit, "F")))
    assert got[0, 0, 0] == 0 and got[-1, -1, 0] == 255


def _tiff(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "TIFF")
    return buf.getvalue()


@pytest.mark.parametrize("mode", ["L", "1", "P", "LA", "RGB", "RGBA", "CMYK", "YCbCr"])
def test_every_mode_becomes_the_same_rgba(mode):
    base = Image.new("RGB", (8, 6), (200, 40, 90))
    img = base.convert(mode)
    fmt = "TIFF" if mode in ("CMYK", "YCbCr") else "PNG"
    if mode == "YCbCr":
        fmt = "JPEG"
    buf = io.BytesIO()
    img.save(buf, fmt)
    got = _rgba(buf.getvalue())
    assert got.shape == (6, 8, 4) and got.dtype == np.uint8
    expected = np.array(img.convert("RGBA"))
    assert np.abs(got.astype(int) - expected.astype(int)).max() <= 2


def test_palette_with_transparency():
    img = Image.new("P", (4, 2), 1)
    img.putpalette([0, 0, 0, 10, 200, 30] + [0] * 762)
    img.putpixel((0, 0), 0)
    got = _rgba(_png(img, transparency=0))
    assert tuple(got[0, 0]) == (0, 0, 0, 0) and tuple(got[1, 1]) == (10, 200, 30, 255)


def test_transparent_pixels_are_black_like_a_canvas():
    arr = np.zeros((4, 4, 4), np.uint8)
    arr[..., :3] = 255  # white but fully transparent
    arr[:2, :, 3] = 255  # top half opaque white
    got = _rgba(_png(Image.fromarray(arr, "RGBA")))
    assert (got[:2, :, :3] == 255).all() and (got[2:, :, :3] == 0).all()
    assert (got[2:, :, 3] == 0).all()


def test_exif_orientation_is_applied():
    img = Image.new("RGB", (40, 20), (255, 0, 0))
    img.paste((0, 0, 255), (0, 0, 10, 20))  # blue on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 CW to display
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=95)
    got = _rgba(buf.getvalue())
    assert got.shape[:2] == (40, 20)  # portrait after rotation
    assert got[2, 10, 2] > 200 and got[-3, 10, 0] > 200  # blue now on top


def test_broken_exif_keeps_the_pixels():
    img = Image.new("RGB", (10, 10), (0, 255, 0))
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=b"Exif\0\0garbage-not-tiff")
    assert _rgba(buf.getvalue()).shape == (10, 10, 4)


def test_huge_image_is_refused_with_its_size(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("L", (4000, 3000)).save(path)
    with pytest.raises(InputError, match=r"4000x3000 \(12 megapixels\).*up to 10 megapixels"):
        load_image(path, max_pixels=10_000_000)
    bomb = tmp_path / "bomb.png"  # Pillow's own bomb guard (> 179 MP) is an InputError too
    Image.new("1", (20000, 10000)).save(bomb)
    with pytest.raises(InputError, match="too large"):
        load_image(bomb)


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"GIF89a" + b"\xff" * 9,
                                  b"hello world"])
def test_garbage_and_truncated_images_are_input_errors(data):
    with pytest.raises(InputError, match="not an image frontml can read"):
        load_image(data)


def test_truncated_png_is_an_input_error():
    data = _png(Image.new("RGB", (64, 64), (1, 2, 3)))
    with pytest.raises(InputError):
        load_image(data[: len(data) // 2])


# ------------------------------------------------------------------ y4m


@pytest.mark.parametrize("header, message", [
    (b"YUV4MPEG2 Wabc H10\n", "W \\(width\\) is 'abc'"),
    (b"YUV4MPEG2 W10 H10 Fx:1\n", "F \\(frame rate\\)"),
    (b"YUV4MPEG2 W10 H10 F30:zz\n", "F \\(frame rate\\)"),
    (b"YUV4MPEG2 W-4 H10\n", "lacks a frame size"),
    (b"YUV4MPEG2 H10\n", "lacks a frame size"),
    (b"YUV4MPEG2 W999999999 H999999999\n", "too large"),
    (b"YUV4MPEG2 W10 H10 C411\n", "not supported"),
    (b"YUV4MPEG2 W10 H10" + b" X" * 2000, "no end of line"),
    (b"YUV4MPEG", "not a y4m video"),
])
def test_malformed_y4m_headers(header, message):
    with pytest.raises(InputError, match=message):
        Y4MReader(io.BytesIO(header + b"FRAME\n" + b"\0" * 150), "v.y4m")


def test_corrupt_frame_marker():
    reader = Y4MReader(io.BytesIO(b"YUV4MPEG2 W2 H2\nFRAME\n" + b"\0" * 6 + b"JUNK" * 300), "v")
    with pytest.raises(InputError, match="frame 1 has no FRAME marker"):
        list(reader)


# ------------------------------------------------------------------ manifests


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTML_MODELS", str(tmp_path))
    monkeypatch.setattr(models, "_manifest", None)
    return tmp_path


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("{not json", "not valid JSON \\(line 1, column 2"),
    ("{}", 'no "models" list'),
    ('{"models": {}}', '"models" must be a list'),
    ('{"models": [1]}', "models\\[0\\] must be an object"),
    ('{"models": [{"id": "a", "file": "a.onnx"}]}', "model 'a' lacks 'sha256'"),
    ('{"models": [{"file": "a.onnx", "sha256": "x"}]}', "model \\[0\\] lacks 'id'"),
    ('{"models": [{"id": "a", "file": 3, "sha256": "x"}]}', "model 'a' has a bad 'file'"),
    ('{"models": [{"id": "a", "file": "../../etc/passwd", "sha256": "x"}]}', "leaves"),
])
def test_broken_manifest_names_file_problem_and_fix(models_dir, text, message):
    (models_dir / "manifest.json").write_text(text)
    with pytest.raises(ModelError, match=message) as info:
        run_sync(models.entry("a"))
    assert "manifest.json" in str(info.value) and "./dev build" in str(info.value)


def test_integrity_error_names_file_and_fix(models_dir):
    write_models_dir(models_dir, {"bad": mean_model()}, corrupt={"bad"})
    with pytest.raises(ModelIntegrityError) as info:
        run_sync(models.load_session("bad"))
    msg = str(info.value)
    assert "bad.onnx" in msg and "stale or corrupt" in msg and "`./dev build bad`" in msg


def test_closed_sessions_leave_providers_used(models_dir):
    # The HUD's "backend" row lists the models of open sessions only (issue #18).
    write_models_dir(models_dir, {"m": mean_model()})
    first = run_sync(models.load_session("m"))
    second = run_sync(models.load_session("m"))  # the next task's, before the old one closes
    first.close()
    assert "m" in models.PROVIDERS_USED
    second.close()
    second.close()  # twice is harmless
    assert "m" not in models.PROVIDERS_USED


# ------------------------------------------------------------------ CLI


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


def test_output_never_overwrites_the_input(tmp_path, capsys):
    photo = tmp_path / "me.png"
    Image.new("RGB", (8, 8)).save(photo)
    before = photo.read_bytes()
    assert main(["segment", str(photo), "--out", str(photo)]) == 2
    assert "never overwrites an input" in _one_line_error(capsys)
    # the same file by another spelling
    assert main(["segment", str(photo), "--out", str(tmp_path / "." / "me.png")]) == 2
    _one_line_error(capsys)
    assert photo.read_bytes() == before


def test_outputs_differ_and_their_folder_exists(tmp_path, capsys):
    photo = tmp_path / "me.png"
    Image.new("RGB", (8, 8)).save(photo)
    out = str(tmp_path / "o.png")
    assert main(["segment", str(photo), "--out", out, "--effect", "blur",
                 "--effect-out", out]) == 2
    assert "same file" in _one_line_error(capsys)
    assert main(["segment", str(photo), "--out", str(tmp_path / "nope" / "m.png")]) == 2
    assert "does not exist" in _one_line_error(capsys)


@pytest.mark.parametrize("header", [b"YUV4MPEG2 Wabc H10\n", b"YUV4MPEG2 W1 H1 F1:x\n",
                                    b"YUV4MPEG2 W99999999 H99999999\n"])
def test_malformed_video_header_exits_2_without_traceback(tmp_path, capsys, header):
    video = tmp_path / "bad.y4m"
    video.write_bytes(header + b"FRAME\n" + b"\0" * 10)
    assert main(["pose", str(video), "--json"]) == 2
    assert "bad.y4m" in _one_line_error(capsys)


def test_huge_image_exits_2_naming_the_size(tmp_path, capsys, monkeypatch):
    import frontml.image

    monkeypatch.setattr(frontml.image, "MAX_PIXELS", 1000)
    monkeypatch.setattr(frontml.image.load_image, "__defaults__", (0.0, 1000))
    photo = tmp_path / "big.png"
    Image.new("RGB", (100, 50)).save(photo)
    assert main(["pose", str(photo)]) == 2
    assert "100x50" in _one_line_error(capsys)


def test_nul_in_file_name_is_a_clear_error(capsys):
    assert main(["pose", "a\0b.png"]) == 2
    assert "not a usable file name" in _one_line_error(capsys)


def test_debug_shows_the_traceback(tmp_path, capsys):
    video = tmp_path / "bad.y4m"
    video.write_bytes(b"YUV4MPEG2 Wabc H10\n")
    assert main(["pose", str(video), "--debug"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_internal_errors_are_one_line(monkeypatch, tmp_path, capsys):
    import frontml.cli

    def boom(_):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(frontml.cli, "open_input", boom)
    photo = tmp_path / "p.png"
    Image.new("RGB", (8, 8)).save(photo)
    assert main(["pose", str(photo)]) == 1
    err = _one_line_error(capsys)
    assert "internal error: RuntimeError: something broke" in err and "--debug" in err


def test_json_of_tiny_manifest_is_valid(models_dir):
    write_models_dir(models_dir, {"good": mean_model()})
    assert "good" in run_sync(models.manifest())
    json.loads((models_dir / "manifest.json").read_text())


# ------------------------------------------------------------------ page parameters (one layer)
# frontml.web.params is what every page's query parameters and options go through; the
# controls' own HTML becomes a Param (frontml.web.controls.control_param). Pure Python.

from types import SimpleNamespace  # noqa: E402

from frontml.web.controls import control_param, parse_control  # noqa: E402
from frontml.web.params import Param, choice, flag, integer, number, read_params  # noqa: E402


@pytest.mark.parametrize("spec, raw, allowed", [
    (integer("hold", 8, 1, 120), "abc", "an integer in [1, 120]"),
    (integer("hold", 8, 1, 120), "0", "an integer in [1, 120]"),
    (integer("hold", 8, 1, 120), "1.5", "an integer in [1, 120]"),
    (integer("hold", 8, 1, 120), "", "an integer in [1, 120]"),
    (number("threshold", 0.5, 0, 1), "nan", "a number in [0, 1]"),
    (number("threshold", 0.5, 0, 1), "inf", "a number in [0, 1]"),
    (number("threshold", 0.5, 0, 1), "1.01", "a number in [0, 1]"),
    (choice("model", "full", ("lite", "full")), "giant", "one of lite, full"),
    (choice("model", "full", ("lite", "full")), "FULL", "one of lite, full"),
    (flag("multi"), "maybe", "1 or 0"),
    (Param("color", "#00ff00", "colour"), "red", "a colour #rrggbb"),
    (Param("q", "", "text"), "x" * 5000, "text of at most 2048 characters"),
])
def test_bad_parameter_message_names_parameter_value_allowed_and_default(spec, raw, allowed):
    value, message = spec.check(raw)
    assert value == spec.parse(spec.default)  # the default is used
    shown = raw if len(raw) <= 80 else raw[:77] + "..."
    assert message == (f"?{spec.name}={shown!r} is not allowed ({allowed}); "
                       f"keeping the default {spec.default!r}")


@pytest.mark.parametrize("spec, raw, value", [
    (integer("hold", 8, 1, 120), "12", 12), (integer("hold", 8, 1, 120), None, 8),
    (number("t", 0.5, 0, 1), "0.25", 0.25), (flag("multi"), "yes", True),
    (flag("multi"), "0", False), (choice("mode", "video", ("image", "video")), "image", "image"),
])
def test_good_or_absent_parameters_are_typed(spec, raw, value):
    assert spec.check(raw) == (value, None)


def test_read_params_reports_each_bad_one_and_never_raises():
    specs = [integer("hold", 8, 1, 120), choice("mode", "video", ("image", "video")), flag("mic")]
    values, messages = read_params(specs, {"hold": "abc", "mode": "image", "mic": "2"})
    assert values == {"hold": 8, "mode": "image", "mic": False}
    assert [m.split("=")[0] for m in messages] == ["?hold", "?mic"]


class _Options:
    def __init__(self, values):
        self._values = values
        self.length = len(values)

    def item(self, i):
        return SimpleNamespace(value=self._values[i])


def _element(tag="input", kind="range", value="", **attrs):
    base = {"tagName": tag.upper(), "type": kind, "value": value, "min": "", "max": "",
            "step": "", "checked": False, "id": "x"}
    return SimpleNamespace(**{**base, **attrs})


@pytest.mark.parametrize("element, raw, allowed", [
    (_element(value="2", min="1", max="4"), "9", "an integer in [1, 4]"),
    (_element(value="0.5", min="0", max="1", step="0.05"), "2", "a number in [0, 1]"),
    (_element(kind="number", value="3", min="1", max="20"), "2.5", "an integer in [1, 20]"),
    (_element(kind="checkbox"), "maybe", "1 or 0"),
    (_element(tag="select", value="full", options=_Options(["lite", "full"])), "x",
     "one of lite, full"),
    (_element(kind="color", value="#000000"), "#12345", "a colour #rrggbb"),
])
def test_controls_are_checked_by_the_same_layer(element, raw, allowed):
    assert parse_control(element, raw) == (None, allowed)
    assert control_param(element, "x").describe() == allowed


def test_good_control_values_are_kept():
    assert parse_control(_element(value="2", min="1", max="4"), " 3") == ("3", None)
    assert parse_control(_element(kind="checkbox"), "on") == (True, None)
