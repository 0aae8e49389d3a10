"""`python -m frontml makeup IMG... --lip-color '#b0122c' --out OUT.png`: the makeup page's
look rendered on photos in CPython (same geometry, same blend formula as the page's shader).

One output per input: `--out FILE` for one input, `--out-dir DIR` for several (DIR/NAME.png,
NAME the input's stem + "_makeup"). Outputs never overwrite inputs. A bad colour, a missing
face or an unreadable input: one line on stderr and exit 2 (the other inputs still render)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from frontml.cli import EXIT_BAD_INPUT, EXIT_OK, check_output, command, open_input
from frontml.errors import InputError
from frontml.tasks.makeup.look import FINISHES, Look, check_amount, parse_color


def look_from_args(args: argparse.Namespace) -> Look:
    """The look the arguments ask for; InputError on a bad colour or amount."""
    flags = {"lip_color": "--lip-color", "blush_color": "--blush-color",
             "liner_color": "--liner", "brow_color": "--brow"}
    colours = {name: getattr(args, flag[2:].replace("-", "_")) for name, flag in flags.items()}
    for name, value in colours.items():
        parse_color(value or "", flags[name])
    if not any(colours.values()):
        raise InputError("nothing to draw: give at least one of --lip-color, --blush-color, "
                         "--liner, --brow")
    amounts = {"lip_intensity": args.intensity, "blush_intensity": args.blush_intensity,
               "liner_intensity": args.liner_intensity, "brow_intensity": args.brow_intensity}
    for name, value in amounts.items():
        flag = "--intensity" if name == "lip_intensity" else "--" + name.replace("_", "-")
        check_amount(flag, value)
    return Look(**{k: v or "" for k, v in colours.items()}, **amounts,
                lip_finish=args.finish, guard=not args.no_guard)


def plan_outputs(args: argparse.Namespace) -> list[Path]:
    """One output path per input, checked against every input and each other."""
    inputs = [Path(p) for p in args.inputs]
    if args.out and args.out_dir:
        raise InputError("give either --out (one input) or --out-dir (any number), not both")
    if args.out:
        if len(inputs) > 1:
            raise InputError(f"--out names one file but {len(inputs)} inputs were given; "
                             f"use --out-dir DIR for several")
        outs = [Path(args.out)]
    elif args.out_dir:
        folder = Path(args.out_dir)
        if not folder.is_dir():
            raise InputError(f"--out-dir {folder}: no such folder")
        outs = [folder / f"{p.stem}_makeup.png" for p in inputs]
    else:
        raise InputError("where should the result go? give --out OUT.png (or --out-dir DIR)")
    seen: list[Path] = []
    for out in outs:
        seen.append(check_output(out, inputs, seen))
    return outs


def run_makeup(args: argparse.Namespace) -> int:
    from PIL import Image

    from frontml.runtime import run_sync
    from frontml.tasks import registry
    from frontml.tasks.makeup.render import render

    look = look_from_args(args)
    outputs = plan_outputs(args)
    bad = 0

    async def go() -> None:
        nonlocal bad
        task = await registry.create("makeup", {"running_mode": "image",
                                                "num_faces": args.num_faces,
                                                **look.to_json()})
        try:
            for path, out in zip(args.inputs, outputs, strict=True):
                try:
                    kind, frame = open_input(path)
                    if kind != "image":
                        raise InputError(f"{path}: makeup takes images, not videos")
                    result = await task.process(frame, 0.0)
                    if not result.faces:
                        raise InputError(f"{path}: no face found; nothing written")
                    image = render(frame.array, result.geometry, result.params)
                    Image.fromarray(image).save(out)
                    line = {"input": path, "output": str(out), "faces": len(result.faces),
                            "triangles": result.geometry.triangles, "look": look.to_json()}
                    print(json.dumps(line) if args.json
                          else f"{path} -> {out}: {len(result.faces)} face(s)", flush=True)
                except InputError as exc:
                    bad += 1
                    print(f"frontml makeup: error: {exc}", file=sys.stderr, flush=True)
        finally:
            task.close()

    run_sync(go())
    return EXIT_BAD_INPUT if bad else EXIT_OK


@command("makeup", "virtual makeup (lips, blush, eyeliner, brows) on photos, as makeup.html")
def _makeup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="IMG", help="photos with a face")
    parser.add_argument("--out", metavar="OUT.png", help="the output for a single input")
    parser.add_argument("--out-dir", metavar="DIR",
                        help="folder for the outputs (NAME_makeup.png per input)")
    parser.add_argument("--lip-color", metavar="#RRGGBB", help="lip colour, e.g. '#b0122c'")
    parser.add_argument("--intensity", type=float, default=0.6,
                        help="lip colour intensity in [0, 1] (default 0.6)")
    parser.add_argument("--finish", choices=FINISHES, default="gloss", help="lip finish")
    parser.add_argument("--blush-color", metavar="#RRGGBB", help="blush colour")
    parser.add_argument("--blush-intensity", type=float, default=0.35, help="default 0.35")
    parser.add_argument("--liner", metavar="#RRGGBB", help="eyeliner colour")
    parser.add_argument("--liner-intensity", type=float, default=0.85, help="default 0.85")
    parser.add_argument("--brow", metavar="#RRGGBB", help="brow tint colour")
    parser.add_argument("--brow-intensity", type=float, default=0.45, help="default 0.45")
    parser.add_argument("--num-faces", type=int, default=1, choices=range(1, 5),
                        metavar="N", help="make up at most N faces (1-4, default 1)")
    parser.add_argument("--no-guard", action="store_true",
                        help="paint the lips without the occlusion guard (see look.py)")
    parser.add_argument("--json", action="store_true", help="one JSON line per input")
    parser.set_defaults(run=run_makeup)
