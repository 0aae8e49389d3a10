# text.html: offensive + sentiment as you type, semantic search, few-shot classes, smart reply.
import json
import time
from html import escape

import js
from pyodide.ffi import create_proxy, to_js

from frontml.learn import Classifier
from frontml.tasks.text.reply import SmartReply
from frontml.tasks.text.samples import DOCS
from frontml.tasks.text.search import SearchIndex
from frontml.timing import StageTimer
from frontml.web.page import Page

page = await Page().init("./py/text.py")  # noqa: F704 (PyScript runs this with top-level await)
doc = js.document
el = doc.getElementById
results = {}            # published for tests: window.frontml.results
state = {"busy": False, "pending": False, "index": None, "replier": None}


def publish(key, value):
    results[key] = value
    page.glue.publish(to_js(results, dict_converter=js.Object.fromEntries))


def bar(name, value):
    el(f"{name}-bar").style.width = f"{int(value * 160)}px"
    el(f"{name}-score").textContent = f"{value:.3f}"


# ------------------------------------------------------------------ score as you type
def show_offensive(off):
    bar("off", off.score)
    el("off-words").textContent = ", ".join(w["word"] for w in off.words)


async def score_now(*_):
    """Offensive score at once; sentiment (one model run) for the latest text, never queued up."""
    text = el("text").value
    t0 = time.perf_counter()
    show_offensive(page.task.offensive(text))
    page.glue.updateHud(to_js({"offensive": (time.perf_counter() - t0) * 1000.0},
                              dict_converter=js.Object.fromEntries))
    if state["busy"]:
        state["pending"] = True
        return
    state["busy"] = True
    try:
        while True:
            state["pending"] = False
            text = el("text").value
            timer = StageTimer()
            result = await page.task.process(text, None, timer)
            show(result, timer)
            if not state["pending"]:
                break
    finally:
        state["busy"] = False


def show(result, timer):
    show_offensive(result.offensive)
    s = result.sentiment
    for name, key in (("neg", "negative"), ("neu", "neutral"), ("pos", "positive")):
        bar(name, s.scores[key] if s else 0.0)
    el("sentiment-label").textContent = f"sentiment: {s.label}" if s else ""
    el("notes").textContent = " · ".join(n["message"] for n in result.notes)
    page.glue.updateHud(to_js({k: round(v, 3) for k, v in timer.ms.items()},
                              dict_converter=js.Object.fromEntries))
    out = result.to_json()
    out["ms"] = dict(timer.ms)
    if page.debug and result.embedding is not None:
        out["embedding"] = list(result.embedding)
    publish("text", out)
    if len(page.task.classes):
        pred = page.task.classes.predict(result.embedding) if result.embedding else None
        el("fs-pred").textContent = f"{pred.label} ({pred.score:.2f})" if pred else "–"
        publish("fewshot", pred.to_json() if pred else None)


# ------------------------------------------------------------------ semantic search
async def save_index():
    await page.glue.textSave("index", to_js(state["index"].to_bytes()))


def show_docs():
    index = state["index"]
    el("doc-count").textContent = str(len(index))
    items = "".join(f"<li>[{i}] {escape(t)}</li>" for i, t in index.documents()[:200])
    el("doc-list").innerHTML = items


def index_progress(marks=None, every=500):
    """The index progress bar: repaint after each batch (8 texts); marks (done, ms) every
    `every` texts when given (the benchmark checks the time per batch stays flat)."""
    bar_el, status = el("index-progress"), el("index-status")
    bar_el.hidden = False
    t0 = time.perf_counter()

    async def progress(done, total):
        bar_el.value, bar_el.max = done, total
        status.textContent = f"embedding {done}/{total}"
        if marks is not None and (not marks or done // every > marks[-1][0] // every
                                  or done == total):
            marks.append((done, (time.perf_counter() - t0) * 1e3))
            publish("indexBuild", {"done": done, "total": total, "marks": marks})
        await page.glue.nextFrame()   # let the page repaint; no slowdown as it grows

    return progress


async def add_documents(texts):
    texts = [t.strip() for t in texts if t.strip()]
    if not texts:
        return
    bar_el, status = el("index-progress"), el("index-status")
    t0 = time.perf_counter()
    await state["index"].add_texts(page.task.embedder, texts, index_progress())
    ms = (time.perf_counter() - t0) * 1000.0
    bar_el.hidden = True
    status.textContent = f"added {len(texts)} in {ms:.0f} ms ({ms / len(texts):.1f} ms each)"
    publish("index", {"size": len(state["index"]), "add_ms": ms, "added": len(texts)})
    show_docs()
    await save_index()


