"""Hands speed: per-stage ms in the page (headless Chromium, fake camera) and in CPython.

    .venv/bin/python bench/hands_speed.py [--seconds 8] [--frames 10] [--quick] [--out bench/out]

Like bench/pose_speed.py: for each configuration (lite/full, tracking on/off) the hands page
runs on the same fake-camera video (a hand, tests/data/hands_sample5.jpg centred in 640×480)
for a fixed time; the page's running per-stage sums give mean ms per frame, FPS and Python's
share. The same pipeline then runs in CPython (onnxruntime) on the same frame. Prints a
markdown table and writes it to bench/out/hands.md.
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

from bench.pose_speed import STAGES, _cpu_count, fmt  # noqa: E402

# (label, page query, HandsOptions kwargs)
CONFIGS = [
    ("hands lite, tracking", "model=lite", {"model": "lite"}),
    ("hands lite, detect every frame", "model=lite&mode=image",
     {"model": "lite", "running_mode": "image"}),
    ("hands full, tracking", "model=full", {"model": "full"}),
    ("hands full, detect every frame", "model=full&mode=image",
     {"model": "full", "running_mode": "image"}),
]


def page_run(browser, base: str, query: str, seconds: float) -> dict:
    page = browser.new_page()
    try:
        page.goto(f"{base}/hands.html?{query}")
        page.wait_for_function("window.frontml && window.frontml.count >= 2", timeout=120_000)
        start = page.evaluate("({t: {...window.frontml.totals}, n: window.frontml.count})")
        time.sleep(seconds)
        end = page.evaluate("({t: {...window.frontml.totals}, n: window.frontml.count,"
                            " r: window.frontml.results})")
    finally:
        page.close()
    frames = end["n"] - start["n"]
    mean = {k: (end["t"].get(k, 0) - start["t"].get(k, 0)) / max(frames, 1) for k in end["t"]}
    mean["fps"] = frames / seconds
    mean["frames"] = frames
    mean["hands"] = len((end.get("r") or {}).get("hands") or [])
    return mean


def cpython_run(options: dict, frames: int) -> dict:
    from frontml.image import ArrayFrame
    from frontml.runtime import run_sync
    from frontml.tasks.hands import HandsOptions, create_hand_landmarker
    from frontml.timing import StageTimer
    from tests.e2e.test_hands import hand_frame

    frame = ArrayFrame(hand_frame())

    async def go() -> dict:
        lm = await create_hand_landmarker(HandsOptions(**options))
        totals: dict[str, float] = {}
        await lm.process(frame, 0.0)  # warm-up
        runs0 = lm.detector_runs
        start = time.perf_counter()
        for i in range(frames):
            timer = StageTimer()
            await lm.process(frame, 33.3 * (i + 1), timer)
            for k, v in timer.ms.items():
                totals[k] = totals.get(k, 0.0) + v
        elapsed = time.perf_counter() - start
        out = {k: v / frames for k, v in totals.items()}
        out["fps"] = frames / elapsed
        out["detector_share"] = (lm.detector_runs - runs0) / frames
        lm.close()
        return out

    return run_sync(go())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hands speed: page vs CPython")
    parser.add_argument("--seconds", type=float, default=8.0, help="measuring time per page")
    parser.add_argument("--frames", type=int, default=10, help="CPython frames per config")
    parser.add_argument("--quick", action="store_true", help="one config, short")
    parser.add_argument("--cpython-only", action="store_true", help="skip the page")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    configs = CONFIGS[:1] if args.quick else CONFIGS
    args.out.mkdir(parents=True, exist_ok=True)

    rows = []
    if args.cpython_only:
        for label, _query, options in configs:
            rows.append((label, {}, cpython_run(options, args.frames)))
    else:
        from playwright.sync_api import sync_playwright

        import serve
        from tests.e2e.test_hands import hand_frame
        from tests.media import write_y4m

        video = write_y4m(args.out / "hand.y4m", [hand_frame()] * 2)
        serve.repack_python()
        server = serve.make_server("127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
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
        f"Hands, 640×480 fake camera (one hand), {datetime.date.today()}, "
        f"{platform.machine()} {_cpu_count()} cores, headless Chromium, onnxruntime-web wasm "
        f"(1 thread) vs CPython onnxruntime.",
        "",
        "| configuration | page FPS | grab | pre | infer | post | render | Python % "
        "| CPython FPS | CPython pre | CPython infer | CPython post | page/CPython infer |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, page, cpu in rows:
        ratio = page.get("infer", 0) / cpu["infer"] if cpu.get("infer") and page else None
        lines.append(
            f"| {label} | {fmt(page.get('fps'))} | "
            + " | ".join(fmt(page.get(s)) for s in STAGES)
            + f" | {fmt(page.get('python %'), 0)} | {fmt(cpu['fps'])} | {fmt(cpu.get('pre'))}"
            f" | {fmt(cpu.get('infer'))} | {fmt(cpu.get('post'))} | {fmt(ratio, 2)} |"
        )
    table = "\n".join(lines)
    print(table)
    (args.out / "hands.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
