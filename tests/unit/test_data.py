"""frontml.data: CSV reading (types, missing values, bad rows by line, latin-1, streaming),
tabular training against scikit-learn, and the `csv` / `teach` CLI commands."""

from __future__ import annotations

import json

import numpy as np
import pytest
from onnx import TensorProto, helper

from frontml import models
from frontml.cli import main
from frontml.data import CsvReader, read_csv, train
from frontml.data.tabular import split_rows
from tests.tiny_models import write_models_dir

MESSY = """name,age,height,city,member
Ann,34,1.70,Köln,yes
Bob,,1.82,Paris,no
Cid,29,abc,Rome,yes
Dee,41,1.65
"Eve, Jr.",38,1.77,"New
York",no
Fay,NA,1.60,Berlin,
Gus,52,1.90,Oslo,yes
Hal,45,1.71,Lyon,no
Ivy,33,1.68,Nice,yes
Jon,27,1.80,Bonn,no
Kim,30,1.75,Graz,yes
"""


def test_messy_latin1_csv_keeps_good_rows_and_reports_bad_ones_by_line(tmp_path):
    path = tmp_path / "messy.csv"
    path.write_bytes(MESSY.encode("latin-1"))
    t = read_csv(path)
    assert t.encoding == "latin-1"
    assert [(c.name, c.type) for c in t.columns] == [
        ("name", "str"), ("age", "int"), ("height", "float"), ("city", "str"),
        ("member", "bool")]
    assert [(e.line, e.message) for e in t.errors] == [
        (4, "column 'height': 'abc' is not a number"), (5, "expected 5 fields, got 3")]
    assert len(t) == 9 and t.column("name")[0] == "Ann"
    assert t.rows[0] == {"name": "Ann", "age": 34, "height": 1.7, "city": "Köln",
                         "member": True}
    assert t.rows[1]["age"] is None and t.rows[3]["age"] is None  # "" and NA
    assert t.rows[2]["city"] == "New\nYork"  # quoted newline: one record from line 6
    assert t.rows[3]["member"] is None
    assert t.columns[1].missing == 2
    assert read_csv(MESSY.encode("utf-8")).encoding == "utf-8"
    assert read_csv(MESSY.encode("utf-8")).rows == t.rows


def test_streaming_reader_and_semicolons():
    text = "a;b\n" + "".join(f"{i};{i * 0.5}\n" for i in range(5000)) + "x;1\n"
    reader = CsvReader(text.encode(), sample_rows=100)
    rows = list(reader)
    assert reader.delimiter == ";" and reader.names == ["a", "b"]
    assert len(rows) == 5000 and rows[-1] == {"a": 4999, "b": 2499.5}
    assert [(e.line, e.message) for e in reader.errors] == [(5002, "column 'a': 'x' is not "
                                                                   "a number")]


def test_empty_and_missing_files_fail_clearly(tmp_path):
    from frontml.errors import InputError

    with pytest.raises(InputError, match="no such file"):
        read_csv(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="empty"):
        read_csv(b"")


def _dataset_csv(name: str) -> str:
    sk = pytest.importorskip("sklearn.datasets")
    ds = getattr(sk, f"load_{name}")()
    names = [n.replace(" ", "_") for n in ds.feature_names]
    lines = [",".join(names + ["target"])]
    for row, c in zip(ds.data, ds.target, strict=True):
        lines.append(",".join(repr(float(v)) for v in row) + "," + str(ds.target_names[c]))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", ["iris", "wine"])
def test_logistic_regression_matches_scikit_learn(name):
    linear_model = pytest.importorskip("sklearn.linear_model")
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    table = read_csv(_dataset_csv(name))
    model = train(table, "target", test_split=0.3, seed=0)
    assert model.task == "classification"
    ours = model.metrics["test"]["accuracy"]
    train_rows, test_rows = split_rows(table.rows, 0.3, 0)
    feats = [n for n in table.names if n != "target"]
    x = np.array([[r[f] for f in feats] for r in train_rows])
    xt = np.array([[r[f] for f in feats] for r in test_rows])
    scaler = preprocessing.StandardScaler().fit(x)
    ref = linear_model.LogisticRegression(max_iter=1000).fit(
        scaler.transform(x), [r["target"] for r in train_rows])
    theirs = ref.score(scaler.transform(xt), [r["target"] for r in test_rows])
    assert ours >= theirs - 0.03, (ours, theirs)


