"""frontml.learn: heads, open-set rejection, evaluation, the portable file, and the migration of
taught signs onto it."""

from __future__ import annotations

import json
import random

import pytest

from frontml.learn import (
    HEADS,
    Backbone,
    BackboneMismatchError,
    Classifier,
    DimensionError,
    LearnFileError,
    NoExamplesError,
)
from frontml.learn.vectors import pack, unpack

BACKBONE = Backbone("efficientnet_lite0", "ab" * 32, 128, "projection")
CLASSES = ("cat", "dog", "cup")


def _world(seed: int = 0, spread: float = 0.7):
    rng = random.Random(seed)
    centers = {c: [rng.gauss(0, 1) for _ in range(128)] for c in CLASSES}

    def sample(label: str) -> list[float]:
        return [v + rng.gauss(0, spread) for v in centers[label]]

    def noise() -> list[float]:
        return [rng.gauss(0, 1) for _ in range(128)]

    return sample, noise


def _taught(head: str = "knn", n: int = 10, **kw) -> tuple[Classifier, object, object]:
    sample, noise = _world()
    clf = Classifier(BACKBONE, head=head, **kw)
    for c in CLASSES:
        for i in range(n):
            clf.add(c, sample(c), thumbnail=bytes([i]) * 8 if c == "cat" else None)
    return clf, sample, noise


@pytest.mark.parametrize("head", HEADS)
def test_heads_learn_and_reject_what_they_were_not_taught(head):
    clf, sample, noise = _taught(head)
    right = sum(clf.predict(sample(c)).label == c for c in CLASSES for _ in range(20))
    assert right >= 57  # of 60
    p = clf.predict(sample("dog"))
    assert not p.unknown and p.best == "dog" and set(p.scores) == set(CLASSES)
    assert abs(sum(p.scores.values()) - 1.0) < 1e-6
    rejected = sum(clf.predict(noise()).unknown for _ in range(20))
    assert rejected >= 18
    assert clf.predict(noise()).label == "unknown"


def test_add_remove_clear_and_no_examples_error():
    clf = Classifier(BACKBONE)
    with pytest.raises(NoExamplesError):
        clf.predict([0.0] * 128)
    with pytest.raises(DimensionError, match="128-d"):
        clf.add("x", [1.0] * 5)
    with pytest.raises(ValueError, match="NaN"):
        clf.add("x", [float("nan")] * 128)
    a = clf.add("a", [1.0] + [0.0] * 127)
    b = clf.add("b", [0.0, 1.0] + [0.0] * 126)
    clf.add("b", [0.0, 1.0, 0.1] + [0.0] * 125)
    assert clf.counts() == {"a": 1, "b": 2} and clf.labels == ["a", "b"]
    assert clf.remove(b) and not clf.remove(b)
    assert clf.counts() == {"a": 1, "b": 1}
    assert clf.clear("b") == 1 and clf.labels == ["a"]
    assert clf.predict([1.0] + [0.0] * 127).label == "a"
    assert clf.remove(a) and len(clf) == 0


def test_background_class_and_calibration_from_negatives():
    clf, sample, noise = _taught("knn", threshold=None)
    assert not clf.predict(noise()).unknown  # no threshold: always names a class
    t = clf.calibrate(negatives=[noise() for _ in range(20)])
    assert t is not None and clf.threshold == t
    assert sum(clf.predict(noise()).unknown for _ in range(20)) >= 18
    assert sum(clf.predict(sample(c)).label == c for c in CLASSES for _ in range(10)) >= 28
    clf2, _, _ = _taught("knn", threshold=None)
    room, _ = _world(seed=5)  # the background is a scene of its own (e.g. the empty room)
    for _ in range(10):
        clf2.add("background", room("cat"))
    p = clf2.predict(room("cat"))
    assert p.unknown and p.best == "background"


def test_evaluation_confusion_and_hints():
    clf, sample, _ = _taught("knn", n=8)
    for _ in range(2):
        clf.add("rare", sample("dog"))  # two examples that look like dogs
    ev = clf.evaluate(folds=4)
    assert ev.labels == ["cat", "dog", "cup", "rare"]
    assert ev.columns == ev.labels + ["unknown"]
    assert ev.tested == 26 and sum(map(sum, ev.confusion)) == 26
    assert ev.per_class["cat"]["accuracy"] == 1.0 and ev.per_class["rare"]["accuracy"] == 0.0
    assert any("'rare'" in h for h in ev.hints)
    assert not any("'cat'" in h for h in ev.hints)
    assert 0.8 < ev.accuracy < 1.0
    ho = clf.evaluate(holdout=0.25)
    assert ho.method.startswith("holdout") and ho.tested == 2 + 2 + 2 + 1
    assert len(clf) == 26  # unchanged


