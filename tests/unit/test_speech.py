"""Speech: WAV formats, the resampler, streaming features == whole-clip features, the JSON head
== numpy, events on a synthesised utterance and none on noise, personal words, the CLI."""

from __future__ import annotations

import importlib.util
import json
import shutil
import struct
import subprocess
import sys
from array import array
from pathlib import Path

import numpy as np
import pytest

from frontml.runtime import run_sync
from frontml.tasks.speech import audio

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "web" / "models"
SPEECH_MODELS = ("speech_melspectrogram", "speech_embedding", "speech_commands")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    spec.loader.exec_module(mod)
    return mod


sd = _load("frontml_speech_data", ROOT / "models" / "speech_data.py")


def built() -> None:
    manifest = OUT / "manifest.json"
    have = set()
    if manifest.exists():
        have = {m["id"] for m in json.loads(manifest.read_text())["models"]}
    if not set(SPEECH_MODELS) <= have:
        pytest.skip("speech models not built: ./dev build " + " ".join(SPEECH_MODELS))


def need_espeak() -> None:
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng not installed (apt-get install espeak-ng; ./dev build does)")


def wav_bytes(x: np.ndarray, rate: int, kind: str, channels: int = 1) -> bytes:
    """x: float [-1, 1] mono; kind: u8 | i16 | i24 | i32 | f32; extensible header for i24."""
    frames = np.repeat(x[:, None], channels, axis=1).reshape(-1)
    tag, bits = 1, {"u8": 8, "i16": 16, "i24": 24, "i32": 32, "f32": 32}[kind]
    if kind == "u8":
        body = np.clip(np.round(frames * 127 + 128), 0, 255).astype(np.uint8).tobytes()
    elif kind == "i16":
        body = np.round(frames * 32767).astype("<i2").tobytes()
    elif kind == "i24":
        v = np.round(frames * 8388607).astype("<i4").tobytes()
        body = b"".join(v[i: i + 3] for i in range(0, len(v), 4))
    elif kind == "i32":
        body = np.round(frames * 2147483647).astype("<i4").tobytes()
    else:
        tag, body = 3, frames.astype("<f4").tobytes()
    block = channels * bits // 8
    if kind == "i24":  # WAVE_FORMAT_EXTENSIBLE, sub-format PCM
        fmt = struct.pack("<HHIIHHHHI", 0xFFFE, channels, rate, rate * block, block, bits, 22,
                          bits, 0) + struct.pack("<H", tag) + b"\x00" * 14
    else:
        fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    chunks = (b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", 4)
              + b"INFO" + b"data" + struct.pack("<I", len(body)) + body)
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


# ---------------------------------------------------------------------------------- audio


@pytest.mark.parametrize("kind,tol", [("u8", 1 / 100), ("i16", 1e-4), ("i24", 1e-6),
                                      ("i32", 1e-6), ("f32", 1e-7)])
@pytest.mark.parametrize("channels", [1, 2])
def test_wav_formats(kind, tol, channels):
    t = np.arange(800) / 8000
    x = 0.5 * np.sin(2 * np.pi * 440 * t)
    got, rate = audio.read_wav(wav_bytes(x, 8000, kind, channels))
    assert rate == 8000 and len(got) == len(x)
    assert np.max(np.abs(np.asarray(got) - x)) < tol


def test_wav_errors_are_specific():
    from frontml.errors import InputError

    with pytest.raises(InputError, match="not a WAV"):
        audio.read_wav(b"ID3 this is an mp3", "song.mp3")
    bad = bytearray(wav_bytes(np.zeros(10), 16000, "i16"))
    bad[20:22] = struct.pack("<H", 2)  # MS ADPCM
    with pytest.raises(InputError, match="unsupported WAV encoding"):
        audio.read_wav(bytes(bad), "odd.wav")


