"""Post-processing in CPython: bit-exact outputs and ms per frame of the Python stages.

    .venv/bin/python -m bench.post_speed --record bench/.cache/post   # before a change
    .venv/bin/python -m bench.post_speed --check bench/.cache/post    # after it: same bits?
    .venv/bin/python -m bench.post_speed --profile pose_full_smooth   # cProfile of one config

Runs the landmark tasks in video mode over the clips of bench/video_clips.py (smoothing on and
off) and, per configuration, digests every result at full precision: `to_json()` without the
CLI's rounding (floats as repr, which round-trips), plus each object's ROI, the face measures
and head pose, the hands' handedness. `--record` saves the digests and the per-frame JSON
lines; `--check` compares and names the first frame that differs. Inference is replayed from a
cache keyed by the model input's bytes (`--cache`, filled on the first run): an unchanged
pipeline feeds the models the same bytes, so a later run costs only the Python (and the crop);
a changed input misses the cache and runs the model. Prints the mean ms per frame of the pre and
post stages per configuration (post = everything in Python after the model).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import hashlib
import json
import pickle
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "py"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

# config -> (task, options)
CONFIGS: dict[str, tuple[str, dict]] = {}
for _model in ("lite", "full", "heavy"):
    for _smooth in (True, False):
        CONFIGS[f"pose_{_model}_{'smooth' if _smooth else 'raw'}"] = (
            "pose", {"model": _model, "smooth_landmarks": _smooth})
for _smooth in (True, False):
    CONFIGS[f"face_{'smooth' if _smooth else 'raw'}"] = (
        "face", {"num_faces": 1, "smooth_landmarks": _smooth})
    CONFIGS[f"face_iris_{'smooth' if _smooth else 'raw'}"] = (
        "face", {"num_faces": 1, "smooth_landmarks": _smooth, "refine_landmarks": True})
    for _model in ("lite", "full"):
        CONFIGS[f"hands_{_model}_{'smooth' if _smooth else 'raw'}"] = (
            "hands", {"model": _model, "num_hands": 2, "smooth_landmarks": _smooth})

DEFAULT_CLIPS = {"pose": ("astronaut_pan_zoom", "standing_enter_leave"),
                 "face": ("astronaut_pan_zoom", "astronaut_rotate"),
                 "hands": ("hand_move",)}


def _plain(value):
    """A JSON-able copy of a result at full precision (dataclasses, tuples, memoryviews)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in ("mask", "connections", "keypoint_names")}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return repr(value)  # exact
    return value


class CachedSession:
    """A Session whose run() replays outputs recorded for the same input bytes."""

    def __init__(self, session, store: dict) -> None:
        self._session = session
        self._store = store
        self.inputs = session.inputs
        self.hits = self.misses = 0

    def __getattr__(self, name):
        return getattr(self._session, name)

    async def run(self, feeds):
        from frontml.runtime import Tensor

        h = hashlib.sha256()
        for k in sorted(feeds):
            h.update(k.encode())
            h.update(bytes(feeds[k].data.cast("B")))
        key = h.hexdigest()
        got = self._store.get(key)
        if got is None:
            self.misses += 1
            out = await self._session.run(feeds)
            self._store[key] = {k: (t.dtype, t.shape, bytes(t.data.cast("B")))
                                for k, t in out.items()}
            return out
        self.hits += 1
        return {k: Tensor.from_buffer(d, s, bytearray(b)) for k, (d, s, b) in got.items()}


