"""Side-by-side anchors: MediaPipe's legacy web solutions, TensorFlow.js MoveNet, plain
onnxruntime-web vs native onnxruntime model latency, and page start-up / transfer size.

The anchor pages live in web/bench/ (not linked from the app) and load only files vendored
into web/vendor/bench/ (`python tools/vendor.py --bench`, done on demand here).
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlparse

from bench.harness import ROOT, Bench, fmt, log, md_table

WEB = ROOT / "web"

# (label, solution, options, video, frontml configuration label it is compared with, metric)
MEDIAPIPE = [
    ("Pose lite", "pose", {"modelComplexity": 0}, "astronaut", "BlazePose lite, tracking"),
    ("Pose full", "pose", {"modelComplexity": 1}, "astronaut", "BlazePose full, tracking"),
    ("Pose heavy", "pose", {"modelComplexity": 2}, "astronaut", "BlazePose heavy, tracking"),
    ("SelfieSegmentation general", "selfie_segmentation", {"modelSelection": 0}, "astronaut",
     "general, none"),
    ("SelfieSegmentation landscape", "selfie_segmentation", {"modelSelection": 1}, "astronaut",
     "landscape, none"),
    ("FaceMesh", "face_mesh", {"maxNumFaces": 1, "refineLandmarks": False}, "astronaut",
     "try-on, tracking"),
    ("FaceMesh + iris", "face_mesh", {"maxNumFaces": 1, "refineLandmarks": True}, "astronaut",
     "try-on, tracking + iris (478)"),
    ("Hands lite", "hands", {"maxNumHands": 2, "modelComplexity": 0}, "hand",
     "hands lite, tracking"),
    ("Hands full", "hands", {"maxNumHands": 2, "modelComplexity": 1}, "hand",
     "hands full, tracking"),
]
QUICK_MEDIAPIPE = ["SelfieSegmentation general"]

# MediaPipe Tasks Vision (web/bench/tasks.html, CPU delegate = XNNPACK in wasm) with bundles of
# the same .tflite files frontml converts: (label, task, bundle, video, frontml configuration)
TASKS = [
    ("PoseLandmarker lite", "pose", "pose_landmarker_lite.task", "astronaut",
     "BlazePose lite, tracking"),
    ("PoseLandmarker full", "pose", "pose_landmarker_full.task", "astronaut",
     "BlazePose full, tracking"),
    ("PoseLandmarker heavy", "pose", "pose_landmarker_heavy.task", "astronaut",
     "BlazePose heavy, tracking"),
    ("HandLandmarker lite", "hands", "hand_landmarker_lite.task", "hand", "hands lite, tracking"),
    ("HandLandmarker full", "hands", "hand_landmarker_full.task", "hand", "hands full, tracking"),
    ("ImageSegmenter selfie general", "segmenter", "selfie_segmenter.tflite", "astronaut",
     "general, none"),
    ("ImageSegmenter selfie landscape", "segmenter", "selfie_segmenter_landscape.tflite",
     "astronaut", "landscape, none"),
]
QUICK_TASKS = ["ImageSegmenter selfie general"]
TASK_SOLUTION = {"pose": "pose", "hands": "hands", "segmenter": "selfie_segmentation"}

# models the frontml configurations run, for the plain-latency comparison
ORT_MODELS = ["pose_detection", "pose_landmark_lite", "pose_landmark_full", "pose_landmark_heavy",
              "movenet_multipose", "selfie_segmentation", "selfie_segmentation_landscape",
              "face_detection_short", "face_landmark", "iris_landmark", "palm_detection_lite",
              "hand_landmark_lite", "palm_detection_full", "hand_landmark_full"]
QUICK_ORT_MODELS = ["pose_detection"]

# (label, page) for start-up and size
STARTUP_PAGES = [("pose (BlazePose full)", "pose.html?model=full"),
                 ("pose (MoveNet MultiPose)", "pose.html?model=movenet&multi=1"),
                 ("segmentation", "segment.html"),
                 ("face try-on", "tryon.html"),
                 ("hands", "hands.html")]
QUICK_STARTUP_PAGES = STARTUP_PAGES[1:2]

ANCHOR_SAMPLE = "({n: anchor.count, ms: anchor.totalMs})"


def ensure_vendored() -> None:
    from bench.tasks_bundles import ensure_bundles

    ensure_bundles(log)
    if (WEB / "vendor" / "bench" / "human-models" / "movenet-multipose.bin").exists() and (
            WEB / "vendor" / "bench" / "tfjs" / "tf-core.min.js").exists() and (
            WEB / "vendor" / "bench" / "tasks-vision" / "vision_bundle.mjs").exists():
        return
    import importlib.util

    spec = importlib.util.spec_from_file_location("vendor", ROOT / "tools" / "vendor.py")
    vendor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vendor)
    vendor.vendor_bench()


def anchor_run(bench: Bench, path_query: str, seconds: float, warm_frames: int = 3,
               extra_js: str | None = None) -> dict:
    """Run an anchor page: wait for `warm_frames` results (the first includes loading), then
    count frames for `seconds`. Returns fps, ms per frame, the last results (and `extra_js`)."""
    page = bench.new_page()
    try:
        page.goto(f"{bench.base}/bench/{path_query}")
        page.wait_for_function(
            f"window.anchor && (anchor.count >= {warm_frames} || anchor.errors.length)",
            timeout=180_000)
        errors = page.evaluate("anchor.errors")
        if errors:
            raise RuntimeError(errors[0].splitlines()[0])
        start = page.evaluate(ANCHOR_SAMPLE)
        time.sleep(seconds)
        end = page.evaluate(ANCHOR_SAMPLE)
        out = {"results": page.evaluate("anchor.results"), "note": page.evaluate("anchor.note")}
        if extra_js:
            out["extra"] = page.evaluate(extra_js)
    finally:
        page.close()
    frames = end["n"] - start["n"]
    out.update(fps=frames / seconds, frames=frames,
               ms=(end["ms"] - start["ms"]) / frames if frames else None)
    return out


# ---------------------------------------------------------------- distances

def _landmarks(item) -> list[dict]:
    return item["landmarks"] if isinstance(item, dict) else item


def pose_distance(ours: dict | None, theirs: dict | None) -> float | None:
    from bench.metrics import pose_error

    if not ours or not theirs or not ours.get("poses") or not theirs.get("poses"):
        return None
    w, h = theirs["width"], theirs["height"]
    return pose_error(_landmarks(ours["poses"][0]), _landmarks(theirs["poses"][0]), w, h)


def face_distance(ours: dict | None, theirs: dict | None) -> float | None:
    from bench.metrics import face_error

    if not ours or not theirs or not ours.get("faces") or not theirs.get("faces"):
        return None
    w, h = theirs["width"], theirs["height"]
    return face_error(_landmarks(ours["faces"][0]), _landmarks(theirs["faces"][0]), w, h)


def hands_distance(ours: dict | None, theirs: dict | None) -> float | None:
    from bench.metrics import hand_error, palm_size

    if not ours or not theirs or not ours.get("hands") or not theirs.get("hands"):
        return None
    w, h = theirs["width"], theirs["height"]
    errors = []
    for ref in theirs["hands"]:  # pair each of theirs with our nearest wrist
        ref = _landmarks(ref)
        best = min((_landmarks(o) for o in ours["hands"]),
                   key=lambda o: math.hypot((o[0]["x"] - ref[0]["x"]) * w,
                                            (o[0]["y"] - ref[0]["y"]) * h))
        if math.hypot((best[0]["x"] - ref[0]["x"]) * w,
                      (best[0]["y"] - ref[0]["y"]) * h) <= palm_size(ref, w, h):
            errors.append(hand_error(best, ref, w, h))
    return statistics.mean(errors) if errors else None


def coco_distance(ours: dict | None, theirs: dict | None) -> float | None:
    """MoveNet: mean keypoint distance of the best-scoring person / torso (COCO 5, 6, 11, 12)."""
    if not ours or not theirs or not ours.get("poses") or not theirs.get("poses"):
        return None
    w, h = theirs["width"], theirs["height"]
    a, b = _landmarks(ours["poses"][0]), _landmarks(theirs["poses"][0])

    def mid(p, i, j):
        return ((p[i]["x"] + p[j]["x"]) / 2 * w, (p[i]["y"] + p[j]["y"]) / 2 * h)

    torso = math.dist(mid(b, 5, 6), mid(b, 11, 12))
    dist = [math.hypot((p["x"] - q["x"]) * w, (p["y"] - q["y"]) * h)
            for p, q in zip(a, b, strict=True)]
    return sum(dist) / len(dist) / torso if torso else None


def our_mask(model: str):
    """frontml's probability at 160×120 for the astronaut frame (CPython; the page matches)."""
    import numpy as np
    from PIL import Image

    from frontml.image import ArrayFrame
    from frontml.runtime import run_sync
    from frontml.tasks.segmentation import PersonSegmenter, SegmentationOptions
    from tests.media import astronaut_frame

    async def go():
        seg = await PersonSegmenter.create(SegmentationOptions(model=model))
        prob = (await seg.process(ArrayFrame(astronaut_frame()), 0)).probability_image()
        seg.close()
        return prob

    prob = run_sync(go())
    img = Image.fromarray(np.asarray(prob, np.float32)).resize((160, 120),
                                                               Image.Resampling.BILINEAR)
    return np.asarray(img)