@pytest.mark.parametrize("src", [8000, 22050, 44100, 48000, 16000])
def test_resampler_matches_numpy_and_streams(src):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(src // 5) * 0.2).astype(np.float32)
    whole = np.asarray(audio.resample(array("f", x), src))
    want = sd.resample(x, src)
    assert len(whole) == -(-len(x) * 16000 // src) and len(want) == len(x) * 16000 // src
    assert np.max(np.abs(whole[: len(want)] - want)) < 2e-5
    r = audio.Resampler(src)
    parts = array("f")
    for i in range(0, len(x), 777):
        parts.extend(r.push(array("f", x[i: i + 777])))
    parts.extend(r.flush())
    assert np.array_equal(np.asarray(parts), whole)


def test_resampler_keeps_a_tone_and_removes_aliases():
    t = np.arange(48000) / 48000
    tone = np.asarray(audio.resample(array("f", np.sin(2 * np.pi * 1000 * t)), 48000))
    alias = np.asarray(audio.resample(array("f", np.sin(2 * np.pi * 12000 * t)), 48000))
    assert abs(tone[2000:-2000].std() * np.sqrt(2) - 1) < 0.01
    assert alias[2000:-2000].std() < 0.01  # 12 kHz is above the 8 kHz Nyquist


# ---------------------------------------------------------------------------------- models


@pytest.fixture(scope="module")
def detector():
    built()
    from frontml.tasks.speech import create_speech_detector

    det = run_sync(create_speech_detector())
    yield det
    det.close()


def test_streaming_mel_equals_whole_clip(detector):
    import onnxruntime as ort

    rng = np.random.default_rng(1)
    x = (rng.standard_normal(16000) * 0.1).astype(np.float32)
    det = detector
    det.reset()
    frames = []

    async def go():
        for i in range(0, len(x), 1000):
            r = await det.process(array("f", x[i: i + 1000]))
            frames.append(np.asarray(r.mel).reshape(-1, 32))

    run_sync(go())
    stream = np.concatenate(frames)
    sess = ort.InferenceSession(str(OUT / "speech_melspectrogram.onnx"))
    padded = np.concatenate([np.zeros(480, np.float32), x])[None] * 32768
    whole = sess.run(None, {"input": padded})[0][0, 0] / 10 + 2
    n = len(stream)
    assert n == 8 * (16000 // 1280)
    # Frame 0 is almost all digital zeros (the start-up context): the model floors such quiet
    # frames relative to the loudest frame of each call, so only it may differ.
    assert np.max(np.abs(stream[1:] - whole[1:n])) < 1.5e-5


def test_head_json_matches_numpy(detector):
    ref = np.load(OUT / "reference" / "speech_commands.npz")
    got = np.array([detector.head.probs(list(map(float, row))) for row in ref["x"]])
    assert np.max(np.abs(got - ref["probs"])) < 1e-5


def speak(word: str, voice: str = "en-us+m3", speed: int = 150, pitch: int = 50) -> np.ndarray:
    need_espeak()
    return sd.espeak(word, voice, speed, pitch)


def clip_with(words: list[np.ndarray], gap_s: float = 1.5) -> np.ndarray:
    parts = [np.zeros(8000, np.float32)]
    for w in words:
        parts += [0.3 * w / np.abs(w).max(), np.zeros(int(gap_s * 16000), np.float32)]
    return np.concatenate(parts).astype(np.float32)


def test_events_on_espeak_words(detector):
    words = ["yes", "stop", "left"]
    x = clip_with([speak(w) for w in words])
    events = run_sync(detector.detect(array("f", x), 16000))
    assert [e.word for e in events] == words
    for e, k in zip(events, range(len(words)), strict=True):
        assert e.start_s < e.end_s and e.score >= 0.5
        assert 0.5 + 1.5 * k - 0.3 < e.start_s < 0.5 + 1.5 * (k + 1)


def test_same_events_at_another_rate(detector):
    x = clip_with([speak("left")])
    x48 = sd.resample(x, 16000, 48000)
    a = run_sync(detector.detect(array("f", x), 16000))
    b = run_sync(detector.detect(array("f", x48), 48000))
    assert [e.word for e in a] == [e.word for e in b] == ["left"]
    assert abs(a[0].score - b[0].score) < 0.05


def test_no_events_on_noise(detector):
    rng = np.random.default_rng(3)
    noise = np.concatenate([sd.colored_noise(rng, 16000 * 3, k) * 0.05
                            for k in ("white", "pink", "brown", "hum")])
    events = run_sync(detector.detect(array("f", noise.astype(np.float32)), 16000))
    assert events == []


def test_personal_word_taught_from_takes(detector):
    from frontml.learn import Classifier

    det = detector
    takes = [speak("banana", "en-us+m3", s, p) for s, p in ((140, 40), (160, 50), (150, 60),
                                                             (170, 45), (130, 55))]

    async def teach():
        det.personal.clf.clear()
        for t in takes:
            vec, _ = await det.take_vector(array("f", t))
            det.personal.add_take("banana", vec, audio.to_int16_bytes(t))
        return det.personal.train()

    rep = run_sync(teach())
    assert rep["train_ms"] > 0 and set(rep["thresholds"]) == {"banana"}
    x = clip_with([speak("banana", "en-us+m3", 155, 52), speak("stop", "en-us+m3")])
    events = run_sync(det.detect(array("f", x), 16000))
    assert [e.word for e in events][:1] == ["banana"]
    # the learn file carries the takes and reloads with the same thresholds
    data = det.personal.to_bytes()
    clf = Classifier.from_bytes(data)
    assert clf.counts() == {"banana": 5} and clf.meta["thumbnail_type"].startswith("audio/L16")
    before = det.personal.thresholds()
    det.personal.load_bytes(data)
    assert det.personal.thresholds() == pytest.approx(before)
    det.personal.clf.clear()


def test_taught_word_needs_its_own_hits(detector, monkeypatch):
    """A base word's hop followed by one hop of a taught word is no taught-word event: the
    taught word takes over the candidate with its own hits (MIN_HITS of them)."""
    det = detector
    base = iter([{"stop": 0.9}, {"stop": 0.1}, {"stop": 0.1}] + [{"stop": 0.1}] * 40)
    pers = iter([None, "banana", None] + [None] * 40)

    class Taught:  # the taught-word side, scripted per hop
        trained = True
        bank = type("Bank", (), {"window": 4, "project": staticmethod(lambda w: [0.0])})

        @staticmethod
        def best(vec):
            lab = next(pers)
            return lab, (0.9 if lab else 0.0), {}

    def scores(window):
        s = next(base)
        return {w: s.get(w, 0.0) for w in det.head.classes}

    monkeypatch.setattr(det.head, "score_window", scores)
    monkeypatch.setattr(det, "personal", Taught())
    det.reset()
    events = run_sync(det.detect(array("f", np.zeros(16000 * 2, np.float32)), 16000))
    det.reset()
    assert [e.word for e in events] == []


# ---------------------------------------------------------------------------------- CLI


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "frontml", "speech", *args],
                          capture_output=True, text=True, cwd=ROOT)


def test_cli_schema(tmp_path):
    built()
    x = clip_with([speak("no")])
    path = tmp_path / "no.wav"
    path.write_bytes(wav_bytes(sd.resample(x, 16000, 44100), 44100, "i16", 2))
    proc = run_cli(str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    (doc,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert set(doc) == {"file", "audio", "events"}
    assert doc["audio"] == {"seconds": pytest.approx(len(x) / 16000, abs=1e-3),
                            "sample_rate": 44100}
    assert [e["word"] for e in doc["events"]] == ["no"]
    assert set(doc["events"][0]) == {"word", "score", "start_s", "end_s"}


def test_cli_bad_input(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all")
    proc = run_cli(str(bad), "--json")
    assert proc.returncode == 2 and "not a WAV" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli(str(tmp_path / "missing.wav"))
    assert proc.returncode == 2 and "no such file" in proc.stderr
    proc = run_cli(str(bad), "--teach", "nothing")
    assert proc.returncode == 2 and "NAME=A.wav" in proc.stderr


def test_training_window_offsets_hold_the_whole_word():
    """The build labels a command word only at window ends whose 2 s window (as streamed: 16
    embeddings of 76 mel frames, 512-sample frames on the 160-sample grid after 480 samples of
    context) holds all of the utterance."""
    from frontml.tasks.speech import features as f

    sb = _load("frontml_speech_build", ROOT / "models" / "speech_build.py")
    # first sample of the window's first frame relative to the end of hop H: frame j starts at
    # sample 160 j - CONTEXT; the first embedding ends at frame 8 (H - 15) and spans 76 frames
    first = 160 * (-f.FRAMES_PER_HOP * (f.HISTORY - 1) - f.EMB_FRAMES) - f.CONTEXT
    assert first == -sb.REACH
    last_end = -f.CONTEXT + (f.FRAMES_PER_HOP - 1) * 160 + 512  # within the last hop
    assert f.HOP - last_end == 128
    for span in ((22000, 28000), (16000, 19000), (30000, 39000)):
        lo, hi = sb.visible_hops(span)
        assert sb.FIRST <= lo <= hi <= sb.HOPS
        for h in range(lo, hi + 1):
            assert h * f.HOP - sb.REACH <= span[0] and span[1] <= h * f.HOP - 128
        for h in (lo - 1, hi + 1):
            if sb.FIRST <= h <= sb.HOPS:
                assert not (h * f.HOP - sb.REACH <= span[0] and span[1] <= h * f.HOP - 128)


def test_formant_warp_moves_the_spectrum_and_keeps_length():
    """The build's vocal-tract-length perturbation: factor 1 gives the input back; factors 0.85
    and 1.2 move the power spectrum's centroid of a voiced-like signal by that factor (within
    5 %) and keep the duration."""
    sb = _load("frontml_speech_build", ROOT / "models" / "speech_build.py")
    rng = np.random.default_rng(0)
    pulses = np.zeros(16000)
    pulses[::133] = 1.0  # 120 Hz glottal pulses through two resonances (700 Hz, 1800 Hz)
    x = pulses
    for f0, bw in ((700, 90), (1800, 120)):
        r = np.exp(-np.pi * bw / 16000)
        a1, a2 = -2 * r * np.cos(2 * np.pi * f0 / 16000), r * r
        y = np.zeros_like(x)
        for n in range(len(x)):
            y[n] = x[n] - a1 * y[n - 1] - a2 * y[n - 2] if n >= 2 else x[n]
        x = y
    x = (0.5 * x / np.abs(x).max()).astype(np.float32)
    assert np.abs(sb.formant_warp(rng, x, 1.0, 1.0) - x).max() < 1e-6
    f = np.fft.rfftfreq(len(x), 1 / 16000)

    def centroid(z):
        p = np.abs(np.fft.rfft(z)) ** 2
        return (p * f).sum() / p.sum()

    for factor in (0.85, 1.2):
        y = sb.formant_warp(rng, x, factor, factor)
        assert len(y) == len(x)
        assert centroid(y) / centroid(x) == pytest.approx(factor, rel=0.05)
