# data.html: a CSV into Python (frontml.data): inferred column types, bad rows by line, then
# train a classifier or a regression on a label column, evaluate on held-out rows, predict.
import asyncio
import html

from frontml.data import Trainer, read_csv
from frontml.errors import InputError
from frontml.web.page import Page, to_plain_js

page = await Page().init("./py/data.py")  # noqa: F704 (PyScript runs this with top-level await)
doc = page.doc
state = {"table": None, "model": None}
MAX_SHOWN = 20


def show(element_id: str, markup: str) -> None:
    doc.getElementById(element_id).innerHTML = markup


def publish(**extra) -> None:
    table = state["table"]
    out = {}
    if table is not None:
        out = {"rows": len(table), "columns": [{"name": c.name, "type": c.type}
                                               for c in table.columns],
               "row_errors": [e.to_json() for e in table.errors], "encoding": table.encoding}
    if state["model"] is not None:
        out["task"] = state["model"].task
        out["metrics"] = state["model"].metrics
    out.update(extra)
    page.glue.publish(to_plain_js(out))


def render_table(table) -> None:
    head = "".join(f"<th>{html.escape(c.name)}<br><small>{c.type}"
                   f"{f', {c.missing} missing' if c.missing else ''}</small></th>"
                   for c in table.columns)
    body = "".join("<tr>" + "".join(
        f"<td>{'' if row[n] is None else html.escape(str(row[n]))}</td>" for n in table.names)
        + "</tr>" for row in table.rows[:MAX_SHOWN])
    more = (f"<div>… {len(table) - MAX_SHOWN} more rows</div>"
            if len(table) > MAX_SHOWN else "")
    show("table", f"<table class='data'><tr>{head}</tr>{body}</table>{more}")
    errors = "".join(f"<li>line {e.line}: {html.escape(e.message)}</li>" for e in table.errors)
    show("row-errors", f"<div>{len(table)} rows read ({table.encoding}), "
                       f"{len(table.errors)} bad row(s) left out</div><ul>{errors}</ul>")
    select = doc.getElementById("label")
    select.innerHTML = "".join(f"<option>{html.escape(n)}</option>" for n in table.names)
    select.value = table.names[-1]
    doc.getElementById("train").disabled = False


async def load_csv(event):
    files = event.target.files
    if not files.length:
        return
    data = bytes((await files.item(0).arrayBuffer()).to_py())
    try:
        table = read_csv(data)
    except InputError as exc:
        page.error(f"{files.item(0).name}: {exc}")
        return
    page.glue.clearError()
    state["table"], state["model"] = table, None
    render_table(table)
    show("metrics", "")
    publish()


def draw_chart(history) -> None:
    canvas = doc.getElementById("chart")
    ctx = canvas.getContext("2d")
    w, h = canvas.width, canvas.height
    ctx.clearRect(0, 0, w, h)
    if len(history) < 2:
        return
    losses = [loss for loss, _ in history]
    top = max(losses) or 1.0
    for series, colour, scale in ((losses, "#ff9100", top), ([a for _, a in history],
                                                             "#00e676", 1.0)):
        ctx.strokeStyle = colour
        ctx.beginPath()
        for i, v in enumerate(series):
            x = 4 + (w - 8) * i / (len(series) - 1)
            y = h - 4 - (h - 8) * v / scale
            ctx.moveTo(x, y) if i == 0 else ctx.lineTo(x, y)
        ctx.stroke()


async def train_model(*_):
    table = state["table"]
    if table is None:
        return
    label = str(doc.getElementById("label").value)
    task = str(doc.getElementById("task").value)
    split = float(doc.getElementById("split").value)
    try:
        trainer = Trainer(table, label, task=task, test_split=split, epochs=200)
    except InputError as exc:
        page.error(str(exc))
        return
    page.glue.clearError()
    bar = doc.getElementById("train-progress")
    bar.hidden = False
    while not trainer.step(10):
        bar.value = trainer.epoch / trainer.epochs
        draw_chart(trainer.history)
        publish(training={"epoch": trainer.epoch, "epochs": trainer.epochs})
        await asyncio.sleep(0)  # let the page repaint the bar and the chart
    model = trainer.finish()
    bar.value = 1.0
    draw_chart(model.history)
    state["model"] = model
    test = model.metrics.get("test") or model.metrics["train"]
    which = "held-out" if "test" in model.metrics else "training"
    if model.task == "classification":
        per = ", ".join(f"{k} {v}" for k, v in test["per_class"].items())
        text = (f"{model.task} of {label!r}: {which} accuracy <b>{test['accuracy']}</b> on "
                f"{test['rows']} rows ({per}); {len(model.history)} epochs")
    else:
        text = (f"{model.task} of {label!r}: {which} RMSE <b>{test['rmse']}</b>, "
                f"R² {test['r2']} on {test['rows']} rows")
    show("metrics", text)
    doc.getElementById("predict").disabled = False
    publish(trained=True)


def predict_rows(*_):
    model = state["model"]
    if model is None:
        return
    text = str(doc.getElementById("new-rows").value)
    try:
        table = read_csv(text.encode("utf-8"))
    except InputError as exc:
        page.error(f"new rows: {exc}")
        return
    preds = [model.predict(r) for r in table.rows]
    cells = "".join(
        f"<li>row {i + 1}: {html.escape(str(p.get('label', p.get('value'))))}</li>"
        for i, p in enumerate(preds))
    errors = "".join(f"<li>line {e.line}: {html.escape(e.message)}</li>" for e in table.errors)
    show("predictions", f"<ul>{cells}{errors}</ul>")
    publish(predictions=preds)


page.listen("csv", "change", load_csv)
page.listen("train", "click", train_model)
page.listen("predict", "click", predict_rows)
page.progress.hidden = True
publish()
page.ready()
