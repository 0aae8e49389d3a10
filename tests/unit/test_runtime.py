"""The CPython runtime backend: tensors in and out as buffers, clear errors on bad feeds."""

from array import array

import pytest

from frontml import models
from frontml.errors import ModelError, ModelIntegrityError, TensorError
from frontml.runtime import Tensor, create_session, run_sync
from tests.tiny_models import mean_model, write_models_dir


def run(coro):
    return run_sync(coro)


def test_session_reports_inputs_and_outputs():
    session = run(create_session(mean_model(), name="tiny"))
    assert session.inputs["image"].dtype == "uint8"
    assert session.inputs["image"].shape == (1, 8, 8, 4)
    assert list(session.outputs) == ["mean"]


def test_run_gives_typed_memoryview_outputs():
    session = run(create_session(mean_model(), name="tiny"))
    pixels = bytes([255, 0, 0, 255] * 64)  # pure red: mean of RGB = 1/3
    out = run(session.run({"image": Tensor.from_buffer("uint8", (1, 8, 8, 4), pixels)}))
    mean = out["mean"]
    assert mean.dtype == "float32" and mean.data.format == "f"
    assert mean.data[0] == pytest.approx(1 / 3, abs=1e-6)


@pytest.mark.parametrize(
    "feeds, message",
    [
        ({"img": Tensor.zeros("uint8", (1, 8, 8, 4))}, "missing ['image'], unexpected ['img']"),
        ({"image": Tensor.zeros("float32", (1, 8, 8, 4))}, "dtype float32, model wants uint8"),
        ({"image": Tensor.zeros("uint8", (1, 8, 8, 3))}, "shape [1, 8, 8, 3], model wants"),
        ({"image": [0] * 256}, "expected a frontml Tensor, got list"),
    ],
)
def test_bad_feeds_name_model_and_tensor(feeds, message):
    session = run(create_session(mean_model(), name="tiny"))
    with pytest.raises(TensorError) as err:
        run(session.run(feeds))
    assert "'tiny'" in str(err.value) and message in str(err.value)


def test_tensor_checks_buffer_size():
    with pytest.raises(ValueError, match="needs 12 values"):
        Tensor.from_buffer("float32", (3, 4), array("f", [0.0] * 5))


def test_closed_session_refuses_to_run():
    session = run(create_session(mean_model(), name="tiny"))
    session.close()
    with pytest.raises(TensorError, match="closed"):
        run(session.run({"image": Tensor.zeros("uint8", (1, 8, 8, 4))}))


def test_garbage_bytes_give_a_named_model_error():
    with pytest.raises(ModelError, match="'broken'"):
        run(create_session(b"not an onnx file", name="broken"))


def test_loader_checks_sha256(tmp_path, monkeypatch):
    write_models_dir(tmp_path, {"good": mean_model(), "bad": mean_model()}, corrupt={"bad"})
    monkeypatch.setenv("FRONTML_MODELS", str(tmp_path))
    monkeypatch.setattr(models, "_manifest", None)
    session = run(models.load_session("good"))
    assert session.name == "good"
    with pytest.raises(ModelIntegrityError, match="'bad' failed its integrity check"):
        run(models.load_session("bad"))
    with pytest.raises(ModelError, match="not in the manifest"):
        run(models.load_session("nope"))
