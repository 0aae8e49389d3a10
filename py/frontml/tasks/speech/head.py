"""The speech-commands head: a small MLP stored as plain JSON (models/speech_build.py writes it),
scored in pure Python over the mean+max(+std) pool of the last 16 embeddings."""

from __future__ import annotations

import math
from array import array
from operator import mul

from frontml.errors import ModelError

FORMAT = "frontml.speech_head/1"


def pool(window: list[array], std: bool = False) -> list[float]:
    """[T][96] -> 192: mean over time, then max over time (the build's `pool`); with `std`,
    then the standard deviation over time (288)."""
    n = len(window)
    dims = len(window[0])
    mean = [0.0] * dims
    sq = [0.0] * dims
    mx = list(window[0])
    for e in window:
        for i, v in enumerate(e):
            mean[i] += v
            sq[i] += v * v
            if v > mx[i]:
                mx[i] = v
    mean = [m / n for m in mean]
    if not std:
        return mean + mx
    return mean + mx + [math.sqrt(max(0.0, s / n - m * m)) for s, m in zip(sq, mean, strict=True)]


class CommandsHead:
    """Class probabilities from the pooled window; the standardisation is folded into layer 1."""

    def __init__(self, doc: dict) -> None:
        if doc.get("format") != FORMAT:
            raise ModelError(f"speech head: format {doc.get('format')!r}, expected {FORMAT!r}")
        self.doc = doc
        self.classes: list[str] = list(doc["classes"])
        self.words: list[str] = list(doc["words"])
        self.window: int = int(doc["window"])
        self.threshold: float = float(doc.get("threshold", 0.5))
        self.std: bool = doc.get("pooling", "mean+max") == "mean+max+std"
        mean, std = doc["mean"], doc["std"]
        (l1, l2) = doc["layers"]
        self.w1 = [array("d", [w / s for w, s in zip(row, std, strict=True)]) for row in l1["w"]]
        self.b1 = [b - sum(w * m / s for w, m, s in zip(row, mean, std, strict=True))
                   for row, b in zip(l1["w"], l1["b"], strict=True)]
        self.w2 = [array("d", row) for row in l2["w"]]
        self.b2 = list(l2["b"])

    def probs(self, x: list[float]) -> list[float]:
        h = [max(0.0, sum(map(mul, row, x)) + b) for row, b in zip(self.w1, self.b1, strict=True)]
        z = [sum(map(mul, row, h)) + b for row, b in zip(self.w2, self.b2, strict=True)]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        s = sum(e)
        return [v / s for v in e]

    def score_window(self, window: list[array]) -> dict[str, float]:
        return dict(zip(self.classes, self.probs(pool(window, self.std)), strict=True))