@pytest.mark.parametrize("encoding", ["float16", "float32", "int8"])
def test_file_round_trip_predicts_identically(tmp_path, encoding):
    clf, sample, noise = _taught("knn", encoding=encoding)
    clf.meta["note"] = "hello"
    path = tmp_path / "x.frontml.json"
    clf.save(path)
    back = Classifier.load(path, backbone=BACKBONE)
    assert back.counts() == clf.counts() and back.meta == {"note": "hello"}
    assert back.thumbnail(1) == bytes([0]) * 8 and back.encoding == encoding
    for q in [sample("cat"), sample("cup"), noise(), noise()]:
        assert back.predict(q).to_json() == clf.predict(q).to_json()
    # readable in plain CPython: json + base64 + struct
    obj = json.loads(path.read_text())
    assert obj["format"] == "frontml.learn" and obj["backbone"]["model_id"] == "efficientnet_lite0"
    vecs = unpack(obj["examples"]["vectors"], encoding, obj["examples"]["count"], 128,
                  obj["examples"]["scales"])
    assert vecs[0] == clf.examples()[0].vector


def test_float16_file_is_compact():
    clf, _, _ = _taught("knn", n=100)
    size = len(clf.to_bytes(thumbnails=False))
    assert size < 300 * 128 * 2 * 1.4 + 10_000  # base64 of 2 bytes per value


def test_other_backbone_is_refused_with_a_clear_message():
    clf, _, _ = _taught()
    data = clf.to_bytes()
    other = Backbone("mobilenet_v3", "cd" * 32, 128, "projection")
    with pytest.raises(BackboneMismatchError, match="efficientnet_lite0.*mobilenet_v3"):
        Classifier.from_bytes(data, backbone=other)
    changed = Backbone("efficientnet_lite0", "ef" * 32, 128, "projection")
    with pytest.raises(BackboneMismatchError, match="not comparable"):
        Classifier.from_bytes(data, backbone=changed)
    target = Classifier(other)
    target.add("x", [1.0] * 128)
    with pytest.raises(BackboneMismatchError):
        target.load_bytes(data)
    assert target.counts() == {"x": 1}  # nothing lost


def test_malformed_files_fail_clearly_and_lose_nothing():
    clf, _, _ = _taught()
    good = json.loads(clf.to_bytes())
    before = clf.counts()

    def variant(**changes) -> bytes:
        obj = json.loads(json.dumps(good))
        for key, value in changes.items():
            section, _, field = key.partition("__")
            if field:
                obj[section][field] = value
            else:
                obj[section] = value
        return json.dumps(obj).encode()

    bad = [b"\xff\xfe", b"{nope", b"[]", variant(format="other"), variant(version=7),
           variant(labels=[""]), variant(examples__count=999), variant(examples__vectors="!!"),
           variant(examples__vectors=good["examples"]["vectors"][:-8]),
           variant(examples__label=[99] * 30), variant(examples__thumbnails=["x"]),
           variant(head__kind="svm"), variant(backbone={"dim": 3})]
    for data in bad:
        with pytest.raises(LearnFileError):
            clf.load_bytes(data)
        assert clf.counts() == before
    assert clf.load_bytes(variant(), merge=True) == 30 and len(clf) == 60


def test_pack_unpack_int8_and_float16_accuracy():
    rng = random.Random(3)
    vecs = [[rng.uniform(-1, 1) for _ in range(16)] for _ in range(5)]
    for enc, tol in [("float16", 1e-3), ("int8", 1 / 127), ("float32", 1e-7)]:
        data, scales = pack(vecs, enc)
        back = unpack(data, enc, 5, 16, scales)
        assert max(abs(a - b) for v, w in zip(vecs, back, strict=True)
                   for a, b in zip(v, w, strict=True)) <= tol


# --- the ONNX vector search (frontml.learn.vecsearch) equals the pure-Python scan -------------

@pytest.fixture
def onnx_search(monkeypatch):
    """The ONNX path from 60 rows on (the real crossover is larger), skipped if not built."""
    from frontml.learn import vecsearch

    vecsearch.reset()
    if vecsearch.session_sync() is None:
        pytest.skip(f"vector_search model not built: {vecsearch.status()['error']}")
    monkeypatch.setattr(vecsearch, "MIN_ROWS_CPYTHON", 60)
    yield vecsearch
    vecsearch.reset()


