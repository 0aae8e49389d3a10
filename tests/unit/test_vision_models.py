"""Classification and detection on photos that ship in packages (scikit-image, the repo's
face-api sample), the CLI schemas, and the built models against their build references."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from frontml.cli import main
from frontml.image import ArrayFrame, load_image
from frontml.models import models_dir
from frontml.runtime import run_sync
from frontml.tasks import registry
from tests.media import write_y4m

ROOT = Path(__file__).resolve().parents[2]
IDS = ("efficientnet_lite0", "centernet", "objectron_ssd", "nanodet")


def _missing() -> str | None:
    path = models_dir() / "manifest.json"
    if not path.exists():
        return "no models built (./dev build)"
    have = {m["id"] for m in json.loads(path.read_text())["models"]}
    lost = [i for i in IDS if i not in have or not (models_dir() / f"{i}.onnx").exists()]
    return f"models not built: {lost} (./dev build {' '.join(lost)})" if lost else None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=str(_missing()))


def _photos() -> dict[str, np.ndarray]:
    from skimage import data

    return {"chelsea": data.chelsea(), "coffee": data.coffee(), "astronaut": data.astronaut(),
            "rocket": data.rocket(), "motorcycle": data.stereo_motorcycle()[0],
            "camera": data.camera(),
            "sample5": load_image(ROOT / "tests/data/hands_sample5.jpg").array}


async def _run(task: str, photos: dict, **options) -> dict:
    t = await registry.create(task, running_mode="image", **options)
    try:
        return {k: await t.process(ArrayFrame(np.ascontiguousarray(v))) for k, v in photos.items()}
    finally:
        t.close()


# Expected ImageNet classes (any of them in the top 5).
TOP5 = {"chelsea": {"tabby, tabby cat", "tiger cat", "Egyptian cat"}, "coffee": {"espresso"},
        "rocket": {"missile", "projectile, missile", "space shuttle"},
        "motorcycle": {"moped", "motor scooter, scooter"}}


def test_classification_top5_on_package_photos():
    photos = _photos()
    got = run_sync(_run("classification", {k: photos[k] for k in TOP5}))
    for name, want in TOP5.items():
        labels = [c.label for c in got[name].classifications]
        assert len(labels) == 5 and want & set(labels), (name, labels)
        scores = [c.score for c in got[name].classifications]
        assert scores == sorted(scores, reverse=True)
        assert len(got[name].embedding) == 1280 and len(got[name].projection) == 128


def test_classification_filters_and_roi():
    photos = {"coffee": _photos()["coffee"]}
    allow = run_sync(_run("classification", photos, category_allowlist=("cup", "coffee mug")))
    assert {c.label for c in allow["coffee"].classifications} <= {"cup", "coffee mug"}
    deny = run_sync(_run("classification", photos, category_denylist=("espresso",)))
    assert "espresso" not in {c.label for c in deny["coffee"].classifications}
    thr = run_sync(_run("classification", photos, score_threshold=0.5))
    assert [c.label for c in thr["coffee"].classifications] == ["espresso"]
    # the cup sits in the middle-left of the photo; a far corner is not espresso
    roi = run_sync(_run("classification", photos, region_of_interest=(0.0, 0.7, 0.3, 0.3)))
    assert roi["coffee"].classifications[0].label != "espresso"


# What each detector must find (COCO names for CenterNet, Open Images names for the SSD).
FIND = {
    "centernet": {"astronaut": "person", "coffee": "cup", "motorcycle": "motorcycle",
                  "camera": "person", "sample5": "person"},
    "objectron_ssd": {"astronaut": "Person", "coffee": "Coffee cup", "chelsea": "Cat",
                      "camera": "Person", "sample5": "Person"},
    # NanoDet misses the motorcycle and the cat (measured): what it does find is checked.
    "nanodet": {"astronaut": "person", "coffee": "cup", "camera": "person",
                "sample5": "person"},
}
NO_PERSON = ("coffee", "rocket", "motorcycle", "chelsea")


@pytest.mark.parametrize("model", sorted(FIND))
def test_detection_on_package_photos(model):
    # NanoDet's scores run lower (cup 0.38): it is checked at 0.3, the others at the default
    threshold = 0.3 if model == "nanodet" else 0.4
    got = run_sync(_run("detection", _photos(), model=model, score_threshold=threshold))
    for name, label in FIND[model].items():
        assert label in [d.label for d in got[name].detections], (name, got[name].detections)
    person = "Person" if model == "objectron_ssd" else "person"
    for name in NO_PERSON:
        assert person not in [d.label for d in got[name].detections], name
    cup = next(d for d in got["coffee"].detections if "up" in d.label)
    x, y, w, h = cup.box
    assert 0.2 < x < 0.4 and 0.0 <= y < 0.2 and 0.3 < w < 0.5  # the cup is where it is


def test_detection_mirrored_flips_boxes():
    photos = {"coffee": _photos()["coffee"]}
    plain = run_sync(_run("detection", photos))["coffee"].detections[0]
    flip = run_sync(_run("detection", photos, mirrored=True))["coffee"].detections[0]
    assert flip.label == plain.label
    assert abs(flip.box[0] - (1.0 - plain.box[0] - plain.box[2])) < 1e-6


def test_detection_allowlist_and_agnostic_nms():
    photos = {"coffee": _photos()["coffee"]}
    only = run_sync(_run("detection", photos, category_allowlist=("dining table",),
                         score_threshold=0.3))
    assert [d.label for d in only["coffee"].detections] == ["dining table"]
    agn = run_sync(_run("detection", photos, nms="agnostic", score_threshold=0.3,
                        iou_threshold=0.3))
    assert len(agn["coffee"].detections) == 1  # cup and table overlap: one survives


def test_video_ids_stable_across_frames(tmp_path):
    """The astronaut slides across a grey frame: one person, one id, one enter event."""
    from skimage import data

    photo = np.asarray(Image.fromarray(data.astronaut()).resize((240, 240)))
    frames = []
    for k in range(6):
        f = np.full((320, 480, 3), 128, np.uint8)
        x = 20 + 30 * k
        f[40:280, x:x + 240] = photo
        frames.append(f)
    path = write_y4m(tmp_path / "walk.y4m", frames, fps=10)
    lines = []

    def capture(args):
        return main(args)

    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert capture(["detect", str(path), "--json", "--score-threshold", "0.2"]) == 0
    lines = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert len(lines) == 6
    people = [[d for d in obj["detections"] if d["label"] == "person"] for obj in lines]
    ids = {d["id"] for found in people[1:] for d in found}
    assert len(ids) == 1 and None not in ids
    assert lines[-1]["counts"]["person"] == 1
    entered = [e["label"] for obj in lines for e in obj["events"] if e["event"] == "enter"]
    assert entered.count("person") == 1
    xs = [found[0]["box"]["x"] for found in people[1:]]
    assert xs == sorted(xs)  # the box follows the motion


def _save(tmp_path: Path, name: str) -> Path:
    from skimage import data

    path = tmp_path / f"{name}.png"
    Image.fromarray(getattr(data, name)()).save(path)
    return path


def test_cli_classify_schema(tmp_path, capsys):
    a, b = _save(tmp_path, "chelsea"), _save(tmp_path, "coffee")
    assert main(["classify", str(a), str(b), "--json", "--top-k", "3"]) == 0
    objs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(objs) == 2
    for obj in objs:
        assert set(obj) == {"image", "classifications"}
        assert len(obj["classifications"]) == 3
        assert all(set(c) == {"index", "label", "score"} for c in obj["classifications"])
    assert objs[1]["image"] == {"width": 600, "height": 400}
    assert objs[1]["classifications"][0]["label"] == "espresso"


def test_cli_detect_schema_and_bad_input(tmp_path, capsys):
    good = _save(tmp_path, "coffee")
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a picture")
    assert main(["detect", str(bad), str(good), "--json", "--score-threshold", "0.3"]) == 2
    out, err = capsys.readouterr()
    assert "notes.jpg is not an image" in err and "Traceback" not in err
    (obj,) = [json.loads(x) for x in out.splitlines()]
    assert set(obj) == {"image", "detections"}
    for d in obj["detections"]:
        assert {"label", "score", "box"} <= set(d) and "id" not in d
        assert set(d["box"]) == {"x", "y", "width", "height"}
        assert all(0.0 <= v <= 1.0 for v in d["box"].values())
    assert "cup" in [d["label"] for d in obj["detections"]]
    assert main(["detect", str(good), "--model", "objectron_ssd", "--allow", "kitten"]) == 2
    assert "kitten" in capsys.readouterr().err


def test_empty_and_wrong_input_are_clear():
    from frontml.errors import InputError

    async def go():
        t = await registry.create("classification")
        try:
            with pytest.raises(InputError, match="expected a frame"):
                await t.process(b"bytes", 0.0)
        finally:
            t.close()

    run_sync(go())
    with pytest.raises(InputError, match="empty frame"):
        ArrayFrame(np.zeros((0, 10, 3), np.uint8))
