"""Teachable signs: k-nearest-neighbour on normalised hand landmarks, and word spelling.

```python
signs = SignClassifier()
signs.add_example("A", hand)           # a few examples per label, from live frames
label, score = signs.predict(hand)     # NoExamplesError (with a hint) until taught
text = signs.to_json()                 # persist / share; SignClassifier.from_json(text)
signs.classifier                        # the frontml.learn.Classifier underneath
speller = SignSpeller(hold_frames=8)
speller.push(label)                    # a label held for 8 frames is typed once
speller.text
```

Features (63 floats): the 21 landmarks (world landmarks when present, else image ones)
translated to the wrist, scaled by palm size (wrist to middle-finger MCP), rotated in the image
plane so that wrist -> middle MCP points up, and mirrored (x -> -x) for left hands, so one
example serves both hands at any in-plane angle and size.

Storage and files come from `frontml.learn` (backbone `frontml.hands.landmarks/1`, euclidean
k-NN, float16 vectors): `to_json()` writes the shared `frontml.learn` file; `load_json()` also
reads the older `frontml.signs` version-1 JSON, so signs taught before keep working.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from frontml.calculators.types import Landmark
from frontml.errors import FrontmlError
from frontml.learn import HAND_LANDMARKS, Classifier, LearnError, LearnFileError
from frontml.tasks.hands.types import Hand

LEGACY_FORMAT = "frontml.signs"  # version 1: {"examples": [{"label", "features"}]}
LEGACY_VERSION = 1
FORMAT = LEGACY_FORMAT  # kept for imports of the old name
VERSION = LEGACY_VERSION
NUM_FEATURES = 63
NO_SIGN = "none"
_RMS = math.sqrt(NUM_FEATURES // 3)  # euclidean distance over 63 floats -> RMS per landmark


class NoExamplesError(FrontmlError):
    """predict() before any example was taught."""

    def __init__(self) -> None:
        super().__init__(
            "no signs taught yet: record a few examples of each sign first "
            "(SignClassifier.add_example(label, hand); in the page: show the sign and press "
            "its 'record' button), or import examples from JSON"
        )


class SignDataError(LearnFileError):
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



class SignClassifier:
    """k-NN over taught examples. Learning is instant: add_example stores a feature vector.

    k: neighbours voting (distance-weighted). max_distance: if the nearest example is farther
    than this (RMS landmark distance in palm sizes), predict() answers (NO_SIGN, score).
    """

    def __init__(self, k: int = 3, max_distance: float = 0.45) -> None:
        if k < 1:
            raise ValueError("k must be >= 1")
        self.classifier = Classifier(HAND_LANDMARKS, head="knn", k=k, unknown_label=NO_SIGN,
                                     background=())
        self.max_distance = max_distance

    @property
    def k(self) -> int:
        return self.classifier.k

    @property
    def max_distance(self) -> float:
        return self._max_distance

    @max_distance.setter
    def max_distance(self, value: float) -> None:
        self._max_distance = float(value)
        self.classifier.threshold = self._max_distance * _RMS if value else None
        self.classifier.meta = {"feature": "hand signs", "max_distance": self._max_distance}

    @property
    def examples(self) -> list[tuple[str, list[float]]]:
        """(label, features) of every example, in teaching order."""
        return [(e.label, list(e.vector)) for e in self.classifier.examples()]

    # ------------------------------------------------------------ examples
    def add_example(self, label: str, hand: Hand | Sequence[Landmark]) -> int:
        """Store one example of `label`; returns how many examples `label` has now."""
        label = str(label).strip()
        if not label:
            raise ValueError("a sign needs a non-empty label")
        self.classifier.add(label, hand_features(hand))
        return self.counts()[label]

    def counts(self) -> dict[str, int]:
        return self.classifier.counts()

    @property
    def labels(self) -> list[str]:
        return self.classifier.labels

    def remove_label(self, label: str) -> None:
        self.classifier.clear(label)

    def clear(self) -> None:
        self.classifier.clear()

    # ------------------------------------------------------------ recognising
    def predict(self, hand: Hand | Sequence[Landmark]) -> tuple[str, float]:
        """(label, score in [0, 1]); (NO_SIGN, score) when nothing taught is close enough.

        Raises NoExamplesError (a hint on how to teach) when there are no examples.
        """
        if not len(self.classifier):
            raise NoExamplesError()
        p = self.classifier.predict(hand_features(hand))
        nearest = p.distance / _RMS
        if p.unknown:
            return NO_SIGN, 1.0 - min(1.0, self.max_distance / nearest) * 0.5
        closeness = max(0.0, 1.0 - nearest / self.max_distance) if self.max_distance else 1.0
        return p.label, p.score * (0.5 + 0.5 * closeness)

    # ------------------------------------------------------------ persistence
    def to_json(self) -> str:
        """The shared frontml.learn file (JSON text)."""
        return self.classifier.to_bytes().decode("utf-8")

    @staticmethod
    def _parse_legacy(obj: dict) -> dict:
        if obj.get("version") != LEGACY_VERSION:
            raise SignDataError(f"unsupported signs file version {obj.get('version')!r} "
                                f"(this frontml reads version {LEGACY_VERSION})")
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

    @classmethod
    def _read(cls, data: str | bytes | dict) -> SignClassifier:
        """A new SignClassifier from either file format (SignDataError if unreadable)."""
        if isinstance(data, dict):
            obj = data
        else:
            try:
                obj = json.loads(data)
            except (ValueError, TypeError) as exc:
                raise SignDataError(f"signs JSON is not valid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise SignDataError(f"not a frontml signs file (expected \"format\": "
                                f"\"frontml.learn\" or \"{LEGACY_FORMAT}\")")
        if obj.get("format") == LEGACY_FORMAT:
            legacy = cls._parse_legacy(obj)
            out = cls(k=int(legacy.get("k", 3)),
                      max_distance=float(legacy.get("max_distance", 0.45)))
            for label, feats in legacy["examples"]:
                out.classifier.add(label, feats)
            return out
        try:
            clf = Classifier.from_bytes(obj, backbone=HAND_LANDMARKS)
        except LearnError as exc:  # unreadable, or made from other features
            raise SignDataError(f"not a frontml signs file: {exc}") from None
        out = cls(k=clf.k, max_distance=float(clf.meta.get("max_distance", 0.45)))
        out.classifier.load_bytes(obj)
        return out

    def load_json(self, data: str | bytes | dict, merge: bool = False) -> int:
        """Import examples (replacing, or with merge=True adding to, the current ones).

        Reads the frontml.learn file and the older frontml.signs JSON. Everything is validated
        first: on SignDataError the current examples are untouched. Returns the number of
        examples imported.
        """
        other = self._read(data)
        exs = other.classifier.examples()
        if not merge:
            self.classifier.clear()
        for e in exs:
            self.classifier._append(e.label, e.vector, None)
        return len(exs)

    @classmethod
    def from_json(cls, data: str | bytes | dict) -> SignClassifier:
        return cls._read(data)


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