def run_config(config: str, clips, cache_dir: Path | None, profile: cProfile.Profile | None):
    """(digest lines per clip, mean ms per stage per frame, frames)."""
    from bench.video_clips import CLIPS, clip_path, write_clip
    from frontml.image import ArrayFrame
    from frontml.runtime import run_sync
    from frontml.tasks import registry
    from frontml.timing import StageTimer
    from frontml.video import read_video

    task_name, options = CONFIGS[config]
    by_name = {c.name: c for c in CLIPS}
    store: dict = {}
    cache_file = cache_dir / f"{config}.pkl" if cache_dir else None
    if cache_file and cache_file.exists():
        store = pickle.loads(cache_file.read_bytes())
    lines: dict[str, list[str]] = {}
    totals: dict[str, float] = {}
    frames = 0

    async def go():
        nonlocal frames
        task = await registry.create(task_name, {**options, "running_mode": "video"})
        sessions = []
        for attr in ("landmarker", "iris"):
            s = getattr(task, attr, None)
            if s is not None:
                sessions.append(CachedSession(s, store))
                setattr(task, attr, sessions[-1])
        det = task.detector
        sessions.append(CachedSession(det.session, store))
        det.session = sessions[-1]
        try:
            for clip_name in clips:
                path = clip_path(by_name[clip_name])
                if not path.exists():
                    write_clip(by_name[clip_name])
                task.reset()
                out = lines.setdefault(clip_name, [])
                for rgb, ts in read_video(path):
                    timer = StageTimer()
                    frame = ArrayFrame(rgb, ts)
                    if profile is not None:
                        profile.enable()
                    result = await task.process(frame, ts, timer)
                    if profile is not None:
                        profile.disable()
                    for k, v in timer.ms.items():
                        totals[k] = totals.get(k, 0.0) + v
                    frames += 1
                    items = [_plain(i) for i in getattr(result, result_items(task_name))]
                    out.append(json.dumps({"t": repr(ts), "json": _plain(result.to_json()),
                                           "items": items}, sort_keys=True))
        finally:
            task.close()
        return sessions

    sessions = run_sync(go())
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        if any(s.misses for s in sessions):
            cache_file.write_bytes(pickle.dumps(store))
    means = {k: v / max(frames, 1) for k, v in totals.items()}
    means["cache misses"] = sum(s.misses for s in sessions)
    return lines, means, frames


def result_items(task_name: str) -> str:
    return {"pose": "poses", "face": "faces", "hands": "hands"}[task_name]


def digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", nargs="*", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--clips", nargs="*", help="clip names (default: per task)")
    parser.add_argument("--frames", type=int, default=0, help="(unused: whole clips)")
    parser.add_argument("--record", type=Path, help="save digests + JSON lines here")
    parser.add_argument("--check", type=Path, help="compare with a --record folder")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache" / "post_infer",
                        help="inference replay cache ('' for none)")
    parser.add_argument("--profile", action="store_true", help="cProfile the process() calls")
    parser.add_argument("--exact-crops", action="store_true",
                        help="frontml.image.EXACT_OPENCV_CROPS (MediaPipe's crop arithmetic)")
    args = parser.parse_args(argv)
    if args.exact_crops:
        import frontml.image
        frontml.image.EXACT_OPENCV_CROPS = True
    cache = args.cache if str(args.cache) else None
    failed = 0
    print("| config | clips | frames | pre ms | post ms | digest | check |")
    print("|---|---|---|---|---|---|---|")
    for config in args.configs:
        task_name = CONFIGS[config][0]
        clips = args.clips or DEFAULT_CLIPS[task_name]
        prof = cProfile.Profile() if args.profile else None
        start = time.perf_counter()
        lines, means, frames = run_config(config, clips, cache, prof)
        everything = [line for c in clips for line in lines[c]]
        d = digest(everything)
        status = "-"
        if args.record:
            args.record.mkdir(parents=True, exist_ok=True)
            (args.record / f"{config}.jsonl").write_text("\n".join(everything) + "\n")
            (args.record / f"{config}.sha256").write_text(d + "\n")
        if args.check:
            want = (args.check / f"{config}.sha256").read_text().strip()
            if want == d:
                status = "identical"
            else:
                failed += 1
                old = (args.check / f"{config}.jsonl").read_text().splitlines()
                pairs = zip(old, everything, strict=False)  # (lengths may differ)
                first = next((i for i, (a, b) in enumerate(pairs) if a != b),
                             min(len(old), len(everything)))
                status = f"DIFFERS from frame {first}"
        print(f"| {config} | {' '.join(clips)} | {frames} | {means.get('pre', 0):.2f} | "
              f"{means.get('post', 0):.2f} | {d[:12]} | {status} |", flush=True)
        print(f"  ({time.perf_counter() - start:.0f} s, inference cache misses "
              f"{means['cache misses']})", file=sys.stderr, flush=True)
        if prof is not None:
            pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
