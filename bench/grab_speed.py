"""python -m bench.grab_speed: the frame path (grab + texture upload + warp/readback of the
model crops), per frame, old (`?grab=canvas`: video -> CPU canvas -> WebGL texture -> crops
read back) vs new (`?grab=cpu`: VideoFrame.copyTo in its YUV format, crops converted and warped
in JS with numpy's arithmetic) and `?grab=yuv` (the same copy, its YUV planes uploaded as they
are, converted and warped in the WebGL2 shader, only the crops read back), in both browser
configurations (Chromium defaults, and
GPU-style compositing), side by side in one run. `--modes canvas,frame,cpu` adds the
VideoFrame -> WebGL texture path.

Reads `window.frontml.framePath` (summed ms, web/js/frames.js) and the HUD's stage totals.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.harness import DEFAULT_OUT, Bench, astronaut_video, fmt, log, machine, md_table, today
from bench.report import GPU_STYLE

PAGES = [("pose full", "pose.html?model=full"), ("segment", "segment.html"),
         ("hello", "hello.html")]
SAMPLE = ("({fp: {...window.frontml.framePath}, t: {...window.frontml.totals},"
          " n: window.frontml.count})")


def run_page(bench: Bench, path_query: str, seconds: float) -> dict:
    page = bench.new_page()
    try:
        page.goto(f"{bench.base}/{path_query}")
        page.wait_for_function("window.frontml && window.frontml.count >= 3", timeout=180_000)
        start = page.evaluate(SAMPLE)
        time.sleep(seconds)
        end = page.evaluate(SAMPLE)
    finally:
        page.close()
    frames = max(end["n"] - start["n"], 1)
    grabs = max(end["fp"]["grabs"] - start["fp"]["grabs"], 1)
    out = {k: (end["fp"][k] - start["fp"][k]) / grabs for k in ("grab", "upload", "warp")}
    out["path"] = out["grab"] + out["upload"] + out["warp"]
    for k in ("grab", "pre", "infer", "total"):
        out[f"hud_{k}"] = (end["t"].get(k, 0) - start["t"].get(k, 0)) / frames
    out["fps"] = (end["n"] - start["n"]) / seconds
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--pages", default=",".join(label for label, _ in PAGES))
    parser.add_argument("--modes", default="canvas,cpu,yuv", help="first = baseline")
    parser.add_argument("--configs", default="defaults,GPU-style",
                        help="browser configurations to run")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    chosen = [p for p in PAGES if p[0] in args.pages.split(",")]
    modes = args.modes.split(",")
    rows = []
    video = astronaut_video(args.out)
    for config, flags in (("defaults", ()), ("GPU-style", GPU_STYLE)):
        if config not in args.configs.split(","):
            continue
        with Bench(video, extra_args=flags) as bench:
            for label, path in chosen:
                got = {}
                for mode in modes:
                    sep = "&" if "?" in path else "?"
                    log(f"{config} {label} grab={mode} ...")
                    got[mode] = run_page(bench, f"{path}{sep}grab={mode}", args.seconds)
                base = got[modes[0]]
                for mode in modes:
                    r = got[mode]
                    rows.append([config, label, mode, fmt(r["path"]),
                                 fmt(base["path"] / r["path"] if r["path"] else None, 2),
                                 f"{fmt(r['grab'])} / {fmt(r['upload'])} / {fmt(r['warp'])}",
                                 fmt(r["hud_total"]), fmt(r["fps"])])
    text = (f"Frame path per frame, {today()}, {machine()}:\n\n" + md_table(
        ["browser", "page", "grab mode", "frame path ms", f"{modes[0]} / this",
         "grab / upload / warp+readback ms", "frame total ms", "FPS"],
        rows))
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "grab.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
