"""A makeup look (colours, intensities, lip finish) and the shader parameters it becomes.

The blend (the same in web/js/makeup.js's fragment shader and in render.py's numpy):
    L  = luminance of the camera pixel (BT.601 weights), c = its colour, 0..1
    Lk = L                  (gloss)     or mix(L, 0.5, 0.5) (matte: half the texture)
    tinted = clamp(colour * (0.4 + 1.2 Lk))      colour exactly at mid-grey, darker in creases,
                                                  lighter on highlights: texture is kept
    gloss: tinted += (1 - tinted) * 0.6 * smoothstep(0.55, 0.9, L)     (lips only)
    c = mix(c, tinted, mask * amount * gate)      layer by layer: blush, brow, liner, lips
mask: the layer's rasterised, feathered alpha. gate: 1, or for the lips with the occlusion
guard on, smoothstep(ref, ref + 0.03, redness(c)) with redness = (r - g) / (r + g + b)
and ref the mean redness of the face's own skin at SKIN_SAMPLES: only pixels redder than the
skin (lips) are painted; a hand or finger over the mouth has skin's chroma and stays as it is.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

from frontml.errors import InputError
from frontml.tasks.makeup.geometry import LAYERS

FINISHES = ("gloss", "matte")
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def parse_color(text: str, name: str = "colour") -> tuple[float, float, float] | None:
    """'#rgb' or '#rrggbb' (the '#' optional) -> (r, g, b) in 0..1; '' or 'none' -> None.
    Anything else: InputError naming the option and the value."""
    if text is None:
        return None
    s = str(text).strip()
    if s == "" or s.lower() == "none":
        return None
    m = _HEX.fullmatch(s)
    if not m:
        raise InputError(f"{name}: {text!r} is not a colour; use #rrggbb or #rgb "
                         f"(e.g. '#b0122c'), or 'none'")
    h = m.group(1)
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    return tuple(int(h[i:i + 2], 16) / 255.0 for i in (0, 2, 4))


def check_amount(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise InputError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


@dataclass(frozen=True)
class LookFields:
    """The look's settings (shared by `Look` and the task's `MakeupOptions`)."""

    lip_color: str = "#b0122c"
    lip_intensity: float = 0.6
    lip_finish: str = "gloss"
    blush_color: str = ""
    blush_intensity: float = 0.35
    liner_color: str = ""
    liner_intensity: float = 0.85
    brow_color: str = ""
    brow_intensity: float = 0.45
    guard: bool = True  # the occlusion guard on the lips (see the module doc)


@dataclass(frozen=True)
class Look(LookFields):
    """Colours as '#rrggbb' ('' = layer off) and amounts in [0, 1]."""

    def __post_init__(self) -> None:
        for layer in ("lip", "blush", "liner", "brow"):
            parse_color(getattr(self, f"{layer}_color"), f"{layer}_color")
            check_amount(f"{layer}_intensity", getattr(self, f"{layer}_intensity"))
        if self.lip_finish not in FINISHES:
            raise InputError(f"lip_finish must be one of {', '.join(FINISHES)}, "
                             f"got {self.lip_finish!r}")

    def layer(self, name: str) -> tuple[tuple[float, float, float], float]:
        """(colour, amount) of a layer in LAYERS; amount 0 when it is off."""
        key = {"lips": "lip"}.get(name, name)
        colour = parse_color(getattr(self, f"{key}_color"))
        if colour is None:
            return (0.0, 0.0, 0.0), 0.0
        return colour, float(getattr(self, f"{key}_intensity"))

    def params(self) -> array:
        """The shader's parameters: per layer (LAYERS order) r, g, b, amount; then gloss (1/0)
        and guard (1/0). render.py reads the very same array."""
        out = array("f")
        for name in LAYERS:
            colour, amount = self.layer(name)
            out.extend((*colour, amount))
        out.extend((1.0 if self.lip_finish == "gloss" else 0.0, 1.0 if self.guard else 0.0))
        return out

    def to_json(self) -> dict:
        return {"lip_color": self.lip_color, "lip_intensity": self.lip_intensity,
                "lip_finish": self.lip_finish, "blush_color": self.blush_color,
                "blush_intensity": self.blush_intensity, "liner_color": self.liner_color,
                "liner_intensity": self.liner_intensity, "brow_color": self.brow_color,
                "brow_intensity": self.brow_intensity, "guard": self.guard}