def _pure(vecsearch, fn):
    """fn() with the ONNX search off, then on again."""
    vecsearch.disable("test: pure Python")
    try:
        return fn()
    finally:
        vecsearch.reset()


def _clustered(n: int, dim: int, seed: int = 1, dups: int = 0):
    rng = random.Random(seed)
    centers = [[rng.gauss(0, 1) for _ in range(dim)] for _ in range(4)]
    rows = [(f"c{i % 4}", [v + rng.gauss(0, 0.8) for v in centers[i % 4]]) for i in range(n)]
    rows += [rows[i] for i in range(dups)]  # exact duplicates: ties broken by lower index
    return rows, [[v + rng.gauss(0, 0.8) for v in centers[i % 4]] for i in range(12)]


@pytest.mark.parametrize(("metric", "head", "encoding"), [
    ("cosine", "knn", "float16"), ("euclidean", "knn", "float32"),
    ("euclidean", "logistic", "int8"), ("cosine", "knn", "int8")])
def test_onnx_search_gives_the_pure_python_predictions(onnx_search, metric, head, encoding):
    from frontml.runtime import run_sync  # (a running loop from the e2e tests is allowed)

    rows, queries = _clustered(300, 48, dups=20)
    clf = Classifier(Backbone("b", "", 48, "x", metric), head=head, k=5, encoding=encoding,
                     threshold=None)
    for label, v in rows:
        clf.add(label, v)
    assert clf._bank.ready()
    fast = [clf.predict(q).to_json() for q in queries]
    many = [p.to_json() for p in clf.predict_many(queries)]
    awaited = [run_sync(clf.predict_async(q)).to_json() for q in queries]
    slow = _pure(onnx_search, lambda: [clf.predict(q).to_json() for q in queries])
    assert fast == slow and many == slow and awaited == slow
    assert clf._bank._np is not None  # it really went through the graph


def test_onnx_search_follows_adds_and_removes(onnx_search):
    rows, queries = _clustered(200, 32)
    clf = Classifier(Backbone("b", "", 32, "x", "euclidean"), k=3, threshold=None)
    ids = [clf.add(label, v) for label, v in rows]
    clf.predict(queries[0])                         # the bank exists from here on
    for eid in ids[::7]:
        clf.remove(eid)                             # order-preserving deletes
    for label, v in rows[:15]:
        clf.add(label + "x", v)                     # appends (some grow the buffer)
    clf.clear("c2")                                 # rebuilt lazily
    clf.add("c2", rows[2][1])
    got = [clf.predict(q).to_json() for q in queries]
    assert clf._bank._n == len(clf)
    assert got == _pure(onnx_search, lambda: [clf.predict(q).to_json() for q in queries])


def test_onnx_search_gives_the_same_evaluation(onnx_search):
    rows, _ = _clustered(260, 24)
    clf = Classifier(Backbone("b", "", 24, "x", "cosine"), k=3)
    for label, v in rows:
        clf.add(label, v)
    ev = clf.evaluate(folds=3).to_json()
    assert ev == _pure(onnx_search, lambda: clf.evaluate(folds=3).to_json())


def test_onnx_search_gives_the_same_text_hits(onnx_search):
    import math
    from array import array

    from frontml.runtime import run_sync  # (a running loop from the e2e tests is allowed)
    from frontml.tasks.text.search import SearchIndex

    rng = random.Random(3)
    index = SearchIndex(Backbone("minilm_l6", "", 384, "embedding"), 384)
    vecs = []
    for i in range(400):
        v = [rng.gauss(0, 1) for _ in range(384)]
        n = math.sqrt(sum(x * x for x in v))
        vecs.append(array("f", [x / n for x in v]))
        index.add(f"doc {i}", vecs[-1])
    index.add("copy of 5", vecs[5])                     # equal scores: lower id first
    for doc_id in (0, 17, 399):
        index.remove(doc_id)                             # swap-removes
    queries = [vecs[5], vecs[30], *([rng.gauss(0, 1) for _ in range(384)] for _ in range(4))]
    fast = [[h.to_json() for h in index.search(q, 5)] for q in queries]
    awaited = [[h.to_json() for h in run_sync(index.search_async(q, 5))] for q in queries]
    slow = _pure(onnx_search, lambda: [[h.to_json() for h in index.search(q, 5)]
                                       for q in queries])
    assert fast == slow and awaited == slow
    assert [h["index"] for h in fast[0][:2]] == [5, 400]
    assert index._bank._np is not None
