# speech.html: speech commands and personal words from the microphone, an <audio> element or a
# whole file, on the same streaming detector as `python -m frontml speech`.
import asyncio
import time
from array import array

import js
from pyodide.code import run_js
from pyodide.ffi import JsException, to_js

from frontml.errors import FrontmlError
from frontml.learn.errors import LearnError
from frontml.models import entry
from frontml.tasks.speech import AudioChunk
from frontml.tasks.speech.audio import RATE, from_int16_bytes, resample, to_int16_bytes
from frontml.timing import StageTimer
from frontml.web.page import Page, to_plain_js
from frontml.web.params import flag

page = await Page().init("./py/speech.py")  # noqa: F704 (PyScript runs it with top-level await)
base = "new URL('./js/', document.baseURI).href"
audio_js = await run_js(f"import({base} + 'audio.js')")  # noqa: F704
ui = await run_js(f"import({base} + 'speech.js')")  # noqa: F704
doc = js.document
el = {name: doc.getElementById(name) for name in (
    "mic", "file", "player", "analyse", "threshold", "source-status", "spec", "meters", "events",
    "word-name", "record", "train", "export", "import", "forget", "words-list", "mine-status",
    "card", "licence")}
tap = audio_js.AudioTap.new()
state = {"events": [], "file_events": None, "hops": 0, "busy": False, "file": None,
         "totals": {}, "count": 0}


def options() -> dict:
    return {"threshold": page.option("threshold")}


det = await page.create_task("speech", options())  # noqa: F704 (None if it failed: shown)


def on(name: str, event: str, handler) -> None:
    page.listen(el[name], event, handler)


def status(message: str) -> None:
    el["source-status"].textContent = message


def mine_status(message: str) -> None:
    el["mine-status"].textContent = message


async def show_licences() -> None:
    lines = []
    for model_id in ("speech_melspectrogram", "speech_embedding", "speech_commands"):
        try:
            info = await entry(model_id)
        except FrontmlError as exc:
            lines.append(f"{model_id}: {exc}")
            continue
        src = info.get("source", {})
        lines.append(f"{model_id}: {src.get('registry')} {src.get('package')}@"
                     f"{src.get('version')} · licence: {info.get('licence')}")
    notes = {(await entry("speech_embedding")).get("licence_note", "")} if det else set()
    el["licence"].textContent = "\n".join(lines + sorted(n for n in notes if n))
    el["licence"].style.whiteSpace = "pre-wrap"


# ------------------------------------------------------------------ streaming


def samples_of(typed) -> array:
    out = array("f")
    out.frombytes(typed.to_bytes())
    return out


def thresholds() -> tuple[list[str], dict, dict]:
    names = list(det.head.words)
    th = dict.fromkeys(names, det.options.threshold)
    scores = dict(state.get("scores", {}))
    for lab, t in det.personal.thresholds().items():
        names.append(lab)
        th[lab] = max(0.0, t)
        scores[lab] = state.get("personal_scores", {}).get(lab, 0.0)
    return names, scores, th


def act(event) -> None:
    action = det.personal.action(event.word) if event.personal else "card"
    if action == "chime":
        ui.chime()
    elif action == "say":
        if not ui.say(event.word):
            ui.showCard(el["card"], event.word)
    else:
        ui.showCard(el["card"], event.word)


def show(result, timer: StageTimer, hops: int) -> None:
    ui.drawSpectrogram(el["spec"], to_js(result.mel))
    if result.scores:
        state["scores"] = result.scores
    if result.personal_scores:
        state["personal_scores"] = result.personal_scores
    names, scores, th = thresholds()
    ui.updateMeters(el["meters"], to_js(names), to_plain_js(scores), to_plain_js(th))
    for e in result.events:
        state["events"].append(e.to_json())
        ui.addEvent(el["events"], e.word, e.score, e.start_s, e.end_s, e.personal)
        act(e)
    if hops:
        stats = {k: v / hops for k, v in timer.ms.items()}
        stats["per hop"] = sum(timer.ms.values()) / hops
        infer = stats.get("mel", 0.0) + stats.get("embed", 0.0)
        stats["python %"] = 100.0 * (1 - infer / stats["per hop"]) if stats["per hop"] else 0.0
        stats["hops"] = state["hops"]
        page.glue.updateHud(to_plain_js(stats))
    publish()


def publish() -> None:
    page.glue.publish(to_plain_js({
        "events": state["events"], "file_events": state["file_events"], "hops": state["hops"],
        "source": str(tap.kind), "sample_rate": int(tap.sampleRate),
        "personal": det.personal.labels if det else []}))


