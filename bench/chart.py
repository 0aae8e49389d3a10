"""The report's PNG, drawn with Pillow (no plotting dependency): FPS per configuration, and
plain model latency in the page vs native onnxruntime."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COLOURS = [(33, 150, 243), (255, 152, 0), (76, 175, 80), (156, 39, 176)]
SERIES = ["frontml page", "MediaPipe web solution", "TF.js", "native ORT"]


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def _bars(draw, font, top: int, width: int, title: str, rows, colours, unit: str) -> int:
    """Horizontal bars; rows = (label, [values], [colour indices]). Returns the new top."""
    left, right, bar_h = 330, width - 90, 12
    draw.text((20, top), title, fill="black", font=_font(16))
    top += 28
    vmax = max((v for _l, vals, _c in rows for v in vals if v), default=1.0) or 1.0
    for label, vals, cols in rows:
        draw.text((20, top), label[:48], fill="black", font=font)
        for i, (v, c) in enumerate(zip(vals, cols, strict=True)):
            y = top + i * (bar_h + 2)
            w = int((right - left) * (v or 0) / vmax)
            draw.rectangle([left, y, left + max(w, 1), y + bar_h], fill=colours[c])
            draw.text((left + w + 6, y), f"{v:.1f} {unit}" if v else "-", fill="black",
                      font=font)
        top += max(len(vals), 1) * (bar_h + 2) + 8
    return top + 10


def draw(chart: dict, path: Path, title: str = "frontml benchmark") -> Path:
    width = 1000
    fps_rows = [(label, [v], [c]) for label, v, c in chart.get("fps", [])]
    lat_rows = [(m, [page, native, native1], [0, 3, 3])
                for m, page, native, native1 in chart.get("latency", [])]
    height = 120 + 18 * len(fps_rows) + 46 * len(lat_rows) + 120
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    font = _font(12)
    d.text((20, 12), title, fill="black", font=_font(18))
    x = 20
    for name, colour in zip(SERIES, COLOURS, strict=True):  # legend
        d.rectangle([x, 42, x + 12, 54], fill=colour)
        d.text((x + 18, 41), name, fill="black", font=font)
        x += 200
    top = _bars(d, font, 70, width, "Frames per second (fake camera, headless Chromium)",
                fps_rows, COLOURS, "fps")
    if lat_rows:
        _bars(d, font, top, width,
              "Model latency, ms (page ORT-web | native ORT all threads | native 1 thread)",
              lat_rows, COLOURS, "ms")
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path
