"""Actions that move: a ~1 s window of landmarks -> one vector for the same `Classifier`.

```python
window = WindowEmbedder(points=POSE_UPPER_BODY)    # BlazePose indices; or hand/face ones
clf = Classifier(window.backbone, head="knn")      # euclidean, own file identity
vec = window.push(pose_xy, timestamp_ms)           # per frame; None until the window is full
if vec is not None:
    clf.add("wave", vec)  /  clf.predict(vec)
```

The vector, per point: where it is on average, how far it moves on each axis (range) and how
fast (path length per second), all in the window's own units: landmarks centred on the window's
mean and divided by its spread, so where the person stands and how big they look do not matter.
None of it depends on the phase of the motion (a wave caught mid-swing or at the turn gives the
same vector) or on the frame rate (speed is measured on the track resampled at `steps` even
times). Range and speed are weighted by `motion_weight`, so a still raised hand and a wave
differ even though they look the same in any one frame. What it cannot tell apart: motions that
differ only in their order (hand to the mouth vs from the mouth), or in direction along the same
path; a whole-body sway counts as motion of every point (the centre is the window's, not each
frame's).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

from frontml.learn.backbone import Backbone

# BlazePose: nose, eyes, ears (a head shake), shoulders, elbows, wrists, hips
POSE_UPPER_BODY = (0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24)
Point = Sequence[float]


class WindowEmbedder:
    def __init__(self, points: Sequence[int] | None = POSE_UPPER_BODY, window_ms: float = 1000.0,
                 steps: int = 10, dims: int = 2, min_frames: int = 4, motion_weight: float = 2.0,
                 name: str = "pose", max_span: float = 3.0,
                 example_hop_ms: float | None = None) -> None:
        if steps < 2 or dims not in (2, 3) or min_frames < 2:
            raise ValueError("need steps >= 2, dims 2 or 3, min_frames >= 2")
        self.points = tuple(points) if points is not None else None
        self.window_ms = float(window_ms)
        self.steps = steps
        self.dims = dims
        self.min_frames = min_frames
        self.motion_weight = motion_weight
        self.name = name
        self.max_span = max(1.0, float(max_span))
        self._frames: deque[tuple[float, list[tuple[float, ...]]]] = deque()
        # recorded examples at least this far apart: consecutive windows share most frames,
        # and examples recorded every frame would make the classifier's automatic threshold
        # (leave-one-out distances) measure one frame's shift, not the action's spread
        self.example_hop_ms = window_ms / 4 if example_hop_ms is None else float(example_hop_ms)
        self._last_example_ms: float | None = None

    def dim(self, n_points: int) -> int:
        return n_points * (2 * self.dims + 1)

    @property
    def backbone(self) -> Backbone:
        n = len(self.points) if self.points is not None else 0
        recipe = (f"frontml.temporal.{self.name}/2:w{self.window_ms:g}ms,s{self.steps},"
                  f"d{self.dims},m{self.motion_weight:g},p{','.join(map(str, self.points or ()))}")
        return Backbone(recipe, dim=self.dim(n) if n else 0, metric="euclidean")

    def reset(self) -> None:
        self._frames.clear()
        self._last_example_ms = None

    def example_due(self, timestamp_ms: float) -> bool:
        """Whether a window ending at `timestamp_ms` should be recorded as an example: the
        first one, then one every `example_hop_ms` (the same spacing on a fast or a slow page,
        so the automatic threshold means the same on both); True marks it recorded."""
        t, last = float(timestamp_ms), self._last_example_ms
        if last is not None and last <= t < last + self.example_hop_ms:
            return False
        self._last_example_ms = t
        return True

    @property
    def n_frames(self) -> int:
        """Frames in the current window."""
        return len(self._frames)

    def _select(self, landmarks: Sequence) -> list[tuple[float, ...]]:
        """The chosen points as (x, y[, z], visibility); tuples and objects without a
        visibility count as fully visible."""
        pts = [landmarks[i] for i in self.points] if self.points is not None else list(landmarks)
        out = []
        for p in pts:
            if hasattr(p, "x"):
                coords = (p.x, p.y, getattr(p, "z", 0.0))
                vis = getattr(p, "visibility", 1.0)
            else:
                coords, vis = tuple(p) + (0.0,) * 3, 1.0
            out.append(tuple(float(c) for c in coords[:self.dims]) + (float(vis),))
        return out

    def push(self, landmarks: Sequence, timestamp_ms: float) -> tuple[float, ...] | None:
        """Add one frame's landmarks (objects with x/y[/z][/visibility] or tuples); returns the
        window's vector once it spans most of `window_ms` with `min_frames` frames, else None.
        On a page too slow for `min_frames` frames a window, the window keeps the last
        `min_frames` frames as long as they span at most `max_span` windows (a slow page still
        sees actions, more coarsely); a timestamp that goes backwards (a looped video) or a
        gap longer than that restarts it."""
        t = float(timestamp_ms)
        longest = self.max_span * self.window_ms
        if self._frames:
            last = self._frames[-1][0]
            if t <= last:
                if t < last:
                    self.reset()
                else:
                    return None  # the same frame twice
            elif t - last > longest:
                self.reset()
        self._frames.append((t, self._select(landmarks)))
        while self._frames and (t - self._frames[0][0] > longest or (
                t - self._frames[0][0] > self.window_ms and len(self._frames) > self.min_frames)):
            self._frames.popleft()
        span = t - self._frames[0][0]
        if len(self._frames) < self.min_frames or span < 0.8 * self.window_ms:
            return None
        return self._embed(list(self._frames))

    def embed(self, frames: Sequence[tuple[float, Sequence]]) -> tuple[float, ...]:
        """The vector of a whole recorded window [(timestamp_ms, landmarks), ...] (the same
        landmarks `push` takes: all of them, `points` picks)."""
        return self._embed([(float(t), self._select(pts)) for t, pts in frames])

    def _embed(self, seq: list[tuple[float, list[tuple[float, ...]]]]) -> tuple[float, ...]:
        if len(seq) < 2:
            raise ValueError("a window needs at least 2 frames")
        n_pts = len(seq[0][1])
        if any(len(p) != n_pts for _, p in seq):
            raise ValueError("every frame needs the same landmarks")
        d = self.dims
        centre = [sum(p[j][a] for _, p in seq for j in range(n_pts)) / (n_pts * len(seq))
                  for a in range(d)]
        spread = math.sqrt(sum((p[j][a] - centre[a]) ** 2 for _, p in seq
                               for j in range(n_pts) for a in range(d)) / (n_pts * len(seq)))
        spread = spread or 1.0
        norm = [(t, [[(pt[a] - centre[a]) / spread for a in range(d)] for pt in p])
                for t, p in seq]
        t0, t1 = norm[0][0], norm[-1][0]
        track: list[list[list[float]]] = []  # resampled at even times (linear interpolation)
        k = 0
        for s in range(self.steps):
            ts = t0 + (t1 - t0) * s / (self.steps - 1)
            while k < len(norm) - 2 and norm[k + 1][0] < ts:
                k += 1
            (ta, pa), (tb, pb) = norm[k], norm[k + 1]
            w = 0.0 if tb == ta else min(1.0, max(0.0, (ts - ta) / (tb - ta)))
            track.append([[pa[j][a] + w * (pb[j][a] - pa[j][a]) for a in range(d)]
                          for j in range(n_pts)])
        # A landmark the model reports as hidden (low visibility) wanders at random: its
        # motion counts less (full weight from visibility 0.75 up, none below 0.25).
        weight = [min(1.0, max(0.0, (sum(p[j][d] for _, p in seq) / len(seq) - 0.25) / 0.5))
                  for j in range(n_pts)]
        mw = self.motion_weight
        seconds = max((t1 - t0) / 1000.0, 1e-3)
        out: list[float] = []
        for j in range(n_pts):
            for a in range(d):
                vals = [p[j][a] for _, p in norm]
                out.append(sum(vals) / len(vals))
                out.append(mw * weight[j] * (max(vals) - min(vals)))
            path = sum(math.dist(track[i][j], track[i + 1][j]) for i in range(self.steps - 1))
            out.append(mw * weight[j] * path / seconds / 10.0)  # ~ spread units per 100 ms
        return tuple(out)
