"""MediaPipe's own video-mode results on the test clips: the reference for accuracy_video.py.

Runs in its own venv (mediapipe 0.10.21 needs numpy<2), never imports frontml:

    .venv-mediapipe/bin/python bench/mediapipe_video_reference.py [--only pose_full_smooth ...]

Legacy solutions in video mode (static_image_mode=False: tracking from the previous frame's
landmarks, the detector only when tracking is lost), frame by frame on the clips of
bench/video_clips.py (decoded from the same y4m the frontml side reads):
  pose:  mp.solutions.pose.Pose, model_complexity 0/1/2 (frontml lite/full/heavy),
         smooth_landmarks True and False; also the graph's ROI_FROM_LANDMARKS / ROI_FROM_DETECTION
         streams (the crop each frame used), for diagnosis.
  face:  mp.solutions.face_mesh.FaceMesh(max_num_faces=1, refine_landmarks=False) (the legacy
         graph has no landmark smoothing).
  hands: mp.solutions.hands.Hands(max_num_hands=2, model_complexity 0/1) (no smoothing either).
The wheel carries only the full pose landmark model and downloads lite/heavy from GitHub at first
use; instead this copies them from npm `@mediapipe/pose` (node_modules/, the files frontml
builds its lite/heavy models from; the full model there is byte-identical to the wheel's).
Writes one JSON per (clip, configuration) to bench/.cache/mediapipe_video/ and skips those that
exist (delete them to re-run).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "bench" / ".cache" / "mediapipe_video"

# name -> (task, frontml model / variant, smoothing)
BASE_CONFIGS = {
    **{f"pose_{m}_{'smooth' if s else 'raw'}": ("pose", m, s)
       for m in ("lite", "full", "heavy") for s in (True, False)},
    "face": ("face", "short", False),
    **{f"hands_{m}": ("hands", m, False) for m in ("lite", "full")},
}
# Each also "_noise": MediaPipe on the same frames with +-1 grey level of noise on 5 % of the
# values, its noise floor: how far tracking alone carries a difference that small.
CONFIGS = {**BASE_CONFIGS, **{f"{k}_noise": v for k, v in BASE_CONFIGS.items()}}
COMPLEXITY = {"lite": 0, "full": 1, "heavy": 2}


def _rect(r) -> dict | None:
    if r is None:
        return None
    return {"x_center": r.x_center, "y_center": r.y_center, "width": r.width,
            "height": r.height, "rotation": r.rotation}


def _landmarks(lms, visibility: bool = False) -> list[dict]:
    out = []
    for lm in lms.landmark:
        d = {"x": round(lm.x, 6), "y": round(lm.y, 6), "z": round(lm.z, 6)}
        if visibility:
            d["visibility"] = round(lm.visibility, 5)
        out.append(d)
    return out


def ensure_pose_model(model: str) -> None:
    """lite/heavy .tflite into the wheel's modules/ from npm @mediapipe/pose (no download)."""
    import shutil

    import mediapipe

    name = f"pose_landmark_{model}.tflite"
    target = Path(mediapipe.__file__).parent / "modules" / "pose_landmark" / name
    if not target.exists():
        shutil.copyfile(ROOT / "node_modules" / "@mediapipe" / "pose" / name, target)


def pose_solution(model: str, smooth: bool):
    """mp.solutions.pose.Pose(static_image_mode=False, ...) asking the graph for its ROI
    streams too (same graph, side packets and calculator params as the Pose class)."""
    from mediapipe.python.solution_base import SolutionBase
    from mediapipe.python.solutions import pose

    complexity = COMPLEXITY[model]
    ensure_pose_model(model)
    return SolutionBase(
        binary_graph_path=pose._BINARYPB_FILE_PATH,
        side_inputs={
            "model_complexity": complexity,
            "smooth_landmarks": smooth,
            "enable_segmentation": False,
            "smooth_segmentation": smooth,
            "use_prev_landmarks": True,
        },
        calculator_params={
            "posedetectioncpu__TensorsToDetectionsCalculator.min_score_thresh": 0.5,
            "poselandmarkbyroicpu__tensorstoposelandmarksandsegmentation__"
            "ThresholdingCalculator.threshold": 0.5,
        },
        outputs=["pose_landmarks", "pose_rect_from_landmarks", "pose_rect_from_detection"],
    )


