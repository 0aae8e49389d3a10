"""teach.html on the fake camera (the astronaut): teach two classes (the camera, and a mirrored
photo picked as a file), the camera frame is predicted as its class; a reload keeps the classes
(IndexedDB); an exported file imported in a fresh profile predicts the same; a malformed import
says why and loses nothing."""

from __future__ import annotations

from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import ms, wait_ready
from tests.media import astronaut_frame

RESULTS = "window.frontml.results"


def wait_for(page, condition: str, timeout: int = 120_000) -> dict:
    try:
        page.wait_for_function(f"{RESULTS} && ({condition})", timeout=ms(timeout))
    except PlaywrightTimeout:
        raise AssertionError(f"waited for {condition}; the page has {page.evaluate(RESULTS)}, "
                             f"error banner {page.locator('#error').inner_text()!r}") from None
    return page.evaluate(RESULTS)


def record(page, label: str, hold_ms: int = 1500) -> None:
    button = page.locator(f"button.record[data-label='{label}']")
    button.dispatch_event("pointerdown")
    page.wait_for_timeout(hold_ms)
    button.dispatch_event("pointerup")


def test_teach_two_classes_persist_export_import(page, browser, server_url, tmp_path):
    mirrored = tmp_path / "mirrored.png"
    Image.fromarray(astronaut_frame()[:, ::-1].copy()).save(mirrored)
    page.goto(f"{server_url}/teach.html")
    wait_ready(page)
    wait_for(page, f"{RESULTS}.has_vector === true")
    # class 1 from the live camera
    page.fill("#new-class", "astronaut")
    page.click("#add-class")
    record(page, "astronaut")
    res = wait_for(page, f"{RESULTS}.examples >= 2 && {RESULTS}.prediction")
    assert res["prediction"]["label"] == "astronaut"
    # class 2 from a picked photo (the mirror image: another pose)
    page.set_input_files("#file", str(mirrored))
    wait_for(page, f"{RESULTS}.still === true && {RESULTS}.has_vector === true"
                   f" && {RESULTS}.prediction")
    page.fill("#new-class", "mirrored")
    page.click("#add-class")
    for _ in range(3):
        record(page, "mirrored", hold_ms=200)
    page.wait_for_function("document.querySelector('#teach-status').textContent"
                           ".includes('mirrored ×3')", timeout=ms(30_000))
    # back to the camera: predicted as the camera's class
    page.click("#camera")
    res = wait_for(page, f"{RESULTS}.classes.mirrored === 3 && {RESULTS}.prediction"
                         f" && {RESULTS}.prediction.label === 'astronaut'", timeout=60_000)
    counts = res["classes"]
    scores = res["prediction"]["scores"]
    assert scores["astronaut"] > scores["mirrored"]
    # evaluation panel with a confusion matrix
    page.click("#evaluate")
    assert "accuracy" in page.locator("#evaluation").inner_text()
    assert page.locator("#evaluation table.confusion").count() == 1
    # malformed import: clear message, nothing lost
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "frontml.learn", "version": 1}')
    page.set_input_files("#import", str(bad))
    page.wait_for_function("document.querySelector('#error').textContent.includes('kept')",
                           timeout=ms(30_000))
    assert "backbone" in page.locator("#error").inner_text()
    wait_for(page, f"{RESULTS}.classes.mirrored === 3")
    # reload: the classes are still there (IndexedDB)
    page.reload()
    wait_ready(page)
    # (the first frames of a fresh pose tracker come from the detector's ROI, not the tracked
    # one the examples were recorded with: wait until tracking settles, as a user sees it)
    res = wait_for(page, f"{RESULTS}.prediction && {RESULTS}.classes.mirrored === 3"
                         f" && {RESULTS}.prediction.label === 'astronaut'", timeout=60_000)
    assert res["classes"] == counts
    # export, then import in a fresh profile: the same predictions
    with page.expect_download() as info:
        page.click("#export")
    exported = tmp_path / "classes.json"
    info.value.save_as(exported)
    context = browser.new_context()
    try:
        fresh = context.new_page()
        fresh.goto(f"{server_url}/teach.html")
        wait_ready(fresh)
        wait_for(fresh, f"{RESULTS}.has_vector === true && {RESULTS}.examples === 0")
        fresh.set_input_files("#import", str(exported))
        got = wait_for(fresh, f"{RESULTS}.prediction && {RESULTS}.classes.mirrored === 3"
                              f" && {RESULTS}.prediction.label === 'astronaut'", timeout=60_000)
        assert got["classes"] == counts
        # the same stored examples: the nearest example is the same one
        mine = wait_for(page, f"{RESULTS}.prediction")["prediction"]
        assert got["prediction"]["nearest_id"] is not None
        assert set(got["prediction"]["scores"]) == set(mine["scores"])
    finally:
        context.close()


