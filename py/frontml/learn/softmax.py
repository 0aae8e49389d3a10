"""Multinomial logistic regression in pure Python (full-batch Adam, L2), used by the
"logistic" head and by frontml.data's tabular training. Deterministic: the same data gives the
same weights in CPython and Pyodide (IEEE doubles, same operation order)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from frontml.learn.vectors import dot

# progress(epoch, epochs, loss, accuracy) -> False to stop early
Progress = Callable[[int, int, float, float], object]


def softmax(logits: Sequence[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


class SoftmaxRegression:
    """weights[c] (n_features floats) and bias[c] for each class c."""

    def __init__(self, n_features: int, n_classes: int, l2: float = 1e-4) -> None:
        if n_classes < 1 or n_features < 1:
            raise ValueError("need at least one class and one feature")
        self.n_features = n_features
        self.n_classes = n_classes
        self.l2 = l2
        self.weights = [[0.0] * n_features for _ in range(n_classes)]
        self.bias = [0.0] * n_classes
        self.history: list[tuple[float, float]] = []  # (loss, accuracy) per epoch

    def logits(self, x: Sequence[float]) -> list[float]:
        return [dot(w, x) + b for w, b in zip(self.weights, self.bias, strict=True)]

    def predict_proba(self, x: Sequence[float]) -> list[float]:
        return softmax(self.logits(x))

    def predict(self, x: Sequence[float]) -> int:
        lg = self.logits(x)
        return max(range(len(lg)), key=lg.__getitem__)

    def fit(self, xs: Sequence[Sequence[float]], ys: Sequence[int], epochs: int = 100,
            lr: float = 0.05, progress: Progress | None = None, tol: float = 1e-5) -> float:
        """Full-batch Adam from the current weights (warm start); returns the final loss."""
        n, d, k = len(xs), self.n_features, self.n_classes
        if n == 0:
            raise ValueError("no training rows")
        b1, b2, eps = 0.9, 0.999, 1e-8
        mw = [[0.0] * d for _ in range(k)]
        vw = [[0.0] * d for _ in range(k)]
        mb, vb = [0.0] * k, [0.0] * k
        prev = math.inf
        loss = math.inf
        cols = list(zip(*xs, strict=True))  # feature columns: gradients are column dots
        onehot = [[1.0 if y == c else 0.0 for y in ys] for c in range(k)]
        for epoch in range(1, epochs + 1):
            probs = [self.predict_proba(x) for x in xs]
            loss = -sum(math.log(max(p[y], 1e-300)) for p, y in zip(probs, ys, strict=True))
            correct = sum(1 for p, y in zip(probs, ys, strict=True)
                          if max(range(k), key=p.__getitem__) == y)
            gw, gb = [], []
            for c in range(k):
                resid = [p[c] - t for p, t in zip(probs, onehot[c], strict=True)]
                gw.append([dot(col, resid) for col in cols])
                gb.append(sum(resid))
            inv = 1.0 / n
            loss = loss * inv + 0.5 * self.l2 * sum(dot(w, w) for w in self.weights)
            self.history.append((loss, correct * inv))
            c1 = 1.0 / (1.0 - b1 ** epoch)
            c2 = 1.0 / (1.0 - b2 ** epoch)
            for c in range(k):
                w, m, v = self.weights[c], mw[c], vw[c]
                g = [gi * inv + self.l2 * wi for gi, wi in zip(gw[c], w, strict=False)]
                m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=False)]
                v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g, strict=False)]
                self.weights[c] = [wi - lr * (mi * c1) / (math.sqrt(vi * c2) + eps)
                                   for wi, mi, vi in zip(w, m, v, strict=False)]
                mw[c], vw[c] = m, v
                gbc = gb[c] * inv
                mb[c] = b1 * mb[c] + (1 - b1) * gbc
                vb[c] = b2 * vb[c] + (1 - b2) * gbc * gbc
                self.bias[c] -= lr * (mb[c] * c1) / (math.sqrt(vb[c] * c2) + eps)
            if progress is not None and progress(epoch, epochs, loss, correct * inv) is False:
                break
            if abs(prev - loss) < tol:
                break
            prev = loss
        return loss

    def to_json(self) -> dict:
        return {"weights": self.weights, "bias": self.bias, "l2": self.l2}

    @classmethod
    def from_json(cls, obj: dict) -> SoftmaxRegression:
        w = [[float(v) for v in row] for row in obj["weights"]]
        out = cls(len(w[0]), len(w), float(obj.get("l2", 1e-4)))
        out.weights = w
        out.bias = [float(v) for v in obj["bias"]]
        return out