async def search(*_):
    query = el("query").value
    if not query.strip():
        return
    k = page.option("top-k")
    t0 = time.perf_counter()
    vec = await page.task.embed(query)
    t1 = time.perf_counter()
    hits = await state["index"].search_async(vec, k)  # ONNX over large indexes
    t2 = time.perf_counter()
    el("hits").innerHTML = "".join(
        f"<li><b>{h.score:.3f}</b> [{h.id}] {escape(h.text)}</li>"
        for h in hits)
    page.glue.updateHud(to_js({"query embed": (t1 - t0) * 1000.0, "search": (t2 - t1) * 1000.0},
                              dict_converter=js.Object.fromEntries))
    publish("search", {"query": query, "results": [h.to_json() for h in hits],
                       "embed_ms": (t1 - t0) * 1000.0, "search_ms": (t2 - t1) * 1000.0})


async def load_index():
    saved = await page.glue.textLoad("index")
    backbone = page.task.embedder.backbone
    if saved is not None:
        try:
            state["index"] = SearchIndex.from_bytes(saved.to_bytes(), backbone)
            el("index-status").textContent = f"restored {len(state['index'])} documents"
            show_docs()
            return
        except Exception as exc:  # an index from another model: start again, say so
            page.error(f"saved index not used: {exc}")
    state["index"] = SearchIndex(backbone)
    await add_documents(DOCS)


async def reset_index(*_):
    state["index"] = SearchIndex(page.task.embedder.backbone)
    await add_documents(DOCS)


async def add_pasted(*_):
    await add_documents(el("docs-in").value.splitlines())
    el("docs-in").value = ""


async def add_file(event):
    files = event.target.files
    if files.length:
        await add_documents((await page.glue.readFileText(files.item(0))).splitlines())


def download_index(*_):
    page.glue.downloadBytes("frontml-text-index.bin", to_js(state["index"].to_bytes()))


async def load_index_file(event):
    files = event.target.files
    if files.length:
        data = await page.glue.readFileBytes(files.item(0))
        state["index"] = SearchIndex.from_bytes(data.to_bytes(), page.task.embedder.backbone)
        show_docs()
        await save_index()


# ------------------------------------------------------------------ few-shot classes
def show_counts():
    counts = page.task.classes.counts()
    el("fs-counts").textContent = ", ".join(f"{k}: {v}" for k, v in counts.items()) or "no examples"


async def save_classes():
    await page.glue.textSave("classes", to_js(page.task.classes.to_bytes()))


async def fs_add(*_):
    label, text = el("fs-label").value.strip(), el("fs-text").value
    if not label or not text.strip():
        page.error("give a class name and an example sentence")
        return
    await page.task.teach(label, text)
    el("fs-text").value = ""
    show_counts()
    await save_classes()
    await score_now()


def fs_eval(*_):
    ev = page.task.classes.evaluate()
    el("fs-eval-out").textContent = (f"accuracy {ev.accuracy:.2f} over {ev.tested} examples "
                                     f"({ev.method}); " + " ".join(ev.hints))
    publish("fewshot_eval", ev.to_json())


def fs_export(*_):
    page.glue.downloadBytes("frontml-text-classes.json", to_js(page.task.classes.to_bytes()),
                            "application/json")


async def fs_import(event):
    files = event.target.files
    if files.length:
        data = await page.glue.readFileBytes(files.item(0))
        page.task.classes.load_bytes(data.to_bytes())
        show_counts()
        await save_classes()


async def fs_clear(*_):
    page.task.classes.clear()
    show_counts()
    await save_classes()


# ------------------------------------------------------------------ smart reply
async def reply(*_):
    if state.get("replying"):
        state["reply_pending"] = True
        return
    state["replying"] = True
    try:
        while True:
            state["reply_pending"] = False
            await reply_once()
            if not state["reply_pending"]:
                break
    finally:
        state["replying"] = False


async def reply_once():
    if state["replier"] is None:
        state["replier"] = await SmartReply.create(page.task)
    message = el("message").value
    t0 = time.perf_counter()
    result = await state["replier"].suggest(message)
    ms = (time.perf_counter() - t0) * 1000.0
    el("replies").innerHTML = "".join(
        f'<span class="chip">{escape(r["text"])}</span>'
        for r in result.replies)
    publish("reply", {**result.to_json(), "ms": ms})


# ------------------------------------------------------------------ test/benchmark hooks
async def api_score(text):
    """JSON of the full result for `text` (tests compare it with CPython's)."""
    result = await page.task.process(str(text))
    out = result.to_json()
    out["embedding"] = list(result.embedding) if result.embedding is not None else None
    return json.dumps(out)


