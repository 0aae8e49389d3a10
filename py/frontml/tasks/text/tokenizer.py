"""BERT uncased tokenizer (basic + WordPiece) in pure Python, equal to the `tokenizers` library.

Python's `unicodedata` disagrees with the Rust library on a few characters (and its Unicode
version depends on the interpreter), so the character classes come from a table the build
dumps from `tokenizers` itself (models/text_build.py, `text_tokenizer` asset):
  * drop: ranges of code points the normaliser removes (controls, format, unassigned, ...);
  * cjk: ranges padded with spaces (each ideograph becomes its own word);
  * map: runs [start, count, step, delta] (single character cp -> cp + delta) and explicit
    {cp: text} for the rest (lower-casing, accent stripping, whitespace -> " ");
  * punct: ranges the pre-tokeniser splits off as single-character words.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


def _ranges(pairs: list[list[int]]) -> tuple[list[int], list[int]]:
    return [a for a, _ in pairs], [b for _, b in pairs]


def _in(ranges: tuple[list[int], list[int]], cp: int) -> bool:
    starts, ends = ranges
    k = bisect_right(starts, cp) - 1
    return k >= 0 and cp <= ends[k]


@dataclass
class Encoding:
    ids: list[int]           # [CLS] ... [SEP], at most max_length
    tokens: list[str]
    truncated: bool          # the text had more word pieces than fit
    total_pieces: int        # word pieces before truncation (without [CLS]/[SEP])


class WordPieceTokenizer:
    def __init__(self, data: dict) -> None:
        self.vocab: list[str] = data["vocab"]
        self.ids = {t: i for i, t in enumerate(self.vocab)}
        self.max_length: int = data["max_length"]
        self.max_chars: int = data["max_input_chars_per_word"]
        self.unk = self.ids[data["unk_token"]]
        self.cls = self.ids[data["cls_token"]]
        self.sep = self.ids[data["sep_token"]]
        self.prefix: str = data["continuing_subword_prefix"]
        table = data["chars"]
        self.drop = _ranges(table["drop"])
        self.cjk = _ranges(table["cjk"])
        self.punct = _ranges(table["punct"])
        self.map: dict[int, str] = {int(k): v for k, v in table["explicit"].items()}
        for start, count, step, delta in table["runs"]:
            for k in range(count):
                cp = start + k * step
                self.map[cp] = chr(cp + delta)
        # Fast path for ASCII: what each byte becomes after normalisation.
        self._ascii = [self._char(chr(c)) for c in range(128)]
        self._punct_ascii = [_in(self.punct, c) for c in range(128)]

    def _char(self, ch: str) -> str:
        cp = ord(ch)
        got = self.map.get(cp)
        if got is not None:
            return got
        if _in(self.drop, cp):
            return ""
        if _in(self.cjk, cp):
            return f" {ch} "
        return ch

    def normalize(self, text: str) -> str:
        """BertNormalizer(clean_text, handle_chinese_chars, strip_accents, lowercase)."""
        ascii_map = self._ascii
        out = []
        for ch in text:
            c = ord(ch)
            out.append(ascii_map[c] if c < 128 else self._char(ch))
        return "".join(out)

    def _is_punct(self, ch: str) -> bool:
        c = ord(ch)
        return self._punct_ascii[c] if c < 128 else _in(self.punct, c)

    def pre_tokenize(self, normalized: str) -> list[str]:
        """BertPreTokenizer: split on whitespace, punctuation characters become words."""
        words = []
        for chunk in normalized.split(" "):
            start = 0
            for k, ch in enumerate(chunk):
                if self._is_punct(ch):
                    if k > start:
                        words.append(chunk[start:k])
                    words.append(ch)
                    start = k + 1
            if start < len(chunk):
                words.append(chunk[start:])
        return words

    def word_pieces(self, word: str) -> list[int]:
        """Greedy longest-match-first WordPiece; a word that cannot be covered is [UNK]."""
        if len(word) > self.max_chars:
            return [self.unk]
        ids, vocab = [], self.ids
        start, n = 0, len(word)
        while start < n:
            end = n
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else self.prefix + word[start:end]
                found = vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str, max_length: int | None = None) -> Encoding:
        limit = (max_length or self.max_length) - 2
        pieces: list[int] = []
        for word in self.pre_tokenize(self.normalize(text)):
            pieces.extend(self.word_pieces(word))
        total = len(pieces)
        ids = [self.cls, *pieces[:limit], self.sep]
        return Encoding(ids, [self.vocab[i] for i in ids], total > limit, total)
