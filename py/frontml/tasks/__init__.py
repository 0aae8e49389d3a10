"""Task modules. Each has the same life-cycle: create(options) -> process(frame, ts) -> close().

    task = await frontml.tasks.create("pose", {"model": "full"})
"""

from frontml.tasks.registry import create, make_options, names, options_class, register

__all__ = ["create", "make_options", "names", "options_class", "register"]
