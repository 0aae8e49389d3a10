"""Shared benchmark plumbing: the static server, headless Chromium with a fake camera, the
off-origin request guard, timing a page from its running sums, and markdown tables.

Every page of a run goes through one `Bench`; any request that leaves 127.0.0.1 (other than
data:/blob: URLs) is recorded and `Bench.close()` raises `OffOriginError`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "py"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

STAGES = ("grab", "pre", "infer", "post", "render")
CHROMIUM = "/usr/bin/chromium"
DEFAULT_OUT = ROOT / "bench" / "out"
LOCAL_HOSTS = {"127.0.0.1"}


class OffOriginError(RuntimeError):
    pass


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def cpu_count() -> int:
    return os.cpu_count() or 0


_cpu_count = cpu_count  # old name, kept for callers


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.machine()} {cpu_count()} cores{', ' + model if model else ''}"


def today() -> str:
    return str(datetime.date.today())


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_table(out: Path, name: str, what: str, where: str, headers: list[str],
                rows: list[list[str]]) -> str:
    """Print "<what>, <today>, <where>." over the markdown table; also written to out/name."""
    text = f"{what}, {today()}, {where}.\n\n" + md_table(headers, rows)
    print(text)
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(text + "\n")
    return text


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def astronaut_video(out: Path) -> Path:
    from tests.media import astronaut_frame, write_y4m

    out.mkdir(parents=True, exist_ok=True)
    return write_y4m(out / "astronaut.y4m", [astronaut_frame()] * 2)


def hand_video(out: Path) -> Path:
    from tests.e2e.test_hands import hand_frame
    from tests.media import write_y4m

    out.mkdir(parents=True, exist_ok=True)
    return write_y4m(out / "hand.y4m", [hand_frame()] * 2)


def chromium_args(video: Path) -> list[str]:
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}", "--disable-background-networking"]


class Bench:
    """Server + Playwright + one Chromium whose fake camera plays `video`.

    `Bench(other_video, parent=bench)` adds a second Chromium with another camera video that
    shares the parent's server and Playwright (one sync Playwright per thread is all there is).
    """

    def __init__(self, video: Path, parent: Bench | None = None,
                 extra_args: tuple[str, ...] = ()):
        self.video = Path(video)
        self.parent = parent
        if parent is not None:
            self.server, self.base, self.pw = parent.server, parent.base, parent.pw
            self.off_origin = parent.off_origin
        else:
            from playwright.sync_api import sync_playwright

            import serve

            serve.repack_python()
            self.server = serve.make_server("127.0.0.1", 0)
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
            self.base = f"http://127.0.0.1:{self.server.server_port}"
            self.off_origin: list[str] = []
            self._pw_cm = sync_playwright()
            self.pw = self._pw_cm.__enter__()
        self.browser = self.pw.chromium.launch(executable_path=CHROMIUM,
                                               args=[*chromium_args(self.video), *extra_args])

    def __enter__(self) -> Bench:
        return self

    def __exit__(self, *exc) -> None:
        self.close(check=exc[0] is None)

    def watch(self, context, log_to: list | None = None) -> None:
        """Record every request of `context`; off-origin ones fail the run at close()."""
        def on_request(request) -> None:
            url = request.url
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob"):
                return
            if parsed.hostname not in LOCAL_HOSTS:
                self.off_origin.append(url)
            if log_to is not None:
                log_to.append(url)
        context.on("request", on_request)

    def new_page(self, log_to: list | None = None):
        context = self.browser.new_context()
        self.watch(context, log_to)
        page = context.new_page()
        page.on("close", lambda _p: context.close())
        return page

    def persistent_context(self, user_data_dir: Path, log_to: list | None = None):
        context = self.pw.chromium.launch_persistent_context(
            str(user_data_dir), executable_path=CHROMIUM, args=chromium_args(self.video))
        self.watch(context, log_to)
        return context

    def close(self, check: bool = True) -> None:
        try:
            self.browser.close()
        finally:
            if self.parent is None:
                self._pw_cm.__exit__(None, None, None)
                self.server.shutdown()
                self.server.server_close()
        if check and self.off_origin:
            raise OffOriginError("requests left 127.0.0.1: " + ", ".join(self.off_origin[:10]))


SAMPLE_JS = "({t: {...window.frontml.totals}, n: window.frontml.count})"


def page_run(bench: Bench, path_query: str, seconds: float, prepare=None,
             keep_results: bool = False, first_frames_s: float = 120.0) -> dict:
    """Run a frontml page for `seconds` after its second frame; mean ms per stage, FPS.

    `prepare(page)` runs once the page is going (e.g. to pick a background file);
    `first_frames_s`: how long its first two frames may take (emulated GPUs compile shaders)."""
    page = bench.new_page()
    try:
        page.goto(f"{bench.base}/{path_query}")
        page.wait_for_function("window.frontml && window.frontml.count >= 2",
                               timeout=first_frames_s * 1000)
        if prepare is not None:
            prepare(page)
        start = page.evaluate(SAMPLE_JS)
        time.sleep(seconds)
        end = page.evaluate(SAMPLE_JS)
        results = page.evaluate("window.frontml.results") if keep_results else None
        providers = page.evaluate("window.frontml.providers || {}")
    finally:
        page.close()
    frames = end["n"] - start["n"]
    mean = {k: (end["t"].get(k, 0) - start["t"].get(k, 0)) / max(frames, 1) for k in end["t"]}
    mean["fps"] = frames / seconds
    mean["frames"] = frames
    mean["providers"] = providers  # model id -> {provider, how, ms} (Page.show_backend)
    if keep_results:
        mean["results"] = results
    return mean


def cpython_loop(create, frame, frames: int, extra=None, finish=None) -> dict:
    """Time `frames` calls of `task.process` (after one warm-up) in CPython; mean ms per stage.

    `create()` is a coroutine giving the task; `extra(task, result, timer)` adds stages;
    `finish(task, out, before)` adds to the result (`before`: its value after the warm-up)."""
    from frontml.runtime import run_sync
    from frontml.timing import StageTimer

    async def go() -> dict:
        task = await create()
        totals: dict[str, float] = {}
        await task.process(frame, 0.0)  # warm-up
        before = finish(task, None, None) if finish is not None else None
        start = time.perf_counter()
        for i in range(frames):
            timer = StageTimer()
            result = await task.process(frame, 33.3 * (i + 1), timer)
            if extra is not None:
                extra(task, result, timer)
            for k, v in timer.ms.items():
                totals[k] = totals.get(k, 0.0) + v
        elapsed = time.perf_counter() - start
        out = {k: v / frames for k, v in totals.items()}
        out["fps"] = frames / elapsed
        if finish is not None:
            finish(task, out, before)
        task.close()
        return out

    return run_sync(go())


def stage_cells(page: dict) -> list[str]:
    return [fmt(page.get("fps"))] + [fmt(page.get(s)) for s in STAGES] + [
        fmt(page.get("python %"), 0)]


STAGE_HEADERS = ["page FPS", "grab", "pre", "infer", "post", "render", "Python %"]


def speed_parser(description: str, seconds: float = 8.0) -> argparse.ArgumentParser:
    """The options every per-task speed script takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seconds", type=float, default=seconds, help="measuring time per page")
    parser.add_argument("--frames", type=int, default=10, help="CPython frames per config")
    parser.add_argument("--quick", action="store_true", help="one config, short (for tests)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return parser


def speed_main(argv, description: str, configs, measure, table, out_name: str,
               video=None, seconds: float = 8.0) -> int:
    """Run one task's configurations (page + CPython), print and save the markdown table.

    configs: a list, or a function of `quick` giving the list."""
    args = speed_parser(description, seconds).parse_args(argv)
    chosen = configs(args.quick) if callable(configs) else (
        configs[:1] if args.quick else configs)
    with Bench((video or astronaut_video)(args.out)) as bench:
        rows = measure(bench, chosen, args.seconds, 2 if args.quick else args.frames)
    text = table(rows)
    print(text)
    (args.out / out_name).write_text(text + "\n")
    return 0
