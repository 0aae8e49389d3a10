"""Class names shipped with a model (written into its manifest entry as `labels`).

Read as text from registry packages: a JS object literal from TF.js model packages, or a
plain label map (one name per line, MediaPipe's format)."""

from __future__ import annotations

import ast
import re
from pathlib import Path


def _js_object_body(text: str) -> str:
    start = text.index("= {", text.index("exports.")) + 2
    return text[start:text.index("};", start) + 1]


def js_imagenet(text: str) -> list[str]:
    """`{0: 'tench, Tinca tinca', 2: 'a ' +\\n 'b', ...}` (TF.js mobilenet) -> 1000 names."""
    body = re.sub(r"'\s*\+\s*'", "", _js_object_body(text))  # join 'a ' + 'b'
    table = ast.literal_eval(body)
    return [table[i] for i in range(len(table))]


def js_coco(text: str) -> list[str]:
    """TF.js coco-ssd `{1: {name, id, displayName}, ...}` -> the 80 names in id order (the
    contiguous 0..79 class index COCO-80 detectors use)."""
    entries = re.findall(r"id:\s*(\d+),\s*displayName:\s*'([^']*)'", _js_object_body(text))
    return [name for _, name in sorted(entries, key=lambda e: int(e[0]))]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


PARSERS = {"js_imagenet": js_imagenet, "js_coco": js_coco, "lines": lines}


def read(path: Path, fmt: str) -> list[str]:
    return PARSERS[fmt](path.read_text(encoding="utf-8"))
