"""Notes about a text the models may handle badly: empty, not English, too long (truncated)."""

from __future__ import annotations

import re

from frontml.tasks.text.tokenizer import Encoding

_WORD = re.compile(r"[^\W\d_]+")
# Frequent English function words: a text of several words with none of them is likely not
# English (the sentiment head and offensive model were trained on English only).
_ENGLISH = frozenset((
    "the", "a", "an", "and", "or", "but", "if", "of", "to", "in", "on", "at", "for", "with",
    "from", "by", "about", "as", "is", "are", "was", "were", "be", "been", "am", "i", "you",
    "he", "she", "it", "we", "they", "me", "my", "your", "his", "her", "our", "their", "this",
    "that", "these", "those", "not", "no", "do", "does", "did", "have", "has", "had", "will",
    "would", "can", "could", "should", "so", "just", "what", "who", "how", "why", "when",
    "where", "there", "here", "all", "very", "too", "up", "out", "get", "got", "like", "love",
    "hate", "good", "bad", "im", "dont", "its",
))


def text_notes(text: str, enc: Encoding | None = None) -> list[dict]:
    """[{"kind", "message"}]: kinds "empty", "not_english", "truncated", "unknown_words"."""
    notes: list[dict] = []
    if not text.strip():
        return [{"kind": "empty", "message": "the text is empty: scores are not meaningful"}]
    words = _WORD.findall(text)
    letters = sum(len(w) for w in words)
    latin = sum(1 for w in words for ch in w if ch < "\u0250")
    english = sum(1 for w in words if w.lower() in _ENGLISH)
    if letters and latin / letters < 0.5:
        notes.append({"kind": "not_english", "message": "mostly non-Latin script: the models "
                      "are English-only, scores may be meaningless"})
    elif len(words) >= 4 and english == 0:
        notes.append({"kind": "not_english", "message": "no common English words: the text may "
                      "not be English, and the models are English-only"})
    if enc is not None:
        if enc.truncated:
            used = len(enc.ids) - 2
            notes.append({"kind": "truncated", "message": f"long text: only the first {used} of "
                          f"{enc.total_pieces} word pieces were embedded (the offensive score "
                          f"uses all of it)", "used": used, "total": enc.total_pieces})
        unk = enc.tokens.count("[UNK]")
        if unk and unk * 4 >= max(1, len(enc.ids) - 2):
            notes.append({"kind": "unknown_words", "message": f"{unk} word(s) are outside the "
                          f"model's vocabulary"})
    return notes
