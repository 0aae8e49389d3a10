"""python -m bench.responsive: how long the main thread is blocked while a page runs its models.

A PerformanceObserver('longtask') is installed before the page's scripts; after the page's
third frame, every long task (> 50 ms, the browser's own definition) for `--seconds` is
counted: count per second, the longest, and the share of wall time blocked. Each page runs with
inference on the main thread (default) and with `?proxy=1` (onnxruntime-web's env.wasm.proxy:
the wasm backend in a worker), in both browser configurations, side by side in one run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.harness import DEFAULT_OUT, Bench, astronaut_video, fmt, log, machine, md_table, today
from bench.report import GPU_STYLE

PAGES = [("pose full", "pose.html?model=full"), ("segment", "segment.html"),
         ("hands", "hands.html")]
OBSERVE = """
window.__longtasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
}).observe({ type: 'longtask', buffered: true });
"""


def run_page(bench: Bench, path_query: str, seconds: float) -> dict:
    page = bench.new_page()
    page.add_init_script(OBSERVE)
    try:
        page.goto(f"{bench.base}/{path_query}")
        page.wait_for_function("window.frontml && window.frontml.count >= 3", timeout=180_000)
        t0, n0 = page.evaluate("[performance.now(), window.frontml.count]")
        time.sleep(seconds)
        t1, n1, tasks = page.evaluate(
            "[performance.now(), window.frontml.count, window.__longtasks]")
    finally:
        page.close()
    during = [d for start, d in tasks if t0 <= start < t1]
    span = (t1 - t0) / 1000.0
    return {"per_s": len(during) / span, "max": max(during, default=0.0),
            "blocked": 100.0 * sum(during) / (t1 - t0), "fps": (n1 - n0) / span}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--pages", default=",".join(label for label, _ in PAGES))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    chosen = [p for p in PAGES if p[0] in args.pages.split(",")]
    rows = []
    video = astronaut_video(args.out)
    for config, flags in (("defaults", ()), ("GPU-style", GPU_STYLE)):
        with Bench(video, extra_args=flags) as bench:
            for label, path in chosen:
                for proxy in (False, True):
                    query = path + ("&" if "?" in path else "?") + "proxy=1" if proxy else path
                    log(f"{config} {label} proxy={int(proxy)} ...")
                    r = run_page(bench, query, args.seconds)
                    rows.append([config, label, "worker (proxy)" if proxy else "main thread",
                                 fmt(r["per_s"], 2), fmt(r["max"], 0), fmt(r["blocked"], 0),
                                 fmt(r["fps"])])
    text = (f"Main-thread long tasks (> 50 ms) while running, {today()}, {machine()}:\n\n"
            + md_table(["browser", "page", "inference", "long tasks / s", "longest ms",
                        "% of time blocked", "FPS"], rows))
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "responsive.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
