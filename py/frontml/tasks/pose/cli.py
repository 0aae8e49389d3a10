"""`python -m frontml pose IMAGE|VIDEO [--json]` (registered with frontml.cli's @command)."""

from __future__ import annotations

import argparse

from frontml.cli import command, run_task
from frontml.tasks.pose.options import BLAZEPOSE_MODELS, MOVENET_MODELS


def _summary(result, label: str) -> str:
    w, h = result.image_width, result.image_height
    if not result.poses:
        return f"{label}: {w}x{h}, no pose"
    parts = []
    for i, pose in enumerate(result.poses):
        nose = pose.keypoint("nose")
        visible = sum(1 for lm in pose.landmarks if lm.visibility >= 0.5)
        parts.append(f"pose {i}: score {pose.score:.2f}, "
                     f"{visible}/{len(pose.landmarks)} landmarks visible, "
                     f"nose at ({nose.x * w:.0f}, {nose.y * h:.0f}) px")
    n = len(result.poses)
    return f"{label}: {w}x{h}, {n} pose{'s' if n > 1 else ''}; " + "; ".join(parts)


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run_pose(args: argparse.Namespace) -> int:
    return run_task(
        args, "pose",
        lambda mode: {"model": args.model, "running_mode": mode, "num_poses": args.num_poses},
        _summary)


@command("pose", "body pose (BlazePose 33 landmarks or MoveNet 17) of an image or a video")
def _pose_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="an image, a .y4m video, or another video (needs ffmpeg)")
    parser.add_argument("--model", choices=BLAZEPOSE_MODELS + MOVENET_MODELS, default="full",
                        help="BlazePose lite/full/heavy (33 landmarks), or MoveNet: movenet "
                             "(MultiPose, 17 keypoints, ids), movenet_lightning/_thunder "
                             "(default: full)")
    parser.add_argument("--json", action="store_true",
                        help="print JSON (one object for an image, one line per video frame)")
    parser.add_argument("--num-poses", type=_at_least_one, default=1, metavar="N",
                        help="at most N people (default 1)")
    parser.set_defaults(run=run_pose)
