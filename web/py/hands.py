# hands.html: hand landmarks, gestures and teachable signs on the camera, drawn live.
import asyncio

from frontml.tasks.hands import (
    NO_SIGN,
    NoExamplesError,
    SignClassifier,
    SignDataError,
    SignSpeller,
)
from frontml.web.page import Page
from frontml.web.params import integer

page = await Page().init("./py/hands.py")  # noqa: F704 (PyScript runs this with top-level await)
doc = page.doc
STORE_KEY = "hands"
COLOURS = {"Left": "#40c4ff", "Right": "#00e676"}
state = {"hands": []}
signs = SignClassifier()
speller = SignSpeller(hold_frames=page.param(integer("hold", 8, 1, 120)))
status = doc.getElementById("teach-status")
labels_box = doc.getElementById("labels")


async def load():
    await page.create_task("hands", {"model": controls["model"],
                                     "num_hands": int(controls["num_hands"]),
                                     "smooth_landmarks": controls["smooth"]})


controls = page.bind_controls("model", "num_hands", "smooth", params={"num_hands": "hands"},
                              on_change=load)


# ------------------------------------------------------------------ teaching


def show_status(message: str) -> None:
    status.textContent = message


def describe() -> str:
    counts = signs.counts()
    if not counts:
        return "No signs taught yet."
    return "Taught: " + ", ".join(f"{label} ×{n}" for label, n in counts.items())


def render_labels(extra: str | None = None) -> None:
    labels = signs.labels
    if extra and extra not in labels:
        labels.append(extra)
    for label in list(state.get("pending", [])):
        if label not in labels:
            labels.append(label)
    labels_box.innerHTML = ""
    for label in labels:
        button = doc.createElement("button")
        button.textContent = f"record {label}"
        button.dataset.label = label
        button.className = "record"
        page.listen(button, "click", lambda _e, label=label: record(label))
        labels_box.appendChild(button)


async def save() -> None:
    try:
        await page.glue.signsSave(STORE_KEY, signs.to_json())
    except Exception as exc:  # storage full or blocked: keep working in memory
        show_status(f"{describe()} (not saved: {exc})")


def record(label: str) -> None:
    if not state["hands"]:
        show_status(f"No hand in view: show the sign for {label!r}, then press record.")
        return
    n = signs.add_example(label, state["hands"][0])
    state["pending"] = [p for p in state.get("pending", []) if p != label]
    show_status(f"Recorded {label!r} (#{n}). {describe()}")
    asyncio.ensure_future(save())


def add_label(*_):
    box = doc.getElementById("new-label")
    label = str(box.value).strip()
    if not label:
        show_status("Type a label first (a letter, a word, 'space' or 'delete').")
        return
    state.setdefault("pending", []).append(label)
    box.value = ""
    render_labels()
    show_status(f"Show the sign for {label!r} and press 'record {label}'.")


async def import_file(event):
    files = event.target.files
    if not files.length:
        return
    text = await files.item(0).text()
    event.target.value = ""
    try:
        n = signs.load_json(str(text))
    except SignDataError as exc:
        page.error(f"Import failed, your {len(signs.examples)} example(s) are kept: {exc}")
        show_status(f"Import failed: {exc}. {describe()}")
        return
    page.glue.clearError()
    render_labels()
    show_status(f"Imported {n} example(s). {describe()}")
    await save()


def export_json(*_):
    page.glue.downloadText("frontml-signs.json", signs.to_json())


async def clear_all(*_):
    signs.clear()
    state["pending"] = []
    render_labels()
    show_status(describe())
    await save()


def clear_text(*_):
    speller.reset()
    doc.getElementById("spelled").textContent = ""


# ------------------------------------------------------------------ per frame


def draw(result, frame, labels) -> None:
    page.draw_frame(frame)
    for hand, label in zip(result.hands, labels, strict=True):
        colour = COLOURS.get(hand.handedness, "#ffab00")
        page.draw_landmarks(hand.landmarks, result.connections, colour)
        x = min(lm.x for lm in hand.landmarks)
        y = max(4.0 / frame.height, min(lm.y for lm in hand.landmarks) - 6.0 / frame.height)
        page.draw_labels([f"{hand.handedness} · {label}"], [(x, y)], colour)


async def step(frame, timer):
    landmarker = page.task
    result = await landmarker.process(frame, frame.timestamp_ms, timer)
    state["hands"] = result.hands
    out = result.to_json()
    labels = []
    with timer.stage("post"):
        for hand, hand_out in zip(result.hands, out["hands"], strict=True):
            sign = None
            try:
                name, score = signs.predict(hand)
                sign = {"name": name, "score": score}
            except NoExamplesError:
                pass
            hand_out["sign"] = sign
            if sign is not None and sign["name"] != NO_SIGN:
                labels.append(f"{sign['name']} {sign['score']:.2f}")
            else:
                labels.append(f"{hand.gesture.name} {hand.gesture.score:.2f}")
        if doc.getElementById("spell").checked:
            first = out["hands"][0]["sign"] if out["hands"] else None
            typed = speller.push(first["name"] if first else None,
                                 first["score"] if first else 0.0)
            if typed is not None:
                doc.getElementById("spelled").textContent = speller.text
        out["spelled"] = speller.text
        out["examples"] = len(signs.examples)
    with timer.stage("render"):
        draw(result, frame, labels)
    page.show_result("\n".join(
        f"{h['handedness']} {h['score']:.2f}: {label}" for h, label in zip(out["hands"], labels,
                                                                              strict=True)
    ) or "no hands")
    out["detector_runs"] = landmarker.detector_runs
    if page.debug:  # tests compare with CPython on exactly these pixels
        out.update(page.debug_payload(frame))
    return out


async def restore() -> None:
    try:
        saved = str(await page.glue.signsLoad(STORE_KEY))
        if saved:
            signs.load_json(saved)
    except SignDataError as exc:
        show_status(f"Saved signs could not be read ({exc}); starting empty.")
    except Exception as exc:  # no IndexedDB (private mode): examples live in memory only
        show_status(f"Signs will not persist here: {exc}")
    render_labels()
    if signs.examples:
        show_status(describe())


async def load_all():
    await restore()
    await load()


page.listen("add-label", "click", add_label)
page.listen("import", "change", import_file)
page.listen("export", "click", export_json)
page.listen("clear", "click", clear_all)
page.listen("clear-text", "click", clear_text)
await page.start(step, load=load_all)  # noqa: F704