def add_noise(rgb, rng):
    """The `_noise` configurations' frames: +-1 grey level on 5 % of the values."""
    import numpy as np

    flip = rng.random(rgb.shape) < 0.05
    step = rng.choice(np.array([-1, 1], np.int16), rgb.shape)
    return np.clip(rgb.astype(np.int16) + flip * step, 0, 255).astype(np.uint8)


def run_clip(name: str, config: str) -> dict:
    import mediapipe as mp
    import numpy as np
    from video_clips import CLIPS, clip_path, write_clip

    task, model, smooth = CONFIGS[config]
    clip = next(c for c in CLIPS if c.name == name)
    write_clip(clip)
    frames = []
    if task == "pose":
        solution = pose_solution(model, smooth)
    elif task == "face":
        solution = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False, max_num_faces=1, refine_landmarks=False,
            min_detection_confidence=0.5, min_tracking_confidence=0.5)
    else:
        solution = mp.solutions.hands.Hands(
            static_image_mode=False, max_num_hands=2, model_complexity=COMPLEXITY[model],
            min_detection_confidence=0.5, min_tracking_confidence=0.5)
    from video_clips import decode

    rng = np.random.default_rng(0)
    with solution:
        for rgb in decode(clip_path(clip)):
            if config.endswith("_noise"):
                rgb = add_noise(rgb, rng)
            if task == "pose":
                r = solution.process({"image": rgb})
                lms = r.pose_landmarks
                frames.append({
                    "poses": [] if lms is None else [{"landmarks": _landmarks(lms, True)}],
                    "roi_from_detection": _rect(r.pose_rect_from_detection),
                    "roi_from_landmarks": _rect(r.pose_rect_from_landmarks),
                })
            elif task == "face":
                r = solution.process(rgb)
                faces = r.multi_face_landmarks or []
                frames.append({"faces": [{"landmarks": _landmarks(f)} for f in faces]})
            else:
                r = solution.process(rgb)
                hands = r.multi_hand_landmarks or []
                labels = [h.classification[0].label for h in (r.multi_handedness or [])]
                frames.append({"hands": [{"landmarks": _landmarks(h), "handedness": lab}
                                         for h, lab in zip(hands, labels, strict=True)]})
    return {"mediapipe": mp.__version__, "clip": name, "config": config, "task": task,
            "model": model, "smooth_landmarks": smooth, "timestamps_us": "33333 * (i + 1)",
            "frames": frames}


FILTER_FIXTURE = ROOT / "tests" / "data" / "mediapipe_pose_filtering_pan_zoom.json"


def _pose_full_graph(streams: list[str], outputs: list[str], model: str = "full",
                     smooth: bool = True):
    """MediaPipe's legacy pose graph (full, smoothing on, tracking; or `model`, `smooth`) with
    some of its internal `streams` made graph outputs; per frame it returns pose_landmarks,
    pose_rect_from_landmarks, `outputs` and `streams`."""
    import mediapipe
    from mediapipe.framework import calculator_pb2
    from mediapipe.python.solution_base import SolutionBase
    from mediapipe.python.solutions import pose

    config = calculator_pb2.CalculatorGraphConfig()
    config.ParseFromString((Path(mediapipe.__file__).parent.parent
                            / pose._BINARYPB_FILE_PATH).read_bytes())
    config.output_stream.extend(streams)
    ensure_pose_model(model)
    return SolutionBase(
        graph_config=config,
        side_inputs={"model_complexity": COMPLEXITY[model], "smooth_landmarks": smooth,
                     "enable_segmentation": False, "smooth_segmentation": False,
                     "use_prev_landmarks": True},
        outputs=["pose_landmarks", "pose_rect_from_landmarks", *outputs, *streams])


