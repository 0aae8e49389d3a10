"""Fast what-if evaluation of speech-commands heads and detection settings.

    .venv-build/bin/python bench/speech_sim.py [--quick]
    .venv-build/bin/python bench/speech_sim.py --train [--noise 0.5 --epochs 60 --ensemble 3]
    .venv-build/bin/python bench/speech_sim.py [--train] --diagnose --sweep

The flite/festival test clips of bench/speech_eval.py are embedded once exactly as streamed (one
embedding per 80 ms hop, cached in models/.cache/speech/test-*.npz); a head then scores every
hop in numpy and `simulate` replays the detector's event logic (SpeechDetector._hop / _emit).
`--train` trains a head on the build's cached data and prints the held-out espeak validation
(streamed events: the only numbers used to choose settings) next to the test voices (reported).
The full numbers in README come from speech_eval.py, which runs the real detector.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "models"))
sys.path.insert(0, str(ROOT / "bench"))

import speech_build as sb  # noqa: E402
import speech_data as sd  # noqa: E402
import speech_eval as ev  # noqa: E402

TAIL = 6400  # the 0.4 s of silence speech_eval.detect appends


def test_set(feats: sb.Features, quick: bool, log=print) -> dict:
    """{"clips": [(group, target, [hops+15, 96])...]} for the base-word, other-word and prose
    conditions of speech_eval (same seeds, same order)."""
    import fetch

    mel_p, emb_p = sb.feature_paths()
    key = sd.digest("speech-test/1", quick, ev.voices(quick), sd.WORDS, sd.UNKNOWN_TEST,
                    ev.PROSE, fetch.sha256_file(mel_p), fetch.sha256_file(emb_p))
    path = sb.CACHE / "speech" / f"test-{key}.npz"
    if path.exists():
        with np.load(path, allow_pickle=False) as z:
            return unpack(dict(z))
    clips: list[tuple[str, str, np.ndarray]] = []
    rng = np.random.default_rng(7)
    for snr in (None, 20.0, 15.0):
        for engine, voice in ev.voices(quick):
            for word in sd.WORDS:
                x = ev.clip(ev.tts(engine, voice, word), rng, snr)
                clips.append(("clean" if snr is None else f"{snr:.0f} dB", word, x))
    rng = np.random.default_rng(8)
    words = sd.UNKNOWN_TEST[::3] if quick else sd.UNKNOWN_TEST
    for engine, voice in ev.voices(quick):
        for w in words:
            clips.append(("other", w, ev.clip(ev.tts(engine, voice, w), rng, None)))
    sentences = [s.strip() + "." for s in ev.PROSE.split(".") if s.strip()]
    for engine, voice in ev.voices(quick):
        x = np.concatenate([np.concatenate([0.3 * (s := ev.tts(engine, voice, t)) / np.abs(s).max(),
                                            np.zeros(4000, np.float32)]) for t in sentences])
        clips.append(("prose", "", x.astype(np.float32)))
    rng = np.random.default_rng(9)
    parts = [sd.colored_noise(rng, 16000 * 15, k) * 10 ** (lvl / 20)
             for k in ("white", "pink", "brown", "hum") for lvl in (-40, -20)]
    clips.append(("noise", "", np.clip(np.concatenate(parts), -1, 1).astype(np.float32)))
    log(f"  embedding {len(clips)} test clips")
    embs = [stream_all(feats, np.concatenate([c[2], np.zeros(TAIL, np.float32)]))
            for c in clips]
    out = {"group": np.array([c[0] for c in clips]), "target": np.array([c[1] for c in clips]),
           "lens": np.array([len(e) for e in embs]), "emb": np.concatenate(embs)}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **out)
    return unpack(out)


def unpack(z: dict) -> dict:
    ends = np.cumsum(z["lens"])
    embs = np.split(z["emb"], ends[:-1])
    return {"clips": list(zip(z["group"].tolist(), z["target"].tolist(), embs, strict=True))}


def stream_all(feats: sb.Features, x: np.ndarray) -> np.ndarray:
    """One clip -> [15 + hops, 96]: 15 silence embeddings (the detector's initial history), then
    the embedding of every hop, as StreamingFeatures computes them."""
    hops = len(x) // 1280
    e = feats.stream(x[None, : hops * 1280], last=hops)[0]
    sil = feats.stream(np.zeros((1, 1280), np.float32), last=1)[0]
    return np.concatenate([np.repeat(sil, 15, 0), e]).astype(np.float32)


def windows(e: np.ndarray, n: int = sb.WINDOW) -> np.ndarray:
    """[15 + hops, 96] -> [hops, n, 96]: the head's window after each hop."""
    idx = np.arange(len(e) - 15)[:, None] + np.arange(16 - n, 16)[None]
    return e[idx]


def simulate(probs: np.ndarray, classes: list[str], words: list[str], threshold: float,
             emit_after: int = 3, min_hits: int = 2, margin: float = 0.0,
             quiet_hops: int = 13, smooth: int = 1) -> list[str]:
    """The detector's event logic over per-hop probabilities (base words only). smooth: the
    decision uses the mean probabilities of the last `smooth` hops (a what-if: the detector
    does not smooth; README, speech)."""
    if smooth > 1:
        c = np.cumsum(np.concatenate([np.zeros((1, probs.shape[1])), probs]), 0)
        lo = np.maximum(np.arange(1, len(probs) + 1) - smooth, 0)
        probs = (c[1:] - c[lo]) / (np.arange(1, len(probs) + 1) - lo)[:, None]
    events: list[str] = []
    cand: dict | None = None
    fired: str | None = None
    quiet_until = 0
    wset = {classes.index(w) for w in words}

    def emit(hop: int) -> None:
        nonlocal cand, fired, quiet_until
        c, cand = cand, None
        if c is None or c["hits"] < min_hits:
            return
        events.append(c["word"])
        quiet_until = hop + quiet_hops
        fired = c["word"]

    for h, p in enumerate(probs, start=1):
        order = np.argsort(p)
        k, second = int(order[-1]), float(p[order[-2]])
        found = None
        if k in wset and p[k] >= threshold and p[k] - second >= margin:
            found = (classes[k], float(p[k]))
        if fired is not None and (found is None or found[0] != fired):
            fired = None
        if h < quiet_until or (found is not None and found[0] == fired):
            continue
        if found is None:
            emit(h)
            continue
        if cand is None:
            cand = {"word": found[0], "score": found[1], "first": h, "hits": 0}
        elif found[1] > cand["score"]:
            cand.update(word=found[0], score=found[1])
        cand["hits"] += 1
        if h - cand["first"] + 1 >= emit_after:
            emit(h)
    emit(len(probs) + 1)
    return events


def evaluate(score, data: dict, classes: list[str], words: list[str], **kw) -> dict:
    """score: [hops, 16, 96] -> [hops, classes]. Returns the speech_eval metrics."""
    stats: dict[str, list] = {}
    for group, target, e in data["clips"]:
        evs = simulate(score(windows(e)), classes, words, **kw)
        stats.setdefault(group, []).append((target, evs, len(e) - 15))
    out = {}
    for cond in ("clean", "20 dB", "15 dB"):
        rows = stats[cond]
        out[cond] = (np.mean([evs == [t] for t, evs, _ in rows]),
                     np.mean([any(w != t for w in evs) for t, evs, _ in rows]))
    out["fa"] = np.mean([bool(evs) for _, evs, _ in stats["other"]])
    hops = sum(n for *_, n in stats["prose"])
    out["prose_per_h"] = sum(len(evs) for _, evs, _ in stats["prose"]) / (hops * 0.08) * 3600
    out["noise"] = sum(len(evs) for _, evs, _ in stats["noise"])
    return out


def diagnose(score, data: dict, classes: list[str], words: list[str], threshold: float = 0.5,
             **kw) -> None:
    """Where the streamed events lose against a per-clip decision (the probe's set-up): per
    condition, the clip-level argmax of the mean probabilities over the hops whose window holds
    the whole word, the share of clips whose word reaches the threshold on >= 2 hops, the share
    where another word does, and the streamed outcome (right / missed / wrong word / repeated)."""
    rows: dict[str, list] = {}
    for group, target, e in data["clips"]:
        if group not in ("clean", "20 dB", "15 dB"):
            continue
        p = score(windows(e))
        hops = len(p)
        lw = hops * 1280 - TAIL - 24000  # the test clip: 0.5 s, the word, 1 s (+ the tail)
        first = max(1, -(-(8128 + lw) // 1280))
        last = max(first, min(hops, 39840 // 1280))
        clip_pred = classes[int(p[first - 1: last].mean(0).argmax())]
        t = classes.index(target)
        above = (p >= threshold) & (p.argmax(1)[:, None] == np.arange(p.shape[1])[None])
        reach = above[:, t].sum() >= 2
        other = any(above[:, classes.index(w)].sum() >= 2 for w in words if w != target)
        evs = simulate(p, classes, words, threshold, **kw)
        out = ("right" if evs == [target] else "missed" if not evs else
               "wrong" if any(w != target for w in evs) else "repeated")
        rows.setdefault(group, []).append((clip_pred == target, reach, other, out))
    for g, r in rows.items():
        n = len(r)
        outs = [x[3] for x in r]
        clip_ok, reach, other = (100 * np.mean([x[i] for x in r]) for i in range(3))
        print(f"  {g:>6}: clip argmax {clip_ok:5.1f}  word >= thr on 2 hops {reach:5.1f}  "
              f"another word {other:5.1f}"
              "  streamed: " + ", ".join(f"{k} {100 * outs.count(k) / n:.1f}"
                                         for k in ("right", "missed", "wrong", "repeated")))


def fmt(r: dict) -> str:
    return (f"clean {100 * r['clean'][0]:5.1f} ({100 * r['clean'][1]:4.1f} wrong)  "
            f"20dB {100 * r['20 dB'][0]:5.1f}  15dB {100 * r['15 dB'][0]:5.1f}  "
            f"FA {100 * r['fa']:5.1f}  prose {r['prose_per_h']:5.0f}/h  noise {r['noise']}")


def validate(score, data: dict, classes: list[str], words: list[str], **kw) -> dict:
    """Streamed events on the held-out espeak validation clips of the build (models/
    speech_build.py: clean, the word ending near 1.2 s of a 3.2 s clip): the numbers used to
    choose training settings. -> {"words": right-event rate, "fa": other words with an event}."""
    right, fa = [], []
    unk = classes.index("unknown")
    for e, y in zip(data["val_e"], data["val_y"], strict=True):
        idx = np.arange(16, e.shape[0] + 1)[:, None] + np.arange(-sb.WINDOW, 0)[None]
        evs = simulate(score(e[idx]), classes, words, **kw)
        (fa if y == unk else right).append(bool(evs) if y == unk else evs == [classes[y]])
    return {"words": float(np.mean(right)), "fa": float(np.mean(fa))}


def train_and_score(args: argparse.Namespace, test: dict) -> None:
    """Train a head on the build's cached data with the given settings; print the held-out
    espeak validation (for choosing) and the flite/festival test (for reporting only)."""
    import time

    t0 = time.perf_counter()
    sb.NOISE, sb.EPOCHS, sb.ENSEMBLE = args.noise, args.epochs, args.ensemble
    doc, rep = sb.train(log=lambda *a: None)
    head = doc_head(doc)
    score = lambda w: sb.head_probs(head, sb.pool(w, doc["pooling"]))  # noqa: E731
    v = validate(score, rep["data"], doc["classes"], doc["words"], threshold=doc["threshold"])
    print(f"noise {args.noise} epochs {args.epochs} ensemble {args.ensemble} "
          f"({time.perf_counter() - t0:.0f} s): val windows {rep['heldout_accuracy']:.3f}  "
          f"val events {100 * v['words']:.1f}  val FA {100 * v['fa']:.1f}")
    r = evaluate(score, test, doc["classes"], doc["words"], threshold=doc["threshold"])
    print("   test:", fmt(r))
    if args.diagnose:
        diagnose(score, test, doc["classes"], doc["words"], threshold=doc["threshold"])
    if args.sweep:
        sweep(score, rep["data"], test, doc["classes"], doc["words"])


def val_data(feats: sb.Features) -> dict:
    """The build's cached data set (train and held-out espeak validation embeddings)."""
    import fetch

    plan = sb.dataset_plan()
    mel_p, emb_p = sb.feature_paths()
    key = sd.digest(plan, sd.tts_versions(), fetch.sha256_file(mel_p), fetch.sha256_file(emb_p),
                    (sb.HERE / "speech_data.py").read_bytes())
    return sb.embeddings(plan, feats, key)


SWEEP = {"smooth": (1, 2, 3, 4, 6), "threshold": (0.4, 0.45, 0.5, 0.55, 0.6),
         "min_hits": (1, 2, 3)}


def sweep(score, val: dict, test: dict, classes: list[str], words: list[str]) -> dict:
    """Detection settings scored on the held-out espeak voices (chosen: most words right minus
    other words accepted); the test voices are printed beside them, never used to choose."""
    import itertools

    memo: dict = {}

    def cached(w: np.ndarray) -> np.ndarray:  # the same windows recur for every setting
        key = (w.shape, float(w.sum()), w[0, 0, :8].tobytes(), w[-1, -1, :8].tobytes())
        if key not in memo:
            memo[key] = score(w)
        return memo[key]

    best, rows = None, []
    for sm, thr, mh in itertools.product(*SWEEP.values()):
        kw = {"smooth": sm, "threshold": thr, "min_hits": mh}
        v = validate(cached, val, classes, words, **kw)
        rows.append((v["words"] - v["fa"], kw, v))
        if best is None or rows[-1][0] > best[0]:
            best = rows[-1]
    now = next(r for r in rows if r[1] == {"smooth": 1, "threshold": 0.5, "min_hits": 2})
    for _gain, kw, v in [now, *sorted(rows, key=lambda r: -r[0])[:8]]:
        r = evaluate(cached, test, classes, words, **kw)
        print(f"  {kw}: val words {100 * v['words']:.1f} FA {100 * v['fa']:.1f} | test {fmt(r)}")
    return best[1]


def doc_head(doc: dict) -> dict:
    return {"mean": np.array(doc["mean"]), "std": np.array(doc["std"]),
            "w1": np.array(doc["layers"][0]["w"]).T, "b1": np.array(doc["layers"][0]["b"]),
            "w2": np.array(doc["layers"][1]["w"]).T, "b2": np.array(doc["layers"][1]["b"])}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--train", action="store_true",
                    help="train a head on the build's cached data instead of the shipped one")
    ap.add_argument("--noise", type=float, default=sb.NOISE)
    ap.add_argument("--epochs", type=int, default=sb.EPOCHS)
    ap.add_argument("--ensemble", type=int, default=sb.ENSEMBLE)
    ap.add_argument("--diagnose", action="store_true",
                    help="where the streamed events lose against a per-clip decision")
    ap.add_argument("--sweep", action="store_true",
                    help="detection settings (smoothing, threshold, hits) chosen on held-out "
                    "espeak voices")
    args = ap.parse_args()
    feats = sb.Features(*sb.feature_paths())
    data = test_set(feats, args.quick)
    if args.train:
        train_and_score(args, data)
        return 0
    import json

    doc = json.loads((ROOT / "web" / "models" / "speech_commands.json").read_text())
    head = doc_head(doc)
    pooling = doc.get("pooling", "mean+max")
    score = lambda w: sb.head_probs(head, sb.pool(w, pooling))  # noqa: E731
    r = evaluate(score, data, doc["classes"], doc["words"], threshold=doc["threshold"])
    print("shipped head:", fmt(r))
    if args.diagnose:
        diagnose(score, data, doc["classes"], doc["words"], threshold=doc["threshold"])
    if args.sweep:
        sweep(score, val_data(feats), data, doc["classes"], doc["words"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
