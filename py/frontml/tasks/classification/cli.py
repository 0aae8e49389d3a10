"""`python -m frontml classify IMG... --json [--top-k 5]`: ImageNet classes in CPython.

Several inputs per call share one model load; a bad input is reported on stderr and the
others still run (exit 2 at the end)."""

from __future__ import annotations

import argparse

from frontml.cli import command, run_many
from frontml.errors import InputError


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
