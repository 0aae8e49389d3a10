# teach.html: teach your own classes from the camera (body pose, actions or image embeddings)
# with frontml.learn: hold to record, live prediction bars, evaluation, export/import, autosave.
import asyncio

from frontml.learn import BackboneMismatchError, Classifier, LearnError
from frontml.learn.embed import ImageEmbedder
from frontml.learn.features import POSE_LANDMARKS, pose_features
from frontml.learn.temporal import WindowEmbedder
from frontml.tasks.pose import POSE_CONNECTIONS
from frontml.web.page import Page

page = await Page().init("./py/teach.py")  # noqa: F704 (PyScript runs this with top-level await)
doc = page.doc
window = WindowEmbedder()
state = {"vector": None, "vector_ms": 0.0, "recording": None, "pending": [], "embedder": None,
         "landmarks": None, "thumbnail": None}
classes_box = doc.getElementById("classes")
bars_box = doc.getElementById("bars")
status = doc.getElementById("teach-status")


def backbone_for(feature: str):
    if feature == "action":
        return window.backbone
    if feature == "image" and state["embedder"] is not None:
        return state["embedder"].backbone
    return POSE_LANDMARKS


def new_classifier() -> Classifier:
    return Classifier(backbone_for(controls["feature"]), head=head_control["head"], k=3)


async def load():
    feature = controls["feature"]
    if feature == "image" and state["embedder"] is None:
        try:
            state["embedder"] = await ImageEmbedder.create(progress=page.progress_bar)
        except Exception as exc:  # the model is not built here: say so, keep pose
            page.error(f"Image features need the efficientnet_lite0 model ({exc}); "
                       f"using body pose instead.")
            controls.set("feature", "pose")
            feature = "pose"
        finally:
            page.progress.hidden = True
    if feature != "image":
        await page.create_task("pose", {"model": "lite"})
    window.reset()
    await restore()


def set_head():
    clf.head = head_control["head"]


controls = page.bind_controls("feature", on_change=load)
head_control = page.bind_controls("head", on_change=set_head)
clf = Classifier(POSE_LANDMARKS)


def key() -> str:
    return f"teach-{controls['feature']}"


async def save() -> None:
    try:
        await page.glue.learnSave(key(), clf.to_bytes().decode("utf-8") if len(clf) else "")
    except Exception as exc:  # storage blocked/full: keep working in memory
        show_status(f"not saved: {exc}")


async def restore() -> None:
    global clf
    clf = new_classifier()
    try:
        saved = str(await page.glue.learnLoad(key()))
        if saved:
            clf.load_bytes(saved)
    except LearnError as exc:
        show_status(f"The saved classes could not be read ({exc}); starting empty.")
    except Exception as exc:  # no IndexedDB (private mode)
        show_status(f"Classes will not persist here: {exc}")
    clf.head = head_control["head"]
    render_classes()


def show_status(message: str) -> None:
    status.textContent = message


def describe() -> str:
    counts = clf.counts()
    if not counts:
        return "No classes taught yet: add a class, then hold its record button."
    return "Taught: " + ", ".join(f"{label} ×{n}" for label, n in counts.items())


# ------------------------------------------------------------------ classes UI


def render_classes() -> None:
    labels = clf.labels + [p for p in state["pending"] if p not in clf.labels]
    classes_box.innerHTML = ""
    counts = clf.counts()
    for label in labels:
        row = doc.createElement("div")
        row.className = "class-row"
        button = doc.createElement("button")
        button.textContent = f"hold to record {label}"
        button.dataset.label = label
        button.className = "record"
        page.listen(button, "pointerdown", lambda _e, label=label: start_recording(label))
        for ev in ("pointerup", "pointerleave", "pointercancel"):
            page.listen(button, ev, lambda _e: stop_recording())
        count = doc.createElement("span")
        count.className = "count"
        count.textContent = f"{counts.get(label, 0)} examples"
        forget = doc.createElement("button")
        forget.textContent = "clear"
        page.listen(forget, "click", lambda _e, label=label: clear_class(label))
        row.append(button, count, forget)
        classes_box.appendChild(row)
    show_status(describe())


