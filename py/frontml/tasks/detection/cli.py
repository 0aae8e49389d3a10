"""`python -m frontml detect IMG... --json [--model NAME] [--score-threshold T]`: objects in
CPython; for a video one line per frame, detections carry tracker `id`s."""

from __future__ import annotations

import argparse

from frontml.cli import command, run_many
from frontml.errors import InputError
from frontml.tasks.detection.options import MODELS, NMS_MODES


def _summary(result) -> str:
    found = ", ".join(f"{d.label}{'' if d.id is None else f' #{d.id}'} {d.score:.2f}"
                      for d in result.detections)
    return f"{result.image_width}x{result.image_height}: {found or 'nothing found'}"


def run_detect(args: argparse.Namespace) -> int:
    from frontml.tasks.detection import DetectorOptions, create_object_detector

    options = {"model": args.model, "score_threshold": args.score_threshold,
               "max_results": args.max_results, "nms": args.nms,
               "category_allowlist": args.allow or ()}
    try:
        DetectorOptions(**options)  # bad values fail before any model loads
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return run_many(args, create_object_detector,
                    lambda mode: DetectorOptions(running_mode=mode, **options), _summary)


@command("detect", "objects (COCO-80 or 23 Open Images classes) in images or videos, "
                   "with tracking ids in videos")
def _detect_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="images, .y4m videos, or other videos (need ffmpeg)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per image (per frame for a video), one per line")
    parser.add_argument("--model", choices=MODELS, default=MODELS[0],
                        help="centernet (COCO-80, default), nanodet (COCO-80) or objectron_ssd "
                             "(23 Open Images classes)")
    parser.add_argument("--score-threshold", type=float, default=0.4, metavar="T",
                        help="drop objects scoring below T (default 0.4)")
    parser.add_argument("--max-results", type=int, default=20, metavar="N",
                        help="at most N objects per image (default 20)")
    parser.add_argument("--nms", choices=NMS_MODES, default="per_class",
                        help="non-maximum suppression per class (default) or across classes")
    parser.add_argument("--allow", default="", metavar="NAMES",
                        help="comma-separated class names to keep (e.g. person,cup)")
    parser.set_defaults(run=run_detect)
