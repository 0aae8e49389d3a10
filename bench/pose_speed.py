"""Pose speed: per-stage ms in the page (headless Chromium, fake camera) and in CPython.

    python -m bench pose [--seconds 8] [--quick] [--out bench/out]

For each configuration the pose page runs on the same fake-camera video (the astronaut photo)
for a fixed time; the page's running per-stage sums give mean ms per frame, FPS and the share
of the frame spent in Python. The same pipeline then runs in CPython (onnxruntime) on the same
frame. Prints one markdown table and writes it to bench/out/pose.md. Timings are this
machine's, measured in one run; the ratios are what to compare.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    STAGE_HEADERS,
    STAGES,
    Bench,
    cpu_count,
    fmt,
    log,
    machine,
    md_table,
    page_run,
    speed_main,
    stage_cells,
    today,
)

__all__ = ["STAGES", "fmt", "cpu_count", "CONFIGS", "measure", "table", "main"]
_cpu_count = cpu_count

# (label, page query, PoseOptions kwargs)
CONFIGS = [
    ("BlazePose lite, tracking", "model=lite", {"model": "lite"}),
    ("BlazePose lite, detect every frame", "model=lite&mode=image",
     {"model": "lite", "running_mode": "image"}),
    ("BlazePose full, tracking", "model=full", {"model": "full"}),
    ("BlazePose full, detect every frame", "model=full&mode=image",
     {"model": "full", "running_mode": "image"}),
    ("BlazePose heavy, tracking", "model=heavy", {"model": "heavy"}),
    ("BlazePose heavy, detect every frame", "model=heavy&mode=image",
     {"model": "heavy", "running_mode": "image"}),
    ("MoveNet MultiPose", "model=movenet&multi=1", {"model": "movenet", "num_poses": 6}),
    ("MoveNet Lightning", "model=movenet_lightning", {"model": "movenet_lightning"}),
    ("MoveNet Thunder", "model=movenet_thunder", {"model": "movenet_thunder"}),
]


def cpython_run(options: dict, frames: int) -> dict:
    import numpy as np

    from bench.harness import cpython_loop
    from frontml.image import ArrayFrame
    from frontml.tasks.pose import PoseOptions, create_pose_detector
    from tests.media import astronaut_frame

    return cpython_loop(lambda: create_pose_detector(PoseOptions(**options)),
                        ArrayFrame(np.asarray(astronaut_frame())), frames)


def measure(bench: Bench, configs, seconds: float, frames: int) -> list[tuple]:
    """(label, page means (+ its last results), CPython means) per configuration."""
    rows = []
    for label, query, options in configs:
        log(f"measuring pose: {label} ...")
        page = page_run(bench, f"pose.html?{query}", seconds, keep_results=True)
        rows.append((label, page, cpython_run(options, frames)))
    return rows


def table(rows: list[tuple]) -> str:
    head = (f"Pose, 640×480 fake camera (astronaut), {today()}, {machine()}, headless Chromium, "
            f"onnxruntime-web wasm vs CPython onnxruntime.")
    body = []
    for label, page, cpu in rows:
        ratio = page.get("infer", 0) / cpu["infer"] if cpu.get("infer") else None
        body.append([label, *stage_cells(page), fmt(cpu["fps"]), fmt(cpu.get("infer")),
                     fmt(ratio, 2)])
    return head + "\n\n" + md_table(
        ["configuration", *STAGE_HEADERS, "CPython FPS", "CPython infer",
         "page/CPython infer"], body)


def main(argv: list[str] | None = None) -> int:
    return speed_main(argv, "pose speed: page vs CPython", CONFIGS, measure, table, "pose.md")


if __name__ == "__main__":
    sys.exit(main())
