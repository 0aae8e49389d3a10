"""Soak a page: run it for minutes (optionally switching models rapidly) and print memory and
frame rate over time, so leaks show as a slope (issue #18). Long runs live here, not in tests.

    python -m bench.soak [--page pose.html] [--minutes 5] [--every 30] [--switch 20]
                         [--models full,movenet,lite] [--hide]
    python -m bench.soak --page pose.html --models lite,full,heavy --cycles 5

Each sample: elapsed s, fps (the page's HUD), JS heap (performance.memory), onnxruntime-web's
and Pyodide's wasm heaps and the live Python objects after a gc (window.frontml.memory, i.e.
Page.memory), total page memory (performance.measureUserAgentSpecificMemory: JS + wasm heaps of
the page and its workers; needs cross-origin isolation, which serve.py gives), and the page's
error text if any.
--switch N: before each sample, N model changes in one burst ending on the first model, so
memory should come back to the same level each time. --hide: the tab is hidden and shown again
(visibilitychange) before each sample.
"""

from __future__ import annotations

import argparse
import threading
import time

from bench.harness import CHROMIUM, ROOT, astronaut_video, chromium_args, md_table

SAMPLE_JS = """async () => {
  const out = {fps: window.frontml?.stats?.fps ?? null,
               js: performance.memory ? performance.memory.usedJSHeapSize : null,
               total: null,
               error: document.getElementById('error')?.hidden === false
                      ? document.getElementById('error').innerText : ''};
  if (performance.measureUserAgentSpecificMemory && crossOriginIsolated) {
    try { out.total = (await performance.measureUserAgentSpecificMemory()).bytes; } catch {}
  }
  // Page.memory(): wasm heaps of onnxruntime-web and Pyodide, live Python objects (after gc)
  Object.assign(out, window.frontml.memory ? window.frontml.memory() : {});
  return out;
}"""

SWITCH_JS = """(values) => {
  const select = document.getElementById('model');
  for (const v of values) { select.value = v; select.dispatchEvent(new Event('change')); }
}"""

HIDE_JS = """() => {
  for (const state of ['hidden', 'visible']) {
    Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
    Object.defineProperty(document, 'hidden', {value: state === 'hidden', configurable: true});
    document.dispatchEvent(new Event('visibilitychange'));
  }
}"""


OPEN_ONLY_JS = """(m) => {
  const open = Object.keys(window.frontml.providers || {})
    .filter((k) => k.startsWith('pose_landmark_'));
  return open.length === 1 && open[0] === 'pose_landmark_' + m;
}"""


def switch_cycles(page, models: list[str], cycles: int) -> None:
    """Switch pose to each of `models[1:] + models[:1]` in turn, `cycles` times; after each
    switch (only the new landmark model open, a fresh frame) print the heaps after a GC."""
    cdp = page.context.new_cdp_session(page)
    rows = []

    def sample(label: str) -> None:
        cdp.send("HeapProfiler.collectGarbage")
        m = page.evaluate("window.frontml.memory()")
        js = cdp.send("Runtime.getHeapUsage")["usedSize"]
        rows.append([label, f"{js / 1e6:.1f}", f"{m['pyodide_wasm'] / 1e6:.1f}",
                     f"{m['ort_wasm'] / 1e6:.1f}", str(m["py_objects"]),
                     str(m["providers_used"])])
        print("  ".join(rows[-1]), flush=True)

    sample(f"start ({models[0]})")
    for c in range(cycles):
        for model in [*models[1:], models[0]]:
            page.evaluate(SWITCH_JS, [model])
            page.wait_for_function(OPEN_ONLY_JS, arg=model, timeout=600_000)
            page.evaluate("window.frontml.results = null")
            page.wait_for_function("window.frontml.results", timeout=600_000)
            sample(f"cycle {c + 1} {model}")
    print()
    print(md_table(["after", "JS heap MB", "Pyodide wasm MB", "ORT wasm MB", "Python objects",
                    "models listed"], rows))


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    import serve

    ap = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n")[0])
    ap.add_argument("--page", default="pose.html")
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--every", type=float, default=30.0, help="seconds between samples")
    ap.add_argument("--switch", type=int, default=0, help="model changes per burst")
    ap.add_argument("--models", default="full,movenet,lite",
                    help="values of the page's #model select to cycle through")
    ap.add_argument("--hide", action="store_true", help="hide and show the tab each sample")
    ap.add_argument("--cycles", type=int, default=0,
                    help="instead of timed samples: N cycles through --models (pose), one "
                         "switch at a time, waiting until only that model is open; memory "
                         "after each switch")
    args = ap.parse_args(argv)
    models = [m for m in args.models.split(",") if m]

    serve.repack_python()
    server = serve.make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    video = astronaut_video(ROOT / "bench" / "out")
    url = f"http://127.0.0.1:{server.server_port}/{args.page}?model={models[0]}"
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            *chromium_args(video), "--enable-precise-memory-info",
            "--enable-blink-features=ForceEagerMeasureMemory"])
        page = browser.new_page()
        page.goto(url)
        page.wait_for_function("window.frontml && window.frontml.results", timeout=600_000)
        if args.cycles:
            switch_cycles(page, models, args.cycles)
            browser.close()
            server.shutdown()
            return 0
        start = time.monotonic()
        while True:
            elapsed = time.monotonic() - start
            if args.switch:
                burst = [models[(i + 1) % len(models)] for i in range(args.switch - 1)]
                page.evaluate(SWITCH_JS, [*burst, models[0]])
            if args.hide:
                page.evaluate(HIDE_JS)
            time.sleep(min(args.every, 10.0) if args.switch else 0.5)  # let a burst settle
            page.evaluate("window.frontml.results = null")
            page.wait_for_function("window.frontml.results", timeout=600_000)
            s = page.evaluate(SAMPLE_JS)
            mb = lambda b: "" if b is None else f"{b / 1e6:.1f}"  # noqa: E731
            row = [f"{elapsed:.0f}", "" if s["fps"] is None else f"{s['fps']:.1f}",
                   mb(s["js"]), mb(s.get("ort_wasm")), mb(s.get("pyodide_wasm")),
                   str(s.get("py_objects", "")), mb(s["total"]), s["error"][:60]]
            rows.append(row)
            print("  ".join(row), flush=True)
            if elapsed >= args.minutes * 60:
                break
            time.sleep(max(0.0, args.every - (time.monotonic() - start - elapsed)))
        browser.close()
    server.shutdown()
    print()
    print(md_table(["t (s)", "fps", "JS heap MB", "ORT wasm MB", "Pyodide wasm MB",
                    "Python objects", "page memory MB", "error"], rows))
    if len(rows) >= 2 and rows[0][6] and rows[-1][6]:
        print(f"\npage memory first -> last: {rows[0][6]} -> {rows[-1][6]} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
