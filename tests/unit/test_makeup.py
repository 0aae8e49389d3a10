"""Makeup: MediaPipe index lists, lip polygon geometry (the mouth interior gets no triangle),
colour parsing, the blend formula, the occlusion guard, and the `makeup` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from frontml.calculators.types import Landmark
from frontml.cli import main
from frontml.errors import InputError
from frontml.tasks import registry
from frontml.tasks.face.template import CANONICAL_FACE
from frontml.tasks.makeup import Look, MakeupOptions, build_geometry
from frontml.tasks.makeup import geometry as G
from frontml.tasks.makeup.look import parse_color
from frontml.tasks.makeup.render import LUMA, layer_masks, rasterize, render
from tests.media import astronaut_frame

needs_models = pytest.mark.requires_models("face_detection_short", "face_landmark")


def _edges(*paths) -> set[tuple[int, int]]:
    return {pair for path in paths for pair in zip(path, path[1:], strict=False)}


def test_paths_are_mediapipe_connections():
    assert _edges(G.LIPS_OUTER_LOWER, G.LIPS_OUTER_UPPER, G.LIPS_INNER_LOWER,
                  G.LIPS_INNER_UPPER) == set(G.FACEMESH_LIPS)
    assert _edges(G.RIGHT_EYE_LOWER, G.RIGHT_EYE_UPPER) == set(G.FACEMESH_RIGHT_EYE)
    assert _edges(G.LEFT_EYE_LOWER, G.LEFT_EYE_UPPER) == set(G.FACEMESH_LEFT_EYE)
    assert _edges(G.RIGHT_BROW_LOWER, G.RIGHT_BROW_UPPER) == set(G.FACEMESH_RIGHT_EYEBROW)
    assert _edges(G.LEFT_BROW_LOWER, G.LEFT_BROW_UPPER) == set(G.FACEMESH_LEFT_EYEBROW)
    outer, inner = G.lip_rings()
    assert len(outer) == len(inner) == 20 and len(set(outer)) == len(set(inner)) == 20


class _Face:
    def __init__(self, landmarks, score: float = 1.0) -> None:
        self.landmarks = landmarks
        self.score = score


def template_face(width: int = 400, height: int = 400, mouth_open: float = 0.0) -> _Face:
    """The canonical face template drawn frontally (26 px per cm); `mouth_open` cm moves the
    lower lip (inner and outer contour) down so the mouth opens."""
    lower = set(G.LIPS_INNER_LOWER[1:-1]) | set(G.LIPS_OUTER_LOWER[1:-1])
    lms = []
    for i, (x, y, z) in enumerate(CANONICAL_FACE):
        if i in lower:
            y -= mouth_open
        lms.append(Landmark((width / 2 + 26 * x) / width, (height * 0.4 - 26 * y) / height, z))
    return _Face(lms)


def _interior(face: _Face, width: int, height: int) -> np.ndarray:
    ring = [(face.landmarks[i].x * width, face.landmarks[i].y * height)
            for i in G.lip_rings()[1]]
    cx, cy = np.mean(ring, axis=0)
    tris = [(cx, cy, 1.0, *ring[i], 1.0, *ring[(i + 1) % 20], 1.0) for i in range(20)]
    return rasterize(np.asarray(tris, np.float32), width, height) > 0


def test_lip_ring_leaves_the_open_mouth_unpainted():
    face = template_face(mouth_open=0.6)
    geo = build_geometry([face], 400, 400)
    assert geo.triangles == {"blush": 60, "brow": 48, "liner": 68, "lips": 120}
    masks = layer_masks(geo)
    inside = _interior(face, 400, 400)
    assert inside.sum() > 200  # the mouth is open
    assert masks["lips"][inside].max() == 0.0  # no lip colour inside the mouth
    # ...and the lip ring itself is covered: points halfway between the contours
    outer, inner = G.lip_rings()
    for o, i in zip(outer, inner, strict=True):
        x = (face.landmarks[o].x + face.landmarks[i].x) / 2 * 400
        y = (face.landmarks[o].y + face.landmarks[i].y) / 2 * 400
        assert masks["lips"][int(y), int(x)] > 0.9, (o, i)


def test_layers_stay_on_their_regions():
    face = template_face()
    masks = layer_masks(build_geometry([face], 400, 400))

    def at(i: int) -> tuple[int, int]:
        return int(face.landmarks[i].y * 400), int(face.landmarks[i].x * 400)

    assert masks["blush"][at(50)] > 0.95 and masks["blush"][at(280)] > 0.95
    assert masks["brow"][at(105)] > 0.9 and masks["brow"][at(334)] > 0.9
    assert masks["liner"][at(159)] > 0.9 and masks["liner"][at(386)] > 0.9
    for name in G.LAYERS:  # forehead and nose tip: no makeup
        assert masks[name][at(151)] == 0 and masks[name][at(1)] == 0, name
    # feathered: the lip mask has values between 0 and 1 at its rim
    rim = masks["lips"][(masks["lips"] > 0) & (masks["lips"] < 1)]
    assert rim.size > 50


def test_presence_fades_the_layers():
    sure = build_geometry([template_face()], 400, 400)
    unsure = build_geometry([_Face(template_face().landmarks, score=0.6)], 400, 400)
    a = np.frombuffer(sure.vertices, np.float32)[2::3]
    b = np.frombuffer(unsure.vertices, np.float32)[2::3]
    assert np.allclose(b, a / 3, atol=1e-6)
    assert list(sure.samples) == pytest.approx(
        [v for i in G.SKIN_SAMPLES for v in (template_face().landmarks[i].x * 400,
                                             template_face().landmarks[i].y * 400)], abs=1e-3)


def test_parse_color():
    assert parse_color("#b0122c") == pytest.approx((176 / 255, 18 / 255, 44 / 255))
    assert parse_color("FFF") == (1.0, 1.0, 1.0)
    assert parse_color("") is None and parse_color("none") is None
    for bad in ("red", "#12345", "#gggggg", "#b0122c0"):
        with pytest.raises(InputError, match="--lip-color: .* is not a colour"):
            parse_color(bad, "--lip-color")


def test_look_params_and_options():
    look = Look(lip_color="#ff0000", lip_intensity=0.5, liner_color="#000000")
    p = list(look.params())
    assert len(p) == 18
    assert p[12:16] == pytest.approx([1.0, 0.0, 0.0, 0.5])  # lips
    assert p[3] == 0 and p[7] == 0 and p[11] == pytest.approx(0.85)  # blush/brow off, liner
    assert p[16:] == [1.0, 1.0]  # gloss, guard
    with pytest.raises(ValueError, match="lip_color"):
        registry.make_options("makeup", {"lip_color": "crimson"})
    with pytest.raises(ValueError, match="lip_intensity"):
        MakeupOptions(lip_intensity=1.5)
    with pytest.raises(ValueError, match="lip_finish"):
        MakeupOptions(lip_finish="satin")
    assert registry.make_options("makeup", {"blush_color": "#e07a7a"}).look().blush_color


def _full_frame_geometry(width: int, height: int, layer: str = "lips") -> G.Geometry:
    geo = G.Geometry(width, height)
    tris = [0, 0, 1, width * 2, 0, 1, 0, height * 2, 1]
    for k, name in enumerate(G.LAYERS):
        if name == layer:
            geo.vertices.extend(tris)
            geo.counts[k] = 3
    return geo


def test_blend_keeps_texture_and_hits_the_colour_at_mid_grey():
    grey = np.full((4, 4, 3), 0, np.uint8)
    grey[:2] = 128  # mid-grey rows: exactly the colour
    grey[2:] = 200  # lighter rows: lighter than the colour (texture kept)
    look = Look(lip_color="#b0122c", lip_intensity=1.0, lip_finish="matte", guard=False)
    out = render(grey, _full_frame_geometry(4, 4), look.params()).astype(int)
    colour = np.array([0xB0, 0x12, 0x2C])
    lum = 128 / 255 * LUMA.sum()
    expected = np.clip(np.round(colour * (0.4 + 1.2 * (lum * 0.5 + 0.25))), 0, 255)
    assert np.abs(out[0, 0] - expected).max() <= 1
    assert (out[3, 0] > out[0, 0]).all()  # the lighter pixels stay lighter
    gloss = render(grey, _full_frame_geometry(4, 4),
                   Look(lip_color="#b0122c", lip_intensity=1.0, guard=False).params())
    assert (gloss[3, 0].astype(int) > out[3, 0]).all()  # gloss brightens the highlights
    half = render(grey, _full_frame_geometry(4, 4),
                  Look(lip_color="#b0122c", lip_intensity=0.5, lip_finish="matte",
                       guard=False).params()).astype(int)
    assert np.abs(half[0, 0] - (128 + expected) / 2).max() <= 1  # intensity mixes linearly


def test_guard_paints_lip_chroma_not_skin_chroma():
    img = np.zeros((8, 8, 3), np.uint8)
    img[:, :4] = (200, 150, 130)  # skin (redness 0.10)
    img[:, 4:] = (170, 80, 90)    # lip (redness 0.26)
    geo = _full_frame_geometry(8, 8)
    geo.samples.extend((1.5, 1.5, 2.5, 6.5))  # skin sample points
    look = Look(lip_color="#3050ff", lip_intensity=1.0)
    out = render(img, geo, look.params())
    assert np.array_equal(out[:, :4], img[:, :4])  # skin-coloured: untouched
    assert np.abs(out[:, 4:].astype(int) - img[:, 4:]).max() > 40  # lips: painted
    off = render(img, geo, Look(lip_color="#3050ff", lip_intensity=1.0, guard=False).params())
    assert np.abs(off[:, :4].astype(int) - img[:, :4]).max() > 40


# ------------------------------------------------------------------ CLI


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("makeup")
    face = folder / "face.png"
    Image.fromarray(astronaut_frame(320, 240)).save(face)
    blank = folder / "blank.png"
    Image.fromarray(np.full((64, 64, 3), 128, np.uint8)).save(blank)
    return face, blank


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    return err[0]


@pytest.mark.parametrize("args,message", [
    (["--lip-color", "crimson"], "--lip-color: 'crimson' is not a colour"),
    (["--lip-color", "#b0122c", "--liner", "#12"], "--liner: '#12' is not a colour"),
    (["--lip-color", "#b0122c", "--intensity", "1.5"], "--intensity must be a number in [0, 1]"),
    ([], "give at least one of --lip-color"),
])
def test_cli_bad_look(photos, tmp_path, capsys, args, message):
    assert main(["makeup", str(photos[0]), *args, "--out", str(tmp_path / "o.png")]) == 2
    assert message in _one_error_line(capsys)
    assert not (tmp_path / "o.png").exists()


def test_cli_outputs_checked(photos, tmp_path, capsys):
    face, blank = photos
    assert main(["makeup", str(face), str(blank), "--lip-color", "#b0122c",
                 "--out", str(tmp_path / "o.png")]) == 2
    assert "use --out-dir" in _one_error_line(capsys)
    assert main(["makeup", str(face), "--lip-color", "#b0122c", "--out", str(face)]) == 2
    assert "never overwrites an input" in _one_error_line(capsys)
    assert main(["makeup", str(face), "--lip-color", "#b0122c",
                 "--out-dir", str(tmp_path / "missing")]) == 2
    assert "no such folder" in _one_error_line(capsys)


@needs_models
def test_cli_renders_each_input_and_reports_no_face(photos, tmp_path, capsys):
    face, blank = photos
    before = face.read_bytes()
    code = main(["makeup", str(face), str(blank), "--lip-color", "#b0122c", "--intensity",
                 "0.8", "--blush-color", "#e07a7a", "--out-dir", str(tmp_path), "--json"])
    assert code == 2  # the blank image has no face
    captured = capsys.readouterr()
    (line,) = captured.out.strip().splitlines()
    obj = json.loads(line)
    assert obj["faces"] == 1 and obj["output"] == str(tmp_path / "face_makeup.png")
    assert obj["look"]["lip_intensity"] == 0.8
    assert "blank.png: no face found" in captured.err
    assert not (tmp_path / "blank_makeup.png").exists()
    out = np.asarray(Image.open(tmp_path / "face_makeup.png"))
    src = np.asarray(Image.open(face))
    assert out.shape == src.shape and face.read_bytes() == before
    changed = np.abs(out.astype(int) - src).sum(axis=2) > 6
    assert 30 < changed.sum() < 0.05 * changed.size  # lips and cheeks only
