"""Deciding, from the hits' signals alone, that the corpus holds no answer to a question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..retrieval.types import Hit
from .terms import content_terms, coverage

TOP = 3  # passages inspected for term coverage
DEFAULT_THRESHOLD = 0.5  # calibrated on dev.jsonl, see `confidence`

_DENSE_KEYS = ("dense_score", "dense_cosine", "cosine")
_LEXICAL_KEYS = ("bm25", "bm25_score", "lexical_score")
_LOOKUP_KEYS = ("lookup",)


@dataclass(frozen=True)
class Evidence:
    """How well the best hits support an answer."""

    coverage: float  # best share of the question's content words found in one top passage
    dense: float  # best dense cosine similarity (0 when not reported)
    lexical: float  # best BM25 score (0 when not reported)
    lookup: bool  # the question named a provision (e.g. "Pasal 6 UU 25/1992") that was found
    terms: int  # number of content words in the question


def _best(hits: Sequence[Hit], keys: tuple[str, ...]) -> float:
    best = 0.0
    for hit in hits:
        for key in keys:
            value = hit.signals.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                best = max(best, float(value))
                break
    return best


def assess(question: str, hits: Sequence[Hit]) -> Evidence:
    """Measure the evidence for a question in its hits (pure)."""
    terms = content_terms(question)
    top = list(hits[:TOP])
    best_cov = max(
        (coverage(terms, h.text + " " + str(h.meta.get("context") or "")) for h in top),
        default=0.0,
    )
    lookup = any(bool(h.signals.get(k)) for h in top for k in _LOOKUP_KEYS)
    return Evidence(
        coverage=best_cov if top else 0.0,
        dense=_best(top, _DENSE_KEYS),
        lexical=_best(top, _LEXICAL_KEYS),
        lookup=lookup,
        terms=len(terms),
    )


def confidence(ev: Evidence) -> float:
    """A score in [0, 1]: how likely the top hits answer the question."""
    if ev.lookup:
        return 1.0
    return ev.coverage


def should_refuse(ev: Evidence, threshold: float | None = None) -> bool:
    """True when the evidence is below the threshold (DEFAULT_THRESHOLD when None or 0)."""
    return confidence(ev) < (threshold or DEFAULT_THRESHOLD)
