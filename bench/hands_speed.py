"""Hands speed: per-stage ms in the page (headless Chromium, fake camera) and in CPython.

    python -m bench hands [--seconds 8] [--frames 10] [--quick] [--cpython-only] [--out bench/out]

Like bench/pose_speed.py: for each configuration (lite/full, tracking on/off) the hands page
runs on the same fake-camera video (a hand, tests/data/hands_sample5.jpg centred in 640×480)
for a fixed time; the page's running per-stage sums give mean ms per frame, FPS and Python's
share. The same pipeline then runs in CPython (onnxruntime) on the same frame. Prints a
markdown table and writes it to bench/out/hands.md.
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
    hand_video,
    log,
    machine,
    md_table,
    page_run,
    speed_parser,
    stage_cells,
    today,
)

# (label, page query, HandsOptions kwargs)
CONFIGS = [
    ("hands lite, tracking", "model=lite", {"model": "lite"}),
    ("hands lite, detect every frame", "model=lite&mode=image",
     {"model": "lite", "running_mode": "image"}),
    ("hands full, tracking", "model=full", {"model": "full"}),
    ("hands full, detect every frame", "model=full&mode=image",
     {"model": "full", "running_mode": "image"}),
]


def cpython_run(options: dict, frames: int) -> dict:
    from frontml.image import ArrayFrame
    from frontml.tasks.hands import HandsOptions, create_hand_landmarker
    from tests.e2e.test_hands import hand_frame

    def detector_share(lm, out, before):
        if out is None:
            return lm.detector_runs
        out["detector_share"] = (lm.detector_runs - before) / frames
        return None

    return cpython_loop(lambda: create_hand_landmarker(HandsOptions(**options)),
                        ArrayFrame(hand_frame()), frames, finish=detector_share)


def measure(bench: Bench, configs, seconds: float, frames: int) -> list[tuple]:
    rows = []
    for label, query, options in configs:
        log(f"measuring hands: {label} ...")
        page = page_run(bench, f"hands.html?{query}", seconds, keep_results=True)
        page["hands"] = len((page.get("results") or {}).get("hands") or [])
        rows.append((label, page, cpython_run(options, frames)))
    return rows


def table(rows: list[tuple]) -> str:
    head = (f"Hands, 640×480 fake camera (one hand), {today()}, {machine()}, headless Chromium, "
            f"onnxruntime-web wasm vs CPython onnxruntime.")
    body = []
    for label, page, cpu in rows:
        ratio = page.get("infer", 0) / cpu["infer"] if cpu.get("infer") and page else None
        body.append([label, *stage_cells(page), fmt(cpu["fps"]), fmt(cpu.get("pre")),
                     fmt(cpu.get("infer")), fmt(cpu.get("post")), fmt(ratio, 2)])
    return head + "\n\n" + md_table(
        ["configuration", *STAGE_HEADERS, "CPython FPS", "CPython pre", "CPython infer",
         "CPython post", "page/CPython infer"], body)


def main(argv: list[str] | None = None) -> int:
    parser = speed_parser("hands speed: page vs CPython")
    parser.add_argument("--cpython-only", action="store_true", help="skip the page")
    args = parser.parse_args(argv)
    configs = CONFIGS[:1] if args.quick else CONFIGS
    frames = 2 if args.quick else args.frames
    args.out.mkdir(parents=True, exist_ok=True)
    if args.cpython_only:
        rows = [(label, {}, cpython_run(options, args.frames)) for label, _q, options in configs]
    else:
        with Bench(hand_video(args.out)) as bench:
            rows = measure(bench, configs, args.seconds, frames)
    text = table(rows)
    print(text)
    (args.out / "hands.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
