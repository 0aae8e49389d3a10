"""Which embedding a classifier's vectors come from.

A `Backbone` names the model (catalog id), its file's sha256 and the output used, plus the
dimension; for hand-made features (landmarks) `model_id` names the feature recipe and version
and `sha256` is empty. Two backbones are compatible only when all of these agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontml.learn.errors import BackboneMismatchError, LearnFileError

METRICS = ("cosine", "euclidean")


@dataclass(frozen=True)
class Backbone:
    """model_id: catalog id or feature recipe ("frontml.hands.landmarks/1");
    sha256: the model file's hash ("" for recipes); dim: vector length; output: the model output
    ("projection", "embedding"); metric: the distance that suits the vectors."""

    model_id: str
    sha256: str = ""
    dim: int = 0
    output: str = ""
    metric: str = "cosine"

    def __post_init__(self) -> None:
        if not self.model_id:
            raise ValueError("a Backbone needs a model_id")
        if self.dim < 0:
            raise ValueError("Backbone.dim must be >= 0 (0: any)")
        if self.metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {self.metric!r}")

    def describe(self) -> str:
        parts = [self.model_id]
        if self.output:
            parts.append(f"output {self.output!r}")
        if self.dim:
            parts.append(f"{self.dim}-d")
        if self.sha256:
            parts.append(f"sha256 {self.sha256[:12]}…")
        return ", ".join(parts)

    def check(self, other: Backbone, what: str = "the examples") -> None:
        """BackboneMismatchError unless `other` makes the same vectors as self."""
        same = (self.model_id == other.model_id and self.output == other.output
                and self.dim == other.dim
                and (self.sha256 == other.sha256 or not self.sha256 or not other.sha256))
        if not same:
            raise BackboneMismatchError(
                f"{what} were made with {other.describe()}, but this classifier uses "
                f"{self.describe()}: their vectors are not comparable. Re-record the examples "
                f"with this backbone, or load them into a classifier built on {other.model_id}")

    def to_json(self) -> dict:
        return {"model_id": self.model_id, "sha256": self.sha256, "dim": self.dim,
                "output": self.output, "metric": self.metric}

    @classmethod
    def from_json(cls, obj: object) -> Backbone:
        if not isinstance(obj, dict) or not isinstance(obj.get("model_id"), str):
            raise LearnFileError("the file's \"backbone\" needs a \"model_id\"")
        try:
            return cls(model_id=obj["model_id"], sha256=str(obj.get("sha256") or ""),
                       dim=int(obj.get("dim") or 0), output=str(obj.get("output") or ""),
                       metric=str(obj.get("metric") or "cosine"))
        except (TypeError, ValueError) as exc:
            raise LearnFileError(f"bad \"backbone\" in the file: {exc}") from None


async def model_backbone(model_id: str, output: str = "projection", dim: int = 128) -> Backbone:
    """The Backbone of a built catalog model's output, sha256 from the model manifest."""
    from frontml.models import entry  # lazy: recipes need no manifest

    info = await entry(model_id)
    return Backbone(model_id=model_id, sha256=str(info.get("sha256", "")), dim=dim,
                    output=output, metric="cosine")


# Feature recipes used by frontml's own teachable features.
HAND_LANDMARKS = Backbone("frontml.hands.landmarks/1", dim=63, metric="euclidean")