def record_filter_fixture(frames: int = 12) -> None:
    """MediaPipe's PoseLandmarkFiltering inputs and outputs on the first frames of
    astronaut_pan_zoom (pose full, smoothing on): the graph's unfiltered and filtered (auxiliary)
    landmarks and its next-frame ROI, read by adding those internal streams to the graph's
    outputs. tests/unit/test_calc_filters.py feeds the unfiltered ones to frontml's port."""
    import mediapipe
    from video_clips import CLIPS, clip_path, decode, write_clip

    clip = next(c for c in CLIPS if c.name == "astronaut_pan_zoom")
    write_clip(clip)
    solution = _pose_full_graph(["unfiltered_pose_landmarks", "unfiltered_auxiliary_landmarks",
                                 "auxiliary_landmarks"], [])

    def lms(packet) -> list[list[float]]:
        return [[round(v, 7) for v in (lm.x, lm.y, lm.z, lm.visibility, lm.presence)]
                for lm in packet.landmark]

    out = []
    with solution:
        for i, rgb in enumerate(decode(clip_path(clip))):
            if i >= frames:
                break
            r = solution.process({"image": rgb})
            roi = r.pose_rect_from_landmarks
            out.append({"timestamp_us": 33333 * (i + 1),
                        "landmarks": lms(r.unfiltered_pose_landmarks),
                        "auxiliary": lms(r.unfiltered_auxiliary_landmarks),
                        "filtered_landmarks": lms(r.pose_landmarks),
                        "filtered_auxiliary": lms(r.auxiliary_landmarks),
                        "next_roi": [round(v, 7) for v in (roi.x_center, roi.y_center,
                                                           roi.width, roi.height,
                                                           roi.rotation)]})
    FILTER_FIXTURE.write_text(json.dumps({
        "mediapipe": mediapipe.__version__, "clip": clip.name, "model_complexity": 1,
        "image": {"width": 640, "height": 480}, "frames": out}) + "\n")
    print(f"wrote {FILTER_FIXTURE}", file=sys.stderr)


FLOAT32_FIXTURE = ROOT / "tests" / "data" / "mediapipe_pose_float32_standing.json"


def record_float32_fixture(clip_name: str = "standing_enter_leave", first: int = 10,
                           last: int = 16) -> None:
    """MediaPipe's values at full float32 precision on frames first..last of a clip (pose full,
    smoothing on): the detection and the ROI it gave, the unfiltered and filtered (auxiliary)
    landmarks and the next-frame ROI, read from the graph's internal streams.
    tests/unit/test_calc_float32.py feeds MediaPipe's own inputs to frontml's float32 ports and
    expects MediaPipe's outputs to the bit."""
    import mediapipe
    from video_clips import CLIPS, clip_path, decode, write_clip

    clip = next(c for c in CLIPS if c.name == clip_name)
    write_clip(clip)
    solution = _pose_full_graph(["pose_detection", "unfiltered_pose_landmarks",
                                 "unfiltered_auxiliary_landmarks", "auxiliary_landmarks"],
                                ["pose_rect_from_detection"])

    def lms(packet) -> list[list[float]] | None:
        return None if packet is None else [
            [lm.x, lm.y, lm.z, lm.visibility, lm.presence] for lm in packet.landmark]

    def rect(r) -> list[float] | None:
        return None if r is None else [r.x_center, r.y_center, r.width, r.height, r.rotation]

    out = []
    with solution:
        for i, rgb in enumerate(decode(clip_path(clip))):
            if i > last:
                break
            r = solution.process({"image": rgb})
            if i < first:
                continue
            det = None
            if r.pose_detection is not None:
                loc = r.pose_detection.location_data
                b = loc.relative_bounding_box
                det = {"score": r.pose_detection.score[0],
                       "box": [b.xmin, b.ymin, b.width, b.height],
                       "keypoints": [[k.x, k.y] for k in loc.relative_keypoints]}
            out.append({"frame": i, "timestamp_us": 33333 * (i + 1), "detection": det,
                        "roi_from_detection": rect(r.pose_rect_from_detection),
                        "landmarks": lms(r.unfiltered_pose_landmarks),
                        "auxiliary": lms(r.unfiltered_auxiliary_landmarks),
                        "filtered_auxiliary": lms(r.auxiliary_landmarks),
                        "roi_from_landmarks": rect(r.pose_rect_from_landmarks)})
    FLOAT32_FIXTURE.write_text(json.dumps({
        "mediapipe": mediapipe.__version__, "clip": clip.name, "model_complexity": 1,
        "image": {"width": 640, "height": 480}, "frames": out}) + "\n")
    print(f"wrote {FLOAT32_FIXTURE}", file=sys.stderr)


