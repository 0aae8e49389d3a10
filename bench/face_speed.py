"""Face / AR try-on speed: per-stage ms and FPS of the try-on page (rendering included) in
headless Chromium on the fake camera, and the same pipeline in CPython.

    python bench/face_speed.py [--seconds 8] [--quick] [--out bench/out]

The page's running per-stage sums (window.frontml.totals) give mean ms per frame; "render" is
drawing the frame, the optional mesh, and the Three.js glasses (WebGL). FPS counts processed
frames over the measuring time. Prints one markdown table, also written to bench/out/face.md.
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
sys.path.insert(0, str(ROOT / "bench"))

from pose_speed import STAGES, _cpu_count, fmt  # noqa: E402

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
    from frontml.runtime import run_sync
    from frontml.tasks.face import FaceOptions, create_face_mesh
    from frontml.timing import StageTimer
    from tests.media import astronaut_frame

    frame = ArrayFrame(np.asarray(astronaut_frame()))

    async def go() -> dict:
        mesh = await create_face_mesh(FaceOptions(**options))
        totals: dict[str, float] = {}
        await mesh.process(frame, 0.0)  # warm-up
        start = time.perf_counter()
        for i in range(frames):
            timer = StageTimer()
            await mesh.process(frame, 33.3 * (i + 1), timer)
            for k, v in timer.ms.items():
                totals[k] = totals.get(k, 0.0) + v
        elapsed = time.perf_counter() - start
        mesh.close()
        out = {k: v / frames for k, v in totals.items()}
        out["fps"] = frames / elapsed
        return out

    return run_sync(go())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="face try-on speed: page vs CPython")
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
            try:
                page = _run_tryon(browser, base, query, args.seconds)
            except Exception as exc:  # a page that never starts: report it, measure the rest
                print(f"  {label}: page failed: {exc.__class__.__name__}", file=sys.stderr)
                page = {"fps": None}
            cpu = cpython_run(options, 2 if args.quick else args.frames)
            rows.append((label, page, cpu))
        browser.close()
    server.shutdown()

    lines = [
        f"Face try-on, 640×480 fake camera (astronaut), {datetime.date.today()}, "
        f"{platform.machine()} {_cpu_count()} cores, headless Chromium (SwiftShader WebGL), "
        f"onnxruntime-web wasm vs CPython onnxruntime.",
        "",
        "| configuration | page FPS | grab | pre | infer | post | render | Python % "
        "| CPython FPS | CPython infer | CPython post |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, page, cpu in rows:
        lines.append(
            f"| {label} | {fmt(page['fps'])} | "
            + " | ".join(fmt(page.get(s)) for s in STAGES)
            + f" | {fmt(page.get('python %'), 0)} | {fmt(cpu['fps'])} | {fmt(cpu.get('infer'))}"
            f" | {fmt(cpu.get('post'))} |"
        )
    table = "\n".join(lines)
    print(table)
    (args.out / "face.md").write_text(table + "\n")
    return 0


def _run_tryon(browser, base: str, query: str, seconds: float) -> dict:
    page = browser.new_page()
    try:
        page.goto(f"{base}/tryon.html?{query}")
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


if __name__ == "__main__":
    sys.exit(main())
