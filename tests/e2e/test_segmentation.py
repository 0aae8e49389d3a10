"""The segmentation page on the fake camera: its mask equals CPython's for the same frame, the
effects change the background and keep the person, bad backgrounds are refused cleanly."""

from __future__ import annotations

import base64
import io
from urllib.parse import quote

import numpy as np
from PIL import Image

from frontml.image import ArrayFrame
from frontml.runtime import run_sync
from frontml.tasks.segmentation import PersonSegmenter, SegmentationOptions
from tests.e2e.conftest import ms, wait_ready

READ_CANVAS = """() => {
  const c = document.getElementById('overlay');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let s = '';
  for (let i = 0; i < d.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
  }
  return {w: c.width, h: c.height, b64: btoa(s)};
}"""


def open_page(page, url: str) -> dict:
    page.goto(url)
    wait_ready(page)
    page.wait_for_function("window.frontml.results && window.frontml.results.mask_b64",
                           timeout=ms(60_000))
    return page.evaluate("window.frontml.results")


def frame_of(res: dict) -> np.ndarray:
    w, h = res["image"]["width"], res["image"]["height"]
    return np.frombuffer(base64.b64decode(res["frame_b64"]), np.uint8).reshape(h, w, 4)


def canvas(page) -> np.ndarray:
    got = page.evaluate(READ_CANVAS)
    return np.frombuffer(base64.b64decode(got["b64"]), np.uint8).reshape(got["h"], got["w"], 4)


def cpython_mask(frame: np.ndarray, model: str):
    async def go():
        seg = await PersonSegmenter.create(SegmentationOptions(model=model, running_mode="image"))
        try:
            return await seg.process(ArrayFrame(frame), 0.0)
        finally:
            seg.close()

    return run_sync(go())


def next_frames(page, n: int = 3, effect: str | None = None) -> None:
    frames = page.evaluate("window.frontml.frames")
    cond = f"window.frontml.frames >= {frames + n}"
    if effect:
        cond += f" && window.frontml.results.effect === '{effect}'"
    page.wait_for_function(cond, timeout=ms(30_000))


def test_page_mask_equals_cpython(page, server_url):
    res = open_page(page, f"{server_url}/segment.html?debug=1&model=general&smoothing=0")
    assert res["model"] == "general" and res["mask"]["width"] == 256
    page_mask = np.frombuffer(base64.b64decode(res["mask_b64"]), np.float32).reshape(256, 256)
    cpu = cpython_mask(frame_of(res)[..., :3], "general")
    cpu_mask = cpu.probability()
    a, b = page_mask > 0.5, cpu_mask > 0.5
    score = np.logical_and(a, b).sum() / np.logical_or(a, b).sum()
    assert score >= 0.98, f"page vs CPython mask IoU {score:.4f}"
    # the mask covers the astronaut (centred in the 640x480 frame), not the grey border
    assert 0.3 < res["coverage"] < 0.6 and abs(res["coverage"] - cpu.coverage) < 0.02
    assert page_mask[60, 128] > 0.9 and page_mask[5, 5] < 0.1
    hud = page.locator("#hud").inner_text()
    for stage in ("grab", "pre", "infer", "post", "render", "python %"):
        assert stage in hud