TRACES = ROOT / "bench" / ".cache" / "tracking_traces"
# The pose flag after TensorsToFloatsCalculator (tensors_to_pose_landmarks_and_segmentation.pbtxt
# `pose_presence_score`), named as the graph expands its subgraphs.
PRESENCE_STREAM = "poselandmarkbyroicpu__tensorstoposelandmarksandsegmentation__pose_presence_score"


def record_trace(clip_name: str, config: str) -> Path:
    """Per frame, what MediaPipe's video-mode pose graph decided (for bench/tracking_trace.py):
    the detections (`pose_detections`; an empty vector comes back as no packet, so whether the
    detector ran is told by the graph's gate: no ROI carried over), the ROI the landmark model was
    fed (`pose_rect`: ROI_FROM_DETECTION, else the previous frame's
    ROI_FROM_LANDMARKS), the pose flag on it (`pose_presence_score`; the gate is >= 0.5), whether
    landmarks came out, their visibility and the next frame's ROI. `_noise` configurations: on
    the same noisy frames as run_clip."""
    import numpy as np
    from video_clips import CLIPS, clip_path, decode, write_clip

    task, model, smooth = CONFIGS[config]
    if task != "pose":
        raise SystemExit("--trace: pose configurations only")
    clip = next(c for c in CLIPS if c.name == clip_name)
    write_clip(clip)
    solution = _pose_full_graph([PRESENCE_STREAM, "pose_rect", "pose_detections"],
                                ["pose_rect_from_detection"], model, smooth)
    rng = np.random.default_rng(0)
    frames = []
    with solution:
        for rgb in decode(clip_path(clip)):
            if config.endswith("_noise"):
                rgb = add_noise(rgb, rng)
            r = solution.process({"image": rgb})
            score = getattr(r, PRESENCE_STREAM)
            lms = r.pose_landmarks
            frames.append({
                "detections": len(r.pose_detections or []),
                "roi": _rect(r.pose_rect),
                "presence": None if score is None else float(score),
                "pose": lms is not None,
                "visibility": None if lms is None else [lm.visibility for lm in lms.landmark],
                "next_roi": _rect(r.pose_rect_from_landmarks)})
    for side in ("frontml", "frontml_exact"):
        ours = TRACES / f"{clip_name}__{config}__{side}.json"
        if not ours.exists():
            continue
        # MediaPipe's .tflite on the ROI frontml fed its model on the same frame
        import mediapipe
        from mediapipe.framework.formats import rect_pb2
        from mediapipe.python import packet_creator

        graph, got = _crop_graph(model)
        fm = json.loads(ours.read_text())["frames"]
        for n, (rgb, x, f) in enumerate(zip(decode(clip_path(clip)), frames, fm, strict=True)):
            if f["roi"] is None:
                continue
            graph.add_packet_to_input_stream("image", packet_creator.create_image_frame(
                image_format=mediapipe.ImageFormat.SRGB, data=rgb).at(n + 1))
            graph.add_packet_to_input_stream("roi", packet_creator.create_proto(
                rect_pb2.NormalizedRect(**f["roi"])).at(n + 1))
            graph.wait_until_idle()
            x[f"presence_on_{side}_roi"] = float(got["flag"])
        graph.close()
    TRACES.mkdir(parents=True, exist_ok=True)
    path = TRACES / f"{clip_name}__{config}__mediapipe.json"
    path.write_text(json.dumps({"clip": clip_name, "config": config, "frames": frames}))
    print(f"wrote {path}", file=sys.stderr)
    return path


