"""Actions that move: a ~1 s window of landmarks -> one vector for the same `Classifier`.

```python
window = WindowEmbedder(points=POSE_UPPER_BODY)    # BlazePose indices; or hand/face ones
clf = Classifier(window.backbone, head="knn")      # euclidean, own file identity
vec = window.push(pose_xy, timestamp_ms)           # per frame; None until the window is full
if vec is not None:
    clf.add("wave", vec)  /  clf.predict(vec)
```

The vector: the window's landmarks centred on their mean and divided by their spread (so body
size and place do not matter), resampled at `steps` even times (the shape of the motion), plus
per point the range of movement on each axis and the mean speed (spread units per second), the
last two weighted by `motion_weight` so a still pose and a wave differ even when they look the
same in one frame.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

from frontml.learn.backbone import Backbone

# BlazePose: nose, shoulders, elbows, wrists, hips
POSE_UPPER_BODY = (0, 11, 12, 13, 14, 15, 16, 23, 24)
Point = Sequence[float]


class WindowEmbedder:
    def __init__(self, points: Sequence[int] | None = POSE_UPPER_BODY, window_ms: float = 1000.0,
                 steps: int = 8, dims: int = 2, min_frames: int = 5, motion_weight: float = 2.0,
                 name: str = "pose") -> None:
        if steps < 2 or dims not in (2, 3) or min_frames < 2:
            raise ValueError("need steps >= 2, dims 2 or 3, min_frames >= 2")
        self.points = tuple(points) if points is not None else None
        self.window_ms = float(window_ms)
        self.steps = steps
        self.dims = dims
        self.min_frames = min_frames
        self.motion_weight = motion_weight
        self.name = name
        self._frames: deque[tuple[float, list[tuple[float, ...]]]] = deque()

    def dim(self, n_points: int) -> int:
        return n_points * (self.steps * self.dims + self.dims + 1)

    @property
    def backbone(self) -> Backbone:
        n = len(self.points) if self.points is not None else 0
        recipe = (f"frontml.temporal.{self.name}/1:w{self.window_ms:g}ms,s{self.steps},"
                  f"d{self.dims},m{self.motion_weight:g},p{','.join(map(str, self.points or ()))}")
        return Backbone(recipe, dim=self.dim(n) if n else 0, metric="euclidean")

    def reset(self) -> None:
        self._frames.clear()

    def _select(self, landmarks: Sequence) -> list[tuple[float, ...]]:
        pts = [landmarks[i] for i in self.points] if self.points is not None else list(landmarks)
        out = []
        for p in pts:
            coords = (p.x, p.y, getattr(p, "z", 0.0)) if hasattr(p, "x") else tuple(p) + (0.0,) * 3
            out.append(tuple(float(c) for c in coords[:self.dims]))
        return out

    def push(self, landmarks: Sequence, timestamp_ms: float) -> tuple[float, ...] | None:
        """Add one frame's landmarks (objects with x/y[/z] or tuples); returns the window's
        vector once it spans most of `window_ms` with `min_frames` frames, else None.
        A timestamp that goes backwards (a looped video) or jumps past the window restarts."""
        t = float(timestamp_ms)
        if self._frames:
            last = self._frames[-1][0]
            if t <= last:
                if t < last:
                    self.reset()
                else:
                    return None  # the same frame twice
            elif t - last > self.window_ms:
                self.reset()
        self._frames.append((t, self._select(landmarks)))
        while self._frames and t - self._frames[0][0] > self.window_ms:
            self._frames.popleft()
        span = t - self._frames[0][0]
        if len(self._frames) < self.min_frames or span < 0.8 * self.window_ms:
            return None
        return self.embed(list(self._frames))

    def embed(self, frames: Sequence[tuple[float, Sequence]]) -> tuple[float, ...]:
        """The vector of a whole recorded window [(timestamp_ms, landmarks), ...]."""
        if len(frames) < 2:
            raise ValueError("a window needs at least 2 frames")
        seq = [(float(t), pts if isinstance(pts, list) and pts and isinstance(pts[0], tuple)
                else self._select(pts)) for t, pts in frames]
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
        out: list[float] = []
        k = 0
        for s in range(self.steps):  # resample at even times (linear interpolation)
            ts = t0 + (t1 - t0) * s / (self.steps - 1)
            while k < len(norm) - 2 and norm[k + 1][0] < ts:
                k += 1
            (ta, pa), (tb, pb) = norm[k], norm[k + 1]
            w = 0.0 if tb == ta else min(1.0, max(0.0, (ts - ta) / (tb - ta)))
            for j in range(n_pts):
                out.extend(pa[j][a] + w * (pb[j][a] - pa[j][a]) for a in range(d))
        mw = self.motion_weight
        seconds = max((t1 - t0) / 1000.0, 1e-3)
        for j in range(n_pts):
            for a in range(d):
                vals = [p[j][a] for _, p in norm]
                out.append(mw * (max(vals) - min(vals)))
            path = sum(math.dist(norm[i][1][j], norm[i + 1][1][j]) for i in range(len(norm) - 1))
            out.append(mw * path / seconds / 10.0)  # ~ spread units per 100 ms
        return tuple(out)
