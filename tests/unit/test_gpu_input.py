"""The Python half of GPU-resident inputs (#19): with ?gpuinput on, a page frame's crops are
WarpTensors that a webgpu session warps on its own device; anything else reading `.data` gets
the ordinary warp's bytes, computed once. (The GPU half: tests/e2e/test_gpu_input.py.)"""

import pytest

from frontml.runtime import js_glue
from frontml.runtime.session import Session, TensorInfo
from frontml.runtime.tensor import Tensor
from frontml.web import frames


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def to_py(self):
        return memoryview(self.data)


class _Glue:
    """The one glue call the CPU path makes: warp(source, a..f, w, h, replicate[, fixed])."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def warp(self, *args):
        self.calls.append(args)
        w, h = args[7], args[8]
        return _Bytes(bytes(range(256)) * (w * h * 4 // 256))


@pytest.fixture
def fake_glue(monkeypatch):
    g = _Glue()
    monkeypatch.setattr(js_glue, "_glue", g)
    yield g
    frames.set_lazy_warps(False)


def test_crops_are_computed_at_once_unless_gpu_input_is_on(fake_glue):
    frame = frames.CanvasFrame("canvas", 640, 480, 0.0)
    plain = frame.warp_fixed_point((1, 0, 0, 0, 1, 0), 16, 8, "replicate")
    assert type(plain) is Tensor and len(fake_glue.calls) == 1
    frames.set_lazy_warps(True)
    lazy = frame.warp_fixed_point((1, 0, 0, 0, 1, 0), 16, 8, "replicate")
    assert isinstance(lazy, frames.WarpTensor) and len(fake_glue.calls) == 1  # not yet
    assert lazy.warp_args == ("canvas", 1, 0, 0, 0, 1, 0, 16, 8, True, True)
    assert (lazy.dtype, lazy.shape) == ("uint8", (1, 8, 16, 4))


def test_reading_a_lazy_crop_gives_the_cpu_warp_once(fake_glue):
    frames.set_lazy_warps(True)
    frame = frames.CanvasFrame("canvas", 640, 480, 0.0)
    lazy = frame.warp((0.5, 0, 3, 0, 0.5, 4), 16, 8)
    session = Session("m", [TensorInfo("image", "uint8", (1, 8, 16, 4))], [])
    session.check_feeds({"image": lazy})  # a Tensor to every check; no pixels touched
    assert not fake_glue.calls
    frames.set_lazy_warps(False)
    want = frame.warp((0.5, 0, 3, 0, 0.5, 4), 16, 8)
    assert bytes(lazy.data) == bytes(want.data) and len(lazy.data) == 16 * 8 * 4
    assert bytes(lazy.data) == bytes(want.data)
    assert len(fake_glue.calls) == 2  # one for the lazy crop (cached), one for the plain one
