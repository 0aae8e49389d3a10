"""`ImageEmbedder`: an image -> one embedding vector from a catalog model (EfficientNet-Lite0's
128-d `projection` by default), the same in the page (canvas crop) and in CPython (numpy crop).

```python
embedder = await ImageEmbedder.create()            # model "efficientnet_lite0", "projection"
vector = await embedder.embed(frame)               # centre square crop, resized to the input
clf = Classifier(embedder.backbone)                # files remember which model made them
```
"""

from __future__ import annotations

from frontml.image import crop_matrix
from frontml.learn.backbone import Backbone
from frontml.learn.errors import LearnError

DEFAULT_MODEL = "efficientnet_lite0"
DEFAULT_OUTPUT = "projection"


class ImageEmbedder:
    def __init__(self, session, backbone: Backbone, size: tuple[int, int]) -> None:
        self.session = session
        self.backbone = backbone
        self.width, self.height = size

    @classmethod
    async def create(cls, model_id: str = DEFAULT_MODEL, output: str = DEFAULT_OUTPUT,
                     provider: str = "wasm", progress=None) -> ImageEmbedder:
        from frontml.models import entry, load_session

        session = await load_session(model_id, provider=provider, progress=progress)
        outs = session.outputs
        if output not in outs:
            session.close()
            raise LearnError(f"model {model_id!r} has no output {output!r} (outputs: "
                             f"{', '.join(outs)})")
        inp = next(iter(session.inputs.values()))
        shape = [d if isinstance(d, int) and d > 0 else 0 for d in (inp.shape or ())]
        if len(shape) != 4 or not shape[1] or not shape[2]:
            session.close()
            raise LearnError(f"model {model_id!r}: expected an image input [1, H, W, C] with a "
                             f"fixed size, got {inp.shape}")
        dims = [d for d in (outs[output].shape or ()) if isinstance(d, int) and d > 0]
        dim = dims[-1] if dims else 0
        info = await entry(model_id)
        backbone = Backbone(model_id, str(info.get("sha256", "")), dim, output, "cosine")
        return cls(session, backbone, (shape[2], shape[1]))

    async def embed(self, frame) -> tuple[float, ...]:
        """The embedding of the frame's centre square (any frontml Frame)."""
        side = min(frame.width, frame.height)
        x, y = (frame.width - side) / 2, (frame.height - side) / 2
        tensor = frame.warp(crop_matrix(x, y, side, side, self.width, self.height),
                            self.width, self.height)
        name = next(iter(self.session.inputs))
        out = await self.session.run({name: tensor})
        vec = tuple(out[self.backbone.output].data.tolist())
        if self.backbone.dim and len(vec) != self.backbone.dim:
            raise LearnError(f"{self.backbone.model_id} gave {len(vec)} values for "
                             f"{self.backbone.output!r}, expected {self.backbone.dim}")
        return vec

    def close(self) -> None:
        self.session.close()
