"""Segmentation speed: per-stage ms in the page (headless Chromium, fake camera) and in CPython.

    python bench/segmentation_speed.py [--seconds 6] [--quick] [--out bench/out]

Each configuration (model × effect) runs the segmentation page on the same fake-camera video
(the astronaut photo, 640×480) for a fixed time; the page's running per-stage sums give mean
ms per frame and FPS ("render" = the canvas post-processing and compositing, segRender). The
same pipeline then runs in CPython (onnxruntime + numpy effects, effects_cpu) on the same frame.
Prints one markdown table and writes it to bench/out/segmentation.md.
"""

from __future__ import annotations

import argparse
import datetime
import io
import platform
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "py"))

from bench.pose_speed import STAGES, fmt  # noqa: E402

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


def page_run(browser, base: str, model: str, effect: str, parts: bool, seconds: float) -> dict:
    page = browser.new_page()
    try:
        query = f"model={model}&effect={effect}&parts={int(parts)}&smoothing=0.6&feather=2"
        page.goto(f"{base}/segment.html?{query}")
        page.wait_for_function("window.frontml && window.frontml.count >= 2", timeout=120_000)
        if effect == "image":
            page.set_input_files("#background", files=[
                {"name": "bg.png", "mimeType": "image/png", "buffer": background_png()}])
            time.sleep(0.5)
        start = page.evaluate("({t: {...window.frontml.totals}, n: window.frontml.count})")
        time.sleep(seconds)
        end = page.evaluate("({t: {...window.frontml.totals}, n: window.frontml.count})")
    finally:
        page.close()
    frames = end["n"] - start["n"]
    mean = {k: (end["t"].get(k, 0) - start["t"].get(k, 0)) / max(frames, 1) for k in end["t"]}
    mean["fps"] = frames / seconds
    return mean


def cpython_run(model: str, effect: str, parts: bool, frames: int) -> dict:
    import numpy as np

    from frontml.image import ArrayFrame
    from frontml.runtime import run_sync
    from frontml.tasks.segmentation import PersonSegmenter, SegmentationOptions
    from frontml.tasks.segmentation import effects_cpu as fx
    from frontml.timing import StageTimer
    from tests.media import astronaut_frame

    rgb = astronaut_frame()
    frame = ArrayFrame(np.asarray(rgb))
    background = np.ascontiguousarray(rgb[::-1])
    options = SegmentationOptions(model=model, smoothing=0.6, feather=2, body_parts=parts)

    async def go() -> dict:
        seg = await PersonSegmenter.create(options)
        post = fx.MaskFilter.from_options(options)
        totals: dict[str, float] = {}
        await seg.process(frame, 0.0)  # warm-up
        start = time.perf_counter()
        for i in range(frames):
            timer = StageTimer()
            result = await seg.process(frame, 33.3 * (i + 1), timer)
            with timer.stage("render"):
                alpha = post.matte(result)
                if effect != "none":
                    fx.composite(rgb, alpha, effect, blur=12, background=background)
                if parts and len(result.segments):
                    fx.body_part_labels(fx.soft_threshold(result.probability(), 0.5),
                                        result.mask_affine, result.segments)
            for k, v in timer.ms.items():
                totals[k] = totals.get(k, 0.0) + v
        elapsed = time.perf_counter() - start
        seg.close()
        out = {k: v / frames for k, v in totals.items()}
        out["fps"] = frames / elapsed
        return out

    return run_sync(go())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="segmentation speed: page vs CPython")
    parser.add_argument("--seconds", type=float, default=6.0, help="measuring time per page")
    parser.add_argument("--frames", type=int, default=10, help="CPython frames per config")
    parser.add_argument("--quick", action="store_true", help="one config, short (for tests)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)

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
        for model, effect, parts in configs(args.quick):
            print(f"measuring {label(model, effect, parts)} ...", file=sys.stderr, flush=True)
            page = page_run(browser, base, model, effect, parts, args.seconds)
            cpu = cpython_run(model, effect, parts, 2 if args.quick else args.frames)
            rows.append((label(model, effect, parts), page, cpu))
        browser.close()
    server.shutdown()

    lines = [
        f"Segmentation, 640×480 fake camera (astronaut), {datetime.date.today()}, "
        f"{platform.machine()} {_cpu_count()} cores, headless Chromium, onnxruntime-web wasm "
        f"vs CPython onnxruntime + numpy effects; smoothing 0.6, feather 2 px, blur 12 px.",
        "",
        "| model, effect | page FPS | grab | pre | infer | post | render | Python % "
        "| CPython FPS | CPython infer | CPython render |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, page, cpu in rows:
        lines.append(
            f"| {name} | {fmt(page['fps'])} | "
            + " | ".join(fmt(page.get(s)) for s in STAGES)
            + f" | {fmt(page.get('python %'), 0)} | {fmt(cpu['fps'])} | {fmt(cpu.get('infer'))}"
            f" | {fmt(cpu.get('render'))} |"
        )
    table = "\n".join(lines)
    print(table)
    (args.out / "segmentation.md").write_text(table + "\n")
    return 0


def _cpu_count() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
