"""The one portable file of every teachable feature (`*.frontml.json`): UTF-8 JSON.

```
{"format": "frontml.learn", "version": 1,
 "backbone": {"model_id", "sha256", "dim", "output", "metric"},
 "head": {"kind": "knn"|"prototype"|"logistic", "k", "metric", "threshold", "unknown_label",
          "background": [...]},
 "labels": ["cat", "dog"],                       # class order
 "examples": {"count": N, "dim": D, "encoding": "float16"|"float32"|"int8",
              "ids": [...], "label": [index into labels, ...],
              "vectors": base64(N*D little-endian values), "scales": base64(N float32) | null,
              "thumbnails": [base64 | null, ...] | null, "thumbnail_type": "image/jpeg"},
 "meta": {...}}                                  # feature-specific settings
```

Readable in CPython with json + base64 + struct (or numpy.frombuffer(..., "<f2")).
Vectors are stored exactly as the classifier holds them, so a reloaded file predicts the same.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING

from frontml.learn.backbone import Backbone
from frontml.learn.errors import LearnFileError
from frontml.learn.vectors import ENCODINGS, pack, unpack

if TYPE_CHECKING:
    from frontml.learn.classifier import Classifier

FORMAT = "frontml.learn"
VERSION = 1
MIME = "application/vnd.frontml.learn+json"


def encode(clf: Classifier, thumbnails: bool = True) -> dict:
    exs = clf.examples()
    labels = clf.labels
    index = {lab: i for i, lab in enumerate(labels)}
    vectors, scales = pack([e.vector for e in exs], clf.encoding)
    thumbs = None
    if thumbnails and any(e.thumbnail for e in exs):
        thumbs = [base64.b64encode(e.thumbnail).decode("ascii") if e.thumbnail else None
                  for e in exs]
    threshold = clf.threshold
    return {
        "format": FORMAT, "version": VERSION,
        "backbone": clf.backbone.to_json(),
        "head": {"kind": clf.head, "k": clf.k, "metric": clf.metric, "threshold": threshold,
                 "unknown_label": clf.unknown_label, "background": sorted(clf.background)},
        "labels": labels,
        "examples": {"count": len(exs), "dim": clf.dim, "encoding": clf.encoding,
                     "ids": [e.id for e in exs], "label": [index[e.label] for e in exs],
                     "vectors": vectors, "scales": scales, "thumbnails": thumbs,
                     "thumbnail_type": clf.meta.get("thumbnail_type", "image/jpeg")},
        "meta": clf.meta,
    }


def dumps(clf: Classifier, thumbnails: bool = True) -> bytes:
    return json.dumps(encode(clf, thumbnails), separators=(",", ":")).encode("utf-8")


def _obj(data: bytes | str | dict) -> dict:
    if isinstance(data, dict):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise LearnFileError("not a frontml classifier file: it is not UTF-8 text "
                                 "(expected the JSON that export/save writes)") from None
    try:
        obj = json.loads(data)
    except ValueError as exc:
        raise LearnFileError(f"not a frontml classifier file: invalid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise LearnFileError("not a frontml classifier file: expected a JSON object")
    return obj


def loads(data: bytes | str | dict, backbone: Backbone | None = None) -> Classifier:
    """Parse and validate completely, then build; LearnFileError says what is wrong."""
    from frontml.learn.classifier import HEADS, Classifier

    obj = _obj(data)
    if obj.get("format") != FORMAT:
        fmt = obj.get("format")
        hint = (" (a taught-signs file: load it with SignClassifier.load_json)"
                if fmt == "frontml.signs" else "")
        raise LearnFileError(f"not a frontml classifier file (\"format\" is {fmt!r}, expected "
                             f"{FORMAT!r}){hint}")
    if obj.get("version") != VERSION:
        raise LearnFileError(f"unsupported classifier file version {obj.get('version')!r} "
                             f"(this frontml reads version {VERSION})")
    file_backbone = Backbone.from_json(obj.get("backbone"))
    if backbone is not None:
        backbone.check(file_backbone, "the file's examples")
    head = obj.get("head") or {}
    labels = obj.get("labels")
    ex = obj.get("examples")
    if not isinstance(labels, list) or not all(isinstance(v, str) and v.strip() for v in labels):
        raise LearnFileError("\"labels\" must be a list of non-empty strings")
    if not isinstance(ex, dict):
        raise LearnFileError("the file has no \"examples\" object")
    try:
        count, dim = int(ex["count"]), int(ex["dim"])
        encoding = str(ex["encoding"])
        ids = [int(v) for v in ex["ids"]]
        label_idx = [int(v) for v in ex["label"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise LearnFileError(f"\"examples\" is incomplete or malformed ({exc!r})") from None
    if encoding not in ENCODINGS:
        raise LearnFileError(f"unknown vector encoding {encoding!r}")
    if len(ids) != count or len(label_idx) != count or len(set(ids)) != count:
        raise LearnFileError(f"\"examples\" lists disagree with its count {count} "
                             f"(or ids repeat)")
    if any(not 0 <= i < len(labels) for i in label_idx):
        raise LearnFileError("an example's label index is outside \"labels\"")
    if count and dim < 1:
        raise LearnFileError("\"examples.dim\" must be positive")
    try:
        vectors = unpack(ex.get("vectors") or "", encoding, count, dim, ex.get("scales"))
    except (ValueError, binascii.Error, TypeError) as exc:
        raise LearnFileError(f"bad vector data: {exc}") from None
    thumbs_raw = ex.get("thumbnails")
    thumbs: list[bytes | None] = [None] * count
    if thumbs_raw is not None:
        if not isinstance(thumbs_raw, list) or len(thumbs_raw) != count:
            raise LearnFileError("\"thumbnails\" must list one entry (or null) per example")
        try:
            thumbs = [base64.b64decode(t, validate=True) if t else None for t in thumbs_raw]
        except (binascii.Error, TypeError, ValueError):
            raise LearnFileError("a thumbnail is not valid base64") from None
    kind = head.get("kind", "knn")
    if kind not in HEADS:
        raise LearnFileError(f"unknown head {kind!r} (one of {', '.join(HEADS)})")
    threshold = head.get("threshold", "auto")
    if threshold is not None and threshold != "auto" and not isinstance(threshold, (int, float)):
        raise LearnFileError("\"head.threshold\" must be a number, \"auto\" or null")
    try:
        clf = Classifier(backbone or file_backbone, head=kind, k=int(head.get("k", 3)),
                         metric=head.get("metric") or file_backbone.metric, threshold=threshold,
                         encoding=encoding,
                         unknown_label=str(head.get("unknown_label") or "unknown"),
                         background=head.get("background") or ("background", "_background"),
                         dim=dim or file_backbone.dim or None)
    except (TypeError, ValueError) as exc:
        raise LearnFileError(f"bad \"head\" settings: {exc}") from None
    meta = obj.get("meta")
    clf.meta = dict(meta) if isinstance(meta, dict) else {}
    for eid, li, vec, th in zip(ids, label_idx, vectors, thumbs, strict=True):
        clf._append(labels[li], vec, th, example_id=eid)
    clf.revision = 0
    return clf
