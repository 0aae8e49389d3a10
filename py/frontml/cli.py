"""`python -m frontml TASK INPUT ...`: run a frontml pipeline on an image or video in CPython.

Subcommands live in `COMMANDS`; add one with the `command` decorator:

    @command("segment", "person segmentation of an image or video")
    def _segment_args(parser): ...            # add the subcommand's arguments
    # ...and set `run` via `parser.set_defaults(run=...)`; run(args) returns the exit code.

Exit codes: 0 ok, 1 the pipeline failed (e.g. models not built), 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from frontml.errors import FrontmlError, InputError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm",
                  ".pgm", ".pbm", ".ico"}


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str):
    """Register a subcommand; the decorated function adds its arguments and `run` default."""

    def register(configure: Callable[[argparse.ArgumentParser], None]):
        COMMANDS[name] = Command(name, help, configure)
        return configure

    return register


# ------------------------------------------------------------------ inputs


def open_input(path_arg: str) -> tuple[str, object]:
    """("image", ArrayFrame) or ("video", iterator of (rgb, timestamp_ms)); InputError if the
    file is missing or is neither."""
    from frontml.image import load_image
    from frontml.video import VIDEO_SUFFIXES, Y4M_MAGIC, read_video

    path = Path(path_arg)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    try:
        with open(path, "rb") as fh:
            magic = fh.read(len(Y4M_MAGIC))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    suffix = path.suffix.lower()
    if magic == Y4M_MAGIC or suffix == ".y4m":
        return "video", read_video(path)
    if suffix in VIDEO_SUFFIXES:
        return "video", read_video(path)
    try:
        return "image", load_image(path)
    except InputError:
        raise InputError(f"{path} is not an image or a video frontml can read "
                         f"(images: {', '.join(sorted(IMAGE_SUFFIXES))}; video: .y4m, or "
                         f"other formats with ffmpeg installed)") from None


def video_frames(frames: Iterator) -> Iterator:
    from frontml.image import ArrayFrame

    for rgb, timestamp_ms in frames:
        yield ArrayFrame(rgb, timestamp_ms)


# ------------------------------------------------------------------ running a task


def _round(value, digits: int = 6):
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v, digits) for v in value]
    return value


def run_task(args: argparse.Namespace, name: str, make_options: Callable[[str], dict],
             summary: Callable[[object, str], str], runs_label: str = "detector") -> int:
    """The loop every task's CLI shares: an image gives one result (JSON object or summary), a
    video one per frame (JSON lines). The task `name` is created through the registry from
    `make_options(running_mode)` (option field values); `summary` is the task's own."""
    from frontml.runtime import run_sync
    from frontml.tasks import registry
    from frontml.timing import StageTimer

    kind, source = open_input(args.input)
    try:
        mode = "image" if kind == "image" else "video"
        options = registry.make_options(name, make_options(mode))
    except ValueError as exc:  # an option out of range: the user's input, not a crash
        raise InputError(str(exc)) from None

    async def go() -> None:
        task = await registry.create(name, options)
        try:
            if kind == "image":
                timer = StageTimer()
                result = await task.process(source, 0.0, timer)
                if args.json:
                    print(json.dumps(_round(result.to_json())))
                else:
                    print(summary(result, args.input))
                    print("  ms: " + ", ".join(f"{k} {v:.1f}" for k, v in timer.ms.items()))
                return
            count = 0
            for frame in video_frames(source):
                result = await task.process(frame, frame.timestamp_ms)
                if args.json:
                    line = {"timestamp_ms": frame.timestamp_ms, **result.to_json()}
                    print(json.dumps(_round(line)), flush=True)
                else:
                    print(summary(result, f"frame {count} @ {frame.timestamp_ms:.1f} ms"))
                count += 1
            if count == 0:
                raise InputError(f"{args.input}: the video has no frames")
            if not args.json and hasattr(task, "detector_runs"):
                print(f"{count} frames, {runs_label} ran {task.detector_runs} times")
        finally:
            task.close()

    run_sync(go())
    return EXIT_OK


# ------------------------------------------------------------------ main


# Tasks register their subcommands with @command in their own `cli` module.
TASK_CLI_MODULES = ("frontml.tasks.pose.cli", "frontml.tasks.segmentation.cli",
                    "frontml.tasks.face.cli", "frontml.tasks.hands.cli")


def _load_task_clis() -> None:
    import importlib
    import importlib.util

    for name in TASK_CLI_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:  # the task package itself is absent
            found = False
        if found:
            importlib.import_module(name)


def build_parser() -> argparse.ArgumentParser:
    _load_task_clis()
    parser = argparse.ArgumentParser(
        prog="python -m frontml",
        description="Run frontml pipelines in CPython (onnxruntime) on images and videos.",
    )
    sub = parser.add_subparsers(dest="command", metavar="TASK", required=True)
    for cmd in COMMANDS.values():
        cmd.configure(sub.add_parser(cmd.name, help=cmd.help, description=cmd.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors exit 2 with argparse's message
    prog = f"frontml {args.command}"
    try:
        return args.run(args)
    except InputError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except FrontmlError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `| head`
        return EXIT_OK
