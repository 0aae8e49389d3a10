"""Virtual makeup on the face mesh: lip colour (gloss/matte), blush, eyeliner, brow tint.

```python
import frontml.tasks

makeup = await frontml.tasks.create("makeup", {"lip_color": "#b0122c", "lip_intensity": 0.6})
result = await makeup.process(frame, timestamp_ms)      # -> MakeupResult
result.geometry.vertices, result.geometry.counts        # triangles per layer (WebGL input)
makeup.set_look(Look(lip_color="#7a1f3d", blush_color="#e07a7a"))   # no model reload
makeup.close()
```

The task runs the face mesh and turns each face's landmarks into triangle layers
(`geometry.py`); colouring is the page's WebGL shader or, in CPython, `render.render` (numpy),
with one blend formula (`look.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from frontml.errors import InputError
from frontml.models import Progress
from frontml.tasks.core.options import LandmarkerOptions, check_choice, check_int
from frontml.tasks.core.result import FrameResult
from frontml.tasks.core.task import TaskBase
from frontml.tasks.face import DETECTORS, Face, FaceOptions, create_face_mesh
from frontml.tasks.makeup.geometry import LAYERS, Geometry, build_geometry
from frontml.tasks.makeup.look import FINISHES, Look, LookFields, parse_color
from frontml.timing import StageTimer

LOOK_FIELDS = tuple(f.name for f in fields(Look))


@dataclass(frozen=True)
class MakeupOptions(LookFields, LandmarkerOptions):
    """The face mesh's options (detector, num_faces, confidences, smoothing) plus the look:
    lip_color / blush_color / liner_color / brow_color ('#rrggbb', '' = off), their
    *_intensity in [0, 1], lip_finish ("gloss" | "matte") and guard (the lips' occlusion
    guard, see look.py)."""

    detector: str = "short"
    num_faces: int = 1

    def validate(self) -> None:
        check_choice("detector", self.detector, DETECTORS)
        check_int("num_faces", self.num_faces, 1, 4)
        check_choice("lip_finish", self.lip_finish, FINISHES)
        for name in ("lip_color", "blush_color", "liner_color", "brow_color"):
            try:
                parse_color(getattr(self, name), name)
            except InputError as exc:
                raise ValueError(str(exc)) from None
        self.look()  # intensities

    def look(self) -> Look:
        try:
            return Look(**{name: getattr(self, name) for name in LOOK_FIELDS})
        except InputError as exc:  # Look's InputError -> the options' ValueError
            raise ValueError(str(exc)) from None

    def face_options(self) -> FaceOptions:
        return FaceOptions(running_mode=self.running_mode, provider=self.provider,
                           threads=self.threads, detector=self.detector,
                           num_faces=self.num_faces,
                           min_detection_confidence=self.min_detection_confidence,
                           min_presence_confidence=self.min_presence_confidence,
                           min_tracking_confidence=self.min_tracking_confidence,
                           smooth_landmarks=self.smooth_landmarks)


@dataclass
class MakeupResult(FrameResult):
    """faces: the face mesh's faces; geometry: their makeup triangles (image pixels, per-vertex
    alpha), grouped by layer; look: the look they are drawn with; params: the look's shader
    parameters (`Look.params()`)."""

    faces: list[Face] = field(default_factory=list)
    geometry: Geometry | None = None
    look: Look = field(default_factory=Look)

    @property
    def params(self):
        return self.look.params()

    def items_json(self) -> dict:
        return {"faces": [f.to_json() for f in self.faces],
                "layers": self.geometry.to_json() if self.geometry else {},
                "look": self.look.to_json()}


class Makeup(TaskBase):
    """Face mesh -> makeup geometry. `set_look(look)` changes the look between frames."""

    def __init__(self, options: MakeupOptions, mesh) -> None:
        super().__init__()
        self.options = options
        self.mesh = mesh
        self.look = options.look()

    def set_look(self, look: Look) -> None:
        self.look = look

    async def process(self, frame, timestamp_ms: float | None = None,
                      timer: StageTimer | None = None) -> MakeupResult:
        timer = timer if timer is not None else StageTimer()
        found = await self.mesh.process(frame, timestamp_ms, timer)
        with timer.stage("geometry"):
            geometry = build_geometry(found.faces, found.image_width, found.image_height)
        return MakeupResult(found.image_width, found.image_height, list(found.faces), geometry,
                            self.look)

    def reset(self) -> None:
        self.mesh.reset()

    def debug_tensors(self):
        return self.mesh.debug_tensors()

    @property
    def detector_runs(self) -> int:
        return self.mesh.detector_runs

    def close(self) -> None:
        self.mesh.close()


async def create_makeup(options: MakeupOptions | None = None, *,
                        progress: Progress | None = None) -> Makeup:
    """The registry's factory for "makeup"."""
    options = options or MakeupOptions()
    mesh = await create_face_mesh(options.face_options(), progress=progress)
    return Makeup(options, mesh)


__all__ = ["LAYERS", "Geometry", "Look", "Makeup", "MakeupOptions", "MakeupResult",
           "build_geometry", "create_makeup", "parse_color"]