def mask_iou(planes: dict, model: str) -> float | None:
    import numpy as np

    from bench.accuracy_segmentation import iou

    ours = our_mask(model) > 0.5
    best = None
    for plane in planes.values():  # the mask's confidence is in red or alpha, depending on GL
        theirs = np.frombuffer(base64.b64decode(plane), np.uint8).reshape(120, 160) > 127
        if theirs.any():
            score = iou(ours, theirs)
            best = score if best is None else max(best, score)
    return best


def distance(solution: str, ours: dict | None, theirs: dict, label: str) -> str:
    try:
        if solution == "pose":
            return fmt(pose_distance(ours, theirs["results"]), 4)
        if solution == "face_mesh":
            return fmt(face_distance(ours, theirs["results"]), 4)
        if solution == "hands":
            return fmt(hands_distance(ours, theirs["results"]), 4)
        if solution == "selfie_segmentation":
            model = "landscape" if "landscape" in label else "general"
            return "IoU " + fmt(mask_iou(theirs["extra"], model), 3)
    except Exception as exc:  # noqa: BLE001 (a distance that fails is reported, not fatal)
        return f"error: {exc}"
    return "-"


METRIC = {"pose": "/ torso", "face_mesh": "/ inter-ocular", "hands": "/ palm",
          "selfie_segmentation": "mask IoU @0.5"}


