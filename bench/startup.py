"""python -m bench.startup: cold and warm (second visit) time to the first result, and the bytes
each page fetches (raw and gzip -6), with onnxruntime-web started while Pyodide boots
(web/js/boot.js, the default) and without it (`?ortwarm=0`), in both browser configurations,
side by side in one run. Uses bench.compare.startup_rows (cold: fresh context; warm: a
persistent profile's second load)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.compare import startup_rows
from bench.harness import DEFAULT_OUT, Bench, astronaut_video, fmt, log, machine, md_table, today
from bench.report import GPU_STYLE

PAGES = [("pose full", "pose.html?model=full"), ("segment", "segment.html"),
         ("hands", "hands.html")]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", default=",".join(label for label, _ in PAGES))
    parser.add_argument("--configs", default="defaults,GPU-style")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    chosen = [p for p in PAGES if p[0] in args.pages.split(",")]
    variants = []
    for label, query in chosen:
        sep = "&" if "?" in query else "?"
        variants += [(f"{label}|off", f"{query}{sep}ortwarm=0"), (f"{label}|on", query)]
    rows = []
    files: dict[str, list] = {}
    video = astronaut_video(args.out)
    for config, flags in (("defaults", ()), ("GPU-style", GPU_STYLE)):
        if config not in args.configs.split(","):
            continue
        with Bench(video, extra_args=flags) as bench:
            if flags:  # persistent contexts take the flags from the parent's launch args
                bench.persistent_context = _with_flags(bench, flags)
            log(f"{config} ...")
            got = {r["label"]: r for r in startup_rows(bench, variants)}
        for label, _ in chosen:
            off, on = got[f"{label}|off"], got[f"{label}|on"]
            files.setdefault(label, on["files"])
            rows.append([config, label, _pair(off["cold"], on["cold"]),
                         _pair(off["warm"], on["warm"]),
                         str(on["requests"]), fmt(on["bytes"] / 1e6, 2),
                         fmt(on["gzip"] / 1e6, 2)])
    text = (f"Start-up, {today()}, {machine()} (ORT warm-up off / on):\n\n" + md_table(
        ["browser", "page", "cold s to first result", "warm s to first result", "requests",
         "MB fetched", "MB gzip"], rows))
    for label, listed in files.items():
        text += f"\n\nBytes of `{label}` by file (largest gzip first):\n\n" + _breakdown(listed)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "startup.md").write_text(text + "\n")
    return 0


def _breakdown(files: list, top: int = 10) -> str:
    """Which files make a page's bytes: the `top` largest by gzip size, then the rest summed."""
    files = sorted(files, key=lambda f: -f[2])
    rest = files[top:]
    rows = [[f"`{name}`", fmt(raw / 1e6, 2), fmt(gz / 1e6, 2)] for name, raw, gz in files[:top]]
    if rest:
        rows.append([f"{len(rest)} other files", fmt(sum(f[1] for f in rest) / 1e6, 2),
                     fmt(sum(f[2] for f in rest) / 1e6, 2)])
    return md_table(["file", "MB", "MB gzip"], rows)


def _pair(off_ms: float, on_ms: float) -> str:
    return f"{fmt(off_ms / 1000, 2)} / {fmt(on_ms / 1000, 2)}"


def _with_flags(bench: Bench, flags: tuple[str, ...]):
    from bench.harness import CHROMIUM, chromium_args

    def persistent_context(user_data_dir: Path, log_to: list | None = None):
        context = bench.pw.chromium.launch_persistent_context(
            str(user_data_dir), executable_path=CHROMIUM,
            args=[*chromium_args(bench.video), *flags])
        bench.watch(context, log_to)
        return context
    return persistent_context


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
