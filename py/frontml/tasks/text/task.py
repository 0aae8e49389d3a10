"""The text task: offensive score (pure Python, every keystroke) + sentiment (MiniLM embedding +
head), notes; embeddings for similarity, search and few-shot classes (frontml.learn)."""

from __future__ import annotations

import time
from array import array
from dataclasses import dataclass, field

from frontml.errors import InputError
from frontml.learn import Classifier
from frontml.models import Progress
from frontml.tasks.core import TaskBase, TaskOptions
from frontml.tasks.core.options import check_int, check_unit
from frontml.tasks.text.assets import load_json
from frontml.tasks.text.embedder import TextEmbedder, cosine
from frontml.tasks.text.notes import text_notes
from frontml.tasks.text.offensive import OffensiveResult, OffensiveScorer
from frontml.tasks.text.search import SearchIndex
from frontml.tasks.text.sentiment import SentimentHead, SentimentResult
from frontml.timing import StageTimer

MAX_CHARS = 100_000  # longer input is refused (the offensive score reads all of it)


@dataclass(frozen=True)
class TextOptions(TaskOptions):
    """offensive_threshold: score at which a text counts as offensive.
    sentiment: run the embedding + sentiment head (off: offensive score only, no model).
    top_words: how many words that drove the offensive score to report."""

    running_mode: str = "image"
    offensive_threshold: float = 0.5
    sentiment: bool = True
    top_words: int = 5

    def validate(self) -> None:
        check_unit("offensive_threshold", self.offensive_threshold)
        check_int("top_words", self.top_words, 0, 50)


@dataclass
class TextResult:
    text: str
    offensive: OffensiveResult
    sentiment: SentimentResult | None
    notes: list[dict] = field(default_factory=list)
    tokens: int = 0
    embedding: array | None = None

    def to_json(self) -> dict:
        out: dict = {"text": self.text}
        if self.sentiment is not None:
            out["sentiment"] = self.sentiment.to_json()
        out["offensive"] = self.offensive.to_json()
        out["notes"] = self.notes
        out["tokens"] = self.tokens
        return out


class TextAnalyzer(TaskBase):
    def __init__(self, options: TextOptions, scorer: OffensiveScorer,
                 embedder: TextEmbedder | None, head: SentimentHead | None) -> None:
        super().__init__()
        self.options = options
        self.scorer = scorer
        self.embedder = embedder
        self.head = head
        self.classes = Classifier(embedder.backbone if embedder else None, head="knn", k=3)

    @classmethod
    async def create(cls, options: TextOptions | None = None, *,
                     progress: Progress | None = None) -> TextAnalyzer:
        options = options or TextOptions()
        scorer = OffensiveScorer(await load_json("offensive", progress),
                                 options.offensive_threshold)
        embedder = head = None
        if options.sentiment:
            embedder = await TextEmbedder.create(options.provider, options.threads or 0,
                                                 progress)
            head = SentimentHead(await load_json("sentiment_head", progress))
        return cls(options, scorer, embedder, head)

    def _check(self, text) -> str:
        if not isinstance(text, str):
            raise InputError(f"text must be a str, got {type(text).__name__}")
        if len(text) > MAX_CHARS:
            raise InputError(f"text has {len(text):,} characters; at most {MAX_CHARS:,}")
        return text

    def offensive(self, text: str) -> OffensiveResult:
        """The instant lexical score alone (microseconds: run it on every keystroke)."""
        return self.scorer.score(self._check(text), self.options.top_words)

    async def embed(self, text: str) -> array:
        return (await self._embedder().embed(self._check(text)))[0]

    def _embedder(self) -> TextEmbedder:
        if self.embedder is None:
            raise InputError("created with sentiment=False: no embedding model loaded")
        return self.embedder

    async def similarity(self, a: str, b: str) -> float:
        return cosine(await self.embed(a), await self.embed(b))

    def new_index(self) -> SearchIndex:
        return SearchIndex(self._embedder().backbone)

    async def process(self, text: str, timestamp_ms: float | None = None,
                      timer: StageTimer | None = None) -> TextResult:
        self._check(text)
        timer = timer or StageTimer()
        t0 = time.perf_counter()
        off = self.scorer.score(text, self.options.top_words)
        timer.add("offensive", (time.perf_counter() - t0) * 1000.0)
        sentiment, enc, vec = None, None, None
        if self.embedder is not None and self.head is not None:  # empty text too (noted)
            t0 = time.perf_counter()
            enc = self.embedder.encode(text)
            timer.add("tokenize", (time.perf_counter() - t0) * 1000.0)
            t0 = time.perf_counter()
            vec = (await self.embedder.embed_ids([enc.ids]))[0]
            timer.add("embed", (time.perf_counter() - t0) * 1000.0)
            t0 = time.perf_counter()
            sentiment = self.head.predict(vec)
            timer.add("sentiment", (time.perf_counter() - t0) * 1000.0)
        notes = text_notes(text, enc)
        return TextResult(text, off, sentiment, notes, len(enc.ids) if enc else 0, vec)

    # few-shot text classes: frontml.learn.Classifier over the embeddings
    async def teach(self, label: str, text: str) -> int:
        return self.classes.add(label, await self.embed(text))

    async def classify(self, text: str):
        return self.classes.predict(await self.embed(text))

    def close(self) -> None:
        if self.embedder is not None:
            self.embedder.close()


async def create_text_analyzer(options: TextOptions | None = None, *,
                               progress: Progress | None = None) -> TextAnalyzer:
    return await TextAnalyzer.create(options, progress=progress)
