"""`python -m frontml teach --examples DIR IMG... --json` (registered with frontml.cli).

DIR holds one sub-folder of images per class (its name is the label); each IMG prints
`{"image": {...}, "prediction": {"label", "score", "unknown"}, "scores": {label: score}}`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from frontml.cli import EXIT_BAD_INPUT, EXIT_OK, IMAGE_SUFFIXES, command
from frontml.errors import InputError
from frontml.learn.classifier import HEADS


def _class_images(folder: Path) -> dict[str, list[Path]]:
    if not folder.is_dir():
        raise InputError(f"--examples {folder}: not a folder (it needs one sub-folder of "
                         f"images per class)")
    out = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        images = sorted(p for p in sub.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if images:
            out[sub.name] = images
    if not out:
        raise InputError(f"--examples {folder}: no sub-folders with images (one per class)")
    return out


def run_teach(args: argparse.Namespace) -> int:
    from frontml.image import load_image
    from frontml.learn.classifier import Classifier
    from frontml.learn.embed import ImageEmbedder
    from frontml.runtime import run_sync

    if not args.examples and not args.load:
        raise InputError("give --examples DIR (one sub-folder of images per class) or --load "
                         "FILE")
    classes = _class_images(Path(args.examples)) if args.examples else {}
    status = EXIT_OK

    async def go() -> int:
        bad = EXIT_OK
        embedder = await ImageEmbedder.create(args.model, args.output)
        try:
            if args.load:
                clf = Classifier.load(args.load, backbone=embedder.backbone)
            else:
                clf = Classifier(embedder.backbone, head=args.head, k=args.k)
            for label, paths in classes.items():
                for path in paths:
                    clf.add(label, await embedder.embed(load_image(path)))
            if args.calibrate is not None:
                clf.threshold = args.calibrate
            if args.save:
                clf.save(args.save)
            for name in args.images:
                try:
                    frame = load_image(name)
                except InputError as exc:
                    print(f"frontml teach: error: {exc}", file=sys.stderr)
                    bad = EXIT_BAD_INPUT
                    continue
                p = clf.predict(await embedder.embed(frame))
                out = {"image": {"path": name, "width": frame.width, "height": frame.height},
                       "prediction": {"label": p.label, "score": round(p.score, 6),
                                      "unknown": p.unknown},
                       "scores": {k: round(v, 6) for k, v in p.scores.items()}}
                if args.json:
                    print(json.dumps(out), flush=True)
                else:
                    tag = " (unknown)" if p.unknown else ""
                    print(f"{name}: {p.label}{tag} {p.score:.2f}  " + ", ".join(
                        f"{k} {v:.2f}" for k, v in p.scores.items()))
            if args.evaluate:
                ev = clf.evaluate(folds=args.evaluate)
                print(json.dumps({"evaluation": ev.to_json()}) if args.json else
                      f"{ev.method}: accuracy {ev.accuracy:.3f}; " + "; ".join(ev.hints))
        finally:
            embedder.close()
        return bad

    status = run_sync(go())
    return status


@command("teach", "teach image classes from folders of examples, then classify images")
def _teach_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("images", nargs="*", metavar="IMG", help="images to classify")
    parser.add_argument("--examples", metavar="DIR",
                        help="a folder with one sub-folder of example images per class")
    parser.add_argument("--load", metavar="FILE", help="start from a saved classifier file")
    parser.add_argument("--save", metavar="FILE", help="write the classifier file")
    parser.add_argument("--head", choices=HEADS, default="knn", help="default: knn")
    parser.add_argument("--k", type=int, default=3, help="neighbours for knn (default 3)")
    parser.add_argument("--calibrate", type=float, default=None, metavar="DIST",
                        help="fixed unknown threshold (cosine distance); default: automatic")
    parser.add_argument("--evaluate", type=int, default=0, metavar="FOLDS",
                        help="also print a FOLDS-fold cross-validation of the examples")
    parser.add_argument("--model", default="efficientnet_lite0",
                        help="embedding model id (default efficientnet_lite0)")
    parser.add_argument("--output", default="projection",
                        help="model output used as the embedding (default projection)")
    parser.add_argument("--json", action="store_true", help="one JSON object per image")
    parser.set_defaults(run=run_teach)
