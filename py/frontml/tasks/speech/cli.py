"""`python -m frontml speech FILE.wav... --json [--teach NAME=A.wav,B.wav,...]...`

One JSON object per file: {"file", "audio": {"seconds", "sample_rate"}, "events": [{"word",
"score", "start_s", "end_s"}]}, from the same streaming detector the page runs. Models load once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from frontml.cli import EXIT_OK, command
from frontml.errors import InputError


def load_audio(path: str) -> tuple[object, int]:
    from frontml.tasks.speech.audio import read_wav

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    return read_wav(p.read_bytes(), name=path)


def parse_teach(specs: list[str]) -> list[tuple[str, list[str]]]:
    out = []
    for spec in specs:
        name, sep, files = spec.partition("=")
        paths = [f for f in files.split(",") if f]
        if not sep or not name.strip() or not paths:
            raise InputError(f"--teach {spec!r}: expected NAME=A.wav,B.wav,...")
        out.append((name.strip(), paths))
    return out


async def teach(det, teach_specs: list[tuple[str, list[str]]]) -> dict:
    from frontml.tasks.speech.audio import RATE, resample, to_int16_bytes

    for name, paths in teach_specs:
        for path in paths:
            samples, rate = load_audio(path)
            s16 = resample(samples, rate, RATE) if rate != RATE else samples
            vec, _ = await det.take_vector(s16)
            det.personal.add_take(name, vec, to_int16_bytes(s16))
    return det.personal.train()


def run_speech(args: argparse.Namespace) -> int:
    from frontml.runtime import run_sync
    from frontml.tasks.speech import SpeechOptions, create_speech_detector

    teach_specs = parse_teach(args.teach or [])
    # Read everything first: a bad file fails before any model loads.
    audio = [(path, *load_audio(path)) for path in args.files]

    async def go() -> None:
        det = await create_speech_detector(SpeechOptions(threshold=args.threshold,
                                                         suppression_ms=args.suppression_ms))
        try:
            if teach_specs:
                rep = await teach(det, teach_specs)
                if rep["flagged"] and not args.json:
                    print(f"note: takes {rep['flagged']} look unlike their word's other takes",
                          file=sys.stderr)
            for path, samples, rate in audio:
                events = await det.detect(samples, rate)
                doc = {"file": path,
                       "audio": {"seconds": round(len(samples) / rate, 3), "sample_rate": rate},
                       "events": [e.to_json() for e in events]}
                if args.json:
                    print(json.dumps(doc), flush=True)
                else:
                    words = ", ".join(f"{e.word} at {e.start_s:.2f}-{e.end_s:.2f} s "
                                      f"({e.score:.2f})" for e in events) or "no words"
                    print(f"{path}: {doc['audio']['seconds']} s at {rate} Hz: {words}")
        finally:
            det.close()

    run_sync(go())
    return EXIT_OK


@command("speech", "speech commands and taught personal words in WAV files")
def _speech_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE.wav",
                        help="WAV files (PCM 8/16/24/32-bit or float, any rate, mono/stereo)")
    parser.add_argument("--json", action="store_true", help="one JSON object per file")
    parser.add_argument("--teach", action="append", metavar="NAME=A.wav,B.wav,...",
                        help="teach a personal word from 3-8 takes (repeatable)")
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="base-word probability for an event (default 0.5)")
    parser.add_argument("--suppression-ms", type=int, default=1000,
                        help="quiet time after an event (default 1000)")
    parser.set_defaults(run=run_speech)
