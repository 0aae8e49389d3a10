"""An IoU tracker with constant-velocity prediction (SORT-style, without the Kalman filter):
stable ids, per-class counts, enter/leave events.

Not a MediaPipe port (MediaPipe's box tracker follows image features; none of the anchors
tracks detections). Each frame: predict every track's box from its velocity, match
detections of the same label to tracks greedily by IoU (highest first), start tracks for
the unmatched, drop tracks missed for more than `max_missed` frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[float, float, float, float]  # x, y, width, height (normalised)


def iou(a: Box, b: Box) -> float:
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = min(ax2, bx2) - max(a[0], b[0])
    ih = min(ay2, by2) - max(a[1], b[1])
    if iw <= 0.0 or ih <= 0.0:
        return 0.0
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0.0 else 0.0


def match_score(predicted: Box, box: Box, iou_threshold: float) -> float:
    """IoU when it passes the threshold; otherwise a small score (below any IoU match) for
    boxes of similar size whose centres are less than half a box apart: thin or fast
    objects (a pole, a new track with no velocity yet) can move past IoU overlap in a frame."""
    o = iou(predicted, box)
    if o >= iou_threshold:
        return o
    pw, ph, bw, bh = predicted[2], predicted[3], box[2], box[3]
    if min(pw, bw) < 0.5 * max(pw, bw) or min(ph, bh) < 0.5 * max(ph, bh):
        return 0.0
    dx = (predicted[0] + pw / 2) - (box[0] + bw / 2)
    dy = (predicted[1] + ph / 2) - (box[1] + bh / 2)
    reach = 0.5 * max(pw, ph, bw, bh)
    dist = (dx * dx + dy * dy) ** 0.5
    return iou_threshold * 0.5 * (1.0 - dist / reach) if dist < reach else 0.0


@dataclass
class Track:
    id: int
    label: str
    box: Box
    score: float
    velocity: tuple[float, float] = (0.0, 0.0)  # centre motion per frame
    hits: int = 1
    missed: int = 0
    confirmed: bool = False

    def predicted(self) -> Box:
        x, y, w, h = self.box
        return (x + self.velocity[0], y + self.velocity[1], w, h)


@dataclass
class TrackEvent:
    kind: str  # "enter" | "leave"
    id: int
    label: str
    timestamp_ms: float

    def to_json(self) -> dict:
        return {"event": self.kind, "id": self.id, "label": self.label,
                "timestamp_ms": self.timestamp_ms}


@dataclass
class TrackerUpdate:
    """assignments[i] = track id of detection i (None: not reported yet)."""

    assignments: list[int | None]
    events: list[TrackEvent] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class IouTracker:
    def __init__(self, iou_threshold: float = 0.3, max_missed: int = 5, min_hits: int = 2,
                 velocity_smoothing: float = 0.5) -> None:
        self.iou_threshold = iou_threshold
        self.max_missed = max_missed
        self.min_hits = min_hits
        self.beta = velocity_smoothing
        self.tracks: list[Track] = []
        self.next_id = 1

    def reset(self) -> None:
        self.tracks = []
        self.next_id = 1

    def update(self, detections: list[tuple[str, Box, float]],
               timestamp_ms: float = 0.0) -> TrackerUpdate:
        """detections: (label, box, score). Returns ids per detection, events, counts."""
        pairs = []
        for ti, t in enumerate(self.tracks):
            p = t.predicted()
            for di, (label, box, _) in enumerate(detections):
                if label == t.label:
                    o = match_score(p, box, self.iou_threshold)
                    if o > 0.0:
                        pairs.append((o, ti, di))
        pairs.sort(reverse=True)
        track_of: dict[int, int] = {}
        used_tracks: set[int] = set()
        for _, ti, di in pairs:
            if ti not in used_tracks and di not in track_of:
                used_tracks.add(ti)
                track_of[di] = ti
        events: list[TrackEvent] = []
        assignments: list[int | None] = [None] * len(detections)
        for di, (label, box, score) in enumerate(detections):
            ti = track_of.get(di)
            if ti is None:
                t = Track(self.next_id, label, box, score)
                self.next_id += 1
                self.tracks.append(t)
            else:
                t = self.tracks[ti]
                vx = (box[0] + box[2] / 2) - (t.box[0] + t.box[2] / 2)
                vy = (box[1] + box[3] / 2) - (t.box[1] + t.box[3] / 2)
                b = self.beta
                t.velocity = (b * t.velocity[0] + (1 - b) * vx, b * t.velocity[1] + (1 - b) * vy)
                t.box, t.score = box, score
                t.hits += 1
                t.missed = 0
            if not t.confirmed and t.hits >= self.min_hits:
                t.confirmed = True
                events.append(TrackEvent("enter", t.id, t.label, timestamp_ms))
            if t.confirmed:
                assignments[di] = t.id
        touched = {id(self.tracks[ti]) for ti in used_tracks}
        touched.update(id(t) for t in self.tracks[len(self.tracks) - self._created(track_of,
                                                                                  detections):])
        alive = []
        for t in self.tracks:
            if id(t) not in touched:
                t.missed += 1
                t.box = t.predicted()  # coast along the last velocity while unseen
                if t.missed > self.max_missed:
                    if t.confirmed:
                        events.append(TrackEvent("leave", t.id, t.label, timestamp_ms))
                    continue
            alive.append(t)
        self.tracks = alive
        counts: dict[str, int] = {}
        for t in alive:
            if t.confirmed:
                counts[t.label] = counts.get(t.label, 0) + 1
        return TrackerUpdate(assignments, events, counts)

    @staticmethod
    def _created(track_of: dict[int, int], detections: list) -> int:
        """How many tracks this frame started (appended at the end of the list)."""
        return len(detections) - len(track_of)
