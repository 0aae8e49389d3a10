"""The task core: option validation, the registry, and LandmarkerTask's loop (timestamps,
detect-when-needed, association, tracking loss) on a toy task with a scripted detector."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np
import pytest

from frontml.calculators.types import Detection, NormalizedRect
from frontml.errors import InputError
from frontml.image import ArrayFrame
from frontml.runtime import Session, Tensor, run_sync
from frontml.runtime.session import TensorInfo
from frontml.tasks import registry
from frontml.tasks.core import FrameResult, LandmarkerOptions, Task, TaskOptions
from frontml.tasks.core.landmarker import LandmarkerTask, Track
from frontml.tasks.face import FaceOptions
from frontml.tasks.hands import HandsOptions
from frontml.tasks.pose import PoseOptions
from frontml.tasks.pose.constants import POSE_DETECTION
from frontml.tasks.segmentation import SegmentationOptions

# ------------------------------------------------------------------ options


def test_task_options_validate_shared_fields():
    with pytest.raises(ValueError, match="running_mode"):
        TaskOptions(running_mode="stream")
    with pytest.raises(ValueError, match="provider"):
        TaskOptions(provider="cuda")
    with pytest.raises(ValueError, match="threads"):
        TaskOptions(threads=0)
    with pytest.raises(ValueError, match="min_tracking_confidence"):
        LandmarkerOptions(min_tracking_confidence=1.5)
    with pytest.raises(ValueError, match="min_detection_confidence"):
        LandmarkerOptions(min_detection_confidence=True)


@pytest.mark.parametrize("cls", [PoseOptions, FaceOptions, HandsOptions])
def test_task_options_inherit_the_landmarker_contract(cls):
    assert issubclass(cls, LandmarkerOptions)
    with pytest.raises(ValueError, match="min_presence_confidence"):
        cls(min_presence_confidence=-0.1)
    with pytest.raises(ValueError, match="running_mode"):
        cls(running_mode="live")


def test_task_options_check_their_own_fields():
    assert issubclass(SegmentationOptions, TaskOptions)
    with pytest.raises(ValueError, match="num_hands"):
        HandsOptions(num_hands=5)
    with pytest.raises(ValueError, match="detector"):
        FaceOptions(detector="long")
    with pytest.raises(ValueError, match="model"):
        SegmentationOptions(model="huge")


def test_options_from_string_params():
    opts = HandsOptions.from_params({"num_hands": "3", "smooth_landmarks": "off",
                                     "min_detection_confidence": "0.25"})
    assert (opts.num_hands, opts.smooth_landmarks, opts.min_detection_confidence) == (
        3, False, 0.25)
    with pytest.raises(ValueError, match="unknown option 'hands'"):
        HandsOptions.from_params({"hands": "2"})
    with pytest.raises(ValueError, match="num_hands must be a int"):
        HandsOptions.from_params({"num_hands": "two"})


# ------------------------------------------------------------------ registry


def test_registry_names_and_unknown_task():
    assert {"pose", "face", "hands", "segmentation"} <= set(registry.names())
    with pytest.raises(ValueError, match="unknown task 'posture'; available: pose"):
        run_sync(registry.create("posture"))


def test_registry_options_from_dict_instance_or_none():
    opts = registry.make_options("pose", {"model": "lite", "num_poses": 2})
    assert isinstance(opts, PoseOptions) and (opts.model, opts.num_poses) == ("lite", 2)
    assert registry.make_options("hands") == HandsOptions()
    base = FaceOptions(num_faces=2)
    assert registry.make_options("face", base) is base
    assert registry.make_options("face", base, refine_landmarks=True).num_faces == 2
    with pytest.raises(TypeError):
        registry.make_options("pose", {"no_such_field": 1})


# ------------------------------------------------------------------ LandmarkerTask


def rect(x: float, y: float, size: float = 0.2) -> NormalizedRect:
    return NormalizedRect(x, y, size, size)


def detection_at(x: float, y: float, score: float = 0.9, size: float = 0.2) -> Detection:
    return Detection(score, x - size / 2, y - size / 2, size, size)


class ScriptedDetector:
    """Stands in for SsdDetector: returns the next scripted detections."""

    def __init__(self) -> None:
        self.script: list[list[Detection]] = []
        self.runs = 0

    async def detect(self, frame, timer=None) -> list[Detection]:
        self.runs += 1
        return self.script.pop(0) if self.script else []

    def close(self) -> None:
        pass


class FakeModel(Session):
    backend = "fake"

    def __init__(self) -> None:
        super().__init__("fake", [TensorInfo("image", "uint8", (1, 8, 8, 4))], [])


@dataclass
class ToyItem:
    roi: NormalizedRect
    tracked: bool


@dataclass
class ToyResult(FrameResult):
    items: list


class ToyLandmarker(LandmarkerTask):
    """The "landmark model" reports presence `self.flags.get(x_centre, 1.0)` for a ROI; the next
    ROI is the found ROI moved right by `self.drift`."""

    detection_to_roi_preset = None  # roi_from_detection is overridden
    flag_output = "flag"

    def __init__(self, options: LandmarkerOptions, max_objects: int = 1) -> None:
        super().__init__(options, FakeModel(), FakeModel())
        self.detector = ScriptedDetector()
        self._max = max_objects
        self.flags: dict[float, float] = {}
        self.drift = 0.01

    @classmethod
    def detector_preset(cls, options):
        return POSE_DETECTION

    @property
    def max_objects(self) -> int:
        return self._max

    def roi_from_detection(self, detection, width, height) -> NormalizedRect:
        return rect(detection.xmin + detection.width / 2, detection.ymin + detection.height / 2,
                    detection.width)

    async def run_landmark_model(self, frame, roi, timer):
        self.landmark_runs += 1
        flag = self.flags.get(round(roi.x_center, 3), 1.0)
        return {"flag": Tensor.from_buffer("float32", (1, 1), array("f", [flag]))}, None

    async def landmarks(self, frame, roi, outputs, transform, score, timer):
        return ToyItem(roi, any(roi is t.roi for t in self._tracks))

    def next_roi(self, found, width, height) -> NormalizedRect:
        r = found.roi
        return NormalizedRect(r.x_center + self.drift, r.y_center, r.width, r.height)

    def build_result(self, width, height, items) -> ToyResult:
        return ToyResult(width, height, items)


FRAME = ArrayFrame(np.zeros((100, 100, 3), np.uint8))


def process(task, ts):
    return run_sync(task.process(FRAME, ts))


def test_landmarker_task_meets_the_task_protocol():
    task = ToyLandmarker(LandmarkerOptions(min_tracking_confidence=0.3))
    assert isinstance(task, Task)
    with task as same:
        assert same is task


def test_video_timestamps_must_increase_until_reset():
    task = ToyLandmarker(LandmarkerOptions(running_mode="video"))
    process(task, 10.0)
    with pytest.raises(InputError, match="increasing timestamps"):
        process(task, 10.0)
    task.reset()
    process(task, 5.0)  # a new source after reset()
    still = ToyLandmarker(LandmarkerOptions(running_mode="image"))
    process(still, 10.0)
    process(still, 5.0)  # image mode: every call independent


def test_detector_runs_only_while_fewer_than_max_are_tracked():
    task = ToyLandmarker(LandmarkerOptions(running_mode="video", min_presence_confidence=0.6),
                         max_objects=1)
    task.detector.script = [[detection_at(0.3, 0.5)]]
    first = process(task, 0.0)
    assert [i.tracked for i in first.items] == [False] and task.detector_runs == 1
    for k in range(1, 4):
        result = process(task, 33.0 * k)
        assert [i.tracked for i in result.items] == [True]
        assert result.items[0].roi.x_center == pytest.approx(0.3 + 0.01 * k)
    assert task.detector_runs == 1
    image = ToyLandmarker(LandmarkerOptions(running_mode="image"))
    for k in range(3):
        process(image, float(k))
    assert image.detector_runs == 3


def test_lost_track_means_detect_again_next_frame():
    task = ToyLandmarker(LandmarkerOptions(running_mode="video"))
    task.drift = 0.0
    task.detector.script = [[detection_at(0.3, 0.5)], [], [detection_at(0.6, 0.5)]]
    assert len(process(task, 0.0).items) == 1
    task.flags[0.3] = 0.0
    assert process(task, 33.0).items == []  # tracking lost: nothing this frame
    assert task.detector_runs == 1
    assert process(task, 66.0).items == [] and task.detector_runs == 2  # detects again
    assert [i.roi.x_center for i in process(task, 99.0).items] == [0.6]


def test_presence_gate_uses_tracking_threshold_for_tracked_rois():
    task = ToyLandmarker(LandmarkerOptions(running_mode="video", min_presence_confidence=0.7,
                                           min_tracking_confidence=0.4))
    task.drift = 0.0
    task.flags[0.3] = 0.5
    task.detector.script = [[detection_at(0.3, 0.5)], [detection_at(0.3, 0.5)]]
    assert process(task, 0.0).items == []  # a fresh detection needs presence 0.7
    task.flags[0.3] = 0.9
    assert len(process(task, 33.0).items) == 1
    task.flags[0.3] = 0.5
    assert [i.tracked for i in process(task, 66.0).items] == [True]  # tracked: 0.4 is enough


def test_tracked_first_association_keeps_the_tracked_roi():
    task = ToyLandmarker(LandmarkerOptions(running_mode="video", min_tracking_confidence=0.5,
                                           min_presence_confidence=0.6),
                         max_objects=2)
    task.drift = 0.0
    task.detector.script = [[detection_at(0.3, 0.5)],
                            [detection_at(0.31, 0.5), detection_at(0.7, 0.5)]]
    process(task, 0.0)
    result = process(task, 33.0)
    # the tracked ROI first; the overlapping new detection (IoU > 0.5) is dropped
    assert [(i.roi.x_center, i.tracked) for i in result.items] == [(0.3, True), (0.7, False)]


def test_norm_rect_association_orders_new_then_tracked():
    class NormRect(ToyLandmarker):
        association = "norm_rect"

    task = NormRect(LandmarkerOptions(running_mode="video", min_tracking_confidence=0.5,
                                           min_presence_confidence=0.6),
                    max_objects=2)
    task.drift = 0.0
    task.detector.script = [[detection_at(0.3, 0.5)],
                            [detection_at(0.31, 0.5), detection_at(0.7, 0.5)]]
    process(task, 0.0)
    result = process(task, 33.0)
    # AssociationNormRectCalculator: [new..., tracked...], later wins over overlapping earlier
    assert [(i.roi.x_center, i.tracked) for i in result.items] == [(0.7, False), (0.3, True)]


def test_tracks_that_converge_are_merged():
    task = ToyLandmarker(LandmarkerOptions(running_mode="video", min_tracking_confidence=0.5,
                                           min_presence_confidence=0.6),
                         max_objects=2)
    task.drift = 0.0
    task.detector.script = [[detection_at(0.3, 0.5), detection_at(0.7, 0.5)]]
    assert len(process(task, 0.0).items) == 2
    # next ROIs both land on the same spot: the second track is dropped as a duplicate
    task.next_roi = lambda found, w, h: rect(0.5, 0.5)
    process(task, 33.0)
    assert len(task._tracks) == 1


def test_track_keeps_its_filters():
    task = ToyLandmarker(LandmarkerOptions(running_mode="video"))
    created: list[Track] = []
    original = task.new_track

    def new_track(roi):
        created.append(original(roi))
        return created[-1]

    task.new_track = new_track
    task.detector.script = [[detection_at(0.3, 0.5)]]
    for k in range(3):
        process(task, 33.0 * k)
    assert len(created) == 1 and task._tracks == created
