"""The scaffolding every demo page shares: the task (created through the registry, with a
progress bar), the camera or an image URL or a user's file as the frame source, the frame loop
with per-stage timings, the HUD, the error banner, query parameters bound to controls, and
drawing helpers (MediaPipe's DrawingUtils role). A page script holds only its options, its
`step` and its drawing:

    page = await Page().init("./py/pose.py")          # also shows this source on the page

    async def load():                                 # (re)create the task from the controls
        await page.create_task("pose", {"model": controls["model"],
                                        "smooth_landmarks": controls["smooth"]})

    controls = page.bind_controls("model", "smooth", on_change=load)

    async def step(frame, timer):                     # one frame: run, draw, return JSON
        result = await page.task.process(frame, frame.timestamp_ms, timer)
        with timer.stage("render"):
            page.draw_frame(frame)
            for pose in result.poses:
                page.draw_landmarks(pose.landmarks, result.connections, "#00e676")
        return result.to_json()

    await page.start(step, load=load)

API
- `Page.init(source_url=None)`: load the JS glue; show `source_url`'s text in `#source`.
- `page.param(Param)` (`frontml.web.params`: choice, integer, number, flag...) or
  `page.param(name, default, allowed=None)`: a query parameter through the one validation
  layer; a bad value is named on the page (value, what is allowed) and the default is used.
  `page.debug` (?debug=1), `page.mode` (?mode=video|image), `page.provider`
  (?provider=wasm|webgl|webgpu|auto; default auto, see web/js/ort.js createSessionAuto).
  Parameters the page never reads are named at `ready()`.
- `page.option(element_id)`: a typed page option not in the URL (a number box), checked against
  its own HTML the same way; a bad value is named and the HTML default restored.
- `page.memory()` (also `window.frontml.memory()`): wasm heaps of Pyodide and onnxruntime-web,
  live Python objects, open models, after a gc (soak tests, bench/soak.py).
- `page.bind_controls(*ids, params={id: query name}, on_change=callback)` -> `Controls`:
  query parameters set the controls (validated against the control's own HTML: select options,
  range min/max, checkbox 1/0, colour #rrggbb; a bad value is reported and the default kept);
  changes go back into the URL and call `on_change()` (sync or async).
- `await page.create_task(name, options)`: close the current task, create `name` with
  `frontml.tasks.create` (progress bar; `running_mode` and `provider` default to the page's),
  set `page.task` (None while loading or after a failure, which the page shows).
- `await page.start(step, load=None, file_input="file", on_source=None)`: open ?image=URL or the
  camera, `await load()`, run `step` on every frame (once for an image), wire the file picker
  (`on_source()` runs after a new file opens); always marks the page ready (tests wait for it).
  `step=None`: a page without frames (text, audio) only loads and marks ready. While
  `page.task` is None the loop publishes `{"loading": true}` instead of calling `step`.
- `page.refresh()`: run `step` again on an image source (after a control change).
- `page.listen(element_or_id, event, handler)`: an event handler (sync or async) whose proxy
  lives as long as the page and whose errors go to the banner.
- Drawing: `draw_frame(frame)`, `draw_landmarks(landmarks, connections, colour, radius)`,
  `draw_boxes(boxes, labels, colour)`, `draw_labels(texts, points=None, colour)` (coordinates
  normalised [0, 1] like the results), `draw_mask(mask, w, h, affine=None, logits=False)`;
  `show_result(text)` for the #result line.
- `page.debug_payload(frame, task)`: for ?debug=1, the frame and `task.debug_tensors()` as
  base64 (`frame_b64`, `<name>_b64`): tests run CPython on exactly the same pixels.
- `?debug=1` also sets `window.frontml.feed(source, timestamp_ms, reset)` (a test hook): stop
  the live loop and run `step` on exactly that canvas/image at that timestamp (`reset`: the
  task forgets its tracks first), resolving to the published result, so a test can drive
  video mode frame by frame and compare with CPython on the same frames and timestamps.
- `page.glue`: the JS modules of web/js (one namespace, web/js/frontml.js) for anything else.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import js
from pyodide.ffi import JsException, create_once_callable, create_proxy, to_js

import frontml.models
import frontml.tasks
from frontml.errors import FrontmlError
from frontml.runtime.js_glue import glue
from frontml.tasks.core.options import PROVIDERS, RUNNING_MODES
from frontml.timing import StageTimer
from frontml.web.controls import Controls, control_param, parse_control
from frontml.web.drawing import Drawing
from frontml.web.frames import CanvasFrame, grab, lazy_warps, set_lazy_warps
from frontml.web.params import Param, flag

Step = Callable[[CanvasFrame, StageTimer], Awaitable[dict]]


def query_param(name: str, default: str | None = "") -> str | None:
    params = js.URLSearchParams.new(js.location.search)
    # JS null arrives as pyodide's jsnull, not None: ask has() instead.
    return str(params.get(name)) if params.has(name) else default


def to_plain_js(obj):
    """Python dict/list results -> plain JS objects (not proxies), for window.frontml.results."""
    return to_js(obj, dict_converter=js.Object.fromEntries)


class Page(Drawing):
    def __init__(self) -> None:
        self.doc = js.document
        self.video = self.doc.getElementById("video")
        self.overlay = self.doc.getElementById("overlay")
        self.progress = self.doc.getElementById("progress")
        self.timer = StageTimer()
        self.glue = None
        self.task = None
        self.source = None
        self.debug = query_param("debug") == "1"
        self._step: Step | None = None
        self._loop = None
        self._step_proxy = None
        self._grab_canvas = None
        self._last_time = None
        self._fps = 0.0
        self._uses_task = False
        self._load_lock = asyncio.Lock()  # one model load at a time; the latest request wins
        self._load_seq = 0
        self._feeding = False  # Page.feed (the ?debug=1 test hook) has taken over the frames
        self._in_step = 0  # frames in flight: a replaced task is closed only after them
        self._retired: list = []
        self._listeners = []  # event-handler proxies live as long as the page
        self._known: set[str] = set()  # query parameters this page has read

    async def init(self, source_url: str | None = None) -> Page:
        self.glue = await glue()
        self.debug = self.param(flag("debug"))
        self._memory_proxy = create_proxy(lambda: to_plain_js(self.memory()))
        js.frontml.memory = self._memory_proxy  # soak tests and bench/soak.py read it
        self.glue.setWarpBackend(self.param("warp", "webgl", ("webgl", "canvas")))
        # ?grab=cpu|canvas|frame: one frame path for every frame instead of the per-frame
        # choice (web/js/frames.js), for benchmarks and browsers where one is better
        self.glue.setGrabMode(self.param("grab", "auto", ("auto", "cpu", "yuv", "canvas", "frame")))
        self.provider = self.param("provider", "auto", PROVIDERS)
        self.glue.setWasmProxy(self.param(flag("proxy")))  # ORT in a worker (bench/responsive.py)
        # ?gpuinput=auto|1|0: webgpu sessions get crops warped on ORT's WebGPU device, fed
        # without a CPU round trip (web/js/warp_webgpu.js); 0: the CPU path. Crops stay lazy
        # only where a webgpu session may run (elsewhere the warp stays in the "pre" stage).
        gpu_input = self.param("gpuinput", "auto", ("auto", "1", "0"))
        self.glue.setGpuInput(gpu_input)
        set_lazy_warps(gpu_input != "0" and (
            self.provider == "webgpu" or self.provider == "auto" and (
                gpu_input == "1" or bool(await self.glue.hardwareWebGpu()))))
        self.param(flag("ortwarm", True))  # read by web/js/boot.js (0: no early ORT start-up)
        self.mode = self.param("mode", "video", RUNNING_MODES)
        if source_url:
            await self.glue.showSource(source_url, self.doc.getElementById("source"))
        return self

    # ------------------------------------------------------------ errors and parameters
    def error(self, message: str) -> None:
        self.glue.showError(message)

    def param(self, name: str | Param, default: str = "",
              allowed: Sequence[str] | None = None) -> Any:
        """Query parameter `name` checked by the one validation layer (frontml.web.params):
        pass a `Param` (typed value back) or a name, default and optional allowed values (a
        string back). A bad value is reported in the error area and the default is used."""
        spec = name if isinstance(name, Param) else (
            Param(name, default, "choice", allowed=tuple(allowed)) if allowed is not None
            else Param(name, default))
        self._known.add(spec.name)
        value, problem = spec.check(query_param(spec.name, None))
        if problem:
            self.error(problem)
        return value

    def option(self, element_id: str) -> Any:
        """The typed value of page option `element_id` (an <input>/<select> not bound to the
        URL), checked against its own HTML like a bound control; a bad value (typed number out
        of range, empty) is named in the error area and the HTML default is used and restored."""
        element = self.doc.getElementById(element_id)
        spec = control_param(element, element_id)
        if spec.kind in ("bool", "choice"):  # the element itself allows nothing else
            return spec.parse(spec.default)
        default = str(element.defaultValue)  # the value in the HTML
        spec = Param(spec.name, default, spec.kind, spec.allowed, spec.low, spec.high)
        raw = str(element.value)
        try:
            return spec.parse(raw)
        except ValueError:
            self.error(spec.message(raw, label=f"{element_id} = "))
            element.value = default
            return spec.parse(default)

    def listen(self, element, event: str, handler: Callable) -> None:
        """addEventListener with a proxy that lives as long as the page; `element` may be an id.
        An async handler runs as a task; its errors are shown on the page."""
        if isinstance(element, str):
            element = self.doc.getElementById(element)
        self._listeners.append(create_proxy(self._guarded(handler)))
        element.addEventListener(event, self._listeners[-1])

    def _guarded(self, handler: Callable) -> Callable:
        """Errors in a handler go to the banner, not to an uncaught traceback. A plain function
        stays synchronous (a click that starts a download must run inside the click)."""
        if not inspect.iscoroutinefunction(handler):
            def run_sync(*args):
                try:
                    return handler(*args)
                except Exception as exc:
                    self.error(f"{type(exc).__name__}: {exc}")

            return run_sync

        async def run(*args):
            try:
                await handler(*args)
            except Exception as exc:
                self.error(f"{type(exc).__name__}: {exc}")

        return run

    def bind_controls(self, *ids: str, params: dict[str, str] | None = None,
                      on_change: Callable | None = None) -> Controls:
        """Query parameters -> controls (validated), controls -> URL; see the module doc."""
        names = {i: (params or {}).get(i, i) for i in ids}
        elements = {i: self.doc.getElementById(i) for i in ids}
        controls = Controls(elements, names,
                            lambda values: self.glue.setQuery(to_plain_js(values)))
        for control_id, element in elements.items():
            spec = control_param(element, names[control_id])
            self._known.add(spec.name)
            raw = query_param(spec.name, None)
            if raw is not None:
                value, allowed = parse_control(element, raw, spec.name)
                if allowed is not None:
                    self.error(spec.message(raw))
                elif isinstance(value, bool):
                    element.checked = value
                else:
                    element.value = value
            controls.show_value(control_id)

            async def changed(*_, control_id=control_id):
                controls.changed(control_id)
                if on_change is not None:
                    out = on_change()
                    if inspect.isawaitable(out):
                        await out
                self.refresh()  # an image is processed once: again, with the new setting

            self.listen(element, "change", changed)
        return controls

    def memory(self) -> dict:
        """What this page holds, after a full garbage collection: Pyodide's and
        onnxruntime-web's wasm heaps (bytes of linear memory), live Python objects, and how
        many models `frontml.models.PROVIDERS_USED` lists (only those of open sessions)."""
        import gc

        import pyodide_js

        gc.collect()
        module = getattr(pyodide_js, "_module", None)
        heap = module.HEAPU8.buffer if module else None
        return {"pyodide_wasm": int(heap.byteLength) if heap else None,
                "ort_wasm": int(self.glue.wasmMemoryBytes(heap)),
                "py_objects": len(gc.get_objects()),
                "providers_used": len(frontml.models.PROVIDERS_USED)}

    # ------------------------------------------------------------ the task
    def progress_bar(self, model_id: str, loaded: int, total: int) -> None:
        """A `frontml.models.Progress` callback that drives the page's progress bar."""
        self.glue.setProgress(self.progress, f"Loading {model_id}", loaded, total)

    async def create_task(self, name: str, options: dict | Any = None):
        """Replace `page.task` by task `name` (see the module doc); returns the task in use.

        Changes are serialised and the latest wins (issue #18): a request made while another
        loads waits, and is dropped if a newer one arrives meanwhile; the previous task keeps
        running until the new one is ready, and is closed only once no frame is using it; a
        failed load leaves the previous task running and says why."""
        self._uses_task = True
        self._load_seq += 1
        seq = self._load_seq
        async with self._load_lock:
            if seq != self._load_seq:  # superseded while waiting: skip the load entirely
                return self.task
            if options is None or isinstance(options, dict):
                options = {"running_mode": self.mode, "provider": self.provider,
                           **(options or {})}
            try:
                new = await frontml.tasks.create(name, options, progress=self.progress_bar)
            except (FrontmlError, ValueError) as exc:
                kept = "; the previous model keeps running" if self.task is not None else ""
                self.error(f"{exc}{kept}")
                return self.task
            finally:
                if self.progress is not None:
                    self.progress.hidden = True
            if seq != self._load_seq:  # a newer request came while this one loaded
                new.close()
                return self.task
            old, self.task = self.task, new
            self._retire(old)
            self.show_backend()
            return new

    def _retire(self, task) -> None:
        """Close a replaced task now, or after the frame that is still using it."""
        if task is None:
            return
        if self._in_step:
            self._retired.append(task)
        else:
            task.close()

    def show_backend(self) -> None:
        """The execution provider of each loaded model in the HUD ("backend") and in
        `window.frontml.providers` (how it was chosen: forced by ?provider=, measured, or
        remembered from an earlier measurement on this device)."""
        from frontml.models import PROVIDERS_USED

        kinds = sorted({u["provider"] for u in PROVIDERS_USED.values()})
        how = sorted({PROVIDERS_USED[m]["how"] for m in PROVIDERS_USED})
        # ?gpuinput: webgpu models get their crops GPU-resident (web/js/warp_webgpu.js)
        gpu_in = ", GPU input" if lazy_warps() and "webgpu" in kinds else ""
        self.glue.setProviders(f"{'+'.join(kinds)} ({'/'.join(how)}){gpu_in}",
                               to_plain_js(PROVIDERS_USED))

    def debug_payload(self, frame: CanvasFrame, task=None) -> dict:
        """What `?debug=1` pages publish so tests can run CPython on exactly the same pixels:
        the frame and the task's debug tensors (its last model inputs/outputs)."""
        out = {"frame_b64": self.glue.toBase64(self.glue.pixels(frame.canvas))}
        task = task if task is not None else self.task
        for name, tensor in (task.debug_tensors() if task is not None else {}).items():
            out[f"{name}_b64"] = self.glue.toBase64(to_js(tensor.data))
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

    async def open_image_url(self, url: str) -> bool:
        try:
            where = js.URL.new(url, js.location.href)
            local = (str(where.protocol) in ("data:", "blob:")  # in the page: no request
                     or str(where.origin) == str(js.location.origin))
        except JsException:  # not a URL at all
            local = False
        if not local:  # another site: the CSP would block it anyway
            self.error(f"?image={url!r} is not allowed (an image on this site: "
                       f"{js.location.origin}/..., or a data: URL); keeping the default, "
                       "the camera")
            return False
        try:
            self.source = await self.glue.loadImageUrl(url)
        except JsException as exc:
            self.error(f"?image={url!r} could not be opened ({exc.js_error.message}); "
                       "allowed: the URL of an image on this site; keeping the default, "
                       "the camera")
            return False
        return True

    async def open_file(self, file) -> bool:
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
            return False
        return True

    def on_file_input(self, step: Step, element_id: str = "file",
                      on_source: Callable[[], None] | None = None) -> None:
        """Process the file a user picks in <input type=file id=element_id> with `step`."""

        async def changed(event):
            files = event.target.files
            if files.length and await self.open_file(files.item(0)):
                if on_source is not None:
                    on_source()
                self.run(step)

        self.listen(element_id, "change", changed)

    # ------------------------------------------------------------ the loop
    async def start(self, step: Step | None, load: Callable[[], Awaitable] | None = None, *,
                    file_input: str | None = "file",
                    on_source: Callable[[], None] | None = None) -> None:
        """Open the source (?image=URL or the camera), load, run `step`; always mark ready.
        step=None (a page without frames, e.g. text): only load and mark ready."""
        if step is not None:
            self._step = step
            if self.debug:
                self._listeners.append(create_proxy(self.feed))
                js.frontml.feed = self._listeners[-1]
        try:
            if step is not None and file_input and self.doc.getElementById(file_input):
                self.on_file_input(step, file_input, on_source)
            self._known.add("image")
            url = query_param("image")
            if step is None:
                pass
            elif not (url and await self.open_image_url(url)):
                # a bad ?image= is named and the page runs on its default source, the camera;
                # on failure the page says why and files still work
                await self.open_camera()
            if load is not None:
                await load()
            if step is not None and self.source is not None:
                self.run(step)
        finally:
            self.ready()

    async def grab(self, timestamp_ms: float) -> CanvasFrame | None:
        start = time.perf_counter()
        frame = await grab(self.source, self._grab_canvas, timestamp_ms)
        if frame is not None:
            if not hasattr(frame.canvas, "displayWidth"):  # a canvas copy, reused; not a VideoFrame
                self._grab_canvas = frame.canvas
            self.timer.add("grab", (time.perf_counter() - start) * 1000.0)
        return frame

    async def process_once(self, step: Step, timestamp_ms: float | None = None) -> dict | None:
        """Grab one frame, run `step`, update the HUD and publish the results."""
        if self._uses_task and self.task is None:  # loading, or it failed (the page says so)
            self.glue.publish(to_plain_js({"loading": True}))
            return None
        self.timer.reset()
        ts = js.performance.now() if timestamp_ms is None else timestamp_ms
        frame = await self.grab(ts)
        if frame is None:
            return None
        start = time.perf_counter()
        self._in_step += 1
        try:
            results = await step(frame, self.timer)
        finally:
            self._in_step -= 1
            if self._retired and not self._in_step:
                while self._retired:
                    self._retired.pop().close()
                self.show_backend()  # the closed task's models leave the HUD
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

    async def feed(self, source, timestamp_ms: float, reset: bool = False):
        """The ?debug=1 test hook `window.frontml.feed` (see the module doc): one frame from
        `source` at `timestamp_ms` through the page's step, the live loop stopped."""
        self._feeding = True  # a live-loop tick already scheduled must not run on these frames
        self.stop()
        while self._in_step:  # a frame of the live loop still in flight
            await asyncio.sleep(0.01)
        if reset and self.task is not None:
            self.task.reset()
        self.source = source
        return to_plain_js(await self.process_once(self._step, float(timestamp_ms)))

    def run(self, step: Step) -> None:
        """Run `step` on every new video frame (dropping frames while busy), or once for an
        image source."""
        self.stop()
        self._step = step

        async def tick(_now=None):
            if self._feeding:  # the test hook drives the frames now
                return
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

    def refresh(self) -> None:
        """Process an image source again (a video's loop picks changes up by itself)."""
        if self._step is not None and self.source is not None and self.source is not self.video:
            self.run(self._step)

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.stop()
            self._loop = None
        if self._step_proxy is not None:
            self._step_proxy.destroy()
            self._step_proxy = None

    def ready(self) -> None:
        """Mark the page ready (tests wait for it); name query parameters it never read (a typo
        like ?modle=full would otherwise be ignored silently)."""
        if not js.frontml.ready:
            names = js.Array.from_(js.URLSearchParams.new(js.location.search).keys())
            for name in dict.fromkeys(str(n) for n in names):
                if name not in self._known:
                    self.error(f"?{name} is not a parameter of this page (it reads: "
                               f"{', '.join(sorted(self._known))}); ignored")
        js.frontml.ready = True
