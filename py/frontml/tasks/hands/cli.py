"""`python -m frontml hands IMAGE|VIDEO [--json]` (registered with frontml.cli's @command)."""

from __future__ import annotations

import argparse

from frontml.cli import command, run_task
from frontml.errors import InputError
from frontml.tasks.hands.options import HAND_MODELS, MAX_HANDS


def _summary(result, label: str) -> str:
    w, h = result.image_width, result.image_height
    if not result.hands:
        return f"{label}: {w}x{h}, no hands"
    parts = []
    for i, hand in enumerate(result.hands):
        wrist = hand.landmarks[0]
        parts.append(f"hand {i}: {hand.handedness} ({hand.score:.2f}), gesture "
                     f"{hand.gesture.name} ({hand.gesture.score:.2f}), wrist at "
                     f"({wrist.x * w:.0f}, {wrist.y * h:.0f}) px")
    n = len(result.hands)
    return f"{label}: {w}x{h}, {n} hand{'s' if n > 1 else ''}; " + "; ".join(parts)


def run_hands(args: argparse.Namespace) -> int:
    if not 1 <= args.num_hands <= MAX_HANDS:
        raise InputError(f"--num-hands must be 1..{MAX_HANDS}, got {args.num_hands}")
    return run_task(
        args, "hands",
        lambda mode: {"model": args.model, "num_hands": args.num_hands, "running_mode": mode},
        _summary, runs_label="palm detector")


@command("hands", "hand landmarks (21 per hand, up to 4 hands), handedness and gestures")
def _hands_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="an image, a .y4m video, or another video (needs ffmpeg)")
    parser.add_argument("--model", choices=HAND_MODELS, default="full",
                        help="palm detection + hand landmark model size (default: full)")
    parser.add_argument("--json", action="store_true",
                        help="print JSON (one object for an image, one line per video frame)")
    parser.add_argument("--num-hands", type=int, default=2, metavar="N",
                        help=f"at most N hands, 1..{MAX_HANDS} (default 2)")
    parser.set_defaults(run=run_hands)
