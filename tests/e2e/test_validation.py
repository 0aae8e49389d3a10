"""Bad query parameters and page options on every page (issue #18): each one is named in the
error area with its value and what is allowed, the default is kept, and the page still produces
results. They all go through one layer, frontml.web.params (unit tests: tests/unit/test_inputs.py).
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PAGE_READY_MS, ms

SLOW = 4 * PAGE_READY_MS  # a page whose models load on a busy 2-core box
RESULTS = "window.frontml.results"
FRAMES = f"{RESULTS} && !{RESULTS}.loading"
TEXT_TYPED = "what a lovely day"

# page, bad query parameters, what each message must contain, a JS condition for "results still
# arrive" (after `action`, if any).
CASES = {
    "hello": ("provider=gpu&mode=fast&debug=maybe&image=/nope.png&modle=full&gpuinput=yes",
              ["?modle is not a parameter of this page (it reads: debug, gpuinput, grab, image, "
               "mode, ortwarm, provider, proxy, warp); ignored",
               "?gpuinput='yes' is not allowed (one of auto, 1, 0); keeping the default 'auto'",
               "?provider='gpu' is not allowed (one of wasm, webgl, webgpu, auto)",
               "?mode='fast' is not allowed (one of image, video); keeping the default 'video'",
               "?debug='maybe' is not allowed (1 or 0)",
               "?image='/nope.png' could not be opened", "keeping the default, the camera"],
              f"{FRAMES} && {RESULTS}.mean !== undefined"),
    "pose": ("model=giant&multi=maybe&smooth=2&image=/index.html",
             ["?model='giant' is not allowed (one of full, lite, heavy, movenet, "
              "movenet_lightning, movenet_thunder); keeping the default 'full'",
              "?multi='maybe' is not allowed (1 or 0)",
              "?smooth='2'", "?image='/index.html' could not be opened"],
             f"{FRAMES} && {RESULTS}.poses?.[0]?.landmarks?.length === 33"),
    "segment": ("model=huge&threshold=5&color=red&blur=-1&feather=abc&image=http://%5Bx",
                ["?image='http://[x' is not allowed (an image on this site",
                 "?model='huge' is not allowed (one of ", "?threshold='5' is not allowed "
                 "(a number in [0.05, 0.95]); keeping the default '0.5'",
                 "?color='red' is not allowed (a colour #rrggbb)",
                 "?blur='-1' is not allowed (an integer in [0, 40]); keeping the default '12'",
                 "?feather='abc' is not allowed (an integer in [0, 20])"],
                f"{FRAMES} && {RESULTS}.alpha_mean !== undefined"),
    "tryon": ("detector=far&iris=x",
              ["?detector='far' is not allowed (one of short, full); keeping the default 'short'",
               "?iris='x' is not allowed (1 or 0)"],
              f"{FRAMES} && {RESULTS}.faces?.length >= 1"),
    "hands": ("hold=abc&hands=9&model=x",
              ["?hold='abc' is not allowed (an integer in [1, 120]); keeping the default '8'",
               "?hands='9' is not allowed (one of ", "?model='x' is not allowed (one of "],
              f"{FRAMES} && Array.isArray({RESULTS}.hands)"),
    "classify": ("topk=0&threshold=abc&image=http://example.com/cat.png",
                 ["?topk='0' is not allowed (one of ", "?threshold='abc' is not allowed "
                  "(a number in [0, 0.9])", "?image='http://example.com/cat.png' is not allowed "
                  "(an image on this site"],
                 f"{FRAMES} && {RESULTS}.embedding_size > 0"),
    "detect": ("model=yolo&threshold=2&nms=sometimes&mirror=perhaps",
               ["?model='yolo' is not allowed (one of ", "?threshold='2' is not allowed "
                "(a number in [0.05, 0.95])", "?nms='sometimes' is not allowed (one of ",
                "?mirror='perhaps' is not allowed (1 or 0)"],
               f"{FRAMES} && Array.isArray({RESULTS}.detections)"),
    "teach": ("feature=smell&head=brain",
              ["?feature='smell' is not allowed (one of ", "?head='brain' is not allowed (one of "],
              f"{RESULTS} && {RESULTS}.has_vector === true"),
    "data": ("provider=cuda&mode=batch",
             ["?provider='cuda' is not allowed", "?mode='batch' is not allowed"], None),
    "speech": ("mic=maybe&provider=tpu",
               ["?mic='maybe' is not allowed (1 or 0); keeping the default '0'",
                "?provider='tpu' is not allowed"],
               f"{RESULTS} && {RESULTS}.sample_rate > 0"),
    "text": ("mode=fast&debug=2",
             ["?mode='fast' is not allowed", "?debug='2' is not allowed (1 or 0)"],
             f"{RESULTS}?.text?.text === {TEXT_TYPED!r}"),
}


def _errors(page) -> list[str]:
    return page.evaluate("window.frontml.errors")


@pytest.mark.parametrize("name", list(CASES))
def test_bad_parameters_are_named_and_the_page_keeps_running(page, server_url, name):
    query, messages, works = CASES[name]
    page.goto(f"{server_url}/{name}.html?{query}")
    page.wait_for_function("window.frontml && window.frontml.ready === true", timeout=SLOW)
    errors = _errors(page)
    for message in messages:
        assert any(message in e for e in errors), (message, errors)
    assert page.locator("#error").is_visible()
    assert not any("Traceback" in e for e in errors), errors
    if name == "text":  # a page without frames: it works when typing gives scores
        page.fill("#text", "")
        page.type("#text", TEXT_TYPED, delay=5)
    if name == "data":  # no task: a CSV still loads
        page.set_input_files("#csv", files=[{"name": "t.csv", "mimeType": "text/csv",
                                             "buffer": b"a,b\n1,x\n2,y\n"}])
        works = f"{RESULTS} && {RESULTS}.rows === 2"
    page.wait_for_function(works, timeout=SLOW)


def test_bad_typed_page_option_is_named_and_the_default_restored(page, server_url):
    # A page option not in the URL (speech's threshold box) goes through the same layer.
    page.goto(f"{server_url}/speech.html")
    page.wait_for_function("window.frontml && window.frontml.ready === true", timeout=SLOW)
    page.fill("#threshold", "5")
    page.dispatch_event("#threshold", "change")
    page.wait_for_function("window.frontml.errors.length > 0", timeout=ms(30_000))
    errors = _errors(page)
    assert any("threshold = '5' is not allowed (a number in [0.3, 0.99]); keeping the default "
               "'0.5'" in e for e in errors), errors
    assert page.input_value("#threshold") == "0.5"