async def stream_loop() -> None:
    """Pull whatever the AudioWorklet delivered, run the detector on it, draw."""
    while True:
        await asyncio.sleep(0.04)
        if det is None or state["busy"] or str(tap.kind) == "none":
            continue
        typed = tap.take()
        if typed.length == 0:
            continue
        timer = StageTimer()
        try:
            result = await det.process(AudioChunk(samples_of(typed), int(tap.sampleRate)),
                                       js.performance.now(), timer)
        except Exception as exc:
            page.error(f"{type(exc).__name__}: {exc}")
            raise
        state["hops"] += result.hops
        show(result, timer, result.hops)


async def start_mic(*_) -> None:
    try:
        rate = await tap.openMic()
    except JsException as exc:
        page.error(str(exc.js_error.message))
        status("Microphone unavailable: use an audio file.")
        return
    det.reset()
    status(f"Listening (microphone at {int(rate)} Hz; echo cancellation, noise suppression and "
           "auto gain off).")
    publish()


async def file_chosen(event) -> None:
    files = event.target.files
    if not files.length:
        return
    state["file"] = files.item(0)
    el["player"].src = js.URL.createObjectURL(state["file"])
    el["analyse"].disabled = False
    status(f"{state['file'].name}: press play to stream it, or analyse the whole file.")


async def player_play(*_) -> None:
    rate = await tap.openElement(el["player"])
    det.reset()
    status(f"Streaming the audio element at {int(rate)} Hz.")


async def analyse(*_) -> None:
    """Decode the whole file at 16 kHz and run the streaming detector over it, fast."""
    if state["file"] is None:
        return
    state["busy"] = True
    try:
        decoded = await audio_js.decodeFile(state["file"])
        samples = samples_of(decoded.samples)
        rate = int(decoded.sampleRate)
        det.reset()
        events = []
        timer = StageTimer()
        step = RATE * 80 // 1000 * 8
        t0 = time.perf_counter()
        for i in range(0, len(samples), step):
            r = await det.process(AudioChunk(samples[i: i + step], rate), None, timer)
            events.extend(r.events)
            show(r, timer, max(1, r.hops))
            timer = StageTimer()
            await asyncio.sleep(0)  # let the page paint
        r = await det.flush(timer)
        events.extend(r.events)
        show(r, timer, max(1, r.hops))
        state["file_events"] = [e.to_json() for e in events
                                if e.start_s <= len(samples) / rate + 0.1]
        status(f"{state['file'].name}: {len(samples) / rate:.2f} s at {rate} Hz, "
               f"{len(state['file_events'])} events in {time.perf_counter() - t0:.1f} s.")
        publish()
    except JsException as exc:
        page.error(str(exc.js_error.message))
    finally:
        state["busy"] = False
        det.reset()


# ------------------------------------------------------------------ my words


def render_words() -> None:
    """The taught words and their takes; buttons carry data attributes and one delegated
    listener on the list handles them (no proxy per button)."""
    box = el["words-list"]
    box.innerHTML = ""
    flagged = set(det.personal.report.get("flagged", [])) if det.personal.trained else set()
    for label in det.personal.labels:
        row = doc.createElement("div")
        row.className = "word"
        title = doc.createElement("b")
        title.textContent = f"{label} "
        row.appendChild(title)
        for ex in det.personal.clf.examples(label):
            take = doc.createElement("span")
            take.className = "take bad" if ex.id in flagged else "take"
            take.textContent = f"take {ex.id}{' (unlike the others)' if ex.id in flagged else ''}"
            for text, action in (("▶", "play"), ("✕", "delete")):
                b = doc.createElement("button")
                b.textContent = text
                b.dataset.action = action
                b.dataset.take = str(ex.id)
                take.appendChild(b)
            row.appendChild(take)
        select = doc.createElement("select")
        for value, text in (("card", "show a card"), ("chime", "play a chime"),
                            ("say", "say it" if ui.hasLocalVoice() else "say it (no local voice)")):
            opt = doc.createElement("option")
            opt.value, opt.textContent = value, text
            select.appendChild(opt)
        select.value = det.personal.action(label)
        select.dataset.label = label
        row.appendChild(select)
        box.appendChild(row)


def words_clicked(event) -> None:
    action = event.target.getAttribute("data-action")
    if action in ("play", "delete"):
        take = int(event.target.getAttribute("data-take"))
        replay(take) if action == "play" else delete(take)


def words_changed(event) -> None:
    label = event.target.getAttribute("data-label")
    if label:
        set_action(str(label), str(event.target.value))


