"""`python -m frontml TASK INPUT ...`: run a frontml pipeline on an image or video in CPython.

Subcommands live in `COMMANDS`; add one with the `command` decorator:

    @command("segment", "person segmentation of an image or video")
    def _segment_args(parser): ...            # add the subcommand's arguments
    # ...and set `run` via `parser.set_defaults(run=...)`; run(args) returns the exit code.

Exit codes: 0 ok, 1 the pipeline failed (e.g. models not built), 2 bad input or usage; either
way one line on stderr and no traceback unless `--debug` is on the command line. Outputs
(`--out`, `--*-out`) are checked before anything runs: never an input, never each other.
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
    try:
        if "\0" in path_arg:
            raise ValueError("it contains a NUL byte")
        exists = path.exists()
    except (ValueError, OSError) as exc:  # NUL in the name, a name too long
        raise InputError(f"{path_arg!r} is not a usable file name ({exc})") from None
    if not exists:
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
    except InputError as exc:
        if suffix in IMAGE_SUFFIXES or "not an image" not in str(exc):
            raise  # e.g. too large, truncated: the specific reason is the useful one
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


def summary_line(label: str, result, items: list, noun: str, describe: Callable,
                 empty: str | None = None) -> str:
    """'LABEL: WxH, N nouns; noun 0: ...; noun 1: ...' with `describe(item, w, h)` per item."""
    w, h = result.image_width, result.image_height
    if not items:
        return f"{label}: {w}x{h}, {empty or 'no ' + noun}"
    parts = [f"{noun} {i}: {describe(item, w, h)}" for i, item in enumerate(items)]
    n = len(items)
    return f"{label}: {w}x{h}, {n} {noun}{'s' if n > 1 else ''}; " + "; ".join(parts)


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


def run_many(args: argparse.Namespace, create: Callable, make_options: Callable[[str], object],
             summary: Callable[[object], str]) -> int:
    """Each input: an image gives one JSON object (line), a video one line per frame.
    One task per running mode, created once and reset between videos."""
    from frontml.runtime import run_sync

    tasks: dict[str, object] = {}
    bad = 0

    async def one(path: str) -> None:
        kind, source = open_input(path)
        mode = "image" if kind == "image" else "video"
        if mode not in tasks:
            try:
                tasks[mode] = await create(make_options(mode))
            except ValueError as exc:  # e.g. an allow-list name the model does not know
                raise InputError(str(exc)) from None
        task = tasks[mode]
        if kind == "image":
            result = await task.process(source, 0.0)
            print(json.dumps(_round(result.to_json())) if args.json
                  else f"{path}: {summary(result)}", flush=True)
            return
        task.reset()
        count = 0
        for frame in video_frames(source):
            result = await task.process(frame, frame.timestamp_ms)
            if args.json:
                line = {"timestamp_ms": frame.timestamp_ms, **result.to_json()}
                print(json.dumps(_round(line)), flush=True)
            else:
                print(f"{path} @ {frame.timestamp_ms:.1f} ms: {summary(result)}", flush=True)
            count += 1
        if count == 0:
            raise InputError(f"{path}: the video has no frames")

    async def go() -> None:
        nonlocal bad
        try:
            for path in args.inputs:
                try:
                    await one(path)
                except InputError as exc:  # report, keep going with the other inputs
                    bad += 1
                    print(f"frontml {args.command}: error: {exc}", file=sys.stderr, flush=True)
        finally:
            for task in tasks.values():
                task.close()

    run_sync(go())
    return EXIT_BAD_INPUT if bad else EXIT_OK


# ------------------------------------------------------------------ main


# Tasks register their subcommands with @command in their own `cli` module.
TASK_CLI_MODULES = ("frontml.tasks.pose.cli", "frontml.tasks.segmentation.cli",
                    "frontml.tasks.face.cli", "frontml.tasks.hands.cli",
                    "frontml.tasks.classification.cli", "frontml.tasks.detection.cli",
                    "frontml.learn.cli", "frontml.data.cli",
                    "frontml.tasks.text.cli", "frontml.tasks.speech.cli",
                    "frontml.tasks.makeup.cli")


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


def _paths(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


INPUT_ARGS = ("input", "inputs", "background")  # argument names that name files we read


def inputs_of(args: argparse.Namespace) -> list[Path]:
    return [Path(p) for name in INPUT_ARGS for p in _paths(getattr(args, name, None))]


def check_output(path: str | Path, inputs: list[Path], others: list[Path] = ()) -> Path:
    """An output path that cannot destroy an input (or another output), in a folder that
    exists; InputError naming both otherwise. Task CLIs call it for outputs they derive."""
    out = Path(path)
    for src in inputs:
        if _same_file(out, src):
            raise InputError(f"output {out} is the input {src}: frontml never overwrites an "
                             f"input; choose another output name")
    for other in others:
        if _same_file(out, other):
            raise InputError(f"two outputs are the same file ({out}); give each its own name")
    if out.is_dir():
        raise InputError(f"output {out} is a folder; give a file name")
    if not out.parent.is_dir():
        raise InputError(f"cannot write {out}: folder {out.parent} does not exist")
    return out


def check_outputs(args: argparse.Namespace) -> None:
    """Every `--out`/`--*-out` argument against every input and each other."""
    inputs = inputs_of(args)
    seen: list[Path] = []
    for name, value in sorted(vars(args).items()):
        if name == "out" or name.endswith("_out"):
            for p in _paths(value):
                seen.append(check_output(p, inputs, seen))


def _split_debug(argv: list[str]) -> tuple[list[str], bool]:
    """`--debug` anywhere on the line (before `--`) shows tracebacks; it is not a task option."""
    if "--" in argv:
        cut = argv.index("--")
        head, tail = argv[:cut], argv[cut:]
    else:
        head, tail = argv, []
    return [a for a in head if a != "--debug"] + tail, "--debug" in head


def main(argv: list[str] | None = None) -> int:
    argv, debug = _split_debug(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    parser.epilog = "--debug (anywhere): show a traceback when something fails"
    args = parser.parse_args(argv)  # usage errors exit 2 with argparse's message
    prog = f"frontml {args.command}"
    hint = "" if debug else " (run with --debug for the traceback)"
    try:
        check_outputs(args)
        return args.run(args)
    except InputError as exc:
        _fail(prog, str(exc), debug)
        return EXIT_BAD_INPUT
    except ValueError as exc:  # options validate themselves with ValueError naming the field
        _fail(prog, f"bad option: {exc}", debug)
        return EXIT_BAD_INPUT
    except FrontmlError as exc:
        _fail(prog, str(exc), debug)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `| head`
        return EXIT_OK
    except MemoryError:
        _fail(prog, "out of memory (is the input very large?)" + hint, debug)
        return EXIT_FAILED
    except OSError as exc:  # writing an output, a full disk...
        where = f" {exc.filename}" if exc.filename else ""
        _fail(prog, f"cannot access{where}: {exc.strerror or exc}" + hint, debug)
        return EXIT_FAILED
    except Exception as exc:  # a bug: still one line unless --debug
        _fail(prog, f"internal error: {type(exc).__name__}: {exc}" + hint, debug)
        return EXIT_FAILED


def _fail(prog: str, message: str, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc()
    # one line: newlines inside a message (e.g. from a decoder) would split it
    print(f"{prog}: error: {' '.join(message.split())}", file=sys.stderr)
