"""Face / AR try-on speed: per-stage ms and FPS of the try-on page (rendering included) in
headless Chromium on the fake camera, and the same pipeline in CPython.

    python -m bench face [--seconds 8] [--quick] [--out bench/out]

The page's running per-stage sums (window.frontml.totals) give mean ms per frame; "render" is
drawing the frame, the optional mesh, and the Three.js glasses (WebGL). FPS counts processed
frames over the measuring time. Prints one markdown table, also written to bench/out/face.md.
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

# (label, page query, FaceOptions kwargs)
CONFIGS = [
    ("try-on, tracking", "", {}),
    ("try-on, tracking + iris (478)", "iris=1", {"refine_landmarks": True}),
    ("try-on, tracking + mesh overlay", "mesh=1", {}),
    ("try-on, detect every frame", "mode=image", {"running_mode": "image"}),
]


def cpython_run(options: dict, frames: int) -> dict:
    import numpy as np

    from frontml.image import ArrayFrame
    from frontml.tasks.face import FaceOptions, create_face_mesh
    from tests.media import astronaut_frame

    return cpython_loop(lambda: create_face_mesh(FaceOptions(**options)),
                        ArrayFrame(np.asarray(astronaut_frame())), frames)


def measure(bench: Bench, configs, seconds: float, frames: int) -> list[tuple]:
    rows = []
    for label, query, options in configs:
        log(f"measuring face: {label} ...")
        try:
            page = page_run(bench, f"tryon.html?{query}", seconds, keep_results=True)
        except Exception as exc:  # a page that never starts: report it, measure the rest
            log(f"  {label}: page failed: {exc.__class__.__name__}")
            page = {"fps": None}
        rows.append((label, page, cpython_run(options, frames)))
    return rows


def table(rows: list[tuple]) -> str:
    head = (f"Face try-on, 640×480 fake camera (astronaut), {today()}, {machine()}, headless "
            f"Chromium (SwiftShader WebGL), onnxruntime-web wasm vs CPython onnxruntime.")
    body = [[label, *stage_cells(page), fmt(cpu["fps"]), fmt(cpu.get("infer")),
             fmt(cpu.get("post"))] for label, page, cpu in rows]
    return head + "\n\n" + md_table(
        ["configuration", *STAGE_HEADERS, "CPython FPS", "CPython infer", "CPython post"], body)


def main(argv: list[str] | None = None) -> int:
    return speed_main(argv, "face try-on speed: page vs CPython", CONFIGS, measure, table,
                      "face.md")


if __name__ == "__main__":
    sys.exit(main())
