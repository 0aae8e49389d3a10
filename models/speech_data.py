"""Synthetic speech for the speech-commands head: espeak-ng utterances (training) and flite /
festival utterances (tests and benchmark only), with seeded augmentation.

Build-time and test code (numpy). Every random choice comes from a seeded generator, and every
external program is run with fixed arguments, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np

RATE = 16000
CLIP = 32000  # 2.0 s: 16 embeddings of 76 mel frames, step 8
WORDS = ("yes", "no", "up", "down", "left", "right", "stop", "go", "on", "off")
CLASSES = (*WORDS, "unknown", "silence")

# "Unknown" words for training: look-alikes first (the probe's errors), then everyday words.
# espeak homophones of the vocabulary are left out (know = no, write = right, of ~ off).
UNKNOWN_TRAIN = (
    "yet", "yeah", "yell", "top", "shop", "stock", "stuff", "two", "goal", "gold", "toe", "low",
    "own", "oh", "dawn", "town", "loud", "lift", "loft", "light", "night", "bright", "rice",
    "cup", "pup", "nope", "note", "not", "gone", "done", "one", "soft", "odd", "dog",
    "cat", "house", "tree", "water", "bird", "seven", "eight", "apple", "table", "happy",
    "music", "paper", "window", "green", "yellow", "orange", "purple", "morning", "hello",
    "thanks", "please", "sorry", "maybe", "later", "forward", "number", "tiger", "learn",
    "sheep", "bed", "visual", "wow", "marvin", "sheila", "follow", "zero", "three", "four",
    "five", "six", "nine", "bottle", "kitchen", "garden", "friday", "coffee", "doctor",
)
# More everyday words for "unknown" (fewer takes each: variety over repetition).
UNKNOWN_MORE = (
    "about", "after", "again", "always", "animal", "answer", "baby", "basket", "beach", "begin",
    "better", "black", "blue", "board", "body", "bread", "bridge", "brown", "build", "busy",
    "butter", "camera", "carry", "castle", "chair", "cheese", "chicken", "city", "class",
    "clean", "clock", "cloud", "corner", "country", "dance", "daughter", "dinner", "dream",
    "early", "earth", "empty", "engine", "evening", "family", "farm", "fast", "field", "finger",
    "fire", "fish", "flower", "forest", "friend", "fruit", "funny", "glass", "grass", "guitar",
    "hair", "heavy", "horse", "idea", "island", "jacket", "juice", "key", "king", "ladder",
    "letter", "little", "machine", "market", "milk", "minute", "mirror", "mother", "nature",
    "ocean", "party", "people", "picture", "planet", "pocket", "potato", "quiet", "rabbit",
    "rain", "robot", "salad", "school", "shadow", "sister", "sleep", "small", "smile", "snow",
    "spoon", "square", "station", "street", "sugar", "summer", "sunny", "ticket", "tomato",
    "travel", "uncle", "valley", "village", "voice", "wagon", "wall", "wheel", "white", "wind",
    "wood", "world", "young", "zebra",
)
# Other words for the false-accept measurement: never used in training.
UNKNOWN_TEST = (
    "yard", "yesterday", "step", "store", "tip", "dot", "lot", "got", "gap", "knot", "nod",
    "noon", "now", "lap", "lamp", "ride", "ripe", "round", "upper", "pop", "ton", "dove",
    "often", "oven", "inn", "honey", "money", "candle", "pencil", "river", "mountain", "car",
    "pizza", "brother", "winter", "silver", "monday", "teacher", "hand", "jump",
)

# "Unknown" words for the held-out espeak validation (choosing settings): in no other list.
UNKNOWN_VAL = (
    "yam", "yelp", "nap", "gnome", "utter", "dome", "drown", "lest", "lent", "kite", "fight",
    "slop", "stall", "goes", "gauze", "honk", "aunt", "scoff", "tough", "deft",
)

ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
           "en-gb-x-gbcwmd", "en-029", "en-us-nyc")
VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "klatt",
            "klatt2", "klatt3", "Alex", "Alicia", "Andy", "Annie", "Denis", "Gene", "Jacky",
            "Lee", "Mario", "Michael", "Mike", "Storm", "Tweaky", "adam", "anika", "aunty",
            "belinda", "benjamin", "boris", "caleb", "david", "ed", "edward", "grandma",
            "grandpa", "iven", "john", "linda", "max", "michel", "norbert", "paul", "pedro",
            "quincy", "robert", "steph", "travis", "victor", "zac")
# Held out of training to choose the head's settings (never the flite/festival test voices).
HELDOUT_ACCENTS = ("en-gb-x-gbcwmd",)
HELDOUT_VARIANTS = ("f4", "klatt3", "grandpa", "linda", "Mike", "travis")

FLITE_VOICES = ("kal", "kal16", "awb", "rms", "slt")
FESTIVAL_VOICES = ("kal_diphone",)


# ---------------------------------------------------------------------------------- audio


def read_wav_bytes(data: bytes) -> tuple[np.ndarray, int]:
    """16-bit mono WAV (what the TTS programs write) -> float32 in [-1, 1], rate. espeak's
    --stdout header says 0x7fffffff frames, so the data length comes from the bytes."""
    with wave.open(io.BytesIO(data)) as w:
        rate, width, ch = w.getframerate(), w.getsampwidth(), w.getnchannels()
        raw = w.readframes(len(data))
    if width != 2:
        raise ValueError(f"expected 16-bit TTS output, got {8 * width}-bit")
    x = np.frombuffer(raw[: len(raw) // (2 * ch) * 2 * ch], "<i2").astype(np.float32) / 32768
    return x.reshape(-1, ch).mean(axis=1), rate


def resample(x: np.ndarray, src: int, dst: int = RATE) -> np.ndarray:
    """Windowed-sinc resampling (same kernel as frontml.tasks.speech.audio.resample)."""
    if src == dst:
        return x.astype(np.float32)
    from_py = _kernel_params(src, dst)
    half, cutoff = from_py
    n_out = int(len(x) * dst // src)
    t = np.arange(n_out) * (src / dst)
    base = np.floor(t).astype(np.int64)
    taps = np.arange(-half + 1, half + 1)
    idx = base[:, None] + taps[None, :]
    d = t[:, None] - idx
    w = cutoff * np.sinc(cutoff * d) * (0.5 + 0.5 * np.cos(np.pi * d / half))
    w[np.abs(d) >= half] = 0.0
    xp = np.concatenate([x, np.zeros(1, x.dtype)])
    valid = (idx >= 0) & (idx < len(x))
    vals = np.where(valid, xp[np.clip(idx, 0, len(x))], 0.0)
    return (vals * w).sum(axis=1).astype(np.float32)


def _kernel_params(src: int, dst: int) -> tuple[int, float]:
    cutoff = min(1.0, dst / src) * 0.95
    half = int(np.ceil(8 / cutoff))
    return half, cutoff


# ---------------------------------------------------------------------------------- TTS


def _run(cmd: list[str]) -> bytes:
    proc = subprocess.run(cmd, capture_output=True, check=False)
    if proc.returncode != 0 or len(proc.stdout) < 100:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.decode()[-300:]}")
    return proc.stdout


def espeak(word: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    data = _run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", word])
    x, rate = read_wav_bytes(data)
    return trim(resample(x, rate))


def flite(word: str, voice: str) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "w.wav")
        subprocess.run(["flite", "-voice", voice, "-t", word, "-o", out], check=True,
                       capture_output=True)
        with open(out, "rb") as f:
            x, rate = read_wav_bytes(f.read())
    return trim(resample(x, rate))


def festival(word: str, voice: str) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        txt, out = os.path.join(tmp, "w.txt"), os.path.join(tmp, "w.wav")
        with open(txt, "w") as f:
            f.write(word + "\n")
        subprocess.run(["text2wave", "-eval", f"(voice_{voice})", txt, "-o", out], check=True,
                       capture_output=True)
        with open(out, "rb") as f:
            x, rate = read_wav_bytes(f.read())
    return trim(resample(x, rate))


def trim(x: np.ndarray, floor_db: float = -45.0) -> np.ndarray:
    """Cut leading/trailing silence (TTS pads generously)."""
    peak = float(np.abs(x).max()) if len(x) else 0.0
    if peak == 0.0:
        return x
    loud = np.nonzero(np.abs(x) > peak * 10 ** (floor_db / 20))[0]
    return x[max(0, loud[0] - 160): loud[-1] + 160]


def tts_versions() -> str:
    """Versions of the programs whose output the training data depends on (recipe hash)."""
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout
    return out.strip()


def synth_many(jobs: list[tuple], workers: int = 2) -> list[np.ndarray]:
    """Run (engine, word, *args) jobs in parallel; order preserved, so output is deterministic."""
    engines = {"espeak": espeak, "flite": flite, "festival": festival}

    def one(job):
        return engines[job[0]](*job[1:])

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, jobs))


# ---------------------------------------------------------------------------------- augmentation


def colored_noise(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    if kind == "hum":
        t = np.arange(n) / RATE
        f0 = rng.choice([50.0, 60.0])
        x = sum(np.sin(2 * np.pi * f0 * k * t + rng.uniform(0, 6.3)) / k for k in (1, 2, 3, 5))
        return (x + 0.05 * rng.standard_normal(n)).astype(np.float32)
    white = rng.standard_normal(n)
    if kind == "white":
        return white.astype(np.float32)
    spec = np.fft.rfft(white)
    f = np.maximum(np.fft.rfftfreq(n, 1 / RATE), 20.0)
    spec /= np.sqrt(f) if kind == "pink" else f
    x = np.fft.irfft(spec, n)
    return (x / (x.std() + 1e-9)).astype(np.float32)


def reverb(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Convolve with a synthetic room: exponentially decaying noise, RT60 0.15-0.6 s."""
    rt60 = rng.uniform(0.15, 0.6)
    n = int(rt60 * RATE)
    t = np.arange(n) / RATE
    ir = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    ir[0] = 1.0 / rng.uniform(0.3, 1.0)  # direct path
    y = np.convolve(x, ir)[: len(x)]
    return (y * (np.abs(x).max() / (np.abs(y).max() + 1e-9))).astype(np.float32)