def set_action(label: str, action: str) -> None:
    det.personal.set_action(label, action)
    asyncio.ensure_future(save())


def replay(take_id: int) -> None:
    audio = det.personal.clf.thumbnail(take_id)
    if audio:
        audio_js.play(to_js(from_int16_bytes(audio)), RATE)


def delete(take_id: int) -> None:
    det.personal.remove_take(take_id)
    render_words()
    mine_status("Take deleted: train again.")
    asyncio.ensure_future(save())


async def record(*_) -> None:
    name = str(el["word-name"].value).strip()
    if not name:
        mine_status("Type a name for the word or sound first.")
        return
    if str(tap.kind) == "none":
        mine_status("Start the microphone (or play an audio file) first: takes come from it.")
        return
    mine_status(f"Recording {name!r}: say it now…")
    typed = await tap.record(1.5)
    rate = int(tap.sampleRate)
    take = samples_of(typed)
    take16 = take if rate == RATE else resample(take, rate, RATE)
    try:
        vector, _ = await det.take_vector(take16)
        det.personal.add_take(name, vector, to_int16_bytes(take16))
    except (FrontmlError, LearnError) as exc:
        mine_status(str(exc))
        return
    n = det.personal.clf.counts()[name]
    mine_status(f"{name!r}: {n} take{'s' if n > 1 else ''}"
                f"{'; record at least 3, then train' if n < 3 else '; train when ready'}.")
    render_words()
    await save()


def train(*_) -> None:
    try:
        rep = det.personal.train()
    except LearnError as exc:
        mine_status(str(exc))
        return
    js.frontml.trainMs = rep["train_ms"]
    lines = [f"Trained in {rep['train_ms']:.0f} ms on {len(det.personal.clf)} takes; "
             f"thresholds calibrated on {rep['negatives']} shipped negative windows."]
    for lab, t in rep["thresholds"].items():
        fa = rep["negative_false_accepts"][lab]
        lines.append(f"  {lab}: accepts similarity > {t:.3f} "
                     f"({100 * fa:.2f} % of negatives pass)")
    if rep["flagged"]:
        lines.append(f"Takes {', '.join(map(str, rep['flagged']))} do not match their word's "
                     "other takes: replay them, and delete or re-record.")
    mine_status("\n".join(lines))
    render_words()
    publish()
    asyncio.ensure_future(save())


async def save() -> None:
    try:
        await ui.saveWords(det.personal.to_bytes().decode())
    except JsException as exc:
        mine_status(f"(not saved: {exc.js_error.message})")


async def restore() -> None:
    try:
        text = str(await ui.loadWords())
    except JsException:
        return
    if text:
        try:
            det.personal.load_bytes(text)
            mine_status(f"Restored {len(det.personal.clf)} takes of "
                        f"{', '.join(det.personal.labels)}.")
        except (FrontmlError, LearnError) as exc:
            mine_status(f"Saved words could not be restored: {exc}")
        render_words()


def export(*_) -> None:
    page.glue.downloadText("my-words.frontml.json", det.personal.to_bytes().decode())


async def import_file(event) -> None:
    files = event.target.files
    if not files.length:
        return
    text = await files.item(0).text()
    try:
        n = det.personal.load_bytes(str(text))
    except (FrontmlError, LearnError, ValueError) as exc:
        mine_status(f"Import failed, nothing changed: {exc}")
        return
    mine_status(f"Imported {n} takes of {', '.join(det.personal.labels)}.")
    render_words()
    await save()


def forget(*_) -> None:
    det.personal.clf.clear()
    det.personal.trained_revision = -1
    render_words()
    mine_status("Nothing taught yet.")
    asyncio.ensure_future(save())


def threshold_changed(*_) -> None:
    from dataclasses import replace

    try:
        det.options = replace(det.options, **options())
    except ValueError as exc:
        page.error(str(exc))


if det is not None:
    on("mic", "click", start_mic)
    on("file", "change", file_chosen)
    on("player", "play", player_play)
    on("analyse", "click", analyse)
    on("record", "click", record)
    on("train", "click", train)
    on("export", "click", export)
    on("import", "change", import_file)
    on("forget", "click", forget)
    on("threshold", "change", threshold_changed)
    on("words-list", "click", words_clicked)
    on("words-list", "change", words_changed)
    await show_licences()  # noqa: F704
    await restore()  # noqa: F704
    asyncio.ensure_future(stream_loop())
    publish()
    if page.param(flag("mic")):
        await start_mic()  # noqa: F704
page.ready()
