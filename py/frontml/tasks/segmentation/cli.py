"""`python -m frontml segment IMAGE --out mask.png [--effect blur|replace ...]` (CPython)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from frontml.cli import EXIT_OK, command, open_input
from frontml.errors import InputError

CLI_EFFECTS = ("none", "blur", "replace", "cutout")


def _save_png(path: Path, array, mode: str) -> None:
    from PIL import Image

    try:
        Image.fromarray(array, mode=mode).save(path, format="PNG")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc}") from None


def run_segment(args: argparse.Namespace) -> int:
    import numpy as np

    from frontml.runtime import run_sync
    from frontml.tasks import registry
    from frontml.tasks.segmentation import SegmentationOptions
    from frontml.tasks.segmentation import effects_cpu as fx
    from frontml.timing import StageTimer

    # Check every input before loading models: bad input fails fast with a clear message.
    background = fx.load_background(args.background) if args.background else None
    colour = fx.parse_colour(args.color or "#00b140")
    if args.effect == "replace" and background is None and args.color is None:
        raise InputError("--effect replace needs --background IMG or --color #rrggbb")
    kind, frame = open_input(args.input)
    if kind != "image":
        raise InputError(f"{args.input}: segment takes an image (video is not supported here)")
    options = SegmentationOptions(model=args.model, threshold=args.threshold,
                                  softness=args.softness, feather=args.feather,
                                  running_mode="image", body_parts=args.parts_out is not None)
    effect_out = args.effect_out
    if args.effect != "none" and effect_out is None:
        out = Path(args.out)
        effect_out = out.with_name(out.stem + f"_{args.effect}.png")

    async def go():
        segmenter = await registry.create("segmentation", options)
        try:
            timer = StageTimer()
            return await segmenter.process(frame, 0.0, timer), timer
        finally:
            segmenter.close()

    result, timer = run_sync(go())
    prob = result.probability_image()
    _save_png(Path(args.out), np.clip(np.rint(prob * 255.0), 0, 255).astype(np.uint8), "L")
    rgb = frame.array[..., :3]
    alpha = fx.MaskFilter.from_options(options).matte(result)
    written = [str(args.out)]
    if args.effect != "none":
        if args.effect == "cutout":
            _save_png(Path(effect_out), fx.cutout(rgb, alpha), "RGBA")
        else:
            effect = "blur" if args.effect == "blur" else (
                "image" if background is not None else "color")
            image = fx.composite(rgb, alpha, effect, blur=args.blur, colour=colour,
                                 background=background)
            _save_png(Path(effect_out), image, "RGB")
        written.append(str(effect_out))
    if args.parts_out:
        labels = fx.body_part_labels(
            fx.soft_threshold(result.probability(), options.threshold, 0.0),
            result.mask_affine, result.segments)
        labels = fx.labels_to_image(labels, result.mask_affine, result.image_width,
                                    result.image_height)
        _save_png(Path(args.parts_out), fx.colour_parts(rgb, labels), "RGB")
        written.append(str(args.parts_out))
    if args.json:
        print(json.dumps({**result.to_json(), "written": written}))
    else:
        print(f"{args.input}: {result.image_width}x{result.image_height}, model {result.model}, "
              f"person covers {100 * result.coverage:.1f}% of the image; wrote "
              + ", ".join(written))
        print("  ms: " + ", ".join(f"{k} {v:.1f}" for k, v in timer.ms.items()))
    return EXIT_OK


def _unit(text: str) -> float:
    value = float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must be in (0, 1), got {text}")
    return value


@command("segment", "person segmentation of an image: mask PNG, background effects, cut-out")
def _segment_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="an image")
    parser.add_argument("--out", required=True, help="mask PNG to write (8-bit probability)")
    parser.add_argument("--model", choices=("auto", "general", "landscape", "pose"),
                        default="auto", help="selfie segmentation general/landscape, auto by "
                        "aspect (default), or the BlazePose mask")
    parser.add_argument("--effect", choices=CLI_EFFECTS, default="none",
                        help="blur or replace the background, or cut the person out "
                        "(transparent PNG)")
    parser.add_argument("--effect-out", help="where to write the effect's image "
                        "(default: OUT's name + _EFFECT.png)")
    parser.add_argument("--background", help="replacement background image (--effect replace)")
    parser.add_argument("--color", help="replacement colour #rrggbb (--effect replace without "
                        "--background; default #00b140)")
    parser.add_argument("--blur", type=float, default=12.0, help="background blur px (12)")
    parser.add_argument("--threshold", type=_unit, default=0.5, help="foreground threshold")
    parser.add_argument("--softness", type=float, default=0.1,
                        help="soft threshold half-width (0 = hard)")
    parser.add_argument("--feather", type=float, default=2.0, help="edge feather px (2)")
    parser.add_argument("--parts-out", help="also write a body-part colour overlay PNG")
    parser.add_argument("--json", action="store_true", help="print the result summary as JSON")
    parser.set_defaults(run=run_segment, color=None)
