"""Offensive-language score: alt-profanity-check's TF-IDF + 5 calibrated LinearSVC folds,
exported to plain data by models/text_build.py and scored here in pure Python.

scikit-learn's pipeline (what this reproduces to ~1e-16):
  TfidfVectorizer(lowercase, token_pattern r"(?u)\\b\\w\\w+\\b", unigrams, smooth idf, L2 norm)
  -> CalibratedClassifierCV: mean over folds k of sigmoid calibrators 1 / (1 + exp(a_k d_k + b_k))
     where d_k = w_k . x + c_k is fold k's LinearSVC decision value.
It is a binary offensive-language score, not the 7 toxicity labels of the TF.js model.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

TOKEN = re.compile(r"(?u)\b\w\w+\b")
MIN_PUSH = 0.5


@dataclass
class OffensiveResult:
    score: float                      # probability of offensive language, 0..1
    offensive: bool                   # score >= threshold
    words: list[dict] = field(default_factory=list)  # [{"word", "weight"}], most offensive first

    def to_json(self) -> dict:
        return {"score": self.score, "offensive": self.offensive, "words": self.words}


class OffensiveScorer:
    """Scores a text in microseconds (a dict lookup per word and a few dot products)."""

    def __init__(self, data: dict, threshold: float = 0.5) -> None:
        self.threshold = threshold
        terms = data["terms"]
        self.index = {t: i for i, t in enumerate(terms)}
        self.idf = data["idf"]
        self.folds = data["folds"]  # [{"coef": [...], "intercept", "a", "b"}]

    def _features(self, text: str) -> dict[int, float]:
        counts: dict[int, int] = {}
        index = self.index
        for tok in TOKEN.findall(text.lower()):
            i = index.get(tok)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        # sklearn sorts the CSR columns by term index before normalising: keep that order.
        tfidf = {i: counts[i] * self.idf[i] for i in sorted(counts)}
        norm = math.sqrt(sum(v * v for v in tfidf.values()))
        if norm > 0.0:
            tfidf = {i: v / norm for i, v in tfidf.items()}
        return tfidf

    def score(self, text: str, top: int = 5) -> OffensiveResult:
        x = self._features(text)
        total = 0.0
        for fold in self.folds:
            coef = fold["coef"]
            d = sum(v * coef[i] for i, v in x.items()) + fold["intercept"]
            total += _sigmoid_calibrated(d, fold["a"], fold["b"])
        p = total / len(self.folds)
        return OffensiveResult(p, p >= self.threshold, self._drivers(x, top))

    def _drivers(self, x: dict[int, float], top: int) -> list[dict]:
        """Words whose push (mean fold weight x tf-idf, in SVM margin units) towards offensive
        is at least MIN_PUSH: everyday words with a faint positive weight are not listed."""
        n = len(self.folds)
        terms = self._terms()
        pushes = []
        for i, v in x.items():
            w = sum(f["coef"][i] for f in self.folds) / n * v
            if w >= MIN_PUSH:
                pushes.append((w, terms[i]))
        pushes.sort(key=lambda p: (-p[0], p[1]))
        return [{"word": t, "weight": round(w, 4)} for w, t in pushes[:top]]

    def _terms(self) -> list[str]:
        if not hasattr(self, "_term_list"):
            self._term_list = [""] * len(self.index)
            for t, i in self.index.items():
                self._term_list[i] = t
        return self._term_list


def _sigmoid_calibrated(d: float, a: float, b: float) -> float:
    # sklearn's _SigmoidCalibration.predict: expit(-(a * d + b))
    z = a * d + b
    if z > 700.0:  # exp overflows; the probability is 0 to double precision
        return 0.0
    return 1.0 / (1.0 + math.exp(z))