def mediapipe_rows(benches: dict, frontml: dict, labels: list[str], seconds: float) -> list:
    """One row per MediaPipe solution: FPS, ms/frame, frontml's FPS on the same video, ratio,
    distance of the landmarks / masks."""
    return anchor_rows(benches, frontml, seconds, "MediaPipe", [
        (label, solution, f"mediapipe.html?solution={solution}"
                          f"&options={quote(json.dumps(options))}", video, ours_label)
        for label, solution, options, video, ours_label in MEDIAPIPE if label in labels])


def anchor_rows(benches: dict, frontml: dict, seconds: float, kind: str, entries) -> list:
    """Run each (label, solution, anchor page query, video, frontml label) entry."""
    rows = []
    for label, solution, query, video, ours_label in entries:
        log(f"measuring {kind} {label} ...")
        extra = "anchor.maskPlanes()" if solution == "selfie_segmentation" else None
        ours = frontml.get(ours_label)
        try:
            mp = anchor_run(benches[video], query, seconds, extra_js=extra)
        except Exception as exc:  # noqa: BLE001 (reported in the table)
            rows.append({"label": label, "solution": solution, "error": str(exc)[:200],
                         "ours_label": ours_label})
            continue
        ratio = ours["fps"] / mp["fps"] if ours and ours.get("fps") and mp["fps"] else None
        rows.append({"label": label, "solution": solution, "fps": mp["fps"], "ms": mp["ms"],
                     "ours_label": ours_label, "ours_fps": ours.get("fps") if ours else None,
                     "ratio": ratio,
                     "distance": distance(solution, (ours or {}).get("results"), mp, label)})
    return rows


def mediapipe_table(rows: list, anchor: str = "MediaPipe legacy web solution",
                    prefix: str = "MediaPipe") -> str:
    body = []
    for r in rows:
        if "error" in r:
            body.append([f"{prefix} {r['label']}", f"could not run: {r['error']}", "", "",
                         r["ours_label"], "", "", ""])
            continue
        body.append([f"{prefix} {r['label']}", fmt(r["fps"]), fmt(r["ms"]),
                     r["ours_label"], fmt(r["ours_fps"]), fmt(r["ratio"], 2),
                     r["distance"], METRIC[r["solution"]]])
    return md_table([anchor, "FPS", "ms / frame", "frontml config",
                     "frontml FPS", "frontml / MediaPipe FPS", "distance to frontml", "metric"],
                    body)


