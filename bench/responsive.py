"""python -m bench.responsive: how long the main thread is blocked while a page runs its models.

A PerformanceObserver('longtask') is installed before the page's scripts; after the page's
third frame, every long task (> 50 ms, the browser's own definition) for `--seconds` is
counted, per frame: long tasks and blocked ms per frame, the longest, the share of wall time
blocked. Each page runs with inference on the main thread and with `?proxy=1` (onnxruntime-web's
env.wasm.proxy: the wasm backend in a worker), in both browser configurations, side by side in
one run; the ratio row is main thread ÷ worker (above 1: the worker blocks less; for FPS, above 1
the main thread runs faster).
`--rounds N` alternates the two N times per page (the machine's load drifts).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.harness import DEFAULT_OUT, Bench, astronaut_video, fmt, log, machine, md_table, today
from bench.report import GPU_STYLE

PAGES = [("pose full", "pose.html?model=full"), ("hands", "hands.html"),
         ("segment", "segment.html")]
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
    frames = max(n1 - n0, 1)
    return {"per_s": len(during) / span, "per_frame": len(during) / frames,
            "blocked_per_frame": sum(during) / frames, "max": max(during, default=0.0),
            "blocked": 100.0 * sum(during) / (t1 - t0), "fps": (n1 - n0) / span}


def mean(runs: list[dict]) -> dict:
    return {k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}


def ratio(a: float, b: float) -> str:
    return fmt(a / b, 2) if b else "inf" if a else "-"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--pages", default="pose full,hands")
    parser.add_argument("--configs", default="defaults,GPU-style")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    chosen = [p for p in PAGES if p[0] in args.pages.split(",")]
    rows = []
    video = astronaut_video(args.out)
    for config, flags in (("defaults", ()), ("GPU-style", GPU_STYLE)):
        if config not in args.configs.split(","):
            continue
        with Bench(video, extra_args=flags) as bench:
            for label, path in chosen:
                got: dict[bool, list[dict]] = {False: [], True: []}
                for _ in range(args.rounds):
                    for proxy in (False, True):
                        query = path + ("&" if "?" in path else "?") + "proxy=1" if proxy else path
                        log(f"{config} {label} proxy={int(proxy)} ...")
                        got[proxy].append(run_page(bench, query, args.seconds))
                main_, worker = mean(got[False]), mean(got[True])
                for proxy, r in ((False, main_), (True, worker)):
                    rows.append([config, label, "worker (proxy)" if proxy else "main thread",
                                 fmt(r["per_frame"], 2), fmt(r["blocked_per_frame"], 0),
                                 fmt(r["max"], 0), fmt(r["blocked"], 0), fmt(r["fps"], 2)])
                rows.append([config, label, "**main ÷ worker**",
                             ratio(main_["per_frame"], worker["per_frame"]),
                             ratio(main_["blocked_per_frame"], worker["blocked_per_frame"]),
                             ratio(main_["max"], worker["max"]),
                             ratio(main_["blocked"], worker["blocked"]),
                             ratio(main_["fps"], worker["fps"])])
    text = (f"Main-thread long tasks (> 50 ms) while running, {today()}, {machine()},"
            f" {args.rounds} round(s) of {args.seconds:g} s per page and mode:\n\n"
            + md_table(["browser", "page", "inference", "long tasks / frame",
                        "blocked ms / frame", "longest ms (mean of rounds)", "% of time blocked",
                        "FPS"], rows))
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "responsive.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
