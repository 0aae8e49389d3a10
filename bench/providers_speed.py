"""Each page on each onnxruntime-web execution provider: FPS and per-stage ms side by side.

    python -m bench.providers_speed [--seconds 8] [--quick] [--providers wasm webgpu ...]
        [--first-frames-s 120]

Providers: wasm, webgl (SwiftShader here), webgpu (CPU-emulated here, needs
--enable-unsafe-webgpu), and auto (chosen by measurement, see web/js/ort.js). A model the
conformance check found wrong on a provider runs on wasm instead (models/providers.json), so
a row says which providers were really used. On this machine the GPU is emulated: read the
ratios, not the absolute numbers.
"""

from __future__ import annotations

import sys

from bench.harness import Bench, astronaut_video, fmt, page_run, speed_parser, write_table

PAGES = [("pose (BlazePose full)", "pose.html?model=full"),
         ("segmentation", "segment.html"),
         ("face try-on", "tryon.html"),
         ("hands", "hands.html")]
PROVIDERS = ("wasm", "webgl", "webgpu", "auto")


def main(argv=None) -> int:
    parser = speed_parser(__doc__.splitlines()[0])
    parser.add_argument("--providers", nargs="+", choices=PROVIDERS, default=list(PROVIDERS),
                        help="providers to run (wasm always runs first: the ratios' base)")
    parser.add_argument("--first-frames-s", type=float, default=120.0,
                        help="time allowed for a page's first two frames (emulated WebGPU "
                             "compiles its shaders then: minutes per model here)")
    args = parser.parse_args(argv)
    providers = ["wasm"] + [p for p in args.providers if p != "wasm"]
    pages = PAGES[:1] if args.quick else PAGES
    rows = []
    with Bench(astronaut_video(args.out), extra_args=("--enable-unsafe-webgpu",)) as bench:
        for label, path in pages:
            base_fps = None
            for provider in providers:
                sep = "&" if "?" in path else "?"
                try:
                    got = page_run(bench, f"{path}{sep}provider={provider}", args.seconds,
                                   keep_results=False, first_frames_s=args.first_frames_s)
                    used = ", ".join(sorted({u["provider"] for u in got["providers"].values()}))
                except Exception as exc:  # noqa: BLE001 - a provider that fails is a result
                    rows.append([label, provider, "failed: " + str(exc).splitlines()[0][:60]]
                                + ["-"] * 5)
                    print(" | ".join(rows[-1]), flush=True)
                    continue
                if not got["frames"]:  # emulated WebGPU under load: seconds per frame
                    rows.append([label, provider, used, f"< 1 frame in {args.seconds:g} s"]
                                + ["-"] * 4)
                    print(" | ".join(rows[-1]), flush=True)
                    continue
                if provider == "wasm":
                    base_fps = got["fps"]
                ratio = got["fps"] / base_fps if base_fps else None
                rows.append([label, provider, used, fmt(got["fps"]), fmt(got.get("pre")),
                             fmt(got.get("infer")), fmt(got.get("post")), fmt(ratio, 2)])
                print(" | ".join(rows[-1]), flush=True)  # long runs: rows as they come
    write_table(args.out, "providers_speed.md", "Pages per execution provider",
                "fake camera 640x480 (astronaut)",
                ["page", "?provider=", "models ran on", "FPS", "pre", "infer", "post",
                 "FPS / wasm"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
