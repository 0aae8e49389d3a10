"""Page controls bound to query parameters, both ways (`Page.bind_controls`).

A control's kind and allowed values come from its own HTML: a checkbox is a bool ("1"/"0"), a
<select> allows its options' values, a range/number input its min..max, a colour input #rrggbb.
A bad query value is reported (parameter, value, what is allowed) and the HTML default stays.
Each change is written back into the address bar, so a link reproduces what the user set, and
an element `<id>-value` (if any) shows the current value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def control_kind(element) -> str:
    """"bool" | "number" | "choice" | "colour" | "text" for an <input>/<select>."""
    if str(element.tagName).lower() == "select":
        return "choice"
    return {"checkbox": "bool", "range": "number", "number": "number",
            "color": "colour"}.get(str(element.type), "text")


def parse_control(element, raw: str) -> tuple[Any, str | None]:
    """(value to set on the element, None) or (None, "what is allowed") for a bad `raw`."""
    kind = control_kind(element)
    if kind == "bool":
        low = raw.lower()
        return (low in TRUE, None) if low in TRUE + FALSE else (None, "1 or 0")
    if kind == "choice":
        allowed = [str(element.options.item(i).value) for i in range(element.options.length)]
        return (raw, None) if raw in allowed else (None, "one of " + ", ".join(allowed))
    if kind == "colour":
        return (raw, None) if COLOUR.match(raw) else (None, "a colour #rrggbb")
    if kind == "number":
        lo = float(element.min) if str(element.min) else float("-inf")
        hi = float(element.max) if str(element.max) else float("inf")
        try:
            number = float(raw)
        except ValueError:
            number = float("nan")
        if lo <= number <= hi:  # NaN fails both
            return raw, None
        return None, f"a number in [{element.min}, {element.max}]"
    return raw, None


class Controls:
    """Typed access to bound controls: `controls["model"]` -> str, a checkbox -> bool, a range
    -> float; `controls.set(name, value)`; `controls.element(name)` for the DOM element."""

    def __init__(self, elements: dict[str, Any], params: dict[str, str],
                 set_query: Callable[[dict], None]) -> None:
        self._elements = elements
        self._params = params  # control id -> query parameter name
        self._set_query = set_query

    def element(self, name: str):
        return self._elements[name]

    def __getitem__(self, name: str) -> Any:
        element = self._elements[name]
        kind = control_kind(element)
        if kind == "bool":
            return bool(element.checked)
        if kind == "number":
            return float(element.value)
        return str(element.value)

    def set(self, name: str, value: Any) -> None:
        element = self._elements[name]
        if control_kind(element) == "bool":
            element.checked = bool(value)
        else:
            element.value = str(value)
        self.changed(name)

    def query_value(self, name: str) -> str:
        value = self[name]
        if isinstance(value, bool):
            return "1" if value else "0"
        return str(self._elements[name].value)

    def changed(self, name: str) -> None:
        """Mirror control `name` into the URL and its `<id>-value` label."""
        self._set_query({self._params[name]: self.query_value(name)})
        self.show_value(name)

    def show_value(self, name: str) -> None:
        element = self._elements[name]
        label = element.ownerDocument.getElementById(f"{element.id}-value")
        if label is not None:
            label.textContent = str(element.value)

    def names(self) -> tuple[str, ...]:
        return tuple(self._elements)
