"""Task modules. Each has the same life-cycle: create(options) -> process(frame, ts) -> close()."""
