"""Converted ONNX models reproduce their SOURCE runtime on a real photo, in CPython.

The build ran each source model (TFLite interpreter / TensorFlow on the tfjs graph) on a
scikit-image photo and stored the uint8 RGBA pixels and the source outputs in
web/models/reference/<id>.npz. Here onnxruntime runs our file on the same pixels: no
TensorFlow needed.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "web" / "models"

_spec = importlib.util.spec_from_file_location("frontml_models_catalog",
                                               ROOT / "models" / "catalog.py")
catalog = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalog)

# One of each kind of conversion: sparse weights densified, custom op rewritten, tfjs graph,
# output reshaped, plain tflite with several outputs, torch export, a file packed inside
# another, a tfjs graph with outputs dropped.
CASES = ["pose_detection", "selfie_segmentation", "movenet_lightning", "face_landmark",
         "hand_landmark_lite", "efficientnet_lite0", "objectron_ssd", "centernet"]


@pytest.mark.parametrize("model_id", CASES)
def test_onnx_matches_source_runtime(model_id):
    ort = pytest.importorskip("onnxruntime")
    onnx_path, ref_path = OUT / f"{model_id}.onnx", OUT / "reference" / f"{model_id}.npz"
    if not (onnx_path.exists() and ref_path.exists()):
        pytest.skip(f"{model_id} not built: run .venv-build/bin/python models/build.py")
    entry = catalog.MODELS[model_id]
    ref = np.load(ref_path)
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    names = [o["name"] for o in entry["outputs"]]
    got = dict(zip(names, sess.run(names, {"image": ref["image"]}), strict=True))
    for name in names:
        want = ref[f"out_{name}"]
        assert got[name].shape == want.shape
        rel = np.max(np.abs(got[name] - want)) / max(1.0, float(np.max(np.abs(want))))
        assert rel <= entry["verify"]["bound"], (name, rel)


def test_reference_pixels_are_rgba_uint8():
    ref_path = OUT / "reference" / "face_landmark.npz"
    if not ref_path.exists():
        pytest.skip("face_landmark not built")
    image = np.load(ref_path)["image"]
    assert image.dtype == np.uint8 and image.shape == (1, 192, 192, 4)
    assert np.all(image[..., 3] == 255) and image[..., :3].std() > 10  # a photo, not blank