def start_recording(label: str) -> None:
    state["recording"] = label
    add_current(label)  # at least one example (an image source does not run every frame)


def stop_recording() -> None:
    if state["recording"] is not None:
        state["recording"] = None
        render_classes()
        asyncio.ensure_future(save())


def add_current(label: str) -> None:
    vec = state["vector"]
    if vec is None:
        what = "a person in view" if controls["feature"] != "image" else "a frame"
        show_status(f"Nothing to record for {label!r}: need {what}.")
        return
    if controls["feature"] == "action" and not window.example_due(state["vector_ms"]):
        return  # a window that mostly repeats the last example's frames
    clf.add(label, vec, thumbnail=state["thumbnail"])
    state["pending"] = [p for p in state["pending"] if p != label]


def add_class(*_):
    box = doc.getElementById("new-class")
    label = str(box.value).strip()
    if not label:
        show_status("Type a class name first.")
        return
    if label not in state["pending"] and label not in clf.labels:
        state["pending"].append(label)
    box.value = ""
    render_classes()


async def clear_class(label: str):
    clf.clear(label)
    state["pending"] = [p for p in state["pending"] if p != label]
    render_classes()
    await save()


async def reset(*_):
    clf.clear()
    state["pending"] = []
    render_classes()
    doc.getElementById("evaluation").innerHTML = ""
    await save()


def export_file(*_):
    if not len(clf):
        show_status("Nothing to export yet.")
        return
    page.glue.downloadText(f"frontml-{controls['feature']}-classes.json",
                           clf.to_bytes().decode("utf-8"))


async def import_file(event):
    files = event.target.files
    if not files.length:
        return
    text = str(await files.item(0).text())
    event.target.value = ""
    try:
        n = clf.load_bytes(text)
    except BackboneMismatchError as exc:
        page.error(f"Import failed, your {len(clf)} example(s) are kept: {exc}")
        return
    except LearnError as exc:
        page.error(f"Import failed, your {len(clf)} example(s) are kept: {exc}")
        return
    page.glue.clearError()
    state["pending"] = []
    render_classes()
    show_status(f"Imported {n} example(s). {describe()}")
    await save()


def evaluate(*_):
    box = doc.getElementById("evaluation")
    counts = clf.counts()
    if len(counts) < 2 or min(counts.values()) < 2:
        box.textContent = "Teach at least two classes with two or more examples each."
        return
    ev = clf.evaluate(folds=max(2, min(5, min(counts.values()))))
    state["evaluation"] = ev.to_json()
    head = "".join(f"<th>{c}</th>" for c in ev.columns)
    rows = "".join(
        f"<tr><th>{lab}</th>" + "".join(f"<td>{n}</td>" for n in ev.confusion[i]) +
        f"<td>{ev.per_class[lab]['accuracy']}</td></tr>" for i, lab in enumerate(ev.labels))
    hints = "".join(f"<li>{h}</li>" for h in ev.hints) or "<li>no hints: looks good</li>"
    box.innerHTML = (f"<div>{ev.method}: accuracy <b>{ev.accuracy:.2f}</b> on {ev.tested} "
                     f"examples</div><table class='confusion'><tr><th>true \\ predicted</th>"
                     f"{head}<th>accuracy</th></tr>{rows}</table><ul>{hints}</ul>")


def render_bars(prediction) -> None:
    bars_box.innerHTML = ""
    if prediction is None:
        return
    for label, score in prediction.scores.items():
        row = doc.createElement("div")
        row.className = "bar" + (" best" if label == prediction.label else "")
        row.innerHTML = (f"<span>{label}</span><span class='track'><span class='fill' "
                         f"style='width:{100 * score:.0f}%'></span></span>"
                         f"<span>{score:.2f}</span>")
        bars_box.appendChild(row)
    if prediction.unknown:
        row = doc.createElement("div")
        row.className = "bar best"
        row.textContent = f"unknown (nearest: {prediction.best})"
        bars_box.appendChild(row)