def tasks_rows(benches: dict, frontml: dict, labels: list[str], seconds: float) -> list:
    """One row per MediaPipe Tasks Vision configuration, shaped like mediapipe_rows'."""
    return anchor_rows(benches, frontml, seconds, "MediaPipe Tasks", [
        (label, TASK_SOLUTION[task], f"tasks.html?task={task}&model={bundle}", video, ours_label)
        for label, task, bundle, video, ours_label in TASKS if label in labels])


def tasks_table(rows: list) -> str:
    return mediapipe_table(rows, "MediaPipe Tasks Vision 0.10.21 (CPU delegate)",
                           "MediaPipe Tasks")


# (frontml pose configuration label = TF.js model label, tfjs.html ?model=)
TFJS = [("MoveNet MultiPose", "multipose"), ("MoveNet Lightning", "lightning"),
        ("MoveNet Thunder", "thunder")]
QUICK_TFJS = ["MoveNet MultiPose"]


def tfjs_rows(bench: Bench, frontml: dict, seconds: float, labels: list[str]) -> list[dict]:
    rows = []
    for label, model in TFJS:
        if label not in labels:
            continue
        log(f"measuring TensorFlow.js {label} ...")
        ours = frontml.get(label)
        try:
            tf = anchor_run(bench, f"tfjs.html?model={model}", seconds)
        except Exception as exc:  # noqa: BLE001
            rows.append({"label": label, "error": str(exc)[:200]})
            continue
        rows.append({
            "label": label, "fps": tf["fps"], "ms": tf["ms"], "note": tf["note"],
            "ours_fps": ours.get("fps") if ours else None,
            "ours_ms": sum(ours.get(s, 0) for s in ("grab", "pre", "infer", "post"))
            if ours else None,
            "ratio": ours["fps"] / tf["fps"] if ours and ours.get("fps") and tf["fps"] else None,
            "distance": fmt(coco_distance((ours or {}).get("results"), tf["results"]), 4)})
    return rows


def tfjs_table(rows: list[dict]) -> str:
    body = []
    for r in rows:
        if "error" in r:
            body.append([r["label"], f"could not run: {r['error']}", "", "", "", "", "", ""])
            continue
        body.append([r["label"], f"TF.js pose-detection 2.1.3, {r['note']}", fmt(r["fps"]),
                     fmt(r["ms"]), fmt(r["ours_fps"]), fmt(r["ours_ms"]), fmt(r["ratio"], 2),
                     r["distance"]])
    return md_table(["model", "runtime", "FPS", "ms / frame", "frontml FPS",
                     "frontml ms / frame (no render)", "frontml / TF.js FPS",
                     "keypoint distance / torso"], body)


# ---------------------------------------------------------------- plain model latency

_DTYPES = {"tensor(float)": "float32", "tensor(int32)": "int32", "tensor(uint8)": "uint8",
           "tensor(int64)": "int64", "tensor(int8)": "int8"}


def model_inputs(model: Path | bytes) -> list[dict]:
    """The model's inputs (name, numpy dtype, dims with free dimensions set to 1)."""
    import onnxruntime as ort

    src = model if isinstance(model, bytes) else str(model)
    sess = ort.InferenceSession(src, providers=["CPUExecutionProvider"])
    return [{"name": i.name, "type": _DTYPES[i.type],
             "dims": [d if isinstance(d, int) and d > 0 else 1 for d in i.shape]}
            for i in sess.get_inputs()]


