# hands.html: hand landmarks, gestures and teachable signs on the camera, drawn live.
import asyncio
from array import array

import js
from pyodide.ffi import create_proxy, to_js

from frontml.tasks.hands import (
    HAND_CONNECTIONS,
    NO_SIGN,
    HandsOptions,
    NoExamplesError,
    SignClassifier,
    SignDataError,
    SignSpeller,
    create_hand_landmarker,
)
from frontml.web.page import Page, query_param

page = await Page().init()  # noqa: F704 (PyScript runs this file with top-level await)
await page.glue.showSource("./py/hands.py", js.document.getElementById("source"))  # noqa: F704
doc = js.document
debug = query_param("debug") == "1"
STORE_KEY = "hands"
controls = {name: doc.getElementById(name) for name in ("model", "num_hands", "smooth")}
controls["model"].value = query_param("model", "full")
if query_param("hands"):
    controls["num_hands"].value = query_param("hands")
EDGES = to_js(array("i", [i for edge in HAND_CONNECTIONS for i in edge]))
COLOURS = {"Left": "#40c4ff", "Right": "#00e676"}
state = {"landmarker": None, "hands": []}
signs = SignClassifier()
speller = SignSpeller(hold_frames=int(query_param("hold", "8")))
status = doc.getElementById("teach-status")
labels_box = doc.getElementById("labels")
proxies = []  # event-handler proxies live as long as the page


def options() -> HandsOptions:
    return HandsOptions(
        model=str(controls["model"].value),
        running_mode=query_param("mode", "video"),
        num_hands=int(controls["num_hands"].value),
        smooth_landmarks=bool(controls["smooth"].checked),
        provider=page.provider,
    )


async def load_landmarker(*_):
    old, state["landmarker"] = state["landmarker"], None
    state["landmarker"] = await page.replace_task(old, create_hand_landmarker, options())


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
        handler = create_proxy(lambda _e, label=label: record(label))
        proxies.append(handler)
        button.addEventListener("click", handler)
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
    page.glue.fitCanvas(page.overlay, frame.width, frame.height).drawImage(frame.canvas, 0, 0)
    w, h = frame.width, frame.height
    for hand, label in zip(result.hands, labels, strict=True):
        points = array("f", [v for lm in hand.landmarks for v in (lm.x * w, lm.y * h)])
        colour = COLOURS.get(hand.handedness, "#ffab00")
        page.glue.drawSkeleton(page.overlay, to_js(points), EDGES, colour)
        xs = [lm.x * w for lm in hand.landmarks]
        ys = [lm.y * h for lm in hand.landmarks]
        page.glue.drawLabel(page.overlay, f"{hand.handedness} · {label}",
                            min(xs), max(4.0, min(ys) - 6), colour)


async def step(frame, timer):
    landmarker = state["landmarker"]
    if landmarker is None:
        return {"loading": True}
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
    doc.getElementById("result").textContent = "\n".join(
        f"{h['handedness']} {h['score']:.2f}: {label}" for h, label in zip(out["hands"], labels,
                                                                              strict=True)
    ) or "no hands"
    out["detector_runs"] = landmarker.detector_runs
    if debug:  # tests compare with CPython on exactly these pixels
        out.update(page.debug_payload(frame))
    return out


def listen(element_id: str, event: str, handler) -> None:
    proxy = create_proxy(handler)
    proxies.append(proxy)
    doc.getElementById(element_id).addEventListener(event, proxy)


page.on_file_input(step)
listen("add-label", "click", add_label)
listen("import", "change", import_file)
listen("export", "click", export_json)
listen("clear", "click", clear_all)
listen("clear-text", "click", clear_text)
for control in controls.values():
    control.addEventListener("change", create_proxy(load_landmarker))
try:
    try:
        saved = str(await page.glue.signsLoad(STORE_KEY))  # noqa: F704
        if saved:
            signs.load_json(saved)
    except SignDataError as exc:
        show_status(f"Saved signs could not be read ({exc}); starting empty.")
    except Exception as exc:  # no IndexedDB (private mode): examples live in memory only
        show_status(f"Signs will not persist here: {exc}")
    render_labels()
    if signs.examples:
        show_status(describe())
    if query_param("image"):
        await page.open_image_url(query_param("image"))  # noqa: F704
    else:
        await page.open_camera()  # noqa: F704 (on failure the page says why; files still work)
    await load_landmarker()  # noqa: F704
    if page.source is not None:
        page.run(step)
finally:
    page.ready()
