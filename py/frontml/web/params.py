"""One validation layer for every page's query parameters and page options (issue #18).

A page declares what a parameter may be as a `Param` (choice, integer, number, bool, colour,
text); a control's `Param` is read from its own HTML (`frontml.web.controls.control_param`).
`Param.check(raw)` gives the typed value or a message that names the parameter, the value and
what is allowed, and says which default the page keeps:

    ?hold='abc' is not allowed (an integer in [1, 60]); keeping the default '8'

The wording of "what is allowed" is the one task options use (`frontml.tasks.core.options`:
"one of a, b", "an integer in [1, 4]", "a number in [0, 1]"), so the CLI, the task options and
the pages say the same thing. Pure Python (no `js`): unit-tested in CPython.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
KINDS = ("choice", "int", "number", "bool", "colour", "text")
MAX_TEXT = 2048  # a query value longer than this is refused (also keeps messages short)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Param:
    """What query parameter `name` may be; `default` is the raw (string) value kept on error."""

    name: str
    default: str
    kind: str = "text"
    allowed: tuple[str, ...] = ()  # choice
    low: float | None = None  # int / number, inclusive
    high: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Param kind must be one of {', '.join(KINDS)}, got {self.kind!r}")

    def describe(self) -> str:
        """What is allowed, in the task options' words."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.allowed)
        if self.kind == "bool":
            return "1 or 0"
        if self.kind == "colour":
            return "a colour #rrggbb"
        if self.kind in ("int", "number"):
            noun = "an integer" if self.kind == "int" else "a number"
            if self.low is not None and self.high is not None:
                return f"{noun} in [{_num(self.low)}, {_num(self.high)}]"
            if self.low is not None:
                return f"{noun} >= {_num(self.low)}"
            if self.high is not None:
                return f"{noun} <= {_num(self.high)}"
            return noun
        return f"text of at most {MAX_TEXT} characters"

    def parse(self, raw: str) -> Any:
        """The typed value of `raw`; ValueError (carrying nothing but "not allowed") if bad."""
        if len(raw) > MAX_TEXT:
            raise ValueError
        if self.kind == "choice":
            if raw not in self.allowed:
                raise ValueError
            return raw
        if self.kind == "bool":
            low = raw.strip().lower()
            if low not in TRUE + FALSE:
                raise ValueError
            return low in TRUE
        if self.kind == "colour":
            if not COLOUR.match(raw):
                raise ValueError
            return raw
        if self.kind == "int":
            value: float = int(raw.strip())  # "1.5", "abc", "" raise ValueError
        elif self.kind == "number":
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError
        else:
            return raw
        if (self.low is not None and value < self.low) or (
                self.high is not None and value > self.high):
            raise ValueError
        return value

    def message(self, raw: str, kept: str | None = None, label: str | None = None) -> str:
        """The error a page shows for a bad `raw`: parameter, value, what is allowed, default.
        `label` names where the value came from (default `?name=`; a page option: "top-k = ")."""
        shown = raw if len(raw) <= 80 else raw[:77] + "..."
        kept = self.default if kept is None else kept
        label = f"?{self.name}=" if label is None else label
        return f"{label}{shown!r} is not allowed ({self.describe()}); keeping the default {kept!r}"

    def check(self, raw: str | None) -> tuple[Any, str | None]:
        """(typed value, None) for a good or absent `raw` (absent -> the default's value), or
        (typed default, message) for a bad one."""
        if raw is not None:
            try:
                return self.parse(raw), None
            except ValueError:
                return self.parse(self.default), self.message(raw)
        return self.parse(self.default), None


def choice(name: str, default: str, allowed) -> Param:
    return Param(name, default, "choice", allowed=tuple(str(a) for a in allowed))


def integer(name: str, default: int, low: int | None = None, high: int | None = None) -> Param:
    return Param(name, str(default), "int", low=low, high=high)


def number(name: str, default: float, low: float | None = None,
           high: float | None = None) -> Param:
    return Param(name, _num(default), "number", low=low, high=high)


def flag(name: str, default: bool = False) -> Param:
    return Param(name, "1" if default else "0", "bool")


def read_params(specs: list[Param], query: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Every parameter of `specs` from `query` (name -> raw string): (values, messages).
    A bad value is replaced by its default and produces one message; nothing raises."""
    values: dict[str, Any] = {}
    messages: list[str] = []
    for spec in specs:
        value, problem = spec.check(query.get(spec.name))
        values[spec.name] = value
        if problem:
            messages.append(problem)
    return values, messages