def test_linear_regression_recovers_a_line():
    text = "x,z,cat,y\n" + "".join(
        f"{i},{(i * 7) % 5},{'ab'[i % 2]},{3.0 * i - 2.0 + (1.5 if i % 2 else 0.0)}\n"
        for i in range(40))
    model = train(read_csv(text), "y", test_split=0.25)
    assert model.task == "regression"
    assert model.metrics["test"]["rmse"] < 1e-3  # a tiny ridge penalty
    assert abs(model.predict({"x": 100, "z": 0, "cat": "b"})["value"] - 299.5) < 1e-2


def test_csv_cli(tmp_path, capsys):
    train_f = tmp_path / "train.csv"
    train_f.write_bytes(MESSY.encode("latin-1"))
    pred_f = tmp_path / "new.csv"
    pred_f.write_text("name,age,height,city\nZed,30,1.7,Ulm\n")
    assert main(["csv", str(train_f), "--label", "member", "--json", "--test-split", "0.3",
                 "--predict", str(pred_f)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows"] == 9 and out["task"] == "classification"
    assert out["columns"][1] == {"name": "age", "type": "int"}
    assert out["row_errors"] == [{"line": 4, "message": "column 'height': 'abc' is not a "
                                                        "number"},
                                 {"line": 5, "message": "expected 5 fields, got 3"}]
    assert set(out["metrics"]) == {"task", "train", "test"}
    assert out["predictions"][0]["label"] in ("True", "False")
    assert main(["csv", str(tmp_path / "missing.csv"), "--label", "x", "--json"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["csv", str(train_f), "--label", "nope", "--json"]) == 2
    assert "no label column 'nope'" in capsys.readouterr().err


# ------------------------------------------------------------------ teach CLI


def _tiny_embedder() -> bytes:
    """image uint8 [1,8,8,4] -> "projection" float [1,4]: the mean of each channel."""
    import onnx

    nodes = [helper.make_node("Cast", ["image"], ["f"], to=TensorProto.FLOAT),
             helper.make_node("ReduceMean", ["f"], ["projection"], axes=[1, 2], keepdims=0)]
    graph = helper.make_graph(
        nodes, "tiny_embed",
        [helper.make_tensor_value_info("image", TensorProto.UINT8, [1, 8, 8, 4])],
        [helper.make_tensor_value_info("projection", TensorProto.FLOAT, [1, 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 13
    onnx.checker.check_model(model)
    return model.SerializeToString()


def test_teach_cli_learns_folders_and_saves_a_file(tmp_path, monkeypatch, capsys):
    from PIL import Image

    write_models_dir(tmp_path / "models", {"tiny_embed": _tiny_embedder()})
    monkeypatch.setenv("FRONTML_MODELS", str(tmp_path / "models"))
    monkeypatch.setattr(models, "_manifest", None)
    rng = np.random.default_rng(0)
    colours = {"red": (220, 30, 30), "blue": (30, 40, 210)}
    for label, rgb in colours.items():
        (tmp_path / "ex" / label).mkdir(parents=True)
        for i in range(4):
            px = np.clip(np.array(rgb) + rng.integers(-20, 20, (16, 24, 3)), 0, 255)
            Image.fromarray(px.astype(np.uint8)).save(tmp_path / "ex" / label / f"{i}.png")
    for label, rgb in colours.items():
        px = np.clip(np.array(rgb) + rng.integers(-20, 20, (20, 30, 3)), 0, 255)
        Image.fromarray(px.astype(np.uint8)).save(tmp_path / f"q_{label}.png")
    (tmp_path / "broken.png").write_bytes(b"nope")
    saved = tmp_path / "colours.frontml.json"
    code = main(["teach", "--examples", str(tmp_path / "ex"), str(tmp_path / "q_red.png"),
                 str(tmp_path / "broken.png"), str(tmp_path / "q_blue.png"), "--model",
                 "tiny_embed", "--json", "--save", str(saved)])
    captured = capsys.readouterr()
    assert code == 2 and "broken.png" in captured.err
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [ln["prediction"]["label"] for ln in lines] == ["red", "blue"]
    assert lines[0]["image"] == {"path": str(tmp_path / "q_red.png"), "width": 30,
                                 "height": 20}
    assert set(lines[0]["scores"]) == {"red", "blue"}
    file = json.loads(saved.read_text())
    assert file["backbone"]["model_id"] == "tiny_embed" and file["examples"]["count"] == 8
    # the saved file classifies the same without the example folders
    assert main(["teach", "--load", str(saved), str(tmp_path / "q_blue.png"), "--model",
                 "tiny_embed", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["prediction"]["label"] == "blue"
    assert main(["teach", "--examples", str(tmp_path / "nothing"), "--model",
                 "tiny_embed"]) == 2
    assert "not a folder" in capsys.readouterr().err