def native_session(model: Path | bytes, threads: int, profile_prefix: str | None = None):
    """A CPU onnxruntime session with the page's thread count (op_profile adds profiling)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    if profile_prefix is not None:
        so.enable_profiling = True
        so.profile_file_prefix = profile_prefix
    src = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(src, so, providers=["CPUExecutionProvider"])


def time_native_runs(sess, inputs: list[dict], runs: int) -> list[float]:
    """Milliseconds of each of `runs` timed runs on zero inputs, after one warm-up run."""
    import numpy as np

    feeds = {i["name"]: np.zeros(i["dims"], i["type"]) for i in inputs}
    sess.run(None, feeds)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sess.run(None, feeds)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def native_ms(path: Path, inputs: list[dict], runs: int, threads: int) -> float:
    return statistics.median(time_native_runs(native_session(path, threads), inputs, runs))


def ort_rows(bench: Bench, models: list[str], runs: int) -> list[dict]:
    """Page latency both ways the anchor measures it (`first`: runs right after one warm-up,
    as before; `page`: steady state after V8's wasm tier-up) next to native onnxruntime with
    the page's thread count (`native_same`), 1 thread and all cores."""
    import os

    page = bench.new_page()
    rows = []
    try:
        page.goto(f"{bench.base}/bench/ort.html")
        page.wait_for_function("window.anchor && anchor.ready", timeout=60_000)
        for model in models:
            log(f"measuring model latency {model} ...")
            path = WEB / "models" / f"{model}.onnx"
            inputs = model_inputs(path)
            got = page.evaluate("([u, i, n]) => anchor.time(u, i, n)",
                                [f"{bench.base}/models/{model}.onnx", inputs, runs])
            native1 = native_ms(path, inputs, runs, 1)
            threads = int(got["threads"])
            rows.append({"model": model, "page": statistics.median(got["steady"]),
                         "first": statistics.median(got["times"]), "threads": threads,
                         "warm_s": got["warmMs"] / 1000, "native1": native1,
                         "native_same": (native1 if threads == 1
                                         else native_ms(path, inputs, runs, threads)),
                         "native": native_ms(path, inputs, runs, os.cpu_count() or 1),
                         "input": " ".join(f"{i['type']}[{','.join(map(str, i['dims']))}]"
                                           for i in inputs)})
    finally:
        page.close()
    return rows


def ort_table(rows: list[dict]) -> str:
    import os

    body = [[r["model"], r["input"], f"{fmt(r['native_same'], 2)} ({r['threads']} thr.)",
             fmt(r["native"], 2), fmt(r["first"], 2), fmt(r["page"], 2),
             fmt(r["warm_s"], 1), fmt(r["first"] / r["native_same"], 2),
             fmt(r["page"] / r["native_same"], 2)] for r in rows]
    return md_table(["model", "input (zeros)", "native ORT ms, page's threads",
                     f"native ORT ms ({os.cpu_count()} thr.)",
                     "onnxruntime-web ms, 1 warm-up (before)",
                     "onnxruntime-web ms, steady (after tier-up)", "warm-up s",
                     "page / native, 1 warm-up (before)", "page / native, steady"], body)


# ---------------------------------------------------------------- start-up and size

def _file_for(url: str, base: str) -> Path | None:
    if not url.startswith(base):
        return None
    path = (WEB / urlparse(url).path.lstrip("/")).resolve()
    return path if path.is_file() and WEB in path.parents else None


_GZ: dict[Path, int] = {}


def _gzip_size(path: Path) -> int:
    if path not in _GZ:
        _GZ[path] = len(gzip.compress(path.read_bytes(), compresslevel=6))
    return _GZ[path]


FIRST_RESULT = "window.frontml && window.frontml.count >= 1"


def _time_to_first(page, url: str) -> float:
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(FIRST_RESULT, timeout=180_000, polling=20)
    return (time.perf_counter() - t0) * 1000


def startup_rows(bench: Bench, pages: list[tuple[str, str]]) -> list[dict]:
    """Cold: a fresh context (empty cache). Warm: a persistent context, second load. Bytes:
    the files the cold load fetched (up to its first result), raw and gzip -6."""
    rows = []
    for label, query in pages:
        log(f"measuring start-up {label} ...")
        urls: list[str] = []
        page = bench.new_page(log_to=urls)
        try:
            cold = _time_to_first(page, f"{bench.base}/{query}")
            fetched = list(dict.fromkeys(urls))
        finally:
            page.close()
        profile = Path(tempfile.mkdtemp(prefix="frontml-bench-"))
        try:
            context = bench.persistent_context(profile)
            try:
                first = context.new_page()
                _time_to_first(first, f"{bench.base}/{query}")
                first.close()
                second = context.new_page()
                warm = _time_to_first(second, f"{bench.base}/{query}")
            finally:
                context.close()
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        files = [f for f in (_file_for(u, bench.base) for u in fetched) if f is not None]
        rows.append({"label": label, "page": query, "cold": cold, "warm": warm,
                     "requests": len(fetched),
                     "bytes": sum(f.stat().st_size for f in files),
                     "gzip": sum(_gzip_size(f) for f in files),
                     "files": [(f.relative_to(WEB).as_posix(), f.stat().st_size, _gzip_size(f))
                               for f in files]})
    return rows


def startup_table(rows: list[dict]) -> str:
    mb = 1e6
    body = [[r["label"], f"`{r['page']}`", fmt(r["cold"] / 1000, 2), fmt(r["warm"] / 1000, 2),
             str(r["requests"]), fmt(r["bytes"] / mb, 2), fmt(r["gzip"] / mb, 2)] for r in rows]
    return md_table(["page", "URL", "cold s to first result", "warm s to first result",
                     "requests", "MB transferred", "MB gzip"], body)
