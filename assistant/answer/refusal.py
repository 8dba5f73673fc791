"""Deciding, from the hits alone, that the corpus holds no answer to a question.

`confidence` = the best coverage of the question's content words by one of the top 3 passages
(words of scene-setting sentences count half; an everyday word also matches its legal wording)
− 0.15 per rare content word (in at most 0.75% of all chunks) found in none of the k passages
− 0.4 per document the question names that the index does not hold ("Permenkop UKM 4/2020")
− 0.3 per kind of figure asked (a percentage, an amount of money, a time, a count) that none of
the top 5 passages states; a provision found by explicit reference (lookup) gives 1.0.

Why these features: the best hit's dense cosine (0.85-0.92) and BM25 score overlap completely
between answerable and unanswerable questions (e5 similarities are compressed, and unanswerable
questions are near misses on corpus topics). What separates them is the question's own words and
the figure it asks for: an unanswerable question asks about a thing the corpus hardly knows
("skor", "predikat", "fit and proper test") or for a number the texts leave to other rules.

Calibration (default corpus, k=8), threshold 0.5:
- dev.jsonl (40 questions, 5 unanswerable): unanswerable scores −0.40 to 0.46, answerable ones
  0.58 and up; refusal recall 5/5, false refusals 0/35.
- eval/own.jsonl (60 questions we wrote, 15 unanswerable), looked at only to find general causes
  (colloquial words, scene-setting sentences, named documents we lack): refusal recall 9/15,
  false refusals 8/45.
- eval/blind.jsonl (50 questions, 14 unanswerable, never tuned on): refusal recall 6/14, false
  refusals 6/36. The rule does not generalise well: long chatty questions and retrieval misses
  are refused too often, near-miss questions pass. The weights are round numbers, not fitted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..retrieval.types import Hit
from .answer_types import unstated
from .terms import Frequencies, form_set, matches, question_terms, words

TOP = 3  # passages inspected for term coverage
FIGURE_TOP = 5  # passages inspected for the kind of figure asked
DEFAULT_THRESHOLD = 0.5
UNSTATED_WEIGHT = 0.3  # per kind of figure asked (percentage, amount, time, count) none states
MISSING_WEIGHT = 0.15  # per rare question word that no retrieved passage contains
RARE_SHARE = 0.0075  # a word in at most this share of all passages is rare (12 of 1615)
NAMED_MISSING_WEIGHT = 0.4  # per document named in the question but absent from the index

CONTEXT_WEIGHT = 0.5  # weight of a word that only sets the scene, against one that asks
_ASKING = re.compile(
    r"\?|\b(?:apa|apakah|berapa|bagaimana|gimana|siapa|kapan|mana|boleh|bolehkah|bisa|bisakah"
    r"|perlu|wajib|harus|haruskah)\b",
    re.I,
)

_DENSE_KEYS = ("dense_score", "dense_cosine", "cosine")
_LEXICAL_KEYS = ("bm25", "bm25_score", "lexical_score")
_LOOKUP_KEYS = ("lookup",)


@dataclass(frozen=True)
class Evidence:
    """How well the hits support an answer."""

    coverage: float  # best share of the question's content words found in one top passage
    dense: float  # best dense cosine similarity (0 when not reported)
    lexical: float  # best BM25 score (0 when not reported)
    lookup: bool  # the question named a provision (e.g. "Pasal 6 UU 25/1992") that was found
    terms: int  # number of content words in the question
    missing: float = 0  # rare content words found in none of the hits (context words: half)
    named_missing: int = 0  # documents the question names that the index does not hold
    unstated: int = 0  # kinds of figure asked ("berapa persen") that no top passage states


def context_words(question: str) -> set[str]:
    """Words found only in the sentences that set the scene, not in those that ask
    ("Tahun buku kami tutup 31 Desember. Paling telat kapan RAT digelar?")."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", question.strip()) if s]
    asking = [s for s in sentences if _ASKING.search(s)]
    if not asking or len(asking) == len(sentences):
        return set()
    told = " ".join(s for s in sentences if s not in asking)
    return set(words(told)) - set(words(" ".join(asking)))


def _best(hits: Sequence[Hit], keys: tuple[str, ...]) -> float:
    best = 0.0
    for hit in hits:
        for key in keys:
            value = hit.signals.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                best = max(best, float(value))
                break
    return best


def _passage(hit: Hit) -> str:
    return hit.text + " " + str(hit.meta.get("context") or "")


def assess(
    question: str,
    hits: Sequence[Hit],
    named_missing: int = 0,
    frequencies: Frequencies | None = None,
) -> Evidence:
    """Measure the evidence for a question in its hits (pure).

    Without `frequencies` (word counts over the whole index) every unmatched word counts.
    """
    terms = question_terms(question)
    context = context_words(question)
    weight = {t.word: CONTEXT_WEIGHT if t.word in context else 1.0 for t in terms}
    top = list(hits[:TOP])
    everywhere = form_set(" ".join(_passage(h) for h in hits))
    unmatched = [t for t in terms if not matches(t, everywhere)]
    if frequencies is not None and frequencies.total:
        unmatched = [t for t in unmatched if frequencies.share(t) <= RARE_SHARE]

    def covered(text: str) -> float:
        found = form_set(text)
        return sum(weight[t.word] for t in terms if matches(t, found)) / sum(weight.values())

    return Evidence(
        coverage=max((covered(_passage(h)) for h in top), default=0.0) if terms else 0.0,
        dense=_best(top, _DENSE_KEYS),
        lexical=_best(top, _LEXICAL_KEYS),
        lookup=any(bool(h.signals.get(k)) for h in top for k in _LOOKUP_KEYS),
        terms=len(terms),
        missing=sum(weight[t.word] for t in unmatched),
        named_missing=named_missing,
        unstated=unstated(question, [h.text for h in hits[:FIGURE_TOP]]),
    )


def confidence(ev: Evidence) -> float:
    """How well the hits cover the question: 1.0 for a found reference, lower is weaker."""
    if ev.lookup:
        return 1.0
    if not ev.terms:
        return 0.0  # "apa?", "???": nothing to look for
    return (
        ev.coverage
        - MISSING_WEIGHT * ev.missing
        - NAMED_MISSING_WEIGHT * ev.named_missing
        - UNSTATED_WEIGHT * ev.unstated
    )


def should_refuse(ev: Evidence, threshold: float | None = None) -> bool:
    """True when the confidence is below the threshold (DEFAULT_THRESHOLD when None or 0)."""
    return confidence(ev) < (threshold or DEFAULT_THRESHOLD)
