"""Segmentation speed: per-stage ms in the page (headless Chromium, fake camera) and in CPython.

    python -m bench segmentation [--seconds 6] [--quick] [--out bench/out]

Each configuration (model × effect) runs the segmentation page on the same fake-camera video
(the astronaut photo, 640×480) for a fixed time; the page's running per-stage sums give mean
ms per frame and FPS ("render" = the canvas post-processing and compositing, segRender). The
same pipeline then runs in CPython (onnxruntime + numpy effects, effects_cpu) on the same frame.
Prints one markdown table and writes it to bench/out/segmentation.md.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    STAGE_HEADERS,
    Bench,
    cpython_loop,
    fmt,
    log,
    machine,
    md_table,
    page_run,
    speed_main,
    stage_cells,
    today,
)

MODELS = ("general", "landscape")
EFFECTS = ("none", "blur", "color", "image")
EXTRA = [("pose", "color", False), ("general", "color", True)]  # BlazePose mask; body parts


def configs(quick: bool) -> list[tuple[str, str, bool]]:
    if quick:
        return [("general", "blur", False)]
    return [(m, e, False) for m in MODELS for e in EFFECTS] + EXTRA


def label(model: str, effect: str, parts: bool) -> str:
    return f"{model}, {effect}" + (" + body parts" if parts else "")


def background_png() -> bytes:
    import numpy as np
    from PIL import Image

    from tests.media import astronaut_frame

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(astronaut_frame()[::-1])).save(buf, format="PNG")
    return buf.getvalue()


def page_query(model: str, effect: str, parts: bool) -> str:
    return (f"segment.html?model={model}&effect={effect}&parts={int(parts)}"
            f"&smoothing=0.6&feather=2")


def _pick_background(page) -> None:
    page.set_input_files("#background", files=[
        {"name": "bg.png", "mimeType": "image/png", "buffer": background_png()}])
    time.sleep(0.5)


def cpython_run(model: str, effect: str, parts: bool, frames: int) -> dict:
    import numpy as np

    from frontml.image import ArrayFrame
    from frontml.tasks.segmentation import PersonSegmenter, SegmentationOptions
    from frontml.tasks.segmentation import effects_cpu as fx
    from tests.media import astronaut_frame

    rgb = astronaut_frame()
    background = np.ascontiguousarray(rgb[::-1])
    options = SegmentationOptions(model=model, smoothing=0.6, feather=2, body_parts=parts)
    post = fx.MaskFilter.from_options(options)

    def render(_seg, result, timer) -> None:
        with timer.stage("render"):
            alpha = post.matte(result)
            if effect != "none":
                fx.composite(rgb, alpha, effect, blur=12, background=background)
            if parts and len(result.segments):
                fx.body_part_labels(fx.soft_threshold(result.probability(), 0.5),
                                    result.mask_affine, result.segments)

    return cpython_loop(lambda: PersonSegmenter.create(options), ArrayFrame(np.asarray(rgb)),
                        frames, extra=render)


def measure(bench: Bench, cfgs, seconds: float, frames: int) -> list[tuple]:
    rows = []
    for model, effect, parts in cfgs:
        log(f"measuring segmentation: {label(model, effect, parts)} ...")
        page = page_run(bench, page_query(model, effect, parts), seconds,
                        prepare=_pick_background if effect == "image" else None)
        rows.append((label(model, effect, parts), page, cpython_run(model, effect, parts,
                                                                    frames)))
    return rows


def table(rows: list[tuple]) -> str:
    head = (f"Segmentation, 640×480 fake camera (astronaut), {today()}, {machine()}, headless "
            f"Chromium, onnxruntime-web wasm vs CPython onnxruntime + numpy effects; smoothing "
            f"0.6, feather 2 px, blur 12 px.")
    body = [[name, *stage_cells(page), fmt(cpu["fps"]), fmt(cpu.get("infer")),
             fmt(cpu.get("render"))] for name, page, cpu in rows]
    return head + "\n\n" + md_table(
        ["model, effect", *STAGE_HEADERS, "CPython FPS", "CPython infer", "CPython render"],
        body)


def main(argv: list[str] | None = None) -> int:
    return speed_main(argv, "segmentation speed: page vs CPython", configs, measure, table,
                      "segmentation.md", seconds=6.0)


if __name__ == "__main__":
    sys.exit(main())
