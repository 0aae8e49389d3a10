"""GPU-resident model inputs on webgpu against the CPU path: per-frame pre + infer ms.

    python -m bench.gpu_input_speed [--frames 3] [--quick] [--first-frames-s 900]

The pose (BlazePose) and segmentation pages on ?provider=webgpu, each with ?gpuinput=1 (the crop
warped on onnxruntime-web's own GPUDevice and fed with Tensor.fromGpuBuffer, web/js/
warp_webgpu.js) and ?gpuinput=0 (the CPU path: WebGL2/JS warp, bytes read back, a typed-array
feed that ORT uploads again); mean ms over `--frames` frames after the first two (emulated
WebGPU takes seconds per frame here: a count of frames, not a time). With gpuinput=1 the warp
runs inside the model's run, so the HUD's "pre" shrinks and "infer" grows: compare pre + infer.
On this machine WebGPU is CPU-emulated (SwiftShader): read the ratio, not the ms.
"""

from __future__ import annotations

import sys

from bench.harness import SAMPLE_JS, Bench, astronaut_video, fmt, speed_parser, write_table

PAGES = [("pose (BlazePose lite)", "pose.html?model=lite&mode=image"),
         ("segmentation", "segment.html?model=general")]


def frames_run(bench: Bench, path_query: str, frames: int, first_frames_s: float) -> dict:
    """Mean ms per stage over `frames` frames after the page's second one."""
    page = bench.new_page()
    try:
        page.goto(f"{bench.base}/{path_query}")
        page.wait_for_function("window.frontml && window.frontml.count >= 2",
                               timeout=first_frames_s * 1000)
        start = page.evaluate(SAMPLE_JS)
        page.wait_for_function(f"window.frontml.count >= {start['n'] + frames}",
                               timeout=first_frames_s * 1000)
        end = page.evaluate(SAMPLE_JS)
        providers = page.evaluate("window.frontml.providers || {}")
        runs = page.evaluate("window.frontml.gpuInputRuns || 0")
    finally:
        page.close()
    n = end["n"] - start["n"]
    mean = {k: (end["t"].get(k, 0) - start["t"].get(k, 0)) / n for k in end["t"]}
    return {**mean, "frames": n, "providers": providers, "gpu_input_runs": runs}


def main(argv=None) -> int:
    parser = speed_parser(__doc__.splitlines()[0])
    parser.set_defaults(frames=3)
    parser.add_argument("--first-frames-s", type=float, default=900.0,
                        help="time allowed for a page's first two frames (shader compiles)")
    args = parser.parse_args(argv)
    pages = PAGES[:1] if args.quick else PAGES
    rows = []
    with Bench(astronaut_video(args.out), extra_args=("--enable-unsafe-webgpu",)) as bench:
        for label, path in pages:
            base = None
            for gpu in ("0", "1"):
                got = frames_run(bench, f"{path}&provider=webgpu&gpuinput={gpu}",
                                 2 if args.quick else args.frames, args.first_frames_s)
                used = ", ".join(sorted({u["provider"] for u in got["providers"].values()}))
                total = got.get("pre", 0.0) + got.get("infer", 0.0)
                base = total if gpu == "0" else base
                rows.append([label, "GPU (fromGpuBuffer)" if gpu == "1" else "CPU (typed array)",
                             used, f"{got['frames']} ({got['gpu_input_runs']})",
                             fmt(got.get("pre")), fmt(got.get("infer")),
                             fmt(total), fmt(base / total if base and total else None, 2)])
    write_table(args.out, "gpu_input_speed.md",
                "GPU-resident inputs vs the CPU path on ?provider=webgpu",
                "fake camera 640x480 (astronaut), CPU-emulated WebGPU",
                ["page", "model input", "models ran on", "frames (GPU-fed runs)", "pre",
                 "infer", "pre + infer", "speed-up vs CPU path"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