# ------------------------------------------------------------------ per frame


async def step(frame, timer):
    feature = controls["feature"]
    vec = None
    out = {"feature": feature}
    if feature == "image" and state["embedder"] is not None:
        with timer.stage("infer"):
            vec = await state["embedder"].embed(frame)
        with timer.stage("render"):
            page.draw_frame(frame)
    else:
        result = await page.task.process(frame, frame.timestamp_ms, timer)
        with timer.stage("post"):
            if result.poses:
                landmarks = result.poses[0].landmarks
                vec = (pose_features(landmarks) if feature == "pose"
                       else window.push(landmarks, frame.timestamp_ms))
        with timer.stage("render"):
            page.draw_frame(frame)
            for pose in result.poses:
                page.draw_landmarks(pose.landmarks, POSE_CONNECTIONS, "#00e676")
        out["people"] = len(result.poses)
        if feature == "action":
            out["window_frames"] = window.n_frames
    state["vector"] = vec
    state["vector_ms"] = frame.timestamp_ms
    # a still image runs once: its one example comes from pressing the button, not from this step
    live = page.source is page.video
    out["still"] = not live
    # image examples keep a small JPEG in the classifier file (what the camera saw)
    state["thumbnail"] = (bytes((await page.glue.learnThumbnail(frame.canvas)).to_py())
                          if feature == "image" and vec is not None else None)
    prediction = None
    with timer.stage("post"):
        if vec is not None and live and state["recording"] is not None:
            add_current(state["recording"])
        if vec is not None and len(clf):
            # the ONNX vector search over large example sets (frontml.learn.vecsearch)
            prediction = await clf.predict_async(vec)
    render_bars(prediction)
    out["classes"] = clf.counts()
    out["examples"] = len(clf)
    out["has_vector"] = vec is not None
    out["prediction"] = prediction.to_json() if prediction is not None else None
    if prediction is not None:
        threshold = clf.current_threshold()
        out["threshold"] = round(threshold, 6) if threshold is not None else None
    if prediction is not None:
        message = f"{prediction.label} {prediction.score:.2f}"
    elif vec is not None:
        message = "teach some classes"
    elif feature == "action" and out.get("people"):
        message = f"filling the 1 s window ({window.n_frames} frames)"
    else:
        message = "no features in view"
    page.show_result(message)
    return out


async def new_source() -> None:
    """A new stream: fresh tracking and smoothing state (a pose tracked on the last source
    must not bleed into this one), and an empty action window."""
    page.stop()
    window.reset()
    if controls["feature"] != "image":
        await page.create_task("pose", {"model": "lite"})
    page.run(step)


async def use_camera(*_):
    if await page.open_camera():
        await new_source()


async def use_file(event):
    files = event.target.files
    if files.length and await page.open_file(files.item(0)):
        await new_source()


async def api_run(code):
    """?debug=1 only: run a benchmark snippet (defines `async def main()` returning a dict) in
    this page's interpreter, so bench/learn_speed.py measures the page with the CPython code."""
    import json

    ns: dict = {}
    exec(str(code), ns)  # noqa: S102 (debug pages only: the benchmark's own code)
    page.stop()  # the frame loop would run between the awaits and inflate every timing
    try:
        return json.dumps(await ns["main"]())
    finally:
        page.run(step)


if page.debug:
    import js
    from pyodide.ffi import create_proxy, to_js

    js.frontml.learnApi = to_js({"run": create_proxy(api_run)},
                                dict_converter=js.Object.fromEntries)

page.listen("add-class", "click", add_class)
page.listen("import", "change", import_file)
page.listen("export", "click", export_file)
page.listen("reset", "click", reset)
page.listen("evaluate", "click", evaluate)
page.listen("camera", "click", use_camera)
page.listen("file", "change", use_file)
await page.start(step, load=load, file_input=None)  # noqa: F704
