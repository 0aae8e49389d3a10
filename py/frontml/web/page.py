"""The scaffolding every demo page shares: model loading with a progress bar, the camera (or a
file) as the frame source, the frame loop with per-stage timings, the HUD and error banner.

A page's own Python only writes `step(frame, timer)`: run the task, draw, return results.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import js
from pyodide.ffi import JsException, create_once_callable, create_proxy, to_js

from frontml.errors import FrontmlError
from frontml.models import load_session
from frontml.runtime import Session
from frontml.runtime.js_glue import glue
from frontml.timing import StageTimer
from frontml.web.frames import CanvasFrame, grab

Step = Callable[[CanvasFrame, StageTimer], Awaitable[dict]]


def query_param(name: str, default: str = "") -> str:
    params = js.URLSearchParams.new(js.location.search)
    # JS null arrives as pyodide's jsnull, not None: ask has() instead.
    return str(params.get(name)) if params.has(name) else default


def to_plain_js(obj):
    """Python dict/list results -> plain JS objects (not proxies), for window.frontml.results."""
    return to_js(obj, dict_converter=js.Object.fromEntries)


class Page:
    def __init__(self) -> None:
        self.doc = js.document
        self.video = self.doc.getElementById("video")
        self.overlay = self.doc.getElementById("overlay")
        self.progress = self.doc.getElementById("progress")
        self.provider = query_param("provider", "wasm")
        self.timer = StageTimer()
        self.glue = None
        self._loop = None
        self._step_proxy = None
        self._grab_canvas = None
        self._last_time = None
        self._fps = 0.0
        self.source = None
        self._listeners = []

    async def init(self) -> Page:
        self.glue = await glue()
        self.glue.setWarpBackend(query_param("warp", "webgl"))  # ?warp=canvas: 2D canvas
        return self

    # ------------------------------------------------------------ errors and progress
    def error(self, message: str) -> None:
        self.glue.showError(message)

    def progress_bar(self, model_id: str, loaded: int, total: int) -> None:
        """A `frontml.models.Progress` callback that drives the page's progress bar."""
        self.glue.setProgress(self.progress, f"Loading {model_id}", loaded, total)

    async def load_models(self, *model_ids: str) -> dict[str, Session] | None:
        """Load models with the progress bar; on failure show the named error, return None."""
        sessions = {}
        try:
            for model_id in model_ids:
                sessions[model_id] = await load_session(
                    model_id, provider=self.provider, progress=self.progress_bar
                )
        except FrontmlError as exc:
            self.error(str(exc))
            return None
        finally:
            if self.progress is not None:
                self.progress.hidden = True
        return sessions

    async def replace_task(self, old, create: Callable[..., Awaitable], options, *,
                           keep_last: bool = False):
        """Close `old` (if any) and create a task with the progress bar; on failure show the
        named error and return None. keep_last: the task's landmark session keeps its last
        inputs/outputs (debug pages publish them)."""
        if old is not None:
            old.close()
        try:
            task = await create(options, progress=self.progress_bar)
        except FrontmlError as exc:
            self.error(str(exc))
            return None
        finally:
            if self.progress is not None:
                self.progress.hidden = True
        if keep_last and getattr(task, "landmarker", None) is not None:
            task.landmarker.keep_last = True
        return task

    def debug_payload(self, frame: CanvasFrame, task=None) -> dict:
        """What `?debug=1` pages publish so tests can run CPython on exactly the same pixels:
        the frame, and the landmark model's last input and output when the task keeps them."""
        out = {"frame_b64": self.glue.toBase64(self.glue.pixels(frame.canvas))}
        session = getattr(task, "landmarker", None)
        if session is not None and session.last is not None:
            feeds, outputs = session.last
            out["landmark_input_b64"] = self.glue.toBase64(to_js(feeds["image"].data))
            out["landmark_output"] = list(outputs["landmarks"].data)
        return out

    # ------------------------------------------------------------ sources
    async def open_camera(self, width: int = 640, height: int = 480) -> bool:
        """Start the camera; on failure show why and return False (the page stays usable)."""
        try:
            await self.glue.openCamera(self.video, width, height)
        except JsException as exc:
            self.error(str(exc.js_error.message))
            return False
        self.source = self.video
        return True

    async def open_image_url(self, url: str) -> None:
        self.source = await self.glue.loadImageUrl(url)

    def on_file_input(self, step: Step, element_id: str = "file") -> None:
        """Process the file a user picks in <input type=file id=element_id> with `step`."""

        async def changed(event):
            files = event.target.files
            if files.length:
                await self.open_file(files.item(0))
                self.run(step)

        self._listeners.append(create_proxy(changed))  # lives as long as the page
        self.doc.getElementById(element_id).addEventListener("change", self._listeners[-1])

    async def open_file(self, file) -> None:
        """A user's file: a video plays in a loop, an image is processed once."""
        try:
            if str(file.type).startswith("video/"):
                await self.glue.openVideoFile(self.video, file)
                self.source = self.video
            else:
                self.source = await self.glue.loadImageFile(file)
            self.glue.clearError()
        except JsException as exc:
            self.error(str(exc.js_error.message))

    # ------------------------------------------------------------ the loop
    def grab(self, timestamp_ms: float) -> CanvasFrame | None:
        start = time.perf_counter()
        frame = grab(self.source, self._grab_canvas, timestamp_ms)
        if frame is not None:
            self._grab_canvas = frame.canvas
            self.timer.add("grab", (time.perf_counter() - start) * 1000.0)
        return frame

    async def process_once(self, step: Step, timestamp_ms: float | None = None) -> dict | None:
        """Grab one frame, run `step`, update the HUD and publish the results."""
        self.timer.reset()
        ts = js.performance.now() if timestamp_ms is None else timestamp_ms
        frame = self.grab(ts)
        if frame is None:
            return None
        start = time.perf_counter()
        results = await step(frame, self.timer)
        total = (time.perf_counter() - start) * 1000.0 + self.timer.ms.get("grab", 0.0)
        now = time.perf_counter()
        if self._last_time is not None:
            dt = now - self._last_time
            self._fps = 0.9 * self._fps + 0.1 / dt if self._fps else 1.0 / dt
        self._last_time = now
        stats = dict(self.timer.ms)
        stats["total"] = total
        # Python's share: everything but the awaited inference and the canvas grab.
        python_ms = total - stats.get("infer", 0.0) - stats.get("grab", 0.0)
        stats["python %"] = 100.0 * python_ms / total if total else 0.0
        stats["fps"] = self._fps
        self.glue.updateHud(to_plain_js(stats))
        self.glue.publish(to_plain_js(results))
        return results

    def run(self, step: Step) -> None:
        """Run `step` on every new video frame (dropping frames while busy), or once for an
        image source."""
        self.stop()

        async def tick(_now=None):
            try:
                await self.process_once(step)
            except Exception as exc:
                self.error(f"{type(exc).__name__}: {exc}")
                raise

        if self.source is self.video:
            # One long-lived proxy per loop (not one per frame), destroyed in stop().
            self._step_proxy = create_proxy(tick)
            self._loop = self.glue.startLoop(self.video, self._step_proxy)
        else:
            js.setTimeout(create_once_callable(tick), 0)

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.stop()
            self._loop = None
        if self._step_proxy is not None:
            self._step_proxy.destroy()
            self._step_proxy = None

    def ready(self) -> None:
        js.frontml.ready = True
