"""Result filters the vision tasks share (MediaPipe Tasks' ClassifierOptions): max results,
score threshold, category allow/deny lists by name."""

from __future__ import annotations

from dataclasses import dataclass

from frontml.errors import ModelError
from frontml.models import Progress, entry, load_session
from frontml.tasks.core.options import TaskOptions, check_int, check_unit


def check_labels(name: str, value) -> tuple[str, ...]:
    """A tuple of class names; a comma-separated string (query string, CLI) is split."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} must be a list of class names, got {value!r}")
    return tuple(value)



@dataclass(frozen=True)
class FilterOptions(TaskOptions):
    """Result filters both vision tasks share (MediaPipe's ClassifierOptions).

    max_results: at most this many results (-1 = all).
    score_threshold: drop results scoring below it.
    category_allowlist / category_denylist: class names to keep / drop (mutually exclusive;
        names must exist in the model's labels, checked when the task is created).
    """

    max_results: int = 5
    score_threshold: float = 0.0
    category_allowlist: tuple[str, ...] = ()
    category_denylist: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "category_allowlist",
                           check_labels("category_allowlist", self.category_allowlist))
        object.__setattr__(self, "category_denylist",
                           check_labels("category_denylist", self.category_denylist))
        if self.max_results != -1:
            check_int("max_results", self.max_results, 1)
        check_unit("score_threshold", self.score_threshold)
        if self.category_allowlist and self.category_denylist:
            raise ValueError("category_allowlist and category_denylist are mutually exclusive")
        super().__post_init__()


def label_indices(labels: list[str], allow: tuple[str, ...], deny: tuple[str, ...],
                  skip: tuple[int, ...] = ()) -> list[int] | None:
    """Indices the filters keep (None = all). Names must exist: a typo is an error, not an
    empty result. Matching is exact, or on any comma-separated synonym ("tabby")."""
    if not allow and not deny:
        return None if not skip else [i for i in range(len(labels)) if i not in skip]
    by_name: dict[str, list[int]] = {}
    for i, name in enumerate(labels):
        for key in {name.lower(), *(p.strip().lower() for p in name.split(","))}:
            by_name.setdefault(key, []).append(i)
    wanted: set[int] = set()
    for name in allow or deny:
        hits = by_name.get(name.strip().lower())
        if not hits:
            kind = "category_allowlist" if allow else "category_denylist"
            raise ValueError(f"{kind}: {name!r} is not a class of this model")
        wanted.update(hits)
    keep = wanted if allow else set(range(len(labels))) - wanted
    return sorted(keep - set(skip))


async def create_labelled(cls, options, progress: Progress | None = None):
    """`cls(options, session, labels)` for a one-model task whose class names ship in the
    manifest entry of `options.model` (the session is closed if the constructor fails)."""
    info = await entry(options.model)
    labels = info.get("labels")
    if not labels:
        raise ModelError(f"model {options.model!r} has no labels in the manifest; rebuild "
                         "it with `./dev build`")
    session = await load_session(options.model, provider=options.provider,
                                  threads=options.threads or 0, progress=progress)
    try:
        return cls(options, session, labels)
    except BaseException:
        session.close()
        raise
