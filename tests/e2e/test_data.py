"""data.html: a messy latin-1 CSV shows its types and its bad rows by line; iris trains in the
page to the accuracy CPython gets on the same split, and new rows are predicted."""

from __future__ import annotations

import pytest

from frontml.data import read_csv, train
from tests.e2e.conftest import ms, wait_ready
from tests.unit.test_data import MESSY

RESULTS = "window.frontml.results"


def _iris_csv() -> str:
    datasets = pytest.importorskip("sklearn.datasets")
    ds = datasets.load_iris()
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    for row, c in zip(ds.data, ds.target, strict=True):
        lines.append(",".join(repr(float(v)) for v in row) + "," + str(ds.target_names[c]))
    return "\n".join(lines) + "\n"


def test_csv_types_errors_training_and_prediction(page, server_url, tmp_path):
    messy = tmp_path / "messy.csv"
    messy.write_bytes(MESSY.encode("latin-1"))
    iris = tmp_path / "iris.csv"
    iris.write_text(_iris_csv())
    page.goto(f"{server_url}/data.html")
    wait_ready(page)
    page.set_input_files("#csv", str(messy))
    page.wait_for_function(f"{RESULTS} && {RESULTS}.rows === 9", timeout=ms(60_000))
    res = page.evaluate(RESULTS)
    assert res["encoding"] == "latin-1"
    assert [c["type"] for c in res["columns"]] == ["str", "int", "float", "str", "bool"]
    assert [e["line"] for e in res["row_errors"]] == [4, 5]
    assert "line 4: column 'height'" in page.locator("#row-errors").inner_text()
    assert "Köln" in page.locator("#table").inner_text()
    # iris: train in the page, the same accuracy as CPython on the same split
    page.set_input_files("#csv", str(iris))
    page.wait_for_function(f"{RESULTS}.rows === 150", timeout=ms(60_000))
    page.select_option("#label", "species")
    page.click("#train")
    page.wait_for_function(f"{RESULTS}.trained === true", timeout=ms(180_000))
    res = page.evaluate(RESULTS)
    expected = train(read_csv(iris), "species", test_split=0.3, epochs=200)
    assert res["task"] == "classification"
    assert res["metrics"]["test"]["accuracy"] == expected.metrics["test"]["accuracy"]
    assert res["metrics"]["test"]["accuracy"] >= 0.9
    assert "accuracy" in page.locator("#metrics").inner_text()
    page.fill("#new-rows", "sepal_length,sepal_width,petal_length,petal_width\n"
                           "5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n")
    page.click("#predict")
    page.wait_for_function(f"{RESULTS}.predictions", timeout=ms(30_000))
    preds = page.evaluate(RESULTS)["predictions"]
    assert [p["label"] for p in preds] == ["setosa", "virginica"]
