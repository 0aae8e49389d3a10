"""`Classifier`: few-shot classification over any embedding, learning instantly.

```python
clf = Classifier(Backbone("efficientnet_lite0", sha256, 128, "projection"), head="knn", k=3)
i = clf.add("cat", vector, thumbnail=jpeg_bytes)   # example id; no training pause
p = clf.predict(vector)           # Prediction(label, score, unknown, scores, distance, ...)
clf.calibrate(negatives=[...])    # open-set threshold from background vectors (or held-out)
ev = clf.evaluate(folds=5)        # Evaluation(accuracy, per_class, confusion, labels, hints)
data = clf.to_bytes()             # one portable file; Classifier.from_bytes(data, backbone=...)
```

Heads: "knn" (distance-weighted vote of the k nearest examples), "prototype" (nearest class
mean), "logistic" (softmax regression on the stored vectors, refitted warm after changes).
Metric: cosine (vectors are L2-normalised on add) or euclidean (raw features, e.g. landmarks).
Open set: a prediction is `unknown` when the nearest example (or prototype) is farther than
`threshold`, or when the winning class is a background class ("background").
"""

from __future__ import annotations

import heapq
import math
import random
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from frontml.learn.backbone import METRICS, Backbone
from frontml.learn.errors import DimensionError, LearnError, NoExamplesError
from frontml.learn.softmax import SoftmaxRegression
from frontml.learn.vecsearch import MARGIN, VectorBank
from frontml.learn.vectors import ENCODINGS, as_floats, normalize, pack, quantize_f16, unpack

HEADS = ("knn", "prototype", "logistic")
UNKNOWN = "unknown"
BACKGROUND_LABELS = frozenset({"background", "_background"})
AUTO = "auto"
MAX_FIT_PER_CLASS = 100
_PROBES = 64  # examples probed (leave-one-out) for the automatic threshold


@dataclass
class Prediction:
    """label: the answer (`unknown_label` when rejected); best: the nearest taught class even
    when rejected; score: its confidence in [0, 1]; scores: every class's score; distance: to
    the nearest example (knn/logistic) or prototype, in the metric's units."""

    label: str
    score: float
    unknown: bool
    scores: dict[str, float]
    distance: float
    best: str
    nearest_id: int | None = None

    def to_json(self) -> dict:
        return {"label": self.label, "score": round(self.score, 6), "unknown": self.unknown,
                "scores": {k: round(v, 6) for k, v in self.scores.items()},
                "distance": round(self.distance, 6), "best": self.best,
                "nearest_id": self.nearest_id}


@dataclass
class Example:
    id: int
    label: str
    vector: tuple[float, ...]
    thumbnail: bytes | None = None


@dataclass
class Evaluation:
    """accuracy over the tested examples; per_class[label] = {correct, total, accuracy};
    confusion[i][j]: examples of labels[i] predicted as labels[j] (last column: unknown)."""

    accuracy: float
    per_class: dict[str, dict]
    confusion: list[list[int]]
    labels: list[str]
    hints: list[str]
    tested: int
    method: str
    columns: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"accuracy": round(self.accuracy, 6), "per_class": self.per_class,
                "confusion": self.confusion, "labels": self.labels, "columns": self.columns,
                "hints": self.hints, "tested": self.tested, "method": self.method}


