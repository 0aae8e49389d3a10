"""Foundation e2e: the page loads Python, handles a bad model and a denied camera clearly."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_ready
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
