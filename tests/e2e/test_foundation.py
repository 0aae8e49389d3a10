"""Foundation e2e: the page loads Python, handles a bad model and a denied camera clearly."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ms, wait_ready
from tests.tiny_models import mean_model, write_models_dir


def test_gallery_lists_the_demos(page, server_url):
    page.goto(f"{server_url}/index.html")
    links = page.locator(".gallery a.card h2").all_inner_texts()
    assert "Hello model" in links


def test_corrupt_model_gives_a_named_error(page, serve_dir, web_copy):
    write_models_dir(web_copy / "models", {"selfie_segmentation": mean_model()},
                     corrupt={"selfie_segmentation"})
    page.goto(f"{serve_dir(web_copy)}/hello.html")
    wait_ready(page)
    error = page.locator("#error")
    assert error.is_visible()
    text = error.inner_text()
    assert "selfie_segmentation" in text and "integrity check" in text and "expected sha256" in text


def test_missing_model_gives_a_named_error(page, serve_dir, web_copy):
    write_models_dir(web_copy / "models", {"other": mean_model()})
    page.goto(f"{serve_dir(web_copy)}/hello.html")
    wait_ready(page)
    text = page.locator("#error").inner_text()
    assert "'selfie_segmentation' is not in the manifest" in text


@pytest.fixture
def denied_page(browser_type, browser_type_launch_args):
    args = [a for a in browser_type_launch_args["args"] if "fake-ui" not in a]
    browser = browser_type.launch(**{**browser_type_launch_args,
                                     "args": args + ["--deny-permission-prompts"]})
    page = browser.new_page()
    yield page
    browser.close()


def test_denied_camera_shows_a_message_and_page_stays_usable(denied_page, server_url):
    page = denied_page
    page.goto(f"{server_url}/hello.html")
    wait_ready(page)
    error = page.locator("#error")
    assert error.is_visible()
    assert "Camera permission was denied" in error.inner_text()
    assert page.locator("#file").is_enabled()


def test_second_visit_loads_models_from_cache_offline(page, server_url):
    page.goto(f"{server_url}/hello.html")
    page.wait_for_function("window.frontml && window.frontml.results")
    # Second visit: model files are unreachable, the Cache API copy (sha256-checked) is used.
    page.route("**/models/*.onnx", lambda route: route.abort())
    page.reload()
    page.wait_for_function("window.frontml && window.frontml.results", timeout=ms(60_000))
    assert page.locator("#error").is_hidden()


def test_wrong_file_type_is_refused_and_camera_keeps_running(page, server_url, tmp_path):
    page.goto(f"{server_url}/hello.html")
    page.wait_for_function("window.frontml && window.frontml.frames > 2")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    page.set_input_files("#file", str(notes))
    page.wait_for_function("window.frontml.errors.length > 0")
    assert "is not an image" in page.locator("#error").inner_text()
    frames = page.evaluate("window.frontml.frames")
    page.wait_for_function(f"window.frontml.frames > {frames + 2}")


@pytest.fixture
def webgpu_page(webgpu_browser):
    context = webgpu_browser.new_context()
    page = context.new_page()
    page.set_default_timeout(ms(30_000))  # leaving a page mid-frame waits for that frame
    yield page
    context.close()


def test_webgpu_provider_gives_the_same_mask_as_wasm(webgpu_page, server_url):
    # CPU-emulated WebGPU here (about 15 s a frame): a correctness check, not a speed one.
    page = webgpu_page
    page.goto(f"{server_url}/hello.html?provider=webgpu")
    page.wait_for_function("window.frontml && window.frontml.results", timeout=ms(120_000))
    gpu = page.evaluate("window.frontml.results")
    page.goto(f"{server_url}/hello.html?provider=wasm")
    page.wait_for_function("window.frontml && window.frontml.results", timeout=ms(60_000))
    cpu = page.evaluate("window.frontml.results")
    assert gpu["mean"] == pytest.approx(cpu["mean"], abs=1e-3)
