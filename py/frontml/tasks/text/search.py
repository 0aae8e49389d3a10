"""A semantic search index: documents + unit embeddings; add/remove, top-k cosine search,
save/load as one portable file (bytes: the page keeps it in IndexedDB, CPython in a file).

File format (little-endian): b"FMLTXIX1", uint32 header length, UTF-8 JSON header
{"format", "version", "backbone", "dim", "ids", "texts", "next_id"}, then len(ids) x dim float32.
"""

from __future__ import annotations

import heapq
import json
import struct
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import mul
from pathlib import Path

from frontml.errors import InputError
from frontml.learn import Backbone
from frontml.learn.vecsearch import MARGIN, VectorBank

MAGIC = b"FMLTXIX1"
FORMAT = "frontml.text.index"
VERSION = 1


@dataclass
class SearchHit:
    id: int
    text: str
    score: float

    def to_json(self) -> dict:
        return {"index": self.id, "text": self.text, "score": round(self.score, 6)}


class SearchIndex:
    def __init__(self, backbone: Backbone, dim: int = 384) -> None:
        self.backbone = backbone
        self.dim = dim
        self._ids: list[int] = []
        self._texts: list[str] = []
        self._vecs: list[array] = []
        self._pos: dict[int, int] = {}
        # float32 mirror for the ONNX search of large indexes (frontml.learn.vecsearch)
        self._bank = VectorBank(lambda: self._vecs, dim)
        self.next_id = 0
        self.revision = 0

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, text: str, vector: Sequence[float], doc_id: int | None = None) -> int:
        if len(vector) != self.dim:
            raise InputError(f"vector has {len(vector)} values, the index holds {self.dim}-d")
        if doc_id is None:
            doc_id = self.next_id
        if doc_id in self._pos:
            raise InputError(f"document id {doc_id} is already in the index")
        self._pos[doc_id] = len(self._ids)
        self._ids.append(doc_id)
        self._texts.append(text)
        self._vecs.append(vector if isinstance(vector, array) else array("f", vector))
        self._bank.append(self._vecs[-1])
        self.next_id = max(self.next_id, doc_id + 1)
        self.revision += 1
        return doc_id

    def remove(self, doc_id: int) -> bool:
        """Remove a document (swap with the last: O(1)); False if it is not there."""
        pos = self._pos.pop(doc_id, None)
        if pos is None:
            return False
        last = len(self._ids) - 1
        if pos != last:
            for seq in (self._ids, self._texts, self._vecs):
                seq[pos] = seq[last]
            self._pos[self._ids[pos]] = pos
        for seq in (self._ids, self._texts, self._vecs):
            seq.pop()
        self._bank.swap_remove(pos)
        self.revision += 1
        return True

    def clear(self) -> None:
        self._ids.clear(), self._texts.clear(), self._vecs.clear(), self._pos.clear()
        self._bank.clear()
        self.revision += 1

    def text(self, doc_id: int) -> str:
        return self._texts[self._pos[doc_id]]

    def documents(self) -> list[tuple[int, str]]:
        return sorted(zip(self._ids, self._texts, strict=True))

    def search(self, query: Sequence[float], k: int = 3) -> list[SearchHit]:
        """Top-k by cosine (vectors are unit length: the dot product); ties by lower id.
        Large indexes go through the ONNX vector search in CPython (same hits and scores);
        the page awaits search_async() for that."""
        q = self._query(query, k)
        cands = self._bank.candidates(q, k + MARGIN) if self._bank.ready() else None
        return self._rank(q, k, cands)

    async def search_async(self, query: Sequence[float], k: int = 3) -> list[SearchHit]:
        """search(), with the ONNX vector search in the page too (only the query crosses the
        bridge: the index's vectors stay on the JS side between queries)."""
        q = self._query(query, k)
        return self._rank(q, k, await self._bank.candidates_async(q, k + MARGIN))

    def _query(self, query: Sequence[float], k: int) -> array:
        if k < 1:
            raise InputError(f"top-k must be >= 1, got {k}")
        if len(query) != self.dim:
            raise InputError(f"query has {len(query)} values, the index holds {self.dim}-d")
        return array("f", query) if not isinstance(query, array) else query

    def _rank(self, q: array, k: int, cands: list[int] | None) -> list[SearchHit]:
        """Exact scores (double sums of float32 products) of the candidates, or of every
        document; the best k, ties by lower id."""
        rows = range(len(self._vecs)) if cands is None else cands
        scores = {i: sum(map(mul, q, self._vecs[i])) for i in rows}
        best = heapq.nsmallest(k, scores, key=lambda i: (-scores[i], self._ids[i]))
        return [SearchHit(self._ids[i], self._texts[i], scores[i]) for i in best]

    # ------------------------------------------------------------ persistence

    def to_bytes(self) -> bytes:
        header = json.dumps({"format": FORMAT, "version": VERSION,
                             "backbone": self.backbone.to_json(), "dim": self.dim,
                             "ids": self._ids, "texts": self._texts,
                             "next_id": self.next_id}).encode()
        flat = array("f")
        for v in self._vecs:
            flat.extend(v)
        if sys.byteorder != "little":
            flat.byteswap()
        return MAGIC + struct.pack("<I", len(header)) + header + flat.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, backbone: Backbone | None = None) -> SearchIndex:
        data = bytes(data)
        if data[:8] != MAGIC:
            raise InputError("not a frontml text index file (bad magic)")
        (n,) = struct.unpack("<I", data[8:12])
        try:
            header = json.loads(data[12:12 + n])
        except ValueError as exc:
            raise InputError(f"text index header is not valid JSON: {exc}") from None
        if header.get("format") != FORMAT or header.get("version") != VERSION:
            raise InputError(f"unsupported text index {header.get('format')} "
                             f"v{header.get('version')}")
        b = header["backbone"]
        saved = Backbone(b["model_id"], b.get("sha256", ""), b.get("dim", 0), b.get("output", ""),
                         b.get("metric", "cosine"))
        if backbone is not None:
            backbone.check(saved, "the index's vectors")
        dim, ids, texts = header["dim"], header["ids"], header["texts"]
        flat = array("f")
        flat.frombytes(data[12 + n:])
        if sys.byteorder != "little":
            flat.byteswap()
        if len(flat) != dim * len(ids) or len(texts) != len(ids):
            raise InputError(f"text index is truncated: {len(flat)} values for {len(ids)} "
                             f"documents of {dim}")
        index = cls(backbone or saved, dim)
        for k, (doc_id, text) in enumerate(zip(ids, texts, strict=True)):
            index.add(text, flat[k * dim:(k + 1) * dim], doc_id)
        index.next_id = header.get("next_id", index.next_id)
        return index

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: str | Path, backbone: Backbone | None = None) -> SearchIndex:
        return cls.from_bytes(Path(path).read_bytes(), backbone)

    async def add_texts(self, embedder, texts: Iterable[str],
                        progress: Callable[[int, int], object] | None = None) -> list[int]:
        """Embed and add texts (ids in order); progress(done, total) after each text."""
        texts = list(texts)
        vectors = await embedder.embed_many(texts, progress=progress)
        return [self.add(t, v) for t, v in zip(texts, vectors, strict=True)]
