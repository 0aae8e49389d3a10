"""GPU-resident model inputs on webgpu against the CPU path: per-frame pre + infer ms.

    python -m bench.gpu_input_speed [--seconds 20] [--quick] [--first-frames-s 900]

The pose (BlazePose) and segmentation pages on ?provider=webgpu, each with ?gpuinput=1 (the crop
warped on onnxruntime-web's own GPUDevice and fed with Tensor.fromGpuBuffer, web/js/
warp_webgpu.js) and ?gpuinput=0 (the CPU path: WebGL2/JS warp, bytes read back, a typed-array
feed that ORT uploads again). With gpuinput=1 the warp runs inside the model's run, so the HUD's
"pre" shrinks and "infer" grows: compare pre + infer. On this machine WebGPU is CPU-emulated
(SwiftShader): read the ratio, not the ms.
"""

from __future__ import annotations

import sys

from bench.harness import Bench, astronaut_video, fmt, md_table, page_run, speed_parser, today

PAGES = [("pose (BlazePose lite)", "pose.html?model=lite&mode=image"),
         ("segmentation", "segment.html?model=general")]


def main(argv=None) -> int:
    parser = speed_parser(__doc__.splitlines()[0], seconds=20.0)
    parser.add_argument("--first-frames-s", type=float, default=900.0,
                        help="time allowed for a page's first two frames (shader compiles)")
    args = parser.parse_args(argv)
    pages = PAGES[:1] if args.quick else PAGES
    rows = []
    with Bench(astronaut_video(args.out), extra_args=("--enable-unsafe-webgpu",)) as bench:
        for label, path in pages:
            base = None
            for gpu in ("0", "1"):
                got = page_run(bench, f"{path}&provider=webgpu&gpuinput={gpu}", args.seconds,
                               first_frames_s=args.first_frames_s)
                used = ", ".join(sorted({u["provider"] for u in got["providers"].values()}))
                total = got.get("pre", 0.0) + got.get("infer", 0.0)
                base = total if gpu == "0" else base
                rows.append([label, "GPU (fromGpuBuffer)" if gpu == "1" else "CPU (typed array)",
                             used, str(got["frames"]), fmt(got.get("pre")), fmt(got.get("infer")),
                             fmt(total), fmt(base / total if base and total else None, 2)])
    text = (f"GPU-resident inputs vs the CPU path on ?provider=webgpu, {today()}, fake camera "
            "640x480 (astronaut), CPU-emulated WebGPU.\n\n"
            + md_table(["page", "model input", "models ran on", "frames", "pre", "infer",
                        "pre + infer", "speed-up vs CPU path"], rows))
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gpu_input_speed.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
