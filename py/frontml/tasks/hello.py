"""The "hello model" task: one frame -> selfie segmentation -> a few numbers about the mask.

It is the smallest complete pipeline (canvas resize -> ORT -> Python) and what the foundation's
end-to-end test compares between the page and CPython.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontml.image import Frame
from frontml.models import Progress, load_session
from frontml.runtime import Session, Tensor
from frontml.tasks.core.options import TaskOptions
from frontml.tasks.core.task import TaskBase
from frontml.timing import StageTimer

MODEL_ID = "selfie_segmentation"


@dataclass
class MaskStats:
    width: int
    height: int
    mean: float
    max: float
    min: float
    mask: Tensor  # [1, 256, 256, 1] person probability

    def summary(self) -> dict:
        return {"width": self.width, "height": self.height, "mean": self.mean,
                "max": self.max, "min": self.min}


@dataclass(frozen=True)
class HelloOptions(TaskOptions):
    """The hello task has only the shared options (provider, threads)."""


class HelloSegmenter(TaskBase):
    options: HelloOptions | None = None

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        _, self.in_h, self.in_w, _ = session.inputs["image"].shape

    @classmethod
    async def create(cls, *, provider: str = "wasm") -> HelloSegmenter:
        return cls(await load_session(MODEL_ID, provider=provider))

    async def run_tensor(self, image: Tensor, timer: StageTimer) -> Tensor:
        with timer.stage("infer"):
            out = await self.session.run({"image": image})
        return out["mask"]

    async def process(
        self, frame: Frame, timestamp_ms: float = 0.0, timer: StageTimer | None = None
    ) -> MaskStats:
        timer = timer or StageTimer()
        with timer.stage("pre"):
            image = frame.resize(self.in_w, self.in_h)
        mask = await self.run_tensor(image, timer)
        with timer.stage("post"):
            values = mask.data  # builtins over a memoryview: no Python-level pixel loop
            stats = MaskStats(frame.width, frame.height, sum(values) / len(values),
                              max(values), min(values), mask)
        self.last_input = image
        self.record_input("input", image)
        return stats

    def close(self) -> None:
        self.session.close()


async def create_hello_segmenter(options: HelloOptions | None = None, *,
                                 progress: Progress | None = None) -> HelloSegmenter:
    """The registry's factory for "hello"."""
    options = options or HelloOptions()
    task = HelloSegmenter(await load_session(MODEL_ID, provider=options.provider,
                                             threads=options.threads or 0, progress=progress))
    task.options = options
    return task
