"""`python -m frontml classify IMG... --json [--top-k 5]`: ImageNet classes in CPython.

Several inputs per call share one model load; a bad input is reported on stderr and the
others still run (exit 2 at the end)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from frontml.cli import EXIT_BAD_INPUT, EXIT_OK, _round, command, open_input, video_frames
from frontml.errors import InputError


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


def _summary(result) -> str:
    top = ", ".join(f"{c.label.split(',')[0]} {c.score:.2f}" for c in result.classifications)
    return f"{result.image_width}x{result.image_height}: {top or 'nothing above threshold'}"


def run_classify(args: argparse.Namespace) -> int:
    from frontml.tasks.classification import ClassifierOptions, create_image_classifier

    if args.top_k < 1:
        raise InputError("--top-k must be at least 1")
    options = {"max_results": args.top_k, "score_threshold": args.score_threshold}
    try:
        ClassifierOptions(**options)  # bad values fail before any model loads
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return run_many(args, create_image_classifier,
                    lambda mode: ClassifierOptions(running_mode=mode, **options), _summary)


@command("classify", "ImageNet classes (EfficientNet-Lite0) of images or videos")
def _classify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="images, .y4m videos, or other videos (need ffmpeg)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per image (per frame for a video), one per line")
    parser.add_argument("--top-k", type=int, default=5, metavar="K",
                        help="report the K best classes (default 5)")
    parser.add_argument("--score-threshold", type=float, default=0.0, metavar="T",
                        help="drop classes scoring below T (default 0)")
    parser.set_defaults(run=run_classify)
