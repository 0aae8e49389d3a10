"""`python -m frontml face IMAGE|VIDEO [--json]`: face mesh + head pose in CPython."""

from __future__ import annotations

import argparse

from frontml.cli import command, run_task
from frontml.errors import InputError
from frontml.tasks.face.options import DETECTORS


def _summary(result, label: str) -> str:
    w, h = result.image_width, result.image_height
    if not result.faces:
        return f"{label}: {w}x{h}, no face"
    parts = []
    for i, face in enumerate(result.faces):
        p = face.pose
        parts.append(
            f"face {i}: score {face.score:.2f}, {len(face.landmarks)} landmarks, "
            f"yaw {p.yaw:.0f}° pitch {p.pitch:.0f}° roll {p.roll:.0f}°, "
            f"eyes {'closed' if face.blink_left and face.blink_right else 'open'}, "
            f"mouth {face.mouth_open:.2f}"
        )
    n = len(result.faces)
    return f"{label}: {w}x{h}, {n} face{'s' if n > 1 else ''}; " + "; ".join(parts)


def run_face(args: argparse.Namespace) -> int:
    if args.num_faces < 1:
        raise InputError("--num-faces must be at least 1")
    return run_task(
        args, "face",
        lambda mode: {"detector": args.detector, "num_faces": args.num_faces,
                      "refine_landmarks": args.iris, "running_mode": mode},
        _summary, runs_label="face detector")


@command("face", "face mesh (468 landmarks, 478 with --iris) and head pose of an image or video")
def _face_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="an image, a .y4m video, or another video (needs ffmpeg)")
    parser.add_argument("--json", action="store_true",
                        help="print JSON (one object for an image, one line per video frame)")
    parser.add_argument("--detector", choices=DETECTORS, default="short",
                        help="face detector: short range (default) or full range")
    parser.add_argument("--num-faces", type=int, default=1, metavar="N",
                        help="at most N faces (default 1)")
    parser.add_argument("--iris", action="store_true",
                        help="refine the eyes with the iris model (478 landmarks)")
    parser.set_defaults(run=run_face)
