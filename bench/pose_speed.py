"""Pose speed: per-stage ms in the page (headless Chromium, fake camera) and in CPython.

    python -m bench [--seconds 8] [--quick] [--out bench/out]

For each configuration the pose page runs on the same fake-camera video (the astronaut photo)
for a fixed time; the page's running per-stage sums give mean ms per frame, FPS and the share
of the frame spent in Python. The same pipeline then runs in CPython (onnxruntime) on the same
frame. Prints one markdown table and writes it to bench/out/pose.md. Timings are this
machine's, measured in one run; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "py"))

STAGES = ("grab", "pre", "infer", "post", "render")
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
]


def page_run(browser, base: str, query: str, seconds: float) -> dict:
    page = browser.new_page()
    try:
        page.goto(f"{base}/pose.html?{query}")
        page.wait_for_function("window.frontml && window.frontml.count >= 2", timeout=120_000)
        start = page.evaluate("({t: {...window.frontml.totals}, n: window.frontml.count})")
        time.sleep(seconds)
        end = page.evaluate("({t: {...window.frontml.totals}, n: window.frontml.count})")
    finally:
        page.close()
    frames = end["n"] - start["n"]
    mean = {k: (end["t"].get(k, 0) - start["t"].get(k, 0)) / max(frames, 1) for k in end["t"]}
    mean["fps"] = frames / seconds
    mean["frames"] = frames
    return mean


def cpython_run(options: dict, frames: int) -> dict:
    import numpy as np

    from frontml.image import ArrayFrame
    from frontml.runtime import run_sync
    from frontml.tasks.pose import PoseOptions, create_pose_detector
    from frontml.timing import StageTimer
    from tests.media import astronaut_frame

    rgb = astronaut_frame()
    frame = ArrayFrame(np.asarray(rgb))

    async def go() -> dict:
        det = await create_pose_detector(PoseOptions(**options))
        totals: dict[str, float] = {}
        await det.process(frame, 0.0)  # warm-up
        start = time.perf_counter()
        for i in range(frames):
            timer = StageTimer()
            await det.process(frame, 33.3 * (i + 1), timer)
            for k, v in timer.ms.items():
                totals[k] = totals.get(k, 0.0) + v
        elapsed = time.perf_counter() - start
        det.close()
        out = {k: v / frames for k, v in totals.items()}
        out["fps"] = frames / elapsed
        return out

    return run_sync(go())


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pose speed: page vs CPython")
    parser.add_argument("--seconds", type=float, default=8.0, help="measuring time per page")
    parser.add_argument("--frames", type=int, default=10, help="CPython frames per config")
    parser.add_argument("--quick", action="store_true", help="one config, short (for tests)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    configs = CONFIGS[:1] if args.quick else CONFIGS

    from playwright.sync_api import sync_playwright

    import serve
    from tests.media import astronaut_frame, write_y4m

    args.out.mkdir(parents=True, exist_ok=True)
    video = write_y4m(args.out / "astronaut.y4m", [astronaut_frame()] * 2)
    serve.repack_python()
    server = serve.make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                  f"--use-file-for-fake-video-capture={video}",
                  "--disable-background-networking"])
        for label, query, options in configs:
            print(f"measuring {label} ...", file=sys.stderr, flush=True)
            page = page_run(browser, base, query, args.seconds)
            cpu = cpython_run(options, 2 if args.quick else args.frames)
            rows.append((label, page, cpu))
        browser.close()
    server.shutdown()

    lines = [
        f"Pose, 640×480 fake camera (astronaut), {datetime.date.today()}, "
        f"{platform.machine()} {_cpu_count()} cores, headless Chromium, onnxruntime-web wasm "
        f"(1 thread) vs CPython onnxruntime.",
        "",
        "| configuration | page FPS | grab | pre | infer | post | render | Python % "
        "| CPython FPS | CPython infer | page/CPython infer |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, page, cpu in rows:
        ratio = page.get("infer", 0) / cpu["infer"] if cpu.get("infer") else None
        lines.append(
            f"| {label} | {fmt(page['fps'])} | "
            + " | ".join(fmt(page.get(s)) for s in STAGES)
            + f" | {fmt(page.get('python %'), 0)} | {fmt(cpu['fps'])} | {fmt(cpu.get('infer'))}"
            f" | {fmt(ratio, 2)} |"
        )
    table = "\n".join(lines)
    print(table)
    (args.out / "pose.md").write_text(table + "\n")
    return 0


def _cpu_count() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
