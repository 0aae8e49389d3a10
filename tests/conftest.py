"""Shared test fixtures: the astronaut photo and the `requires_models(*ids)` marker."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # serve.py and tests.* helpers


def missing_models(*ids: str) -> str | None:
    """Why models `ids` cannot be loaded from the built models directory, or None."""
    from frontml.models import models_dir

    path = models_dir() / "manifest.json"
    if not path.exists():
        return f"no model manifest at {path} (run ./dev build)"
    data = json.loads(path.read_text())
    have = {m["id"] for m in (data["models"] if isinstance(data, dict) else data)}
    missing = [i for i in ids if i not in have or not (models_dir() / f"{i}.onnx").exists()]
    return f"models not built: {', '.join(missing)} (run ./dev build)" if missing else None


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "requires_models(*ids): skip unless these models are built (./dev build)")


def pytest_runtest_setup(item) -> None:
    for marker in item.iter_markers("requires_models"):
        reason = missing_models(*marker.args)
        if reason:
            pytest.skip(reason)


@pytest.fixture(scope="session")
def astronaut():
    """scikit-image's astronaut, 512x512 RGB uint8 (read-only)."""
    from tests.media import astronaut_image

    return astronaut_image()
