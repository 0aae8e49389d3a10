"""Text task: tokenizer == `tokenizers`, offensive == scikit-learn (fixtures written by the build),
search index operations and file format, notes, CLI schemas (issue 17 / 20)."""

from __future__ import annotations

import json
import math
import random
from array import array
from pathlib import Path

import pytest

from frontml.cli import main
from frontml.errors import InputError
from frontml.learn import Backbone, BackboneMismatchError
from frontml.tasks.text.notes import text_notes
from frontml.tasks.text.search import SearchIndex
from frontml.tasks.text.sentiment import SentimentHead

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "web" / "models"
REF = MODELS / "reference"
TEXT_ASSETS = ("text_tokenizer.json", "offensive.json", "minilm_l6.onnx", "sentiment_head.json")


def _need(*names: str) -> None:
    missing = [n for n in names if not (MODELS / n).exists() and not (REF / n).exists()]
    if missing:
        pytest.skip(f"{', '.join(missing)} absent: run ./dev build")


def _asset(name: str) -> dict:
    return json.loads((MODELS / name).read_text())


# ----------------------------------------------------------------------------- tokenizer

def test_tokenizer_equals_tokenizers_library_on_fixture():
    _need("text_tokenizer.json", "reference/text_tokenizer.json")
    from frontml.tasks.text.tokenizer import WordPieceTokenizer

    tok = WordPieceTokenizer(_asset("text_tokenizer.json"))
    ref = json.loads((REF / "text_tokenizer.json").read_text())
    assert len(ref["texts"]) > 5000
    bad = [t for t, ids in zip(ref["texts"], ref["ids"], strict=True) if tok.encode(t).ids != ids]
    assert bad == []


def test_tokenizer_truncates_visibly():
    _need("text_tokenizer.json")
    from frontml.tasks.text.tokenizer import WordPieceTokenizer

    tok = WordPieceTokenizer(_asset("text_tokenizer.json"))
    enc = tok.encode("the " * 400)
    assert len(enc.ids) == 256 and enc.truncated and enc.total_pieces == 400
    assert enc.tokens[0] == "[CLS]" and enc.tokens[-1] == "[SEP]"
    notes = text_notes("the " * 400, enc)
    assert [n["kind"] for n in notes] == ["truncated"] and notes[0]["used"] == 254


# ----------------------------------------------------------------------------- offensive

def test_offensive_equals_sklearn_on_fixture():
    _need("offensive.json", "reference/offensive.json")
    from frontml.tasks.text.offensive import OffensiveScorer

    scorer = OffensiveScorer(_asset("offensive.json"))
    ref = json.loads((REF / "offensive.json").read_text())
    assert len(ref["texts"]) >= 3000
    worst = max(abs(scorer.score(t).score - p)
                for t, p in zip(ref["texts"], ref["probability"], strict=True))
    assert worst <= 1e-9
    assert sum(p >= 0.5 for p in ref["probability"]) > 100  # the fixture has offensive texts


def test_offensive_words_and_threshold():
    _need("offensive.json")
    from frontml.tasks.text.offensive import OffensiveScorer

    scorer = OffensiveScorer(_asset("offensive.json"))
    bad = scorer.score("you are a stupid fucking idiot")
    assert bad.offensive and bad.score > 0.9
    assert {w["word"] for w in bad.words} >= {"fucking", "idiot"}
    good = scorer.score("have a lovely day")
    assert not good.offensive and good.words == [] and good.score < 0.2
    empty = scorer.score("")
    assert 0.0 < empty.score < 1.0 and empty.words == []


# ----------------------------------------------------------------------------- sentiment head

def test_sentiment_head_is_a_plain_mlp():
    head = SentimentHead({"labels": ["negative", "neutral", "positive"], "layers": [
        {"weights": [[1.0, 0.0], [0.0, 1.0]], "bias": [0.0, 0.0]},
        {"weights": [[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]], "bias": [0.0, 0.0, 0.0]}]})
    r = head.predict([2.0, -1.0])  # relu -> [2, 0] -> logits [2, 0, 0]
    assert r.label == "negative"
    assert math.isclose(r.scores["negative"], math.exp(2) / (math.exp(2) + 2))
    assert math.isclose(sum(r.scores.values()), 1.0)


