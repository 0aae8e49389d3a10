"""Where one side loses a tracked pose: frontml's and MediaPipe's tracking, frame by frame.

    .venv/bin/python bench/tracking_trace.py CLIP CONFIG --record     # frontml's trace
    .venv-mediapipe/bin/python bench/mediapipe_video_reference.py --trace CLIP CONFIG
    .venv-mediapipe/bin/python bench/mediapipe_video_reference.py --trace CLIP CONFIG_noise
    .venv/bin/python bench/tracking_trace.py CLIP CONFIG [--frames A-B]  # the side-by-side table

(e.g. CLIP standing_enter_leave, CONFIG pose_lite_raw.) Both sides in video mode on the same
decoded frames, per frame: whether the detector ran (the graph's rule: no ROI carried over from
the previous frame), the ROI fed to the landmark model, the pose flag on it (the landmark model's
`pose_flag`, TensorsToFloatsCalculator; ThresholdingCalculator keeps the pose at >= 0.5), whether
a pose came out, the mean visibility of its 33 landmarks; MediaPipe again on its `_noise` frames
(+-1 grey level on 5 % of the values); the ROI difference frontml - MediaPipe (centre dx / dy,
width in pixels, rotation in degrees); and the two cross terms that split ROI from model:
"fm@mp", frontml's ONNX on MediaPipe's ROI of that frame, and "mp@fm", MediaPipe's .tflite (its
own ImageToTensor + InferenceCalculator) on frontml's ROI (recorded by the --trace run when
frontml's trace exists; of the default-crop trace). --exact-crops: frontml with
frontml.image.EXACT_OPENCV_CROPS (MediaPipe's crop arithmetic to the bit), a trace of its own.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
sys.path.insert(0, str(ROOT / "bench"))

from mediapipe_video_reference import CONFIGS, TRACES  # noqa: E402
from video_clips import CLIPS, HEIGHT, WIDTH, clip_path  # noqa: E402


def record(clip_name: str, config: str, exact: bool) -> Path:
    """frontml's BlazePose on the clip in video mode, recording every landmark-model run."""
    import frontml.image
    from frontml.calculators.types import NormalizedRect
    from frontml.image import ArrayFrame
    from frontml.runtime import run_sync
    from frontml.tasks.pose import PoseOptions, create_pose_detector
    from frontml.timing import StageTimer
    from frontml.video import read_y4m

    frontml.image.EXACT_OPENCV_CROPS = exact
    task_name, model, smooth = CONFIGS[config]
    if task_name != "pose":
        raise SystemExit("pose configurations only")
    mp_path = TRACES / f"{clip_name}__{config}__mediapipe.json"
    mp = json.loads(mp_path.read_text())["frames"] if mp_path.exists() else None
    clip = next(c for c in CLIPS if c.name == clip_name)

    async def run() -> list[dict]:
        task = await create_pose_detector(PoseOptions(model=model, running_mode="video",
                                                      smooth_landmarks=smooth))
        runs: list[dict] = []
        score_of = task.landmark_score

        def landmark_score(outputs):  # the gate's input, recorded for every ROI
            score = score_of(outputs)
            runs[-1]["presence"] = score
            return score

        run_model = task.run_landmark_model

        async def run_landmark_model(frame, roi, timer):
            runs.append({"roi": dataclasses.asdict(roi)})
            return await run_model(frame, roi, timer)

        task.landmark_score = landmark_score
        task.run_landmark_model = run_landmark_model
        frames = []
        try:
            for i, (rgb, ts) in enumerate(read_y4m(clip_path(clip))):
                detector_runs = task.detector_runs
                runs.clear()
                frame = ArrayFrame(rgb, ts)
                result = await task.process(frame, ts)
                pose = result.poses[0] if result.poses else None
                tracked = task._tracks[0].roi if task._tracks else None
                entry = {
                    "detector": task.detector_runs > detector_runs,
                    "roi": runs[0]["roi"] if runs else None,
                    "presence": runs[0]["presence"] if runs else None,
                    "pose": pose is not None,
                    "visibility": None if pose is None else [lm.visibility
                                                              for lm in pose.landmarks],
                    "next_roi": None if tracked is None else dataclasses.asdict(tracked)}
                if mp is not None and mp[i]["roi"] is not None:
                    # frontml's model on MediaPipe's ROI (no effect on the tracks)
                    outputs, _ = await run_model(frame, NormalizedRect(**mp[i]["roi"]),
                                                 StageTimer())
                    entry["presence_on_mediapipe_roi"] = score_of(outputs)
                frames.append(entry)
        finally:
            task.close()
        return frames

    frames = run_sync(run())
    TRACES.mkdir(parents=True, exist_ok=True)
    path = TRACES / f"{clip_name}__{config}__{'frontml_exact' if exact else 'frontml'}.json"
    path.write_text(json.dumps({"clip": clip_name, "config": config, "exact_crops": exact,
                                "frames": frames}))
    print(f"wrote {path}", file=sys.stderr)
    return path


def _side(x: dict | None) -> str:
    if x is None:
        return f"{'':18}"
    p = "   -  " if x["presence"] is None else f"{x['presence']:.4f}"
    vis = "" if not x["visibility"] else f"{sum(x['visibility']) / len(x['visibility']):.2f}"
    return f"{'D' if x['detector'] else 'T'} {p} {'pose' if x['pose'] else '  - '} {vis:>4}"[:18]


