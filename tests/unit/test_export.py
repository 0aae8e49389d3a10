"""tools/export.py: page -> model map matches the manifest, refusals, precompressed siblings."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import export  # noqa: E402

MANIFEST = export.WEB / "models" / "manifest.json"


def test_every_page_is_mapped_and_every_model_is_known():
    pages = {p.name for p in export.WEB.glob("*.html")}
    assert pages == set(export.PAGE_MODELS)
    if not MANIFEST.exists():
        pytest.skip("models not built (./dev build)")
    ids = {m["id"] for m in json.loads(MANIFEST.read_text())["models"]}
    used = {m for ms in export.PAGE_MODELS.values() for m in ms}
    assert used <= ids, used - ids


def test_refuses_foreign_and_inside_web_folders(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(export.ExportError, match="not empty"):
        export.prepare_dest(tmp_path, force=True)
    assert (tmp_path / "mine.txt").read_text() == "keep me"
    with pytest.raises(export.ExportError, match="outside web"):
        export.prepare_dest(export.WEB / "out", force=True)
    with pytest.raises(export.ExportError, match="outside web"):
        export.prepare_dest(export.ROOT, force=True)


def test_earlier_export_needs_force(tmp_path):
    dest = tmp_path / "site"
    export.prepare_dest(dest, force=False)
    (dest / "old.html").write_text("x")
    with pytest.raises(export.ExportError, match="--force"):
        export.prepare_dest(dest, force=False)
    export.prepare_dest(dest, force=True)
    assert not (dest / "old.html").exists() and (dest / export.MARKER).exists()


def test_unknown_page_is_refused():
    with pytest.raises(export.ExportError, match="unknown page"):
        export.choose_pages("nope.html")
    assert export.choose_pages("pose.html") == ["index.html", "pose.html"]


def test_compress_writes_smaller_siblings(tmp_path):
    text = ("print('hello')\n" * 500).encode()
    (tmp_path / "a.py").write_bytes(text)
    (tmp_path / "tiny.js").write_bytes(b"x")
    (tmp_path / "noise.wasm").write_bytes(bytes(range(256)) * 8)
    import os
    (tmp_path / "random.onnx").write_bytes(os.urandom(4096))
    written = export.compress(tmp_path)
    assert gzip.decompress((tmp_path / "a.py.gz").read_bytes()) == text
    assert not (tmp_path / "tiny.js.gz").exists()  # too small to bother
    assert not (tmp_path / "random.onnx.gz").exists()  # would not save 10%
    assert written["gz"] == 2
    if written["br"]:  # Node present: brotli siblings too
        assert (tmp_path / "a.py.br").stat().st_size < len(text)
