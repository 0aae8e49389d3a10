"""The streaming keyword spotter: any-rate audio -> 16 kHz -> 80 ms hops -> mel + embedding ->
base-word head and personal words -> events, with a suppression time so that one utterance
fires once. The page and the CLI run this same object."""

from __future__ import annotations

import hashlib
import json
from array import array
from dataclasses import dataclass, field

from frontml.errors import InputError, ModelError
from frontml.models import Progress, entry, load_bytes, load_session
from frontml.tasks.core import FrameResult, TaskBase, TaskOptions
from frontml.tasks.core.options import check_int, check_unit
from frontml.tasks.speech.audio import RATE, Resampler
from frontml.tasks.speech.features import FRAMES_PER_HOP, HISTORY, HOP, MEL_BANDS, StreamingFeatures
from frontml.tasks.speech.head import CommandsHead
from frontml.tasks.speech.personal import PersonalBank, PersonalWords
from frontml.timing import StageTimer

MODELS = ("speech_melspectrogram", "speech_embedding", "speech_commands")
EMIT_AFTER_HOPS = 3   # a candidate is reported after its best of 3 hops (240 ms)
MIN_HITS = 2          # hops above threshold a candidate needs (a one-hop blip is dropped)


@dataclass(frozen=True)
class SpeechOptions(TaskOptions):
    """threshold: base-word probability needed for an event; suppression_ms: quiet time after
    an event (one utterance fires once); base_words: score the built-in vocabulary."""

    threshold: float = 0.5
    suppression_ms: int = 1000
    base_words: bool = True

    def validate(self) -> None:
        check_unit("threshold", self.threshold)
        check_int("suppression_ms", self.suppression_ms, 0, 10000)


@dataclass
class AudioChunk:
    """Samples (floats in [-1, 1], mono) at `sample_rate` Hz."""

    samples: object
    sample_rate: int = RATE


