"""`python -m frontml pose ...` on an image and a y4m video; bad input exits 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from frontml.cli import main
from frontml.video import Y4MReader, read_y4m
from tests.media import astronaut_frame, write_y4m

ROOT = Path(__file__).resolve().parents[2]
needs_models = pytest.mark.requires_models("pose_detection", "pose_landmark_full")


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "astronaut.png"
    Image.fromarray(astronaut_frame(320, 240)).save(path)
    return path


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    frame = astronaut_frame(320, 240)
    return write_y4m(tmp_path_factory.mktemp("cli") / "three.y4m", [frame] * 3, fps=25)


def _check_result(obj: dict, w: int, h: int) -> None:
    assert obj["image"] == {"width": w, "height": h}
    assert len(obj["poses"]) == 1
    pose = obj["poses"][0]
    assert len(pose["landmarks"]) == 33 and len(pose["world_landmarks"]) == 33
    assert set(pose["landmarks"][0]) == {"x", "y", "z", "visibility", "presence"}


@needs_models
def test_image_json(photo, capsys):
    assert main(["pose", str(photo), "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    obj = json.loads(out[0])
    assert set(obj) == {"image", "poses"}
    _check_result(obj, 320, 240)


@needs_models
def test_image_summary(photo, capsys):
    assert main(["pose", str(photo), "--model", "lite"]) == 0
    out = capsys.readouterr().out
    assert "320x240, 1 pose" in out and "nose at" in out


@needs_models
def test_y4m_json_lines(video, capsys):
    assert main(["pose", str(video), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    objs = [json.loads(line) for line in lines]
    assert [o["timestamp_ms"] for o in objs] == [0.0, 40.0, 80.0]
    for obj in objs:
        _check_result(obj, 320, 240)


@needs_models
def test_python_dash_m(photo):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "py")}
    proc = subprocess.run([sys.executable, "-m", "frontml", "pose", str(photo), "--json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    _check_result(json.loads(proc.stdout), 320, 240)


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["pose", str(tmp_path / "nope.jpg")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no such file" in err and "nope.jpg" in err


def test_not_an_image_exits_2(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    assert main(["pose", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "is not an image or a video" in err


def test_video_without_ffmpeg_is_a_clear_error(tmp_path, capsys, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    assert main(["pose", str(clip)]) == 2
    assert "ffmpeg" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["pose"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["pose", "x.jpg", "--num-poses", "0"])
    assert exc.value.code == 2


def test_y4m_reader_round_trip(tmp_path):
    rgb = astronaut_frame(64, 48)
    path = write_y4m(tmp_path / "a.y4m", [rgb, rgb[::-1].copy()], fps=30)
    frames = list(read_y4m(path))
    assert [t for _, t in frames] == [0.0, pytest.approx(1000 / 30)]
    got, _ = frames[0]
    assert got.shape == (48, 64, 3) and got.dtype == np.uint8
    # 4:2:0 chroma subsampling and rounding: close, not exact
    assert np.abs(got.astype(int) - rgb.astype(int)).mean() < 6
    with open(path, "rb") as fh:
        reader = Y4MReader(fh)
        assert (reader.width, reader.height, float(reader.fps)) == (64, 48, 30.0)


def test_corrupt_y4m_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.y4m"
    bad.write_bytes(b"YUV4MPEG2 F30:1\n")
    assert main(["pose", str(bad)]) == 2
    assert "frame size" in capsys.readouterr().err
