"""Teachable signs: k-nearest-neighbour on normalised hand landmarks, and word spelling.

```python
signs = SignClassifier()
signs.add_example("A", hand)           # a few examples per label, from live frames
label, score = signs.predict(hand)     # NoExamplesError (with a hint) until taught
text = signs.to_json()                 # persist / share; SignClassifier.from_json(text)
speller = SignSpeller(hold_frames=8)
speller.push(label)                    # a label held for 8 frames is typed once
speller.text
```

Features (63 floats): the 21 landmarks (world landmarks when present, else image ones)
translated to the wrist, scaled by palm size (wrist to middle-finger MCP), rotated in the image
plane so that wrist -> middle MCP points up, and mirrored (x -> -x) for left hands, so one
example serves both hands at any in-plane angle and size.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from frontml.calculators.types import Landmark
from frontml.errors import FrontmlError
from frontml.tasks.hands.types import Hand

FORMAT = "frontml.signs"
VERSION = 1
NUM_FEATURES = 63
NO_SIGN = "none"


class NoExamplesError(FrontmlError):
    """predict() before any example was taught."""

    def __init__(self) -> None:
        super().__init__(
            "no signs taught yet: record a few examples of each sign first "
            "(SignClassifier.add_example(label, hand); in the page: show the sign and press "
            "its 'record' button), or import examples from JSON"
        )


class SignDataError(FrontmlError):
    """Examples JSON that cannot be imported (the classifier keeps its examples)."""


def hand_features(hand: Hand | Sequence[Landmark], handedness: str | None = None) -> list[float]:
    """The normalised 63-float feature vector of a hand (see the module docstring)."""
    if isinstance(hand, Hand):
        points = hand.world_landmarks if len(hand.world_landmarks) == 21 else hand.landmarks
        handedness = hand.handedness if handedness is None else handedness
    else:
        points = hand
    if len(points) != 21:
        raise ValueError(f"expected 21 hand landmarks, got {len(points)}")
    wx, wy, wz = points[0].x, points[0].y, points[0].z
    mx, my = points[9].x - wx, points[9].y - wy
    palm = math.sqrt(mx * mx + my * my + (points[9].z - wz) ** 2)
    if not palm > 1e-9:
        raise ValueError("degenerate hand: wrist and middle-finger MCP coincide")
    # rotate so that wrist -> middle MCP becomes (0, -1) (image up)
    angle = math.atan2(mx, -my)
    c, s = math.cos(angle), math.sin(angle)
    mirror = -1.0 if handedness == "Left" else 1.0
    out: list[float] = []
    for p in points:
        x, y, z = (p.x - wx) / palm, (p.y - wy) / palm, (p.z - wz) / palm
        rx = c * x + s * y
        ry = c * y - s * x
        out.extend((mirror * rx, ry, z))
    return out


def _distance(a: Sequence[float], b: Sequence[float]) -> float:
    """RMS per-landmark 3D distance, in palm sizes."""
    total = 0.0
    for u, v in zip(a, b, strict=True):
        d = u - v
        total += d * d
    return math.sqrt(total / (len(a) // 3))


class SignClassifier:
    """k-NN over taught examples. Learning is instant: add_example stores a feature vector.

    k: neighbours voting (distance-weighted). max_distance: if the nearest example is farther
    than this (RMS landmark distance in palm sizes), predict() answers (NO_SIGN, score).
    """

    def __init__(self, k: int = 3, max_distance: float = 0.45) -> None:
        if k < 1:
            raise ValueError("k must be >= 1")
        self.k = k
        self.max_distance = max_distance
        self.examples: list[tuple[str, list[float]]] = []

    # ------------------------------------------------------------ examples
    def add_example(self, label: str, hand: Hand | Sequence[Landmark]) -> int:
        """Store one example of `label`; returns how many examples `label` has now."""
        label = str(label).strip()
        if not label:
            raise ValueError("a sign needs a non-empty label")
        self.examples.append((label, hand_features(hand)))
        return self.counts()[label]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for label, _ in self.examples:
            out[label] = out.get(label, 0) + 1
        return out

    @property
    def labels(self) -> list[str]:
        return list(self.counts())

    def remove_label(self, label: str) -> None:
        self.examples = [e for e in self.examples if e[0] != label]

    def clear(self) -> None:
        self.examples = []

    # ------------------------------------------------------------ recognising
    def predict(self, hand: Hand | Sequence[Landmark]) -> tuple[str, float]:
        """(label, score in [0, 1]); (NO_SIGN, score) when nothing taught is close enough.

        Raises NoExamplesError (a hint on how to teach) when there are no examples.
        """
        if not self.examples:
            raise NoExamplesError()
        features = hand_features(hand)
        dists = sorted((_distance(features, f), label) for label, f in self.examples)
        nearest = dists[0][0]
        votes: dict[str, float] = {}
        for d, label in dists[:self.k]:
            votes[label] = votes.get(label, 0.0) + 1.0 / (d + 1e-3)
        label = max(votes, key=lambda k: votes[k])
        share = votes[label] / sum(votes.values())
        closeness = max(0.0, 1.0 - nearest / self.max_distance) if self.max_distance else 1.0
        score = share * (0.5 + 0.5 * closeness)
        if self.max_distance and nearest > self.max_distance:
            return NO_SIGN, 1.0 - min(1.0, self.max_distance / nearest) * 0.5
        return label, score

    # ------------------------------------------------------------ persistence
    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT,
            "version": VERSION,
            "k": self.k,
            "max_distance": self.max_distance,
            "examples": [{"label": label, "features": [round(v, 5) for v in f]}
                         for label, f in self.examples],
        })

    @staticmethod
    def _parse(data: str | bytes | dict) -> dict:
        if isinstance(data, dict):
            obj = data
        else:
            try:
                obj = json.loads(data)
            except (ValueError, TypeError) as exc:
                raise SignDataError(f"signs JSON is not valid JSON: {exc}") from None
        if not isinstance(obj, dict) or obj.get("format") != FORMAT:
            raise SignDataError(f"not a frontml signs file (expected \"format\": \"{FORMAT}\")")
        if obj.get("version") != VERSION:
            raise SignDataError(f"unsupported signs file version {obj.get('version')!r} "
                                f"(this frontml reads version {VERSION})")
        examples = obj.get("examples")
        if not isinstance(examples, list):
            raise SignDataError("signs file has no \"examples\" list")
        parsed = []
        for i, ex in enumerate(examples):
            if not isinstance(ex, dict):
                raise SignDataError(f"example {i} is not an object")
            label, feats = ex.get("label"), ex.get("features")
            if not isinstance(label, str) or not label.strip():
                raise SignDataError(f"example {i} has no label")
            if (not isinstance(feats, list) or len(feats) != NUM_FEATURES
                    or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                               and math.isfinite(v) for v in feats)):
                raise SignDataError(f"example {i} ({label!r}) needs {NUM_FEATURES} finite "
                                    f"numbers in \"features\"")
            parsed.append((label.strip(), [float(v) for v in feats]))
        obj["examples"] = parsed
        return obj

    def load_json(self, data: str | bytes | dict, merge: bool = False) -> int:
        """Import examples (replacing, or with merge=True adding to, the current ones).

        Everything is validated first: on SignDataError the current examples are untouched.
        Returns the number of examples imported.
        """
        obj = self._parse(data)
        examples = obj["examples"]
        self.examples = (self.examples + examples) if merge else examples
        return len(examples)

    @classmethod
    def from_json(cls, data: str | bytes | dict) -> SignClassifier:
        obj = cls._parse(data)
        out = cls(k=int(obj.get("k", 3)), max_distance=float(obj.get("max_distance", 0.45)))
        out.examples = obj["examples"]
        return out


class SignSpeller:
    """Turns a stream of per-frame sign labels into text.

    A label counts once it is seen `hold_frames` frames in a row (with score >= min_score);
    it is not typed again until the label changes (or the hand goes away: push(None)).
    Special labels: "space" types a space, "delete"/"backspace" removes the last character,
    "clear" empties the text. Labels longer than one character are typed as words, separated
    by spaces.
    """

    def __init__(self, hold_frames: int = 8, min_score: float = 0.5) -> None:
        if hold_frames < 1:
            raise ValueError("hold_frames must be >= 1")
        self.hold_frames = hold_frames
        self.min_score = min_score
        self.text = ""
        self._current: str | None = None
        self._count = 0
        self._typed = False

    def reset(self) -> None:
        self.text = ""
        self._current = None
        self._count = 0
        self._typed = False

    @property
    def progress(self) -> float:
        """How far the current label is towards being typed, in [0, 1]."""
        if self._current is None or self._typed:
            return 0.0
        return min(1.0, self._count / self.hold_frames)

    def push(self, label: str | None, score: float = 1.0) -> str | None:
        """Feed one frame's label; returns the label when it was typed on this frame."""
        if label == NO_SIGN or score < self.min_score:
            label = None
        if label != self._current:
            self._current, self._count, self._typed = label, 0, False
        if label is None:
            return None
        self._count += 1
        if self._typed or self._count < self.hold_frames:
            return None
        self._typed = True
        self._type(label)
        return label

    def _type(self, label: str) -> None:
        key = label.lower()
        if key == "space":
            self.text += " "
        elif key in ("delete", "backspace"):
            self.text = self.text[:-1]
        elif key == "clear":
            self.text = ""
        elif len(label) == 1:
            self.text += label
        else:
            sep = "" if not self.text or self.text.endswith(" ") else " "
            self.text += sep + label


__all__ = ["NO_SIGN", "NoExamplesError", "SignClassifier", "SignDataError", "SignSpeller",
           "hand_features"]