class Classifier:
    """See the module docstring. `threshold`: a distance, None (never unknown) or "auto"
    (leave-one-out within-class distances, refreshed as examples change)."""

    def __init__(self, backbone: Backbone | None = None, head: str = "knn", k: int = 3,
                 metric: str | None = None, threshold: float | str | None = AUTO,
                 encoding: str = "float16", unknown_label: str = UNKNOWN,
                 background: Iterable[str] = BACKGROUND_LABELS, dim: int | None = None) -> None:
        if head not in HEADS:
            raise ValueError(f"head must be one of {', '.join(HEADS)}, got {head!r}")
        if k < 1:
            raise ValueError("k must be >= 1")
        if encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}")
        self.backbone = backbone or Backbone("unspecified", dim=dim or 0,
                                             metric=metric or "cosine")
        self.metric = metric or self.backbone.metric
        if self.metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {self.metric!r}")
        self.head = head
        self.k = k
        self.encoding = encoding
        self.unknown_label = unknown_label
        self.background = frozenset(background)
        self.dim = dim or self.backbone.dim or 0
        self.threshold: float | str | None = threshold
        self.meta: dict = {}
        self.revision = 0          # bumps on every change (autosave hook)
        self._ids: list[int] = []
        self._labels: list[str] = []
        self._vectors: list[tuple[float, ...]] = []
        # float32 mirror for the ONNX search of large banks (frontml.learn.vecsearch)
        self._bank = VectorBank(lambda: self._vectors, self.dim, l2=True)
        self._thumbs: dict[int, bytes] = {}
        self._next_id = 1
        self._sums: dict[str, list[float]] = {}
        self._counts: dict[str, int] = {}
        self._protos: dict[str, tuple[float, ...]] | None = None
        self._auto: tuple[int, float] | None = None   # (revision, threshold)
        self._model: SoftmaxRegression | None = None
        self._model_labels: list[str] = []
        self._model_rev = -1

    # ------------------------------------------------------------ examples
    def _prepare(self, vector: Iterable[float]) -> tuple[float, ...]:
        try:
            vec = as_floats(vector, self.dim or None)
        except ValueError as exc:
            raise DimensionError(f"{exc} (backbone {self.backbone.describe()})") from None
        if self.metric == "cosine":
            vec = normalize(vec)
        # store exactly what the file will hold, so a reloaded file predicts the same
        if self.encoding == "float16":
            return quantize_f16(vec)
        if self.encoding == "float32":
            return struct.unpack(f"<{len(vec)}f", struct.pack(f"<{len(vec)}f", *vec))
        data, scales = pack([vec], self.encoding)
        return unpack(data, self.encoding, 1, len(vec), scales)[0]

    def add(self, label: str, vector: Iterable[float], thumbnail: bytes | None = None) -> int:
        """Store one example; returns its id (for remove())."""
        label = str(label).strip()
        if not label:
            raise ValueError("an example needs a non-empty label")
        vec = self._prepare(vector)
        if not self.dim:
            self.dim = len(vec)
        return self._append(label, vec, thumbnail)

    def _append(self, label: str, vec: tuple[float, ...], thumbnail: bytes | None,
                example_id: int | None = None) -> int:
        eid = self._next_id if example_id is None else example_id
        self._next_id = max(self._next_id, eid + 1)
        self._ids.append(eid)
        self._labels.append(label)
        self._vectors.append(vec)
        self._bank.append(vec)
        if thumbnail:
            self._thumbs[eid] = bytes(thumbnail)
        self._accumulate(label, vec)
        self._changed()
        return eid

    def _accumulate(self, label: str, vec: tuple[float, ...]) -> None:
        s = self._sums.get(label)
        self._sums[label] = list(vec) if s is None else [a + b for a, b in zip(s, vec,
                                                                                strict=True)]
        self._counts[label] = self._counts.get(label, 0) + 1

    def add_many(self, label: str, vectors: Iterable[Iterable[float]]) -> list[int]:
        return [self.add(label, v) for v in vectors]

    def remove(self, example_id: int) -> bool:
        """Forget one example; False if there is no such id."""
        try:
            i = self._ids.index(example_id)
        except ValueError:
            return False
        label, vec = self._labels[i], self._vectors[i]
        del self._ids[i], self._labels[i], self._vectors[i]
        self._bank.delete(i)
        self._thumbs.pop(example_id, None)
        self._counts[label] -= 1
        if self._counts[label] == 0:
            del self._counts[label], self._sums[label]
        else:
            self._sums[label] = [a - b for a, b in zip(self._sums[label], vec, strict=False)]
        self._changed()
        return True

    def clear(self, label: str | None = None) -> int:
        """Forget every example of `label` (or all); returns how many went."""
        if label is None:
            n = len(self._ids)
            self._ids, self._labels, self._vectors = [], [], []
            self._thumbs, self._sums, self._counts = {}, {}, {}
        else:
            keep = [i for i, lab in enumerate(self._labels) if lab != label]
            n = len(self._ids) - len(keep)
            for i, lab in enumerate(self._labels):
                if lab == label:
                    self._thumbs.pop(self._ids[i], None)
            self._ids = [self._ids[i] for i in keep]
            self._labels = [self._labels[i] for i in keep]
            self._vectors = [self._vectors[i] for i in keep]
            self._sums.pop(label, None)
            self._counts.pop(label, None)
        self._bank.clear()
        self._changed()
        return n

    def rename(self, old: str, new: str) -> None:
        new = str(new).strip()
        if not new:
            raise ValueError("a class needs a non-empty label")
        self._labels = [new if lab == old else lab for lab in self._labels]
        self._sums, self._counts = {}, {}
        for lab, vec in zip(self._labels, self._vectors, strict=False):
            self._accumulate(lab, vec)
        self._changed()

    def _changed(self) -> None:
        self.revision += 1
        self._protos = None

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def labels(self) -> list[str]:
        """Class labels in the order they were first taught."""
        return list(self._counts)

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def examples(self, label: str | None = None) -> list[Example]:
        return [Example(eid, lab, vec, self._thumbs.get(eid))
                for eid, lab, vec in zip(self._ids, self._labels, self._vectors, strict=False)
                if label is None or lab == label]

    def thumbnail(self, example_id: int) -> bytes | None:
        return self._thumbs.get(example_id)

    # ------------------------------------------------------------ distances
    def _dists(self, vec: Sequence[float], vectors: Sequence[tuple[float, ...]]) -> list[float]:
        """Distances in the metric's units (cosine: 1 - cos)."""
        d = list(map(math.dist, repeat(vec), vectors))
        if self.metric == "cosine":  # unit vectors: 1 - cos = |a - b|^2 / 2
            d = [x * x * 0.5 for x in d]
        return d

    def _to_metric(self, euclid: float) -> float:
        return euclid * euclid * 0.5 if self.metric == "cosine" else euclid

    def prototypes(self) -> dict[str, tuple[float, ...]]:
        if self._protos is None:
            protos = {}
            for lab, s in self._sums.items():
                mean = [v / self._counts[lab] for v in s]
                protos[lab] = normalize(mean) if self.metric == "cosine" else tuple(mean)
            self._protos = protos
        return self._protos

    # ------------------------------------------------------------ predicting
    def predict(self, vector: Iterable[float]) -> Prediction:
        if not self._ids:
            raise NoExamplesError("nothing taught yet: add() a few examples of each class "
                                  "first (or load a classifier file)")
        return self._predict(self._prepare(vector))

    async def predict_async(self, vector: Iterable[float]) -> Prediction:
        """predict(), with the ONNX vector search in the page too (same answer; the page's
        frame loop awaits this one: onnxruntime-web cannot be called synchronously)."""
        if not self._ids:
            return self.predict(vector)
        vec = self._prepare(vector)
        if self.head == "prototype":
            return self._predict(vec)
        count = min(len(self._vectors), self.k + MARGIN)
        cands = await self._bank.candidates_async(vec, count)
        return self._predict(vec, cands=cands)

    def predict_many(self, vectors: Iterable[Iterable[float]]) -> list[Prediction]:
        if self.head == "prototype" or not self._ids:
            return [self.predict(v) for v in vectors]
        vecs = [self._prepare(v) for v in vectors]
        if not vecs:
            return []
        cands = self._candidates_many(vecs)
        return [self._predict(v, cands=c) for v, c in zip(vecs, cands, strict=True)]

    def _candidates_many(self, vecs: list[tuple[float, ...]],
                         extra: int = 0) -> list[list[int] | None]:
        """ONNX candidates for many queries in one batch (CPython, large banks) or Nones."""
        if self.head == "prototype" or not self._bank.ready():
            return [None] * len(vecs)
        count = min(len(self._vectors), self.k + MARGIN + extra)
        return self._bank.candidates_many(vecs, count)

    def _nearest(self, vec: tuple[float, ...], skip: int | None = None,
                 cands: list[int] | None = None) -> tuple[list[int], dict[int, float]]:
        """The k nearest example indices (ties: lower index) and their euclidean distances.

        `cands`: indices proposed by the ONNX search; they are re-ranked here with the same
        math.dist as the full scan, so both paths give the same neighbours and distances."""
        if cands is None and len(self._vectors) >= 2 * (self.k + MARGIN):
            cands = self._bank.candidates(vec, self.k + MARGIN + (skip is not None))
        if cands is not None:
            pool = [i for i in cands if i != skip]
            dists = dict(zip(pool, map(math.dist, repeat(vec),
                                       [self._vectors[i] for i in pool]), strict=True))
            top = sorted(pool, key=lambda i: (dists[i], i))[:self.k]
            return top, {i: dists[i] for i in top}
        # math.dist in C over tuples
        all_d = list(map(math.dist, repeat(vec), self._vectors))
        if skip is not None:
            all_d[skip] = math.inf
        n = len(all_d)
        top = heapq.nsmallest(min(self.k, n), range(n), key=all_d.__getitem__)
        return top, {i: all_d[i] for i in top}

    def _predict(self, vec: tuple[float, ...], skip: int | None = None,
                 cands: list[int] | None = None) -> Prediction:
        scores = dict.fromkeys(self._counts, 0.0)
        nearest_id = None
        if self.head == "prototype":
            protos = self.prototypes()
            labs = list(protos)
            dists = self._dists(vec, [protos[lab] for lab in labs])
            order = sorted(range(len(labs)), key=dists.__getitem__)
            nearest = dists[order[0]]
            # softmax over negative distances, sharpened so that scores spread out
            scale = 20.0 if self.metric == "cosine" else 4.0
            weights = [math.exp(-scale * (dists[i] - nearest)) for i in range(len(labs))]
            total = sum(weights)
            for lab, w in zip(labs, weights, strict=False):
                scores[lab] = w / total
        else:
            # only the k nearest are converted to the metric
            top, dists = self._nearest(vec, skip, cands)
            for i in top:
                dists[i] = self._to_metric(dists[i])
            nearest = dists[top[0]]
            nearest_id = self._ids[top[0]]
            if self.head == "knn":
                votes: dict[str, float] = {}
                for i in top:
                    if dists[i] == math.inf:
                        continue
                    lab = self._labels[i]
                    votes[lab] = votes.get(lab, 0.0) + 1.0 / (dists[i] + 1e-3)
                total = sum(votes.values()) or 1.0
                for lab, v in votes.items():
                    scores[lab] = v / total
            else:
                model, labs = self._fitted()
                for lab, p in zip(labs, model.predict_proba(vec), strict=False):
                    scores[lab] = p
        best = max(scores, key=scores.__getitem__)
        threshold = self.current_threshold()
        unknown = best in self.background or (threshold is not None and nearest > threshold)
        return Prediction(label=self.unknown_label if unknown else best, score=scores[best],
                          unknown=unknown, scores=scores, distance=nearest, best=best,
                          nearest_id=nearest_id)

    # ------------------------------------------------------------ logistic head
    def _fitted(self) -> tuple[SoftmaxRegression, list[str]]:
        if self._model is None or self._model_rev != self.revision:
            self.fit()
        assert self._model is not None
        return self._model, self._model_labels

    def fit(self, epochs: int | None = None, progress=None) -> None:
        """Train the logistic head now (predict() does it lazily after changes; warm start)."""
        labs = self.labels
        if not labs:
            raise NoExamplesError("nothing to fit: no examples")
        index = {lab: i for i, lab in enumerate(labs)}
        warm = self._model is not None and self._model_labels == labs
        if not warm:
            self._model = SoftmaxRegression(len(self._vectors[0]), len(labs), l2=1e-3)
        assert self._model is not None
        # at most MAX_FIT_PER_CLASS examples per class (a fixed sample): the head stays a
        # sub-second fit; k-NN/prototype heads use every example
        rows = list(range(len(self._vectors)))
        if len(rows) > MAX_FIT_PER_CLASS * len(labs):
            by: dict[str, list[int]] = {}
            for i, lab in enumerate(self._labels):
                by.setdefault(lab, []).append(i)
            rows = sorted(j for idx in by.values() for j in
                          (idx if len(idx) <= MAX_FIT_PER_CLASS else
                           random.Random(0).sample(idx, MAX_FIT_PER_CLASS)))
        self._model.fit([self._vectors[i] for i in rows], [index[self._labels[i]] for i in rows],
                        epochs=epochs or (25 if warm else 120), lr=0.1, progress=progress)
        self._model_labels = labs
        self._model_rev = self.revision

    # ------------------------------------------------------------ open set
    def current_threshold(self) -> float | None:
        if self.threshold is None:
            return None
        if self.threshold != AUTO:
            return float(self.threshold)
        if self._auto is None or self._auto[0] != self.revision:
            self._auto = (self.revision, self._auto_threshold())
        return self._auto[1]

    def _probe_ids(self, seed: int = 0) -> list[int]:
        """Up to _PROBES example indices from classes with 2+ examples (deterministic)."""
        idx = [i for i, lab in enumerate(self._labels)
               if self._counts[lab] >= 2 and lab not in self.background]
        if len(idx) > _PROBES:
            idx = sorted(random.Random(seed).sample(idx, _PROBES))
        return idx

    def _loo_distances(self) -> list[float]:
        """Each probe's distance to its nearest other example of the same class."""
        out = []
        for i in self._probe_ids():
            lab = self._labels[i]
            same = [v for j, (v, lab2) in enumerate(zip(self._vectors, self._labels, strict=False))
                    if lab2 == lab and j != i]
            out.append(min(self._dists(self._vectors[i], same)))
        return out

    def _auto_threshold(self) -> float | None:
        loo = sorted(self._loo_distances())
        if len(loo) < 2:
            return None  # too few examples to judge what "far" means
        q = loo[min(len(loo) - 1, int(0.95 * len(loo)))]
        return max(q * 1.5, self._threshold_floor())

    def _threshold_floor(self) -> float:
        """Near-copies of the examples are never unknown, however tight the examples are (a
        still camera records almost identical vectors): cosine 0.05 (cos 0.95); euclidean a
        tenth of the examples' mean length."""
        if self.metric == "cosine":
            return 0.05
        probe = self._vectors[:: max(1, len(self._vectors) // _PROBES)]
        mean_norm = sum(math.hypot(*v) for v in probe) / len(probe) if probe else 0.0
        return max(0.1 * mean_norm, 1e-6)

    def calibrate(self, negatives: Iterable[Iterable[float]] = (),
                  target_recall: float = 0.95) -> float | None:
        """Set `threshold` from data and return it.

        With negatives (vectors of things that are none of the classes): the distance that
        best separates them from the examples' leave-one-out distances (balanced accuracy).
        Without: the examples' own distances (`target_recall` of them accepted, plus margin).
        Background-class examples count as negatives too.
        """
        pos = self._loo_distances()
        neg_vecs = [self._prepare(v) for v in negatives]
        pairs = list(zip(self._vectors, self._labels, strict=True))
        known = [v for v, lab in pairs if lab not in self.background]
        neg_vecs += [v for v, lab in pairs if lab in self.background]
        if not known:
            raise NoExamplesError("calibrate() needs examples of at least one class")
        neg = [min(self._dists(v, known)) for v in neg_vecs]
        if not pos:
            raise LearnError("calibrate() needs a class with 2 or more examples")
        if not neg:
            pos.sort()
            q = pos[min(len(pos) - 1, int(target_recall * len(pos)))]
            self.threshold = max(q * 1.5, self._threshold_floor())
            return self.threshold
        cands = sorted(set(pos + neg))
        best_t, best_score = cands[-1], -1.0
        for a, b in zip(cands, cands[1:] + [cands[-1] * 1.5 + 1e-6], strict=False):
            t = (a + b) / 2
            acc = (sum(d <= t for d in pos) / len(pos) + sum(d > t for d in neg) / len(neg)) / 2
            if acc > best_score:
                best_t, best_score = t, acc
        self.threshold = best_t
        return best_t

    # ------------------------------------------------------------ evaluation
    def _empty_like(self) -> Classifier:
        out = Classifier(self.backbone, self.head, self.k, self.metric, self.threshold,
                         self.encoding, self.unknown_label, self.background, self.dim)
        return out

    def evaluate(self, folds: int = 5, holdout: float | None = None, seed: int = 0,
                 min_examples: int = 5, max_tests: int = 1000) -> Evaluation:
        """Stratified k-fold cross-validation (or one held-out fraction) on the examples.

        At most `max_tests` examples are tested (a stratified sample: with thousands of
        examples k-NN evaluation is quadratic). The classifier itself is not changed. Hints
        name the classes that need examples."""
        if not self._ids:
            raise NoExamplesError("nothing to evaluate: no examples")
        rng = random.Random(seed)
        by_label: dict[str, list[int]] = {}
        for i, lab in enumerate(self._labels):
            by_label.setdefault(lab, []).append(i)
        assign: dict[int, int] = {}
        if holdout is not None:
            if not 0.0 < holdout < 1.0:
                raise ValueError("holdout must be a fraction in (0, 1)")
            method = f"holdout {holdout:g}"
            for idx in by_label.values():
                idx = idx[:]
                rng.shuffle(idx)
                n_test = max(1, round(len(idx) * holdout)) if len(idx) >= 2 else 0
                for j, i in enumerate(idx):
                    assign[i] = 0 if j < n_test else 1
            rounds = [0]
        else:
            if folds < 2:
                raise ValueError("folds must be >= 2")
            method = f"{folds}-fold cross-validation"
            offset = 0
            for idx in by_label.values():
                idx = idx[:]
                rng.shuffle(idx)
                for j, i in enumerate(idx):
                    assign[i] = (j + offset) % folds
                offset += len(idx)
            rounds = list(range(folds))
        tested_ids = set(range(len(self._ids)))
        if len(self._ids) > max_tests:
            tested_ids = set()
            for idx in by_label.values():
                share = max(1, round(len(idx) * max_tests / len(self._ids)))
                tested_ids.update(random.Random(seed + 1).sample(idx, min(share, len(idx))))
            method += f", {len(tested_ids)} of {len(self._ids)} examples tested"
        labels = self.labels
        columns = labels + [self.unknown_label]
        col = {lab: i for i, lab in enumerate(columns)}
        confusion = [[0] * len(columns) for _ in labels]
        for r in rounds:
            train = self._empty_like()
            test = []
            for i in range(len(self._ids)):
                if assign[i] == r:
                    if i in tested_ids:
                        test.append(i)
                else:
                    train._append(self._labels[i], self._vectors[i], None)
            if not test or not len(train):
                continue
            cands = train._candidates_many([self._vectors[i] for i in test])
            for i, c in zip(test, cands, strict=True):
                p = train._predict(self._vectors[i], cands=c)
                pred = self.unknown_label if p.unknown else p.best
                confusion[labels.index(self._labels[i])][col.get(pred, len(labels))] += 1
        per_class = {}
        hints = []
        correct_total = tested = 0
        for li, lab in enumerate(labels):
            row = confusion[li]
            total = sum(row)
            correct = row[li]
            tested += total
            correct_total += correct
            per_class[lab] = {"correct": correct, "total": total,
                              "accuracy": round(correct / total, 6) if total else None,
                              "examples": self._counts[lab]}
            if self._counts[lab] < min_examples:
                hints.append(f"add more examples of {lab!r} (it has {self._counts[lab]}; "
                             f"{min_examples} or more make the evaluation meaningful)")
            elif total and correct / total < 0.8:
                wrong = [(n, columns[j]) for j, n in enumerate(row) if j != li and n]
                worst = max(wrong)[1] if wrong else None
                why = f", most often taken for {worst!r}" if worst else ""
                hints.append(f"add more examples of {lab!r}: {correct}/{total} right{why}")
        if len(labels) < 2:
            hints.append("teach at least two classes")
        return Evaluation(accuracy=correct_total / tested if tested else 0.0,
                          per_class=per_class, confusion=confusion, labels=labels,
                          hints=hints, tested=tested, method=method, columns=columns)

    # ------------------------------------------------------------ file format
    def to_json(self, thumbnails: bool = True) -> dict:
        from frontml.learn import fileformat

        return fileformat.encode(self, thumbnails=thumbnails)

    def to_bytes(self, thumbnails: bool = True) -> bytes:
        from frontml.learn import fileformat

        return fileformat.dumps(self, thumbnails=thumbnails)

    @classmethod
    def from_bytes(cls, data: bytes | str | dict, backbone: Backbone | None = None) -> Classifier:
        """A classifier from a file's contents (LearnFileError if unreadable;
        BackboneMismatchError if `backbone` is given and differs from the file's)."""
        from frontml.learn import fileformat

        return fileformat.loads(data, backbone=backbone)

    def load_bytes(self, data: bytes | str | dict, merge: bool = False) -> int:
        """Import a file's examples into this classifier (replacing, or with merge=True adding
        to, the current ones). Everything is checked first: on error nothing changes.
        Returns the number of examples imported."""
        from frontml.learn import fileformat

        other = fileformat.loads(data, backbone=self.backbone)
        if other.dim and self.dim and other.dim != self.dim:
            raise DimensionError(f"the file has {other.dim}-d vectors, this classifier "
                                 f"{self.dim}-d")
        if not merge:
            self.clear()
        for ex in other.examples():
            vec = ex.vector if other.encoding == self.encoding else self._prepare(ex.vector)
            self._append(ex.label, vec, ex.thumbnail)
        if not self.dim:
            self.dim = other.dim
        return len(other)

    def save(self, path: str | Path, thumbnails: bool = True) -> None:
        Path(path).write_bytes(self.to_bytes(thumbnails=thumbnails))

    @classmethod
    def load(cls, path: str | Path, backbone: Backbone | None = None) -> Classifier:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            from frontml.learn.errors import LearnFileError

            raise LearnFileError(f"cannot read {path}: {exc.strerror}") from None
        return cls.from_bytes(data, backbone=backbone)
