"""The pages' post stage and Python share, before/after a change, side by side in one run.

    .venv/bin/python -m bench.post_page_ab [--before main] [--seconds 6] [--rounds 2]

Serves this tree's web/ twice from one process: as it is ("after"), and with the frontml
Python package of git ref `--before` ("before": a second web root of symlinks whose
vendor/frontml.zip is packed from that ref's py/frontml). Each configuration's page then runs
before, after, before, after ... (`--rounds`) in the same headless Chromium on the same fake
camera (the astronaut; the hands pages on the hand clip), and the table gives the mean of the
rounds: FPS, per-stage ms, Python % of the frame (page.py: everything but grab and infer).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
import threading
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "py"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from bench.harness import (  # noqa: E402
    Bench,
    astronaut_video,
    fmt,
    hand_video,
    log,
    machine,
    md_table,
    page_run,
    today,
)

# (label, page + query, camera: "astronaut" | "hand")
CONFIGS = [
    ("pose: BlazePose lite, tracking", "pose.html?model=lite", "astronaut"),
    ("pose: BlazePose full, tracking", "pose.html?model=full", "astronaut"),
    ("pose: BlazePose heavy, tracking", "pose.html?model=heavy", "astronaut"),
    ("try-on (face mesh), tracking", "tryon.html?", "astronaut"),
    ("try-on, tracking + iris (478)", "tryon.html?iris=1", "astronaut"),
    ("hands: lite, tracking", "hands.html?model=lite", "hand"),
    ("hands: full, tracking", "hands.html?model=full", "hand"),
]


def pack_ref(ref: str, dst: Path) -> None:
    """vendor/frontml.zip's layout (tools/vendor.pack_frontml) from git ref `ref`."""
    tar = subprocess.run(["git", "archive", ref, "py/frontml"], cwd=ROOT, check=True,
                         capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as tf, \
            zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for member in sorted(tf.getmembers(), key=lambda m: m.name):
            if not member.isfile() or not member.name.endswith(".py"):
                continue
            name = member.name[len("py/"):]
            info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, tf.extractfile(member).read())


def before_web(ref: str, tmp: Path) -> Path:
    """A web root of symlinks into this tree's web/, with the `ref` frontml.zip."""
    web = ROOT / "web"
    root = tmp / "web"
    root.mkdir()
    for entry in web.iterdir():
        if entry.name != "vendor":
            (root / entry.name).symlink_to(entry.resolve())
    vendor = root / "vendor"
    vendor.mkdir()
    for entry in (web / "vendor").iterdir():
        if entry.name != "frontml.zip":
            (vendor / entry.name).symlink_to(entry.resolve())
    pack_ref(ref, vendor / "frontml.zip")
    return root


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="main", help="git ref of the 'before' package")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="labels starting with these words")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    configs = [c for c in CONFIGS
               if not args.only or any(c[0].startswith(o) for o in args.only)]
    import serve

    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        web_before = before_web(args.before, tmp)
        with Bench(astronaut_video(args.out)) as bench:
            hand = Bench(hand_video(args.out), parent=bench)
            server = serve.make_server("127.0.0.1", 0, web=web_before,
                                       allowed_roots=((ROOT / "web").resolve(), ROOT.resolve()))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            bases = {"before": f"http://127.0.0.1:{server.server_port}", "after": bench.base}
            try:
                for label, query, camera in configs:
                    b = hand if camera == "hand" else bench
                    runs: dict[str, list[dict]] = {"before": [], "after": []}
                    for r in range(args.rounds):
                        for side in ("before", "after"):
                            log(f"{label}: {side} (round {r + 1})")
                            b.base = bases[side]
                            runs[side].append(page_run(b, query, args.seconds))
                    rows.append((label, runs))
            finally:
                bench.base = hand.base = bases["after"]
                hand.close()
                server.shutdown()
                server.server_close()
    keys = ("fps", "grab", "pre", "infer", "post", "render", "python %")
    body = []
    for label, runs in rows:
        for side in ("before", "after"):
            mean = {k: sum(r.get(k, 0.0) for r in runs[side]) / len(runs[side]) for k in keys}
            body.append([label, side, fmt(mean["fps"]), fmt(mean["grab"]), fmt(mean["pre"]),
                         fmt(mean["infer"]), fmt(mean["post"]), fmt(mean["render"]),
                         fmt(mean["python %"], 0)])
    text = (f"Post stage before ({args.before}) / after, side by side: {args.rounds} rounds x "
            f"{args.seconds:.0f} s per side, {today()}, {machine()}, headless Chromium, "
            "fake camera 640×480.\n\n"
            + md_table(["configuration", "package", "page FPS", "grab", "pre", "infer", "post",
                        "render", "Python %"], body))
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "post_page_ab.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
