"""Page controls bound to query parameters, both ways (`Page.bind_controls`).

A control's kind and allowed values come from its own HTML: a checkbox is a bool ("1"/"0"), a
<select> allows its options' values, a range/number input its min..max, a colour input #rrggbb.
A bad query value is reported (parameter, value, what is allowed) and the HTML default stays.
Each change is written back into the address bar, so a link reproduces what the user set, and
an element `<id>-value` (if any) shows the current value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from frontml.web.params import Param


def control_kind(element) -> str:
    """"bool" | "number" | "choice" | "colour" | "text" for an <input>/<select>."""
    if str(element.tagName).lower() == "select":
        return "choice"
    return {"checkbox": "bool", "range": "number", "number": "number",
            "color": "colour"}.get(str(element.type), "text")


def control_param(element, name: str) -> Param:
    """The `Param` (frontml.web.params) a control's HTML allows, its current value the default:
    a <select>'s option values, a range/number input's min..max (an integer when its step is a
    whole number and min is too), a checkbox 1/0, a colour input #rrggbb."""
    kind = control_kind(element)
    if kind == "bool":
        return Param(name, "1" if element.checked else "0", "bool")
    if kind == "choice":
        allowed = tuple(str(element.options.item(i).value) for i in range(element.options.length))
        return Param(name, str(element.value), "choice", allowed=allowed)
    if kind == "number":
        low = float(element.min) if str(element.min) else None
        high = float(element.max) if str(element.max) else None
        step = str(element.step) or "1"  # HTML's default step for number and range
        whole = (step != "any" and float(step).is_integer()
                 and (low is None or low.is_integer()))
        return Param(name, str(element.value), "int" if whole else "number", low=low, high=high)
    return Param(name, str(element.value), kind)


def parse_control(element, raw: str, name: str = "") -> tuple[Any, str | None]:
    """(value to set on the element, None) or (None, "what is allowed") for a bad `raw`."""
    spec = control_param(element, name or str(element.id))
    try:
        value = spec.parse(raw)
    except ValueError:
        return None, spec.describe()
    return (value if isinstance(value, bool) else raw.strip()), None


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