async def api_index_bench(n, k=3):
    """Time adding n unit vectors (random, seeded) to a fresh index and one top-k query."""
    import math
    import random
    from array import array

    rng = random.Random(0)
    index = SearchIndex(page.task.embedder.backbone)
    base = []
    for _ in range(64):
        v = [rng.gauss(0, 1) for _ in range(384)]
        norm = math.sqrt(sum(x * x for x in v))
        base.append(array("f", [x / norm for x in v]))
    # n distinct unit vectors cheaply: rotations of 64 random ones
    vecs = [base[i % 64][i // 64 % 384:] + base[i % 64][:i // 64 % 384] for i in range(int(n))]
    t0 = time.perf_counter()
    for i, v in enumerate(vecs):
        index.add(f"doc {i}", v)
    t1 = time.perf_counter()
    index.search(vecs[0], int(k))
    t2 = time.perf_counter()
    blob = index.to_bytes()
    t3 = time.perf_counter()
    SearchIndex.from_bytes(blob)
    t4 = time.perf_counter()
    return json.dumps({"n": int(n), "add_ms": (t1 - t0) * 1e3, "query_ms": (t2 - t1) * 1e3,
                       "save_ms": (t3 - t2) * 1e3, "load_ms": (t4 - t3) * 1e3,
                       "bytes": len(blob)})


async def api_index_build(texts, queries=()):
    """Embed + add real texts into a fresh index through the page's progress bar (not saved);
    then time top-3 search for each query (embedding timed apart). JSON timings."""
    texts = list(texts.to_py()) if hasattr(texts, "to_py") else list(texts)
    queries = list(queries.to_py()) if hasattr(queries, "to_py") else list(queries)
    index = SearchIndex(page.task.embedder.backbone)
    marks = []
    t0 = time.perf_counter()
    await index.add_texts(page.task.embedder, texts, index_progress(marks))
    build_ms = (time.perf_counter() - t0) * 1e3
    el("index-progress").hidden = True
    timed = []
    for q in queries:
        t1 = time.perf_counter()
        vec = await page.task.embed(str(q))
        t2 = time.perf_counter()
        hits = index.search(vec, 3)
        t3 = time.perf_counter()
        timed.append({"query": q, "embed_ms": (t2 - t1) * 1e3, "search_ms": (t3 - t2) * 1e3,
                      "top": [h.text for h in hits]})
    lengths = sorted(len(page.task.embedder.encode(t).ids) for t in texts)
    return json.dumps({"n": len(texts), "build_ms": build_ms, "marks": marks,
                       "tokens": sum(lengths), "sorted_lengths": lengths,
                       "bytes": len(index.to_bytes()), "queries": timed})


async def api_embed_many(texts):
    texts = list(texts.to_py()) if hasattr(texts, "to_py") else list(texts)
    t0 = time.perf_counter()
    await page.task.embedder.embed_many(texts)
    return json.dumps({"n": len(texts), "ms": (time.perf_counter() - t0) * 1e3})


if page.debug:
    js.frontml.textApi = to_js({"score": create_proxy(api_score),
                                "indexBench": create_proxy(api_index_bench),
                                "embedMany": create_proxy(api_embed_many),
                                "indexBuild": create_proxy(api_index_build)},
                               dict_converter=js.Object.fromEntries)


# ------------------------------------------------------------------ start
async def main():
    try:
        task = await page.create_task("text", {"running_mode": "image",
                                               "provider": page.provider})
        if task is None:
            return
        saved = await page.glue.textLoad("classes")
        task.classes = Classifier(task.embedder.backbone, head="knn", k=3)
        if saved is not None:
            try:
                task.classes.load_bytes(saved.to_bytes())
            except Exception as exc:
                page.error(f"saved classes not used: {exc}")
        show_counts()
        page.listen("text", "input", score_now)
        page.listen("search-btn", "click", search)
        page.listen("query", "change", search)
        page.listen("add-docs", "click", add_pasted)
        page.listen("docs-file", "change", add_file)
        page.listen("save-index", "click", download_index)
        page.listen("index-file", "change", load_index_file)
        page.listen("reset-index", "click", reset_index)
        page.listen("fs-add", "click", fs_add)
        page.listen("fs-eval", "click", fs_eval)
        page.listen("fs-export", "click", fs_export)
        page.listen("fs-file", "change", fs_import)
        page.listen("fs-clear", "click", fs_clear)
        page.listen("message", "input", reply)
        await score_now()
        await load_index()
        await search()
        await reply()
    finally:
        page.ready()


await main()  # noqa: F704
