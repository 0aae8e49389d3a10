"""Timestamps, audio chunks and recorded datasets (stdlib only; runs in the page).

```python
clock = Clock()
t = clock.stamp(performance_now_ms)        # strictly increasing, whatever the source does
chunk = AudioChunk(samples, 16000, t)      # array('f') mono samples; chunk.duration_ms
rec = Recorder()
rec.add_frame(jpeg_bytes, "wave", t)       # or add_clip(chunk, label) / add_row(dict, label)
rec.add_vector(vector, "wave")             #   / add_vector(embedding, label)
data = rec.to_bytes()                      # one zip: dataset.json + files; CPython reads it
Recorder.from_bytes(data).items            # [Item(kind, label, timestamp_ms, ...)]
```

Zip layout: `dataset.json` ({"format": "frontml.dataset", "version": 1, "items": [...]}),
`frames/000001.jpg`, `clips/000002.f32` (little-endian float32 mono), `rows.csv` (rows with a
`label` column), vectors inline in dataset.json.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from array import array
from dataclasses import dataclass, field

from frontml.errors import InputError

FORMAT = "frontml.dataset"
VERSION = 1


class Clock:
    """Monotonic timestamps in ms: a repeated or backwards time becomes last + `step_ms`, so a
    video-mode task never sees time go backwards (MediaPipe's 'timestamp mismatch')."""

    def __init__(self, step_ms: float = 0.001) -> None:
        self.step_ms = step_ms
        self.last: float | None = None

    def stamp(self, timestamp_ms: float) -> float:
        t = float(timestamp_ms)
        if self.last is not None and t <= self.last:
            t = self.last + self.step_ms
        self.last = t
        return t


@dataclass
class AudioChunk:
    samples: array  # array('f'), mono, [-1, 1]
    sample_rate: int
    timestamp_ms: float

    def __post_init__(self) -> None:
        if self.sample_rate <= 0:
            raise InputError(f"sample rate must be positive, got {self.sample_rate}")
        if not isinstance(self.samples, array) or self.samples.typecode != "f":
            self.samples = array("f", self.samples)

    @property
    def duration_ms(self) -> float:
        return 1000.0 * len(self.samples) / self.sample_rate


@dataclass
class Item:
    kind: str                  # "frame" | "clip" | "row" | "vector"
    label: str | None
    timestamp_ms: float | None = None
    data: bytes | None = None  # frame image bytes
    clip: AudioChunk | None = None
    row: dict | None = None
    vector: list[float] | None = None
    meta: dict = field(default_factory=dict)


class Recorder:
    def __init__(self) -> None:
        self.items: list[Item] = []

    def add_frame(self, image: bytes, label: str | None, timestamp_ms: float | None = None,
                  mime: str = "image/jpeg") -> None:
        self.items.append(Item("frame", label, timestamp_ms, data=bytes(image),
                               meta={"mime": mime}))

    def add_clip(self, chunk: AudioChunk, label: str | None) -> None:
        self.items.append(Item("clip", label, chunk.timestamp_ms, clip=chunk))

    def add_row(self, row: dict, label: str | None = None) -> None:
        self.items.append(Item("row", label, row=dict(row)))

    def add_vector(self, vector, label: str | None, timestamp_ms: float | None = None) -> None:
        self.items.append(Item("vector", label, timestamp_ms, vector=[float(v) for v in vector]))

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for it in self.items:
            key = f"{it.kind}:{it.label}"
            out[key] = out.get(key, 0) + 1
        return out

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        manifest = []
        rows = []
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for i, it in enumerate(self.items, start=1):
                entry = {"kind": it.kind, "label": it.label, "timestamp_ms": it.timestamp_ms}
                if it.kind == "frame":
                    ext = {"image/png": "png", "image/webp": "webp"}.get(it.meta.get("mime"),
                                                                         "jpg")
                    entry["file"] = f"frames/{i:06d}.{ext}"
                    z.writestr(entry["file"], it.data or b"")
                elif it.kind == "clip" and it.clip is not None:
                    entry["file"] = f"clips/{i:06d}.f32"
                    entry["sample_rate"] = it.clip.sample_rate
                    samples = array("f", it.clip.samples)
                    if samples.itemsize == 4 and array("H", [1]).tobytes() != b"\x01\x00":
                        samples.byteswap()  # the file is little-endian
                    z.writestr(entry["file"], samples.tobytes())
                elif it.kind == "row":
                    entry["row"] = len(rows)
                    rows.append({**(it.row or {}), "label": it.label})
                else:
                    entry["vector"] = it.vector
                manifest.append(entry)
            if rows:
                names: list[str] = []
                for r in rows:
                    names += [k for k in r if k not in names]
                text = io.StringIO()
                writer = csv.DictWriter(text, fieldnames=names)
                writer.writeheader()
                writer.writerows(rows)
                z.writestr("rows.csv", text.getvalue())
            z.writestr("dataset.json", json.dumps({"format": FORMAT, "version": VERSION,
                                                   "items": manifest}))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Recorder:
        from frontml.data.tables import read_csv

        try:
            z = zipfile.ZipFile(io.BytesIO(data))
            obj = json.loads(z.read("dataset.json"))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise InputError(f"not a frontml dataset file ({exc})") from None
        if obj.get("format") != FORMAT or obj.get("version") != VERSION:
            raise InputError(f"not a frontml dataset file version {VERSION}")
        rows = read_csv(z.read("rows.csv")).rows if "rows.csv" in z.namelist() else []
        out = cls()
        for e in obj["items"]:
            kind, label, ts = e["kind"], e.get("label"), e.get("timestamp_ms")
            if kind == "frame":
                out.items.append(Item(kind, label, ts, data=z.read(e["file"])))
            elif kind == "clip":
                samples = array("f")
                samples.frombytes(z.read(e["file"]))
                if array("H", [1]).tobytes() != b"\x01\x00":
                    samples.byteswap()
                out.add_clip(AudioChunk(samples, int(e["sample_rate"]), ts), label)
            elif kind == "row":
                row = dict(rows[e["row"]])
                row.pop("label", None)
                out.items.append(Item(kind, label, row=row))
            else:
                out.items.append(Item(kind, label, ts, vector=e.get("vector")))
        return out
