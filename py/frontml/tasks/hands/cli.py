"""`python -m frontml hands IMAGE|VIDEO [--json]` (registered with frontml.cli's @command)."""

from __future__ import annotations

import argparse
import json

from frontml.cli import EXIT_OK, _round, command, open_input, video_frames
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
    from frontml.runtime import run_sync
    from frontml.tasks.hands import HandsOptions, create_hand_landmarker
    from frontml.timing import StageTimer

    if not 1 <= args.num_hands <= MAX_HANDS:
        raise InputError(f"--num-hands must be 1..{MAX_HANDS}, got {args.num_hands}")
    kind, source = open_input(args.input)
    options = HandsOptions(model=args.model, num_hands=args.num_hands,
                           running_mode="image" if kind == "image" else "video")

    async def go() -> None:
        landmarker = await create_hand_landmarker(options)
        try:
            if kind == "image":
                timer = StageTimer()
                result = await landmarker.process(source, 0.0, timer)
                if args.json:
                    print(json.dumps(_round(result.to_json())))
                else:
                    print(_summary(result, args.input))
                    print("  ms: " + ", ".join(f"{k} {v:.1f}" for k, v in timer.ms.items()))
                return
            count = 0
            for frame in video_frames(source):
                result = await landmarker.process(frame, frame.timestamp_ms)
                if args.json:
                    line = {"timestamp_ms": frame.timestamp_ms, **result.to_json()}
                    print(json.dumps(_round(line)), flush=True)
                else:
                    print(_summary(result, f"frame {count} @ {frame.timestamp_ms:.1f} ms"))
                count += 1
            if count == 0:
                raise InputError(f"{args.input}: the video has no frames")
            if not args.json:
                print(f"{count} frames, palm detector ran {landmarker.detector_runs} times")
        finally:
            landmarker.close()

    run_sync(go())
    return EXIT_OK


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
