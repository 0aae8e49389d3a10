"""Temporal smoothing of class scores with hysteresis and an explicit "unsure" (video mode).

Not a MediaPipe port: MediaPipe's ImageClassifier has no temporal filter. An exponential
moving average over every class score, then a decision that only changes when a challenger
beats the current label by a margin, and that says "unsure" below a threshold band.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

UNSURE = "unsure"


@dataclass
class Decision:
    """The smoothed verdict of one frame: `label` is a class name or "unsure"."""

    index: int
    label: str
    score: float
    frames: int  # frames since the decision last changed

    def to_json(self) -> dict:
        return {"index": self.index, "label": self.label, "score": self.score,
                "frames": self.frames}


class ScoreSmoother:
    def __init__(self, smoothing: float, unsure_below: float, hysteresis: float) -> None:
        self.alpha = smoothing
        self.enter = unsure_below + hysteresis / 2.0
        self.leave = unsure_below - hysteresis / 2.0
        self.margin = hysteresis
        self.scores: array | None = None
        self.current = -1
        self.frames = 0

    def reset(self) -> None:
        self.scores = None
        self.current = -1
        self.frames = 0

    def update(self, probs) -> array:
        """New smoothed scores from this frame's probabilities (any float sequence)."""
        if self.scores is None or len(self.scores) != len(probs) or self.alpha == 0.0:
            self.scores = array("f", probs)
        else:
            a, b = self.alpha, 1.0 - self.alpha
            self.scores = array("f", map(lambda s, p: a * s + b * p, self.scores, probs))
        return self.scores

    def decide(self, labels: list[str], allowed: list[int] | None = None) -> Decision:
        """The decision over the smoothed scores (restricted to `allowed` class indices)."""
        s = self.scores
        if s is None:
            return Decision(-1, UNSURE, 0.0, 0)
        pool = range(len(s)) if allowed is None else allowed
        best = max(pool, key=s.__getitem__, default=-1)
        previous = self.current
        if best < 0:
            self.current = -1
        elif self.current < 0:
            if s[best] >= self.enter:
                self.current = best
        elif s[self.current] < self.leave:
            self.current = best if s[best] >= self.enter else -1
        elif best != self.current and s[best] >= s[self.current] + self.margin:
            self.current = best
        self.frames = self.frames + 1 if self.current == previous else 1
        if self.current < 0:
            return Decision(-1, UNSURE, s[best] if best >= 0 else 0.0, self.frames)
        return Decision(self.current, labels[self.current], s[self.current], self.frames)
