"""Classification and detection speed: per-stage ms in the page (headless Chromium, fake
camera) and in CPython, and the in-page / native inference ratio.

    python -m bench vision [--seconds 8] [--quick] [--out bench/out]

Each configuration runs classify.html or detect.html on the same fake-camera video (the
astronaut photo, 640×480) for a fixed time; the page's running per-stage sums give mean ms per
frame and FPS. The same task then runs in CPython (onnxruntime) on the same frame. Prints one
markdown table and writes it to bench/out/vision.md.
"""

from __future__ import annotations

import sys
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

# (task, model, page query)
CONFIGS = [
    ("classification", "efficientnet_lite0", "classify.html"),
    ("detection", "centernet", "detect.html?model=centernet"),
    ("detection", "nanodet", "detect.html?model=nanodet"),
    ("detection", "objectron_ssd", "detect.html?model=objectron_ssd"),
]


def cpython_run(task: str, model: str, frames: int) -> dict:
    import numpy as np

    from frontml.image import ArrayFrame
    from frontml.tasks import registry
    from tests.media import astronaut_frame

    return cpython_loop(lambda: registry.create(task, model=model, running_mode="video"),
                        ArrayFrame(np.asarray(astronaut_frame())), frames)


def measure(bench: Bench, cfgs, seconds: float, frames: int) -> list[tuple]:
    rows = []
    for task, model, query in cfgs:
        log(f"measuring {task}: {model} ...")
        rows.append((f"{task}, {model}", page_run(bench, query, seconds),
                     cpython_run(task, model, frames)))
    return rows


def table(rows: list[tuple]) -> str:
    head = (f"Classification and detection, 640×480 fake camera (astronaut), {today()}, "
            f"{machine()}, headless Chromium, onnxruntime-web wasm vs CPython onnxruntime; "
            f"'web/native infer' = page infer ms / CPython infer ms.")
    body = []
    for name, page, cpu in rows:
        ratio = (page.get("infer") or 0) / cpu["infer"] if cpu.get("infer") else None
        body.append([name, *stage_cells(page), fmt(page.get("track")), fmt(cpu["fps"]),
                     fmt(cpu.get("infer")), fmt(cpu.get("post")), fmt(ratio)])
    return head + "\n\n" + md_table(
        ["task, model", *STAGE_HEADERS, "track", "CPython FPS", "CPython infer",
         "CPython post", "web/native infer"], body)


def main(argv: list[str] | None = None) -> int:
    return speed_main(argv, "classification/detection speed: page vs CPython", CONFIGS, measure,
                      table, "vision.md", seconds=8.0)


if __name__ == "__main__":
    sys.exit(main())