CROPS = ROOT / "bench" / ".cache" / "mediapipe_crops"
# The pose landmark model on one ROI exactly as pose_landmark_by_roi_cpu.pbtxt runs it
# (ImageToTensorCalculator 256x256 keep_aspect_ratio [0, 1] + InferenceCalculator xnnpack), with
# the crop tensor, the landmark tensor, the pose flag and the heatmap (TensorsToFloatsCalculator)
# as outputs.
CROP_GRAPH = """
input_stream: "image"
input_stream: "roi"
output_stream: "crop"
output_stream: "lms"
output_stream: "flag"
output_stream: "heatmap"
node { calculator: "ImageToTensorCalculator" input_stream: "IMAGE:image"
  input_stream: "NORM_RECT:roi" output_stream: "TENSORS:input_tensors"
  options { [mediapipe.ImageToTensorCalculatorOptions.ext] { output_tensor_width: 256
    output_tensor_height: 256 keep_aspect_ratio: true
    output_tensor_float_range { min: 0.0 max: 1.0 } } } }
node { calculator: "InferenceCalculator" input_stream: "TENSORS:input_tensors"
  output_stream: "TENSORS:out"
  options { [mediapipe.InferenceCalculatorOptions.ext] { model_path: "MODEL"
    delegate { xnnpack {} } } } }
node { calculator: "SplitTensorVectorCalculator" input_stream: "out" output_stream: "lm_t"
  output_stream: "flag_t" output_stream: "heatmap_t"
  options { [mediapipe.SplitVectorCalculatorOptions.ext] {
    ranges: { begin: 0 end: 1 } ranges: { begin: 1 end: 2 } ranges: { begin: 3 end: 4 } } } }
node { calculator: "TensorsToFloatsCalculator" input_stream: "TENSORS:heatmap_t"
  output_stream: "FLOATS:heatmap" }
node { calculator: "TensorsToFloatsCalculator" input_stream: "TENSORS:flag_t"
  output_stream: "FLOAT:flag" }
node { calculator: "TensorsToFloatsCalculator" input_stream: "TENSORS:lm_t"
  output_stream: "FLOATS:lms" }
node { calculator: "TensorsToFloatsCalculator" input_stream: "TENSORS:input_tensors"
  output_stream: "FLOATS:crop" }
"""


def _crop_graph(model: str):
    """CROP_GRAPH started for the pose landmark `model`, and the dict its outputs land in."""
    import mediapipe
    import numpy as np
    from google.protobuf import text_format
    from mediapipe.framework import calculator_pb2
    from mediapipe.python import packet_getter
    from mediapipe.python._framework_bindings import calculator_graph

    ensure_pose_model(model)
    tflite = (Path(mediapipe.__file__).parent / "modules" / "pose_landmark"
              / f"pose_landmark_{model}.tflite")
    graph = calculator_graph.CalculatorGraph(graph_config=text_format.Parse(
        CROP_GRAPH.replace("MODEL", str(tflite)), calculator_pb2.CalculatorGraphConfig()))
    got: dict = {}
    for name in ("crop", "lms", "heatmap"):
        graph.observe_output_stream(name, lambda s, p: got.__setitem__(
            s, np.array(packet_getter.get_float_list(p), np.float32)))
    graph.observe_output_stream("flag", lambda s, p: got.__setitem__(s, packet_getter.get_float(p)))
    graph.start_run()
    return graph, got


