"""BM25 keyword search over chunk texts, held in memory as precomputed postings."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from .text import Analyzer

# One document to index: its fields as (text, weight); a weight scales that field's term counts.
Fields = Sequence[tuple[str, float]]


class BM25:
    """Okapi BM25 with weighted fields; `search` sums precomputed per-term weights with numpy."""

    def __init__(
        self, docs: Sequence[Fields], analyzer: Analyzer, *, k1: float = 1.2, b: float = 0.75
    ):
        self.analyzer = analyzer
        self.size = len(docs)
        counts: list[Counter[str]] = []
        for fields in docs:
            tf: Counter[str] = Counter()
            for text, weight in fields:
                if weight > 0 and text:
                    for tok in analyzer.tokens(text):
                        tf[tok] += weight
            counts.append(tf)
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
        avgdl = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths / (avgdl or 1.0))
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        rows: dict[str, list[int]] = {}
        vals: dict[str, list[float]] = {}
        for i, c in enumerate(counts):
            for term, tf in c.items():
                rows.setdefault(term, []).append(i)
                vals.setdefault(term, []).append(tf * (k1 + 1) / (tf + norm[i]))
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, idx in rows.items():
            idf = math.log(1 + (self.size - df[term] + 0.5) / (df[term] + 0.5))
            self.postings[term] = (
                np.array(idx, dtype=np.int32),
                np.array(vals[term], dtype=np.float64) * idf,
            )

    def scores(self, query: str | Sequence[str] | Mapping[str, float]) -> np.ndarray:
        """BM25 score of every document for a query: text, tokens, or tokens with weights."""
        if isinstance(query, str):
            query = self.analyzer.tokens(query)
        weights = query if isinstance(query, Mapping) else dict.fromkeys(query, 1.0)
        out = np.zeros(self.size, dtype=np.float64)
        for term, weight in weights.items():
            post = self.postings.get(term)
            if post is not None:
                out[post[0]] += post[1] * weight if weight != 1.0 else post[1]
        return out

    def search(
        self,
        query: str | Sequence[str] | Mapping[str, float],
        k: int,
        mask: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """The k best (document index, score) with a positive score, optionally within a mask."""
        s = self.scores(query)
        if mask is not None:
            s = np.where(mask, s, 0.0)
        n = min(k, int(np.count_nonzero(s > 0)))
        if n <= 0:
            return []
        top = np.argpartition(-s, n - 1)[:n]
        top = top[np.lexsort((top, -s[top]))]
        return [(int(i), float(s[i])) for i in top]