def eq(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Random tilt: a one-pole low- or high-pass blended with the dry signal (mic colouring)."""
    a = rng.uniform(0.2, 0.9)
    from scipy.signal import lfilter

    y = lfilter([1 - a], [1, -a], x)
    mix = rng.uniform(-0.6, 0.6)
    out = x + mix * (y - x) if mix > 0 else x - mix * (x - y)
    return out.astype(np.float32)


def tract(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Vocal-tract length / pitch perturbation: play the utterance at 0.87-1.15x its rate
    (formants, pitch and duration scale together: a shorter or longer speaker)."""
    src = int(RATE * rng.uniform(0.87, 1.15))
    return resample(x, src, RATE)


def place(rng: np.random.Generator, word: np.ndarray, n: int = CLIP,
          end_range: tuple[float, float] = (0.55, 0.98)) -> np.ndarray:
    """Put the utterance in an n-sample clip with its end at a random fraction of the clip."""
    return place_span(rng, word, n, end_range)[0]


def place_span(rng: np.random.Generator, word: np.ndarray, n: int = CLIP,
               end_range: tuple[float, float] = (0.55, 0.98)
               ) -> tuple[np.ndarray, tuple[int, int]]:
    """place(), also returning the utterance's (start, end) sample span in the clip."""
    clip = np.zeros(n, np.float32)
    word = word[: n - 320]
    end = int(rng.uniform(*end_range) * n)
    start = max(0, min(end - len(word), n - len(word)))
    clip[start: start + len(word)] = word
    return clip, (start, start + len(word))


def augment(rng: np.random.Generator, word: np.ndarray, babble: list[np.ndarray],
            n: int = CLIP) -> np.ndarray:
    """Placement, gain, EQ, reverb and noise at a random SNR (or none)."""
    return augment_span(rng, word, babble, n)[0]


def augment_span(rng: np.random.Generator, word: np.ndarray, babble: list[np.ndarray],
                 n: int = CLIP, end_range: tuple[float, float] = (0.55, 0.98)
                 ) -> tuple[np.ndarray, tuple[int, int]]:
    """augment(), also returning the utterance's (start, end) sample span in the clip."""
    x = word / (np.abs(word).max() + 1e-9)
    if rng.random() < 0.5:
        x = tract(rng, x)
    if rng.random() < 0.4:
        x = reverb(rng, x)
    if rng.random() < 0.5:
        x = eq(rng, x)
    clip, span = place_span(rng, x, n, end_range)
    clip *= 10 ** (rng.uniform(-30, -2) / 20)
    if rng.random() < 0.8:
        kind = rng.choice(["white", "pink", "brown", "hum", "babble"])
        if kind == "babble" and babble:
            noise = np.zeros(n, np.float32)
            for _ in range(int(rng.integers(2, 5))):
                b = babble[int(rng.integers(len(babble)))]
                noise += place(rng, b / (np.abs(b).max() + 1e-9), n, (0.2, 1.0))
        else:
            noise = colored_noise(rng, n, kind)
        clip = add_noise(clip, noise, rng.uniform(5, 30))
    return np.clip(clip, -1, 1).astype(np.float32), span


def add_noise(clip: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """Mix noise at snr_db relative to the speech's power over its active part."""
    active = clip[np.abs(clip) > np.abs(clip).max() * 0.05]
    p_sig = float((active ** 2).mean()) if len(active) else 1e-6
    p_noise = float((noise ** 2).mean()) + 1e-12
    return (clip + noise * np.sqrt(p_sig / p_noise / 10 ** (snr_db / 10))).astype(np.float32)


def silence_clip(rng: np.random.Generator, n: int = CLIP) -> np.ndarray:
    kind = rng.choice(["zero", "white", "pink", "brown", "hum"])
    if kind == "zero":
        return np.zeros(n, np.float32)
    x = colored_noise(rng, n, kind) * 10 ** (rng.uniform(-70, -15) / 20)
    return np.clip(x, -1, 1).astype(np.float32)


def digest(*parts: object) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(repr(p).encode())
    return h.hexdigest()[:16]