def record_crops(clip_name: str, config: str, frames: list[int]) -> Path:
    """MediaPipe's own crop tensor, landmark tensor and pose flag for the ROI its video-mode run
    used on each of `frames` (ROI_FROM_DETECTION, else the previous frame's ROI_FROM_LANDMARKS),
    for `bench/crop_check.py`: feeding the same crop to frontml's ONNX splits model conversion
    from crop/ROI differences."""
    import mediapipe
    import numpy as np
    from mediapipe.framework.formats import rect_pb2
    from mediapipe.python import packet_creator
    from video_clips import CLIPS, clip_path, decode, write_clip

    task, model, _ = CONFIGS[config]
    if task != "pose":
        raise SystemExit("--crops: pose configurations only")
    clip = next(c for c in CLIPS if c.name == clip_name)
    write_clip(clip)
    ref = json.loads((OUT / f"{clip_name}__{config}.json").read_text())["frames"]
    graph, got = _crop_graph(model)
    images = list(decode(clip_path(clip)))
    out: dict = {}
    rois = {}
    for n, i in enumerate(frames, start=1):
        roi = ref[i]["roi_from_detection"] or (ref[i - 1]["roi_from_landmarks"] if i else None)
        if roi is None:
            continue
        graph.add_packet_to_input_stream("image", packet_creator.create_image_frame(
            image_format=mediapipe.ImageFormat.SRGB, data=images[i]).at(n))
        graph.add_packet_to_input_stream("roi", packet_creator.create_proto(
            rect_pb2.NormalizedRect(**roi)).at(n))
        graph.wait_until_idle()
        rois[i] = roi
        out[f"crop{i}"] = np.round(got["crop"] * 255).astype(np.uint8).reshape(256, 256, 3)
        out[f"lms{i}"] = got["lms"]
        out[f"heatmap{i}"] = got["heatmap"]  # [64, 64, 39] flat
        out[f"flag{i}"] = np.float32(got["flag"])
    graph.close()
    CROPS.mkdir(parents=True, exist_ok=True)
    path = CROPS / f"{clip_name}__{config}.npz"
    np.savez(path, rois=json.dumps(rois), **out)
    print(f"wrote {path} ({len(rois)} frames)", file=sys.stderr)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help=f"configurations (of {', '.join(CONFIGS)})")
    parser.add_argument("--clips", nargs="*", help="clip names (default: every clip of the task)")
    parser.add_argument("--fixture", action="store_true",
                        help=f"only write {FILTER_FIXTURE.relative_to(ROOT)} and "
                             f"{FLOAT32_FIXTURE.relative_to(ROOT)}")
    parser.add_argument("--crops", nargs=3, metavar=("CLIP", "CONFIG", "FRAMES"),
                        help="record MediaPipe's crop/landmarks/flag on frames A-B of a pose "
                             "clip (for bench/crop_check.py)")
    parser.add_argument("--trace", nargs=2, metavar=("CLIP", "CONFIG"),
                        help="per frame: detector runs, ROI, pose flag (bench/tracking_trace.py)")
    args = parser.parse_args()
    if args.trace:
        record_trace(*args.trace)
        return 0
    if args.crops:
        lo, _, hi = args.crops[2].partition("-")
        record_crops(args.crops[0], args.crops[1], list(range(int(lo), int(hi or lo) + 1)))
        return 0
    if args.fixture:
        record_filter_fixture()
        record_float32_fixture()
        return 0
    from video_clips import clips_for

    OUT.mkdir(parents=True, exist_ok=True)
    for config in args.only or CONFIGS:
        task = CONFIGS[config][0]
        for clip in clips_for(task):
            if args.clips and clip.name not in args.clips:
                continue
            out = OUT / f"{clip.name}__{config}.json"
            if out.exists():
                continue
            start = time.perf_counter()
            data = run_clip(clip.name, config)
            out.write_text(json.dumps(data))
            print(f"{out.name}: {len(data['frames'])} frames, "
                  f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