# ----------------------------------------------------------------------------- search index

def _unit(rng: random.Random, dim: int) -> array:
    v = [rng.gauss(0, 1) for _ in range(dim)]
    n = math.sqrt(sum(x * x for x in v))
    return array("f", [x / n for x in v])


BB = Backbone("minilm_l6", "ab" * 32, 8, "embedding", "cosine")


def test_index_add_remove_search_and_ties():
    rng = random.Random(0)
    index = SearchIndex(BB, 8)
    vecs = [_unit(rng, 8) for _ in range(20)]
    ids = [index.add(f"doc {i}", v) for i, v in enumerate(vecs)]
    assert ids == list(range(20)) and len(index) == 20
    hits = index.search(vecs[7], 3)
    assert hits[0].id == 7 and hits[0].text == "doc 7" and hits[0].score == pytest.approx(1, 1e-6)
    assert hits[0].score >= hits[1].score >= hits[2].score
    assert index.remove(7) and not index.remove(7)
    assert all(h.id != 7 for h in index.search(vecs[7], 19)) and len(index) == 19
    assert index.text(19) == "doc 19"  # moved into the hole, still found by id
    assert index.add("again", vecs[7]) == 20  # ids are never reused
    index.add("twin", vecs[3], 100)
    assert [h.id for h in index.search(vecs[3], 2)] == [3, 100]  # equal scores: lower id first
    with pytest.raises(InputError):
        index.add("dup", vecs[0], 3)
    with pytest.raises(InputError):
        index.add("short", [1.0, 0.0])
    with pytest.raises(InputError):
        index.search(vecs[0], 0)


def test_index_file_round_trip_and_refusals(tmp_path):
    rng = random.Random(1)
    index = SearchIndex(BB, 8)
    for i in range(5):
        index.add(f"doc {i} é", _unit(rng, 8))
    index.remove(2)
    path = tmp_path / "index.bin"
    index.save(path)
    back = SearchIndex.load(path, BB)
    assert back.documents() == index.documents() and back.next_id == 5
    q = _unit(rng, 8)
    assert [h.to_json() for h in back.search(q, 4)] == [h.to_json() for h in index.search(q, 4)]
    other = Backbone("efficientnet_lite0", "", 8, "projection", "cosine")
    with pytest.raises(BackboneMismatchError):
        SearchIndex.load(path, other)
    data = path.read_bytes()
    with pytest.raises(InputError, match="truncated"):
        SearchIndex.from_bytes(data[:-4])
    with pytest.raises(InputError, match="magic"):
        SearchIndex.from_bytes(b"nope" + data)


# ----------------------------------------------------------------------------- notes

def test_notes_empty_and_not_english():
    assert [n["kind"] for n in text_notes("   ")] == ["empty"]
    assert [n["kind"] for n in text_notes("Привет, как дела у тебя сегодня?")] == ["not_english"]
    assert [n["kind"] for n in text_notes("Dónde está la biblioteca municipal hoy")] == [
        "not_english"]
    assert text_notes("I think this is great") == []


# ----------------------------------------------------------------------------- CLI

def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]


def test_cli_text_schema(capsys, tmp_path):
    _need(*TEXT_ASSETS)
    f = tmp_path / "texts.txt"
    f.write_text("what a wonderful day, I love it\n")
    assert main(["text", "you are a stupid idiot", "", "--file", str(f), "--json"]) == 0
    out = _lines(capsys)
    assert len(out) == 3
    for obj in out:
        assert set(obj) >= {"text", "offensive"}
        assert set(obj["offensive"]) == {"score", "offensive", "words"}
    assert out[0]["offensive"]["offensive"] and out[0]["sentiment"]["label"] == "negative"
    assert set(out[0]["sentiment"]["scores"]) == {"negative", "neutral", "positive"}
    assert [n["kind"] for n in out[1]["notes"]] == ["empty"]
    assert out[2]["sentiment"]["label"] == "positive" and not out[2]["offensive"]["offensive"]


