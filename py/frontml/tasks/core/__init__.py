"""The shared task core: options, results, the Task contract (and, in time, the shared
detect-then-track landmarker and SSD detector). Every task is built on these."""

from frontml.tasks.core.options import RUNNING_MODES, LandmarkerOptions, TaskOptions
from frontml.tasks.core.result import FrameResult
from frontml.tasks.core.task import Task, TaskBase

__all__ = ["RUNNING_MODES", "FrameResult", "LandmarkerOptions", "Task", "TaskBase",
           "TaskOptions"]
