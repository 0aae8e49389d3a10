"""The base of every per-frame result: image size + `to_json()`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FrameResult:
    """What a task found in one frame. Subclasses add their lists and `items_json()`."""

    image_width: int
    image_height: int

    def items_json(self) -> dict:
        return {}

    def to_json(self) -> dict:
        return {"image": {"width": self.image_width, "height": self.image_height},
                **self.items_json()}