def test_cli_search_schema(capsys, tmp_path):
    _need(*TEXT_ASSETS)
    from frontml.tasks.text.samples import DOCS

    docs = tmp_path / "docs.txt"
    docs.write_text("\n".join(DOCS) + "\n")
    assert main(["search", "--docs", str(docs), "--query", "when does the bakery open",
                 "how long do cats sleep", "--json", "--top-k", "2"]) == 0
    out = _lines(capsys)
    assert [o["query"] for o in out] == ["when does the bakery open", "how long do cats sleep"]
    assert all(len(o["results"]) == 2 and set(o["results"][0]) == {"index", "text", "score"}
               for o in out)
    assert out[0]["results"][0]["index"] == 15 and out[1]["results"][0]["index"] == 21
    assert out[0]["results"][0]["text"] == DOCS[15]


def test_cli_reply_schema(capsys):
    _need(*TEXT_ASSETS)
    assert main(["reply", "Thanks so much for the help!", "My dog died yesterday.",
                 "--json"]) == 0
    out = _lines(capsys)
    assert [o["message"] for o in out] == ["Thanks so much for the help!",
                                           "My dog died yesterday."]
    assert all(len(o["replies"]) == 3 and set(o["replies"][0]) == {"text", "score"} for o in out)
    assert out[0]["kind"] == "ack" and out[1]["kind"] == "sympathy"


def test_cli_bad_input_exits_2(capsys, tmp_path):
    assert main(["text", "--json"]) == 2
    assert "TEXT" in capsys.readouterr().err
    assert main(["search", "--docs", str(tmp_path / "missing.txt"), "--query", "x"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_sentiment_pipeline_matches_build_on_held_out_tweets():
    """CPython's tokenizer + ONNX + head give the build's probabilities (the build embedded the
    same tweets with the same files)."""
    _need(*TEXT_ASSETS, "reference/sentiment_head.json")
    from frontml.runtime import run_sync
    from frontml.tasks.text import TextOptions, create_text_analyzer

    ref = json.loads((REF / "sentiment_head.json").read_text())
    task = run_sync(create_text_analyzer(TextOptions()))
    try:
        for text, proba in list(zip(ref["texts"], ref["proba"], strict=True))[:40]:
            got = run_sync(task.process(text)).sentiment.scores
            assert [got[k] for k in ("negative", "neutral", "positive")] == pytest.approx(
                proba, abs=1e-5)
    finally:
        task.close()


def test_minilm_has_int8_weights_and_float_activations():
    """Weight-only int8: no integer kernels (DynamicQuantizeLinear/MatMulInteger round
    differently in onnxruntime-web) and no DequantizeLinear (onnxruntime fuses it into
    MatMulNBits): int8 initializers + Cast + Mul, which both runtimes fold at load."""
    _need("minilm_l6.onnx")
    onnx = pytest.importorskip("onnx")
    model = onnx.load(str(MODELS / "minilm_l6.onnx"))
    ops = {n.op_type for n in model.graph.node}
    assert not ops & {"DynamicQuantizeLinear", "MatMulInteger", "DequantizeLinear",
                      "QuantizeLinear", "MatMulNBits"}
    int8 = [i for i in model.graph.initializer if i.data_type == onnx.TensorProto.INT8]
    assert len(int8) == 37  # 36 MatMul weights + the word-embedding table
    assert sum(math.prod(i.dims) for i in int8) > 20_000_000


def test_batched_embeddings_equal_single_runs():
    """embed_many batches same-length texts (float activations): each row is `embed`'s
    vector, so an index built in batches equals one built text by text."""
    _need("text_tokenizer.json", "minilm_l6.onnx")
    from frontml.runtime import run_sync
    from frontml.tasks.text.embedder import TextEmbedder

    texts = ["the cat sat on the mat", "a dog ran in the park", "we ate pizza last night",
             "I love this", "I hate this", "short", "tiny"]
    emb = run_sync(TextEmbedder.create())
    try:
        batched = run_sync(emb.embed_many(texts, batch=8))
        for text, vec in zip(texts, batched, strict=True):
            single, _ = run_sync(emb.embed(text))
            assert max(abs(a - b) for a, b in zip(vec, single, strict=True)) < 1e-6
    finally:
        emb.close()
