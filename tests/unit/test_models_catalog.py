"""models/catalog.py is plain data, and web/models/manifest.json agrees with it and the files."""

import ast
import hashlib
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOG_PY = ROOT / "models" / "catalog.py"
OUT = ROOT / "web" / "models"
MANIFEST = OUT / "manifest.json"
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def load_catalog():
    spec = importlib.util.spec_from_file_location("frontml_models_catalog", CATALOG_PY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


catalog = load_catalog()
BUILT = catalog.buildable()
# Image models converted from TFLite/tfjs; speech models are checked in tests/unit/test_speech.py.
BUILT_IMAGE = [i for i in BUILT if catalog.MODELS[i]["format"] in ("tflite", "tfjs")]


def manifest() -> dict:
    if not MANIFEST.exists():
        pytest.skip("web/models/manifest.json absent: run .venv-build/bin/python models/build.py")
    return {m["id"]: m for m in json.loads(MANIFEST.read_text())["models"]}


# --- the catalog on its own -------------------------------------------------------------------

def test_catalog_imports_only_the_standard_library():
    tree = ast.parse(CATALOG_PY.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__"}, imported


def test_all_required_models_are_buildable():
    required = {
        "pose_detection", "pose_landmark_lite", "pose_landmark_full", "pose_landmark_heavy",
        "movenet_multipose", "movenet_lightning", "movenet_thunder", "selfie_segmentation",
        "selfie_segmentation_landscape", "face_detection_short", "face_detection_full",
        "face_landmark", "iris_landmark", "palm_detection_lite", "palm_detection_full",
        "hand_landmark_lite", "hand_landmark_full",
    }
    assert required <= set(BUILT)


@pytest.mark.parametrize("model_id", BUILT_IMAGE)
def test_catalog_entry_is_complete(model_id):
    e = catalog.MODELS[model_id]
    src = e["source"]
    pkg = catalog.PACKAGES[src["package"]]
    assert pkg["registry"] in ("pypi", "npm")
    assert HEX64.match(pkg["sha256"]) and HEX64.match(src["sha256"])
    assert all(HEX64.match(x["sha256"]) for x in src["extra"])
    assert all(x.get("package", src["package"]) in catalog.PACKAGES for x in src["extra"])
    if "labels" in e:
        assert e["labels"]["package"] in catalog.PACKAGES and HEX64.match(e["labels"]["sha256"])
    assert e["format"] in ("tflite", "tfjs", "torch") and e["licence"]
    assert e["input"]["norm"] in ("unit", "signed", "int32", "float255", "centered128")
    assert e["input"]["height"] > 0 and e["input"]["width"] > 0
    names = [o["name"] for o in e["outputs"]]
    assert names and len(set(names)) == len(names) and "image" not in names
    assert all(o["shape"][0] == 1 for o in e["outputs"])
    assert 0 < e["verify"]["bound"] <= 5e-3


# --- the built files --------------------------------------------------------------------------

def test_every_buildable_model_is_in_the_manifest():
    missing = [i for i in BUILT if i not in manifest()]
    assert not missing


@pytest.mark.parametrize("model_id", BUILT_IMAGE)
def test_manifest_entry_matches_file_and_catalog(model_id):
    onnx = pytest.importorskip("onnx")
    m = manifest().get(model_id)
    if m is None:
        pytest.skip(f"{model_id} not built")
    e = catalog.MODELS[model_id]
    data = (OUT / m["file"]).read_bytes()
    assert len(data) == m["bytes"]
    assert hashlib.sha256(data).hexdigest() == m["sha256"]
    assert m["source"]["sha256"] == e["source"]["sha256"]
    assert m["verify"]["max_rel_diff"] <= m["verify"]["bound"]
    assert (OUT / m["reference"]).exists()
    if "labels" in e:
        assert m["labels"] and all(isinstance(x, str) for x in m["labels"])

    h, w = e["input"]["height"], e["input"]["width"]
    assert m["inputs"] == [{"name": "image", "dtype": "uint8", "shape": [1, h, w, 4]}]
    assert [(o["name"], o["shape"]) for o in m["outputs"]] == [
        (o["name"], o["shape"]) for o in e["outputs"]]

    model = onnx.load_from_string(data)
    assert model.ir_version <= 13
    assert {(i.domain or "", i.version) for i in model.opset_import} == {("", 17)}
    (inp,) = model.graph.input
    t = inp.type.tensor_type
    assert inp.name == "image" and t.elem_type == onnx.TensorProto.UINT8
    assert [d.dim_value for d in t.shape.dim] == [1, h, w, 4]
    got = [(o.name, [d.dim_value for d in o.type.tensor_type.shape.dim])
           for o in model.graph.output]
    assert got == [(o["name"], o["shape"]) for o in e["outputs"]]
