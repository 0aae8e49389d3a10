"""No page transfers a model it does not use: every response a page gets up to its first results
is recorded, and the .onnx files among them must be exactly the models the page opened
(`window.frontml.providers`, filled as sessions are created), all of them within the page's own
list (tools/export.py PAGE_MODELS, which the export and its size estimates use)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import wait_results
from tools.export import PAGE_MODELS

MANIFEST = Path(__file__).resolve().parents[2] / "web" / "models" / "manifest.json"
# The camera pages with their default controls (the models a first visit needs).
PAGES = ["hello.html", "pose.html", "segment.html", "hands.html", "tryon.html",
         "classify.html", "detect.html"]


def model_of_file() -> dict[str, str]:
    return {m["file"]: m["id"] for m in json.loads(MANIFEST.read_text())["models"]}


@pytest.mark.parametrize("name", PAGES)
def test_page_fetches_only_the_models_it_opens(page, server_url, name):
    files = model_of_file()
    fetched: list[str] = []

    def on_response(response) -> None:
        path = urlparse(response.url).path
        if path.endswith(".onnx"):
            fetched.append(files.get(Path(path).name, path))

    page.on("response", on_response)
    page.goto(f"{server_url}/{name}")
    wait_results(page)
    opened = set(page.evaluate("Object.keys(window.frontml.providers || {})"))
    assert opened, f"{name}: no model was opened"
    assert len(fetched) == len(set(fetched)), f"{name}: a model was fetched twice: {fetched}"
    assert set(fetched) == opened, f"{name}: fetched {sorted(fetched)}, opened {sorted(opened)}"
    assert opened <= set(PAGE_MODELS[name]), f"{name}: {sorted(opened)} vs {PAGE_MODELS[name]}"