def _roi_diff(a: dict | None, b: dict | None) -> str:
    if a is None or b is None:
        return f"{'':29}"
    return (f"{(a['x_center'] - b['x_center']) * WIDTH:+6.2f} "
            f"{(a['y_center'] - b['y_center']) * HEIGHT:+6.2f} "
            f"{(a['width'] - b['width']) * WIDTH:+7.2f} "
            f"{math.degrees(a['rotation'] - b['rotation']):+6.2f}")


def _roi_spread(side: list[dict], mp: list[dict], frames: range) -> str:
    """Median and max over `frames` (both sides tracked) of |centre distance| px, |dw| px and
    |rotation| degrees against MediaPipe's ROI."""
    import statistics

    rows = [(math.hypot((a["x_center"] - b["x_center"]) * WIDTH,
                        (a["y_center"] - b["y_center"]) * HEIGHT),
             abs(a["width"] - b["width"]) * WIDTH, abs(math.degrees(a["rotation"] - b["rotation"])))
            for a, b in ((side[i]["roi"], mp[i]["roi"]) for i in frames)
            if a is not None and b is not None]
    if not rows:
        return "no frame"
    cols = list(zip(*rows, strict=True))
    return ", ".join(f"{name} {statistics.median(c):.2f} / {max(c):.2f}"
                     for name, c in zip(("centre px", "width px", "rotation deg"), cols,
                                        strict=True)) + f" ({len(rows)} frames)"


def table(clip_name: str, config: str, first: int, last: int, exact: bool) -> None:
    def load(side: str, cfg: str = config) -> list[dict] | None:
        path = TRACES / f"{clip_name}__{cfg}__{side}.json"
        return json.loads(path.read_text())["frames"] if path.exists() else None

    fm = load("frontml_exact" if exact else "frontml")
    mp, noise = load("mediapipe"), load("mediapipe", f"{config}_noise")
    if fm is None or mp is None:
        raise SystemExit(f"record both traces first ({__doc__.splitlines()[2].strip()})")
    for side in (mp, noise):  # the graph's rule: the detector runs when no ROI was carried over
        for i, x in enumerate(side or []):
            x["detector"] = i == 0 or side[i - 1]["next_roi"] is None
    print(f"{clip_name} {config}{' (exact crops)' if exact else ''}: D = detector ran, "
          "T = tracked ROI; flag; pose kept; mean visibility")
    print(f"{'frame':>5} | {'frontml':18} | {'MediaPipe':18} | {'MediaPipe +-1 grey':18} | "
          f"{'ROI frontml - MediaPipe':29} | {'ROI +-1 grey - MediaPipe':29} | fm@mp  mp@fm")
    print(f"{'':5} | {'':18} | {'':18} | {'':18} | {'dx, dy, dw px, rot deg':29} | "
          f"{'':29} |")
    for i in range(first, min(last + 1, len(mp))):
        a, b = fm[i], mp[i]
        n = noise[i] if noise else None
        fm_mp = a.get("presence_on_mediapipe_roi")
        mp_fm = b.get(f"presence_on_{'frontml_exact' if exact else 'frontml'}_roi")
        mark = " <" if a["pose"] != b["pose"] else "  "
        print(f"{i:5}{mark}| {_side(a)} | {_side(b)} | {_side(n)} | "
              f"{_roi_diff(a['roi'], b['roi'])} | "
              f"{_roi_diff(n['roi'] if n else None, b['roi'])} | "
              f"{'  -   ' if fm_mp is None else f'{fm_mp:.4f}'}  "
              f"{'  -   ' if mp_fm is None else f'{mp_fm:.4f}'}")
    span = range(first, min(last + 1, len(mp)))
    print(f"ROI against MediaPipe's, median / max over frames {span.start}-{span.stop - 1}: "
          f"frontml {_roi_spread(fm, mp, span)}")
    if noise:
        print(f"{'':53}MediaPipe +-1 grey {_roi_spread(noise, mp, span)}")
    cross = [(i, a.get("presence_on_mediapipe_roi"), mp[i]["presence"]) for i, a in enumerate(fm)]
    cross = [abs(x - y) for _, x, y in cross if x is not None and y is not None]
    if cross:
        print(f"fm@mp - MediaPipe's flag: max {max(cross):.1e} over {len(cross)} frames")
    only = [i for i in range(len(mp)) if mp[i]["pose"] and not fm[i]["pose"]]
    print(f"frames with a MediaPipe pose and no frontml pose: {only}")
    if noise:
        print("frames with a MediaPipe pose and none in its +-1 grey-level run: "
              f"{[i for i in range(len(mp)) if mp[i]['pose'] and not noise[i]['pose']]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip")
    parser.add_argument("config", help="a pose configuration, e.g. pose_lite_raw")
    parser.add_argument("--record", action="store_true", help="run frontml and save its trace")
    parser.add_argument("--exact-crops", action="store_true",
                        help="frontml.image.EXACT_OPENCV_CROPS (bit-equal to MediaPipe's crops)")
    parser.add_argument("--frames", default="0-999", help="table rows A-B")
    args = parser.parse_args()
    if args.record:
        record(args.clip, args.config, args.exact_crops)
    lo, _, hi = args.frames.partition("-")
    table(args.clip, args.config, int(lo), int(hi or lo), args.exact_crops)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
