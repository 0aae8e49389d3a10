"""Drawing on the page's overlay canvas (MediaPipe's DrawingUtils role), mixed into `Page`.

Results are normalised to [0, 1]; these helpers scale them to the overlay (which `draw_frame`
sizes to the frame) and hand typed arrays to web/js/draw.js, one copy per call.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from typing import Any

from pyodide.ffi import to_js

from frontml.runtime.tensor import Tensor
from frontml.web.frames import CanvasFrame


def _edges(connections: Iterable[Sequence[int]]) -> array:
    return array("i", [i for edge in connections for i in edge])


class Drawing:
    """Needs `self.glue` (the JS glue), `self.overlay` (a canvas) and `self.doc`."""

    glue: Any
    overlay: Any
    doc: Any
    _edge_cache: dict[tuple, Any] | None = None

    def draw_frame(self, frame: CanvasFrame) -> None:
        """The frame itself on the overlay, which takes the frame's size."""
        self.glue.fitCanvas(self.overlay, frame.width, frame.height).drawImage(frame.canvas, 0, 0)

    def _size(self) -> tuple[int, int]:
        return int(self.overlay.width), int(self.overlay.height)

    def draw_landmarks(self, landmarks: Sequence, connections: Iterable[Sequence[int]] = (),
                       colour: str = "#00e676", radius: float = 3) -> None:
        """Points (objects with normalised .x/.y) and the lines of `connections` (index pairs)."""
        w, h = self._size()
        key = connections if isinstance(connections, tuple) else tuple(map(tuple, connections))
        if self._edge_cache is None:
            self._edge_cache = {}
        edges = self._edge_cache.get(key)
        if edges is None:  # connections are constant tables: convert each once
            edges = self._edge_cache[key] = to_js(_edges(key))
        points = array("f", [v for lm in landmarks for v in (lm.x * w, lm.y * h)])
        self.glue.drawLandmarks(self.overlay, to_js(points), edges, colour, radius)

    def draw_boxes(self, boxes: Iterable[Sequence[float]], labels: Sequence[str] | None = None,
                   colour: str = "#ffab00") -> None:
        """Boxes as normalised (x0, y0, x1, y1), with an optional label each."""
        w, h = self._size()
        flat = array("f", [v for b in boxes for v in (b[0] * w, b[1] * h, b[2] * w, b[3] * h)])
        self.glue.drawBoxes(self.overlay, to_js(flat), to_js(list(labels or [])), colour)

    def draw_labels(self, texts: Sequence[str], points: Sequence[tuple[float, float]] | None = None,
                    colour: str = "#ffffff") -> None:
        """Texts at normalised (x, y) points, or stacked top-left when points is None."""
        w, h = self._size()
        flat = None if points is None else to_js(array("f", [v for x, y in points
                                                              for v in (x * w, y * h)]))
        self.glue.drawLabels(self.overlay, to_js(list(texts)), flat, colour)

    def draw_mask(self, mask: Tensor, width: int, height: int,
                  affine: Sequence[float] | None = None,
                  logits: bool = False) -> None:
        """A width x height float mask, tinted: through `affine` (mask px -> image px), or
        stretched over the frame when None. `logits`: the sigmoid is applied on the canvas."""
        data = to_js(mask.data)
        if affine is None:
            self.glue.drawMask(self.overlay, data, width, height)
        else:
            self.glue.drawMaskAffine(self.overlay, data, width, height, *affine, logits)

    def show_result(self, text: str) -> None:
        """The page's #result text (a one-line summary beside the video)."""
        self.doc.getElementById("result").textContent = text
