"""Personal words and sounds, taught from 3-8 takes, on `frontml.learn`.

A take becomes one vector: the 4 consecutive embeddings (1.02 s) around its loudest part,
flattened (384-d) and projected on the PCA basis that ships in the speech head (48-d). The
classifier is `frontml.learn.Classifier` (prototype head, cosine): same file format and
evaluation as every teachable feature. Training is closed form (class means) plus one pass over
the shipped negative windows per class to set that class's threshold at the 99.9th percentile
of negative similarity; leave-one-out over the takes flags a take that its own class would not
accept. Takes' audio rides in the file as 16-bit PCM "thumbnails" so they can be replayed.
"""

from __future__ import annotations

import base64
import math
import sys
import time
from array import array
from operator import mul

from frontml.learn import Backbone, Classifier
from frontml.learn.errors import LearnError
from frontml.learn.vectors import normalize

AUDIO_TYPE = "audio/L16;rate=16000"
NEG_QUANTILE = 0.999   # share of shipped negative windows a class must reject
MIN_TAKES, MAX_TAKES = 3, 8


def _floats(b64: str) -> array:
    a = array("f")
    a.frombytes(base64.b64decode(b64))
    if sys.byteorder == "big":
        a.byteswap()
    return a


class PersonalBank:
    """The shipped projection (mean, basis) and negative windows, from the head's JSON."""

    def __init__(self, doc: dict) -> None:
        self.window = int(doc["window"])
        self.dims = int(doc["dims"])
        self.mean = _floats(doc["mean"])
        basis = _floats(doc["basis"])
        n_in = len(self.mean)
        self.basis = [basis[i * n_in: (i + 1) * n_in] for i in range(self.dims)]
        cal = _floats(doc["cal"])
        self.negatives = [normalize(cal[i * self.dims: (i + 1) * self.dims])
                          for i in range(len(cal) // self.dims)]

    def project(self, window: list[array]) -> list[float]:
        flat = [v - m for v, m in zip((v for e in window for v in e), self.mean, strict=True)]
        return [sum(map(mul, row, flat)) for row in self.basis]


class PersonalWords:
    """Taught words: add takes, train (per-class thresholds + bad-take check), score vectors."""

    def __init__(self, bank: PersonalBank, head_sha256: str = "") -> None:
        self.bank = bank
        self.backbone = Backbone("speech_commands", sha256=head_sha256, dim=bank.dims,
                                 output=f"personal pca{bank.dims} of {bank.window} embeddings",
                                 metric="cosine")
        self.clf = Classifier(self.backbone, head="prototype", metric="cosine", threshold=None,
                              encoding="float32")
        self.clf.meta = {"thresholds": {}, "actions": {}, "thumbnail_type": AUDIO_TYPE}
        self.trained_revision = -1
        self.report: dict = {}

    # ------------------------------------------------------------ examples
    @property
    def labels(self) -> list[str]:
        return self.clf.labels

    def add_take(self, label: str, vector: list[float], audio: bytes | None = None) -> int:
        label = label.strip()
        if not label:
            raise LearnError("a personal word needs a name")
        if self.clf.counts().get(label, 0) >= MAX_TAKES:
            raise LearnError(f"{label!r} already has {MAX_TAKES} takes: delete one first")
        return self.clf.add(label, vector, thumbnail=audio)

    def remove_take(self, take_id: int) -> bool:
        return self.clf.remove(take_id)

    def set_action(self, label: str, action: str) -> None:
        self.clf.meta["actions"][label] = action

    def action(self, label: str) -> str:
        return self.clf.meta["actions"].get(label, "card")

    # ------------------------------------------------------------ training
    def train(self) -> dict:
        """Per-class thresholds from the shipped negatives, leave-one-out flags. Closed form."""
        t0 = time.perf_counter()
        counts = self.clf.counts()
        short = [f"{lab} ({n})" for lab, n in counts.items() if n < MIN_TAKES]
        if short:
            raise LearnError(f"record at least {MIN_TAKES} takes of: {', '.join(short)}")
        protos = self.clf.prototypes()
        thresholds: dict[str, float] = {}
        false_accepts: dict[str, float] = {}
        for lab, p in protos.items():
            sims = sorted(sum(map(mul, p, n)) for n in self.bank.negatives)
            k = min(len(sims) - 1, int(NEG_QUANTILE * len(sims)))
            thresholds[lab] = sims[k]  # accept similarity above this
            false_accepts[lab] = sum(s > sims[k] for s in sims) / len(sims)
        flagged = []
        loo: dict[int, float] = {}
        for ex in self.clf.examples():
            others = [e.vector for e in self.clf.examples(ex.label) if e.id != ex.id]
            mean = normalize([sum(c) / len(others) for c in zip(*others, strict=True)])
            sim = sum(map(mul, mean, ex.vector))
            loo[ex.id] = sim
            if sim <= thresholds[ex.label]:
                flagged.append(ex.id)
        self.clf.meta["thresholds"] = {k: round(v, 6) for k, v in thresholds.items()}
        self.trained_revision = self.clf.revision
        ms = (time.perf_counter() - t0) * 1000.0
        self.report = {"train_ms": ms, "thresholds": thresholds, "flagged": flagged,
                       "loo_similarity": loo, "negatives": len(self.bank.negatives),
                       "negative_false_accepts": false_accepts}
        return self.report

    @property
    def trained(self) -> bool:
        return bool(self.clf.labels) and self.trained_revision == self.clf.revision

    def thresholds(self) -> dict[str, float]:
        return dict(self.clf.meta.get("thresholds", {}))

    # ------------------------------------------------------------ scoring
    def scores(self, vector: list[float]) -> dict[str, float]:
        """Cosine similarity to each class prototype."""
        v = normalize(vector)
        return {lab: sum(map(mul, p, v)) for lab, p in self.clf.prototypes().items()}

    def best(self, vector: list[float]) -> tuple[str | None, float, dict[str, float]]:
        """(label or None when every class rejects it, its similarity, all similarities)."""
        if not self.trained:
            return None, 0.0, {}
        sims = self.scores(vector)
        th = self.thresholds()
        ok = [(s - th[lab], lab) for lab, s in sims.items() if lab in th and s > th[lab]]
        if not ok:
            return None, 0.0, sims
        _, lab = max(ok)
        return lab, sims[lab], sims

    # ------------------------------------------------------------ file
    def to_bytes(self) -> bytes:
        return self.clf.to_bytes()

    def load_bytes(self, data: bytes | str | dict, merge: bool = False) -> int:
        """Import a frontml.learn file (BackboneMismatchError for another feature recipe)."""
        n = self.clf.load_bytes(data, merge=merge)
        other = Classifier.from_bytes(data, backbone=self.backbone)
        meta = dict(other.meta)
        meta.setdefault("thumbnail_type", AUDIO_TYPE)
        if merge:
            for key in ("thresholds", "actions"):
                meta[key] = {**self.clf.meta.get(key, {}), **meta.get(key, {})}
        self.clf.meta = {"thresholds": {}, "actions": {}, **meta}
        self.train()  # thresholds are recomputed for this bank; takes are what matter
        return n


def cosine(a, b) -> float:
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(x * x for x in b)) or 1.0
    return sum(map(mul, a, b)) / (na * nb)