def test_teach_image_feature_two_classes_with_thumbnails(page, server_url, tmp_path):
    """The image feature (EfficientNet-Lite0's 128-d projection): the fake camera (astronaut)
    and a picked photo (scikit-image's cat) are taught as two classes, each is predicted as its
    own class, and the exported file keeps a small JPEG thumbnail per example."""
    import base64
    import io
    import json

    from skimage import data

    cat = tmp_path / "cat.png"
    Image.fromarray(data.chelsea()).save(cat)
    page.goto(f"{server_url}/teach.html?feature=image")
    wait_ready(page)
    res = wait_for(page, f"{RESULTS}.has_vector === true && {RESULTS}.feature === 'image'")
    assert res["examples"] == 0
    page.fill("#new-class", "astronaut")
    page.click("#add-class")
    record(page, "astronaut")
    res = wait_for(page, f"{RESULTS}.examples >= 2 && {RESULTS}.prediction")
    assert res["prediction"]["label"] == "astronaut"
    # class 2 from a picked photo
    page.set_input_files("#file", str(cat))
    wait_for(page, f"{RESULTS}.has_vector === true && {RESULTS}.prediction")
    page.fill("#new-class", "cat")
    page.click("#add-class")
    for _ in range(3):
        record(page, "cat", hold_ms=200)
    page.wait_for_function("document.querySelector('#teach-status').textContent"
                           ".includes('cat ×3')", timeout=ms(30_000))
    again = tmp_path / "cat-again.png"  # an image runs once: pick it again to predict
    again.write_bytes(cat.read_bytes())
    page.set_input_files("#file", str(again))
    res = wait_for(page, f"{RESULTS}.classes.cat === 3 && {RESULTS}.prediction"
                         f" && {RESULTS}.prediction.label === 'cat'", timeout=60_000)
    assert res["prediction"]["scores"]["cat"] > res["prediction"]["scores"]["astronaut"]
    # back to the camera: the astronaut again
    page.click("#camera")
    res = wait_for(page, f"{RESULTS}.prediction && {RESULTS}.classes.cat === 3"
                         f" && {RESULTS}.prediction.label === 'astronaut'", timeout=60_000)
    assert res["prediction"]["scores"]["astronaut"] > res["prediction"]["scores"]["cat"]
    # the file: the image backbone, and a JPEG thumbnail for every example
    with page.expect_download() as info:
        page.click("#export")
    doc = json.loads(info.value.path().read_text())
    assert doc["backbone"]["model_id"] == "efficientnet_lite0" and doc["examples"]["dim"] == 128
    thumbs = doc["examples"]["thumbnails"]
    assert thumbs and len(thumbs) == doc["examples"]["count"] == res["examples"]
    assert doc["examples"]["thumbnail_type"] == "image/jpeg"
    for t in thumbs:
        img = Image.open(io.BytesIO(base64.b64decode(t)))
        assert img.format == "JPEG" and img.size == (48, 48)


VECTOR_CHECK = r'''
import random
from array import array
from frontml.learn import Backbone, Classifier, vecsearch
from frontml.tasks.text.search import SearchIndex


def scenario(onnx):
    vecsearch.MIN_ROWS_CPYTHON = vecsearch.MIN_ROWS_PAGE = 0 if onnx else 10 ** 9
    rng = random.Random(5)
    centers = [[rng.gauss(0, 1) for _ in range(32)] for _ in range(4)]
    clf = Classifier(Backbone("b", "", 32, "x", "euclidean"), k=3, threshold=None)
    ids = [clf.add(f"c{i % 4}", [v + rng.gauss(0, 0.8) for v in centers[i % 4]])
           for i in range(300)]
    qs = [[v + rng.gauss(0, 0.8) for v in centers[i % 4]] for i in range(8)]
    out = {"first": [], "edited": [], "hits": []}
    return clf, ids, qs, out, rng


async def run(onnx):
    clf, ids, qs, out, rng = scenario(onnx)
    out["first"] = [(await clf.predict_async(q)).to_json() for q in qs]
    for eid in ids[::9]:
        clf.remove(eid)                         # order-preserving deletes on the JS bank
    for i in range(40):
        clf.add("new", [rng.gauss(0, 1) for _ in range(32)])   # appends (buffer grows)
    out["edited"] = [(await clf.predict_async(q)).to_json() for q in qs]
    index = SearchIndex(Backbone("minilm_l6", "", 384, "embedding"), 384)
    docs = [array("f", [rng.gauss(0, 1) for _ in range(384)]) for _ in range(260)]
    for i, v in enumerate(docs):
        index.add(f"doc {i}", v)
    await index.search_async(docs[0], 5)
    for doc_id in (3, 100, 259):
        index.remove(doc_id)                    # swap-removes on the JS bank
    out["hits"] = [[h.to_json() for h in await index.search_async(q, 5)] for q in docs[:6]]
    out["js_bank"] = clf._bank._js is not None and index._bank._js is not None
    return out


async def main():
    fast = await run(True)
    return {"fast": fast, "slow": await run(False), "status": vecsearch.status()}
'''


def test_vector_search_in_the_page_equals_pure_python_and_cpython(page, server_url):
    """The ONNX vector search in the page (JS-side bank kept in step by appends, deletes and
    swap-removes) gives exactly the pure-Python predictions and hits, and CPython's."""
    import json

    from frontml.runtime import run_sync

    page.goto(f"{server_url}/teach.html?debug=1")
    wait_ready(page)
    page.wait_for_function("window.frontml.learnApi", timeout=ms(60_000))
    got = json.loads(page.evaluate("c => window.frontml.learnApi.run(c)", VECTOR_CHECK))
    assert got["status"]["loaded"] and not got["status"]["error"], got["status"]
    assert got["fast"]["js_bank"]
    assert got["fast"] == {**got["slow"], "js_bank": True}
    from frontml.learn import vecsearch

    ns: dict = {}
    exec(VECTOR_CHECK, ns)  # the same code in CPython
    saved = vecsearch.MIN_ROWS_CPYTHON, vecsearch.MIN_ROWS_PAGE
    try:
        cpython = run_sync(ns["run"](True))  # (Playwright's sync API runs a loop here)
    finally:
        vecsearch.reset()
        vecsearch.MIN_ROWS_CPYTHON, vecsearch.MIN_ROWS_PAGE = saved
    assert {k: v for k, v in got["fast"].items() if k != "js_bank"} == {
        k: v for k, v in cpython.items() if k != "js_bank"}
