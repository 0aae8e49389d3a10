"""Tabular training in pure Python: logistic (softmax) regression for a class column, linear
(ridge) regression for a number column, with a held-out evaluation.

```python
table = read_csv("iris.csv")
model = train(table, label="species", test_split=0.3, progress=print)
model.metrics                         # {"task", "train": {...}, "test": {"accuracy", ...}}
model.predict({"sepal_length": 5.1, ...})   # {"label", "probabilities"} or {"value"}
```

Features: numbers standardised (missing -> the training mean), booleans 0/1, text columns
one-hot over their 20 most frequent values (others and missing -> all zeros).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from frontml.data.tables import Table
from frontml.errors import InputError
from frontml.learn.softmax import SoftmaxRegression

MAX_CATEGORIES = 20
MAX_CLASSES = 50
Progress = Callable[[int, int, float, float], object]


@dataclass
class Encoder:
    """Row dict -> feature vector (fitted on the training rows)."""

    columns: list[tuple[str, str]]                    # (name, type)
    means: dict[str, float] = field(default_factory=dict)
    stds: dict[str, float] = field(default_factory=dict)
    categories: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def fit(cls, rows: Sequence[dict], columns: list[tuple[str, str]]) -> Encoder:
        enc = cls(columns)
        for name, kind in columns:
            values = [r.get(name) for r in rows]
            if kind in ("int", "float", "bool"):
                nums = [float(v) for v in values if v is not None]
                mean = sum(nums) / len(nums) if nums else 0.0
                var = sum((v - mean) ** 2 for v in nums) / len(nums) if nums else 0.0
                enc.means[name] = mean
                enc.stds[name] = math.sqrt(var) or 1.0
            else:
                freq: dict[str, int] = {}
                for v in values:
                    if v is not None:
                        freq[str(v)] = freq.get(str(v), 0) + 1
                top = sorted(freq, key=lambda k: (-freq[k], k))[:MAX_CATEGORIES]
                enc.categories[name] = top
        return enc

    @property
    def names(self) -> list[str]:
        out = []
        for name, _ in self.columns:
            if name in self.categories:
                out += [f"{name}={c}" for c in self.categories[name]]
            else:
                out.append(name)
        return out

    def encode(self, row: dict) -> list[float]:
        out: list[float] = []
        for name, _ in self.columns:
            v = row.get(name)
            if name in self.categories:
                cats = self.categories[name]
                out += [1.0 if v is not None and str(v) == c else 0.0 for c in cats]
                continue
            if v is None or isinstance(v, str):
                try:
                    v = float(v) if v is not None else None
                except ValueError:
                    v = None
            x = self.means[name] if v is None else float(v)
            out.append((x - self.means[name]) / self.stds[name])
        return out

    def to_json(self) -> dict:
        return {"columns": self.columns, "means": self.means, "stds": self.stds,
                "categories": self.categories}


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a is square and well conditioned)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        p = m[col][col]
        if abs(p) < 1e-300:
            continue
        for r in range(n):
            if r != col and m[r][col]:
                f = m[r][col] / p
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-300 else 0.0 for i in range(n)]


class LinearRegression:
    """Ridge regression by the normal equations (bias unpenalised)."""

    def __init__(self, l2: float = 1e-6) -> None:
        self.l2 = l2
        self.weights: list[float] = []
        self.bias = 0.0

    def fit(self, xs: Sequence[Sequence[float]], ys: Sequence[float]) -> None:
        d = len(xs[0]) + 1
        a = [[0.0] * d for _ in range(d)]
        b = [0.0] * d
        for x, y in zip(xs, ys, strict=True):
            z = list(x) + [1.0]
            for i in range(d):
                zi = z[i]
                if zi:
                    row = a[i]
                    a[i] = [r + zi * zj for r, zj in zip(row, z, strict=True)]
                    b[i] += zi * y
        for i in range(d - 1):
            a[i][i] += self.l2 * len(xs)
        sol = _solve(a, b)
        self.weights, self.bias = sol[:-1], sol[-1]

    def predict(self, x: Sequence[float]) -> float:
        return sum(w * v for w, v in zip(self.weights, x, strict=True)) + self.bias


def classification_metrics(truth: Sequence[str], pred: Sequence[str],
                           labels: Sequence[str]) -> dict:
    index = {lab: i for i, lab in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, pred, strict=True):
        if t in index and p in index:
            confusion[index[t]][index[p]] += 1
    n = len(truth)
    correct = sum(t == p for t, p in zip(truth, pred, strict=True))
    per_class = {}
    for lab, i in index.items():
        total = sum(confusion[i])
        per_class[lab] = round(confusion[i][i] / total, 6) if total else None
    return {"accuracy": round(correct / n, 6) if n else None, "rows": n,
            "per_class": per_class, "confusion": confusion, "labels": list(labels)}


def regression_metrics(truth: Sequence[float], pred: Sequence[float]) -> dict:
    n = len(truth)
    if not n:
        return {"rows": 0}
    err = [p - t for t, p in zip(truth, pred, strict=True)]
    mean = sum(truth) / n
    ss_tot = sum((t - mean) ** 2 for t in truth)
    ss_res = sum(e * e for e in err)
    return {"rows": n, "rmse": round(math.sqrt(ss_res / n), 6),
            "mae": round(sum(map(abs, err)) / n, 6),
            "r2": round(1.0 - ss_res / ss_tot, 6) if ss_tot else None}


def infer_task(table: Table, label: str) -> str:
    kind = table.type_of(label)
    if kind in ("str", "bool"):
        return "classification"
    values = {v for v in table.column(label) if v is not None}
    if kind == "int" and len(values) <= min(MAX_CLASSES, max(2, len(table) // 5)):
        return "classification"
    return "regression"


@dataclass
class TabularModel:
    task: str
    label: str
    encoder: Encoder
    classes: list[str]
    model: SoftmaxRegression | LinearRegression
    metrics: dict = field(default_factory=dict)
    history: list[tuple[float, float]] = field(default_factory=list)

    @property
    def features(self) -> list[str]:
        return [name for name, _ in self.encoder.columns]

    def predict(self, row: dict) -> dict:
        x = self.encoder.encode(row)
        if isinstance(self.model, LinearRegression):
            return {"value": self.model.predict(x)}
        probs = self.model.predict_proba(x)
        best = max(range(len(probs)), key=probs.__getitem__)
        return {"label": self.classes[best],
                "probabilities": {c: round(p, 6) for c, p in zip(self.classes, probs,
                                                                  strict=True)}}

    def evaluate(self, rows: Sequence[dict]) -> dict:
        rows = [r for r in rows if r.get(self.label) is not None]
        if self.task == "classification":
            truth = [str(r[self.label]) for r in rows]
            pred = [self.predict(r)["label"] for r in rows]
            return classification_metrics(truth, pred, self.classes)
        truth_f = [float(r[self.label]) for r in rows]
        return regression_metrics(truth_f, [self.predict(r)["value"] for r in rows])


def split_rows(rows: Sequence[dict], test_split: float, seed: int = 0
               ) -> tuple[list[dict], list[dict]]:
    if not 0.0 < test_split < 1.0:
        raise InputError(f"test split must be a fraction between 0 and 1, got {test_split}")
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    n_test = max(1, round(len(rows) * test_split))
    test = [rows[i] for i in sorted(order[:n_test])]
    train = [rows[i] for i in sorted(order[n_test:])]
    return train, test


def train(table: Table, label: str, task: str = "auto", features: Sequence[str] | None = None,
          test: Table | Sequence[dict] | None = None, test_split: float | None = 0.3,
          seed: int = 0, epochs: int = 200, lr: float = 0.1, l2: float = 1e-4,
          progress: Progress | None = None) -> TabularModel:
    """Fit on `table` (minus a held-out `test_split`, unless `test` rows are given) and
    evaluate on the held-out rows. Rows without a label are skipped for training."""
    if label not in table.names:
        raise InputError(f"no label column {label!r} (columns: {', '.join(table.names)})")
    task = infer_task(table, label) if task == "auto" else task
    if task not in ("classification", "regression"):
        raise InputError(f"task must be classification or regression, got {task!r}")
    feats = list(features) if features is not None else [n for n in table.names if n != label]
    cols = [(n, table.type_of(n)) for n in feats if table.type_of(n) != "empty"]
    if not cols:
        raise InputError("no feature columns to learn from")
    rows = [r for r in table.rows if r.get(label) is not None]
    if task == "regression" and table.type_of(label) not in ("int", "float"):
        raise InputError(f"regression needs a numeric label; {label!r} is {table.type_of(label)}")
    if test is not None:
        train_rows = rows
        test_rows = list(test.rows if isinstance(test, Table) else test)
    elif test_split:
        train_rows, test_rows = split_rows(rows, test_split, seed)
    else:
        train_rows, test_rows = rows, []
    if len(train_rows) < 2:
        raise InputError("need at least 2 labelled training rows")
    enc = Encoder.fit(train_rows, cols)
    xs = [enc.encode(r) for r in train_rows]
    if task == "classification":
        classes = sorted({str(r[label]) for r in train_rows})
        if len(classes) > MAX_CLASSES:
            raise InputError(f"{label!r} has {len(classes)} distinct values: too many classes "
                             f"(max {MAX_CLASSES}); use regression?")
        index = {c: i for i, c in enumerate(classes)}
        model: SoftmaxRegression | LinearRegression = SoftmaxRegression(len(xs[0]), len(classes),
                                                                        l2=l2)
        model.fit(xs, [index[str(r[label])] for r in train_rows], epochs=epochs, lr=lr,
                  progress=progress)
        history = list(model.history)
    else:
        classes = []
        model = LinearRegression()
        model.fit(xs, [float(r[label]) for r in train_rows])
        history = []
        if progress is not None:
            progress(1, 1, 0.0, 0.0)
    out = TabularModel(task, label, enc, classes, model, history=history)
    out.metrics = {"task": task, "train": out.evaluate(train_rows)}
    if test_rows:
        out.metrics["test"] = out.evaluate(test_rows)
    return out
