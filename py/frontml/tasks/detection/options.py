"""Options of the object detection task (MediaPipe Tasks' ObjectDetectorOptions + tracking)."""

from __future__ import annotations

from dataclasses import dataclass

from frontml.tasks.core.filters import FilterOptions
from frontml.tasks.core.options import check_choice, check_int, check_unit

# Model ids (models/catalog.py). centernet / nanodet: all 80 COCO classes (the first is the
# default: measured best on the package photos); objectron_ssd: 23 everyday Open Images classes.
MODELS = ("centernet", "nanodet", "objectron_ssd")
NMS_MODES = ("per_class", "agnostic")


@dataclass(frozen=True)
class DetectorOptions(FilterOptions):
    """How the object detector runs.

    model: "centernet" (COCO-80, default), "nanodet" (COCO-80) or "objectron_ssd" (23 Open
        Images classes).
    max_results / score_threshold / category_allowlist / category_denylist: as MediaPipe's.
    nms: "per_class" (boxes of different classes never suppress each other) or "agnostic".
    iou_threshold: NMS overlap (IoU) above which the lower-scoring box is dropped.
    mirrored: the frame is shown mirrored (selfie camera): boxes are reported in the
        mirrored (displayed) coordinates, so they land on what the user sees.
    tracking: video mode: keep ids across frames (IoU + constant-velocity, SORT-style),
        count per class and report enter/leave events.
    track_iou: IoU between a track's predicted box and a detection needed to match.
    track_max_missed: frames a track survives without a match before it leaves.
    track_min_hits: matches before a track is reported (enters); 1 = at once.
    """

    max_results: int = 20
    score_threshold: float = 0.4
    model: str = "centernet"
    nms: str = "per_class"
    iou_threshold: float = 0.5
    mirrored: bool = False
    tracking: bool = True
    track_iou: float = 0.3
    track_max_missed: int = 5
    track_min_hits: int = 2

    def validate(self) -> None:
        check_choice("model", self.model, MODELS)
        check_choice("nms", self.nms, NMS_MODES)
        check_unit("iou_threshold", self.iou_threshold)
        check_unit("track_iou", self.track_iou)
        check_int("track_max_missed", self.track_max_missed, 0, 1000)
        check_int("track_min_hits", self.track_min_hits, 1, 100)
