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
    wait_for(page, f"{RESULTS}.has_vector === true && {RESULTS}.prediction")
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
