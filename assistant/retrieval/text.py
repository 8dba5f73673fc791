"""Keyword tokens of Indonesian legal text: words minus stopwords, their roots, references."""

from __future__ import annotations

import re

from ..language import STOPWORDS, normalise, stem, words

# "pasal 44A", "ayat (2)", "huruf b", "angka 3": the label word and the value after it.
_REF = re.compile(r"\b(pasal|ayat|huruf|angka|bab|bagian)\s*\(?\s*([0-9]+[a-z]?|[a-z]|[ivxlc]+)\b")

__all__ = ["STOPWORDS", "Analyzer", "normalise", "reference_tokens", "words"]


def reference_tokens(text: str) -> list[str]:
    """Compound tokens for structural references: "pasal 44A" → "pasal:44a", "huruf b" → "huruf:b"."""
    return [f"{label}:{value}" for label, value in _REF.findall(normalise(text))]


class Analyzer:
    """Turns text into keyword tokens: words minus stopwords, optional stems, reference tokens."""

    def __init__(self, *, stemming: bool = True):
        self.stemming = stemming

    def tokens(self, text: str) -> list[str]:
        """Keyword tokens of a text; a stemmed word yields both its surface form and its root."""
        out: list[str] = []
        raw = words(text)
        for i, w in enumerate(raw):
            if w in STOPWORDS:
                continue
            if len(w) == 1 and not w.isdigit():
                # single letters only count as a list item: "huruf b"
                if i == 0 or raw[i - 1] != "huruf":
                    continue
            out.append(w)
            if self.stemming and w.isalpha():
                root = stem(w)
                if root != w and root not in STOPWORDS:
                    out.append(root)
        out += reference_tokens(text)
        return out
