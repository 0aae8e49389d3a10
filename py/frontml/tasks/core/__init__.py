"""The shared task core: options, results, the Task contract, the SSD detector and the
detect-then-track landmarker. Every task is built on these."""

from frontml.tasks.core.detector import SsdDetector
from frontml.tasks.core.landmarker import LandmarkerTask, Track
from frontml.tasks.core.options import RUNNING_MODES, LandmarkerOptions, TaskOptions
from frontml.tasks.core.result import FrameResult
from frontml.tasks.core.task import Task, TaskBase

__all__ = ["RUNNING_MODES", "FrameResult", "LandmarkerOptions", "LandmarkerTask", "SsdDetector",
           "Task", "TaskBase", "TaskOptions", "Track"]