def test_effects_cutout_and_bad_background(page, server_url):
    res = open_page(page, f"{server_url}/segment.html?debug=1&model=general&effect=blur&blur=10"
                          "&smoothing=0&feather=0&softness=0")
    frame = frame_of(res)
    prob = cpython_mask(frame[..., :3], "general").probability_image()
    # regions from CPython's mask, away from the edge: the person, and the photo's background
    fg = prob > 0.98
    bg = prob < 0.02
    bg[:, :80] = bg[:, 560:] = False  # the grey padding around the photo: blur can't change it
    assert fg.sum() > 20_000 and bg.sum() > 5_000
    next_frames(page, 2, "blur")

    def diff(region) -> float:
        out = canvas(page)
        return float(np.abs(out[..., :3].astype(int) - frame[..., :3])[region].mean())

    assert diff(fg) < 2.0
    assert diff(bg) > 4.0  # the flag and the shuttle get blurred

    page.select_option("#effect", "color")
    page.evaluate("document.getElementById('color').value = '#0000ff'")
    next_frames(page, 2, "color")
    out = canvas(page)
    assert diff(fg) < 2.0
    assert (out[..., :3][bg] == [0, 0, 255]).all(axis=1).mean() > 0.99

    # a real image as the background
    png = io.BytesIO()
    Image.fromarray(np.full((30, 40, 3), (255, 0, 0), np.uint8)).save(png, format="PNG")
    page.set_input_files("#background", files=[
        {"name": "red.png", "mimeType": "image/png", "buffer": png.getvalue()}])
    next_frames(page, 2, "image")
    out = canvas(page)
    assert (out[..., :3][bg] == [255, 0, 0]).all(axis=1).mean() > 0.99
    assert diff(fg) < 2.0

    # not an image: a clear message, the red background stays
    page.set_input_files("#background", files=[
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    page.wait_for_function("window.frontml.errors.length > 0")
    assert "not an image" in page.locator("#error").inner_text()
    page.set_input_files("#background", files=[
        {"name": "broken.png", "mimeType": "image/png", "buffer": b"\x89PNG garbage"}])
    page.wait_for_function("window.frontml.errors.length > 1")
    assert "could not be decoded" in page.locator("#error").inner_text()
    next_frames(page, 2, "image")
    out = canvas(page)
    assert (out[..., :3][bg] == [255, 0, 0]).all(axis=1).mean() > 0.99

    # the cut-out: a transparent PNG of the person
    page.click("#export")
    href = page.get_attribute("#download", "href")
    assert href.startswith("data:image/png;base64,")
    cut = np.asarray(Image.open(io.BytesIO(base64.b64decode(href.split(",", 1)[1]))))
    assert cut.shape == (480, 640, 4)
    assert cut[..., 3][fg].mean() > 250 and cut[..., 3][bg].mean() < 5


def test_body_parts_and_pose_mask(page, server_url):
    res = open_page(page, f"{server_url}/segment.html?debug=1&model=pose&parts=1&effect=color"
                          "&color=%23000000&feather=0")
    assert res["model"] == "pose" and res["pose"] is not None and res["mask"]["logits"] is True
    assert res["body_part_segments"] >= 8 and 0.2 < res["coverage"] < 0.6
    frame = frame_of(res)[..., :3].astype(float)
    out = canvas(page)[..., :3].astype(float)
    nose = res["pose"]["landmarks"][0]
    x, y = round(nose["x"] * 640), round(nose["y"] * 480)
    # around the nose: the person's pixels tinted half-way to the head colour (255, 213, 79)
    region = (slice(y - 5, y + 6), slice(x - 5, x + 6))
    expected = frame[region] * (1 - 128 / 255) + np.array([255, 213, 79]) * (128 / 255)
    assert np.abs(out[region] - expected).mean() < 6
    # 60 px below the nose is the torso (66, 165, 245)
    region = (slice(y + 110, y + 121), slice(x - 5, x + 6))
    expected = frame[region] * (1 - 128 / 255) + np.array([66, 165, 245]) * (128 / 255)
    assert np.abs(out[region] - expected).mean() < 6


def test_no_person_gives_an_empty_mask_and_effects_still_render(page, server_url):
    png = io.BytesIO()
    Image.fromarray(np.full((240, 320, 3), 128, np.uint8)).save(png, format="PNG")
    url = quote("data:image/png;base64," + base64.b64encode(png.getvalue()).decode(), safe="")
    res = open_page(page, f"{server_url}/segment.html?debug=1&effect=color&color=%23ff00ff"
                          f"&image={url}")
    assert res["coverage"] == 0.0 and res["person"] is False and res["alpha_mean"] == 0.0
    out = canvas(page)
    assert out.shape == (240, 320, 4)
    assert (out[..., :3] == [255, 0, 255]).all()
    assert not page.evaluate("window.frontml.errors")