@dataclass
class SpeechEvent:
    word: str
    score: float
    start_s: float
    end_s: float
    personal: bool = False

    def to_json(self) -> dict:
        return {"word": self.word, "score": round(self.score, 4),
                "start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3)}


@dataclass
class SpeechResult(FrameResult):
    """What one process() call produced: the events, the latest scores, the new mel frames."""

    events: list[SpeechEvent] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    personal_scores: dict[str, float] = field(default_factory=dict)
    mel: array = field(default_factory=lambda: array("f"))  # new frames x 32, flat
    hops: int = 0
    time_s: float = 0.0

    def to_json(self) -> dict:
        return {"events": [e.to_json() for e in self.events],
                "scores": {k: round(v, 4) for k, v in self.scores.items()},
                "personal_scores": {k: round(v, 4) for k, v in self.personal_scores.items()},
                "hops": self.hops, "time_s": round(self.time_s, 3)}


class SpeechDetector(TaskBase):
    def __init__(self, options: SpeechOptions, features: StreamingFeatures, head: CommandsHead,
                 personal: PersonalWords) -> None:
        super().__init__()
        self.options = options
        self.features = features
        self.head = head
        self.personal = personal
        self._resampler: Resampler | None = None
        self._cand: dict | None = None
        self._quiet_until_hop = 0
        self._fired: str | None = None  # last word reported: re-armed once its score drops
        self._quiet_personal = False  # whether the quiet time follows a taught word
        self._silence_energy = 0.0

    @classmethod
    async def create(cls, options: SpeechOptions | None = None,
                     progress: Progress | None = None) -> SpeechDetector:
        options = options or SpeechOptions()
        # One thread: a hop is a tiny graph, and thread hand-offs cost more than they save.
        threads = options.threads or 1
        mel = await load_session("speech_melspectrogram", provider=options.provider,
                                 threads=threads, progress=progress)
        emb = await load_session("speech_embedding", provider=options.provider,
                                 threads=threads, progress=progress)
        raw = await load_bytes("speech_commands", progress)
        data = raw.to_bytes() if hasattr(raw, "to_bytes") else raw
        try:
            doc = json.loads(data)
        except ValueError as exc:
            raise ModelError(f"speech_commands: not JSON ({exc})") from None
        info = await entry("speech_commands")
        sha = info.get("sha256") or hashlib.sha256(data).hexdigest()
        feats = StreamingFeatures(mel, emb)
        await feats.prime()
        det = cls(options, feats, CommandsHead(doc), PersonalWords(PersonalBank(doc["personal"]),
                                                                   sha))
        det._silence_energy = sum(feats._silence_mel[0]) / MEL_BANDS
        return det

    # ------------------------------------------------------------ life-cycle
    def reset(self) -> None:
        super().reset()
        self.features.reset()
        self._resampler = None
        self._cand = None
        self._quiet_until_hop = 0
        self._quiet_personal = False
        self._fired = None

    def close(self) -> None:
        for s in (self.features.mel_session, self.features.emb_session):
            s.close()

    @property
    def time_s(self) -> float:
        return self.features.hops * HOP / RATE

    # ------------------------------------------------------------ streaming
    def _to_16k(self, chunk) -> array:
        if isinstance(chunk, AudioChunk):
            samples, rate = chunk.samples, int(chunk.sample_rate)
        else:
            samples, rate = chunk, RATE
        if rate != RATE:
            if self._resampler is None or self._resampler.src != rate:
                self._resampler = Resampler(rate, RATE)
            return self._resampler.push(samples)
        return samples if isinstance(samples, array) else array("f", samples)

    async def process(self, chunk, timestamp_ms: float | None = None,
                      timer: StageTimer | None = None) -> SpeechResult:
        """Feed a chunk of audio (AudioChunk, or floats at 16 kHz); run every complete hop."""
        timer = timer or StageTimer()
        with timer.stage("resample"):
            samples = self._to_16k(chunk)
        self.features.push(samples)
        result = SpeechResult(0, 0)
        while self.features.ready():
            await self._hop(result, timer)
        result.time_s = self.time_s
        return result

    async def flush(self, timer: StageTimer | None = None, tail_s: float = 1.0) -> SpeechResult:
        """End of a stream: feed `tail_s` of silence so a word at the very end completes."""
        if self._resampler is not None:
            self.features.push(self._resampler.flush())
            self._resampler = None
        result = await self.process(array("f", [0.0] * int(tail_s * RATE)), None, timer)
        self._emit(result)
        return result

    async def _hop(self, result: SpeechResult, timer: StageTimer) -> None:
        frames, _ = await self.features.step(timer)
        for f in frames:
            result.mel.extend(f)
        result.hops += 1
        hop = self.features.hops
        found: tuple[str, float, bool] | None = None
        with timer.stage("head"):
            if self.options.base_words:
                scores = self.head.score_window(self.features.window(HISTORY))
                result.scores = scores
                word = max(scores, key=scores.__getitem__)
                if word in self.head.words and scores[word] >= self.options.threshold:
                    found = (word, scores[word], False)
        with timer.stage("personal"):
            if self.personal.trained:
                vec = self.personal.bank.project(self.features.window(self.personal.bank.window))
                lab, sim, sims = self.personal.best(vec)
                result.personal_scores = sims
                if lab is not None:
                    found = (lab, sim, True)  # a taught word wins over a base word
        if self._fired is not None and (found is None or found[0] != self._fired):
            self._fired = None  # the word left the window (or another took over): re-arm
        # A base word's quiet time does not hold back a taught word: the base head may fire on
        # the start of a personal word before the 1 s personal window has all of it.
        overrides = found is not None and found[2] and not self._quiet_personal
        if (hop < self._quiet_until_hop and not overrides) or (
                found is not None and found[0] == self._fired):
            return  # one utterance stays in the 2 s window for many hops: report it once
        if found is None:
            self._emit(result)
            return
        if self._cand is None:
            self._cand = {"word": found[0], "score": found[1], "personal": found[2],
                          "first": hop, "hits": 0}
        elif found[2] and not self._cand["personal"]:
            # a taught word takes over a base-word candidate with its own hits: the base
            # head's hops on other words must not count towards a taught word's event
            self._cand.update(word=found[0], score=found[1], personal=True, hits=0)
        elif found[2] == self._cand["personal"] and found[1] > self._cand["score"]:
            self._cand.update(word=found[0], score=found[1], personal=found[2])
        self._cand["hits"] += 1
        if hop - self._cand["first"] + 1 >= EMIT_AFTER_HOPS:
            self._emit(result)

    def _emit(self, result: SpeechResult) -> None:
        cand, self._cand = self._cand, None
        if cand is None or cand["hits"] < MIN_HITS:
            return
        start, end = self._extent()
        result.events.append(SpeechEvent(cand["word"], cand["score"], start, end,
                                         cand["personal"]))
        hops_quiet = int(self.options.suppression_ms / 1000 * RATE / HOP + 0.5)
        self._quiet_until_hop = self.features.hops + hops_quiet
        self._quiet_personal = cand["personal"]
        self._fired = cand["word"]

    def _extent(self) -> tuple[float, float]:
        """Start and end (s) of the loud part of the last 2 s around its loudest frame."""
        n = 200
        energy = self.features.frame_energy(n)
        total = self.features.hops * FRAMES_PER_HOP
        first = total - len(energy)  # global index of energy[0]
        peak = max(range(len(energy)), key=energy.__getitem__)
        floor = self._silence_energy
        level = floor + 0.35 * (energy[peak] - floor)
        lo = hi = peak
        gap = 0
        i = peak
        while i > 0 and gap <= 12:
            i -= 1
            gap = 0 if energy[i] >= level else gap + 1
            if gap == 0:
                lo = i
        gap = 0
        i = peak
        while i < len(energy) - 1 and gap <= 12:
            i += 1
            gap = 0 if energy[i] >= level else gap + 1
            if gap == 0:
                hi = i
        # frame g is centred on sample 160 g - 224 (480 samples of context, 512-sample frames)
        def t(g: int) -> float:
            return max(0.0, (160 * g - 224) / RATE)

        return t(first + lo) - 0.016, t(first + hi) + 0.016

    # ------------------------------------------------------------ whole files, takes
    async def detect(self, samples, sample_rate: int, timer: StageTimer | None = None,
                     tail_s: float = 1.0) -> list[SpeechEvent]:
        """Run the streaming detector over a whole signal from a fresh state (then `tail_s`
        of silence, so a word at the very end completes)."""
        if sample_rate <= 0:
            raise InputError(f"sample rate must be positive, got {sample_rate}")
        self.reset()
        events: list[SpeechEvent] = []
        step = max(1, sample_rate * HOP // RATE) * 4
        for i in range(0, len(samples), step):
            r = await self.process(AudioChunk(samples[i: i + step], sample_rate), None, timer)
            events.extend(r.events)
        events.extend((await self.flush(timer, tail_s)).events)
        return [e for e in events if e.start_s <= len(samples) / sample_rate + 0.1]

    async def take_vector(self, samples16k) -> tuple[list[float], dict]:
        """A personal-word take (16 kHz floats) -> its vector: the 4-embedding window whose
        1 s span holds the most sound. Uses a private feature state (the stream is untouched)."""
        if len(samples16k) < RATE // 4:
            raise InputError("a take needs at least 0.25 s of audio")
        f = StreamingFeatures(self.features.mel_session, self.features.emb_session)
        f._silence_mel, f._silence_emb = self.features._silence_mel, self.features._silence_emb
        f.reset()
        f.push(samples16k)
        f.push(array("f", [0.0] * (RATE // 2)))
        bank = self.personal.bank
        span = 76 + 8 * (bank.window - 1)
        best: tuple[float, list[float], int] | None = None
        floor = self._silence_energy
        while f.ready():
            await f.step()
            loud = sum(max(0.0, e - floor) for e in f.frame_energy(span))
            if best is None or loud > best[0]:
                best = (loud, bank.project(f.window(bank.window)), f.hops)
        assert best is not None
        if best[0] <= 0.5:
            raise InputError("the take is silent: nothing to learn from")
        return best[1], {"loudness": best[0], "hop": best[2]}


async def create_speech_detector(options: SpeechOptions | None = None,
                                 progress: Progress | None = None) -> SpeechDetector:
    return await SpeechDetector.create(options, progress)
