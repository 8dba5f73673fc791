"""Whether the hits answer a question: an answer, "kurang yakin", or "tidak ditemukan" (pure).

The evidence is a handful of features of the question and its hits (how many of the asked words
a top passage states, asked words no passage knows, a document named that the index lacks, a
kind of figure asked that no passage states, an explicit reference or definition found, the
dense and keyword scores, the question's length). A logistic model turns them into the
probability that the corpus answers the question; two thresholds cut it into the three
outcomes. Model and thresholds are fitted by `python -m assistant.fit` with cross-validation
(folds grouped by gold provision) under an asymmetric cost: "tidak ditemukan" on a question
the corpus answers is the worst error, so it is kept for questions with almost no evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from functools import cache
from pathlib import Path

from .. import fitted
from ..fitted import FITTED_FILE
from ..retrieval.query import Query
from ..retrieval.types import Hit
from .answer_types import unstated
from .extractive import distinct, split_units
from .terms import Frequencies, form_set, matches, question_terms
from .types import Outcome

TOP = 3  # passages inspected for term coverage
WIDE = 5  # passages inspected for figures and for the union coverage
UNITS = 3  # best-matching ayat or sentences that must state the kind of figure asked
HITS = 8  # passages searched for the question's words (whatever number the caller shows)
RARE_SHARE = 0.0075  # a word in at most this share of all passages is rare
CONTEXT_WEIGHT = 0.5  # weight of a word that only sets the scene, against one that asks
# Questions shorter than this are rare in the development data (its 5th percentile), so the model
# cannot have learnt what their length means: below it, length reads as that of a short question
# and a three-word quiz question ("Apa itu SHU?") is not judged by an extrapolated weight.
LENGTH_FLOOR = 10


@dataclass(frozen=True)
class Evidence:
    """The features of one question and its hits; every field is a number the model weighs."""

    coverage: float  # best share of the question's content words stated in one top passage
    coverage_wide: float  # share stated by the top passages together
    unit_coverage: float  # best rarity-weighted share stated in one ayat or sentence
    unit_unstated: float  # kinds of figure asked that none of the best-matching units states
    missing: float  # rare content words found in no retrieved passage (scene words: half)
    named_missing: float  # documents the question names that the index does not hold
    unstated: float  # kinds of figure asked (percentage, money, time, count) no passage states
    lookup: float  # 1 when a provision the question names explicitly was found
    definition: float  # 1 when the definition of the term asked was found
    # best dense cosine of the retrieved passages, best BM25 score of the top passages per asked
    # term; None when no hit carries that score (keyword-only or vector-only retrieval, hits made
    # by hand): the model then reads the feature as average, evidence neither way
    dense: float | None
    lexical: float | None
    # log(1 + words of the question, at least LENGTH_FLOOR): a long message tells a story around
    # its question, so its words are less often all stated in one passage than a short one's
    length: float = 0.0
    # share of the top passages from the one document most of them come from: passages that
    # agree on one source are stronger evidence than scattered near-misses
    concentration: float = 0.0

    terms: int = 0  # content words of the question (none: nothing to look for); not weighed

    def vector(self) -> list[float]:
        """The features in FEATURES order; an absent score is NaN."""
        return [math.nan if (v := getattr(self, name)) is None else float(v) for name in FEATURES]


FEATURES = tuple(f.name for f in fields(Evidence) if f.name != "terms")


def _passage(hit: Hit) -> str:
    return hit.text + " " + str(hit.meta.get("context") or "")


def _idf(term, frequencies: Frequencies | None) -> float:
    """How rare a word is in the index (a word in every passage weighs ~0, a unique one ~7)."""
    if frequencies is None or not frequencies.total:
        return 1.0
    return math.log((frequencies.total + 1) / (frequencies.share(term) * frequencies.total + 1))


def _best(hits: Sequence[Hit], key: str) -> float | None:
    values = [h.signals.get(key) for h in hits]
    return max((float(v) for v in values if isinstance(v, int | float)), default=None)


def _concentration(hits: Sequence[Hit]) -> float:
    docs = [h.meta.get("doc_id", "") for h in hits]
    return max(map(docs.count, docs)) / len(docs) if docs else 0.0


def assess(
    query: Query,
    hits: Sequence[Hit],
    named_missing: int = 0,
    frequencies: Frequencies | None = None,
) -> Evidence:
    """Measure the evidence for a question in its hits (a consolidated Pasal, its original and
    its amending text count as one passage)."""
    hits = distinct(hits)
    terms = question_terms(query.normal)
    scene = query.context_words
    weight = {t.word: CONTEXT_WEIGHT if t.word in scene else 1.0 for t in terms}
    total = sum(weight.values()) or 1.0
    top, wide = list(hits[:TOP]), list(hits[:WIDE])

    def covered(found: frozenset[str]) -> float:
        return sum(weight[t.word] for t in terms if matches(t, found)) / total

    rarity = {t.word: weight[t.word] * _idf(t, frequencies) for t in terms}
    units = sorted(
        (
            (sum(r for t, r in zip(terms, rarity.values()) if matches(t, form_set(u.text))), u.text)
            for h in top
            for u in split_units(h.text)
        ),
        reverse=True,
    )

    everywhere = form_set(" ".join(_passage(h) for h in hits[:HITS]))
    unmatched = [t for t in terms if not matches(t, everywhere)]
    if frequencies is not None and frequencies.total:
        unmatched = [t for t in unmatched if frequencies.share(t) <= RARE_SHARE]
    return Evidence(
        coverage=max((covered(form_set(_passage(h))) for h in top), default=0.0),
        coverage_wide=covered(form_set(" ".join(_passage(h) for h in wide))),
        unit_coverage=units[0][0] / (sum(rarity.values()) or 1.0) if units else 0.0,
        unit_unstated=float(unstated(query.normal, [text for _, text in units[:UNITS]])),
        missing=sum(weight[t.word] for t in unmatched),
        named_missing=float(named_missing),
        unstated=float(unstated(query.normal, [h.text for h in wide])),
        lookup=float(any(h.signals.get("lookup") for h in top)),
        definition=float(any(h.signals.get("definition") for h in top)),
        dense=_best(hits[:HITS], "dense_score"),
        lexical=None if (bm25 := _best(top, "bm25")) is None else bm25 / (len(terms) + 1),
        length=math.log1p(max(LENGTH_FLOOR, len(query.text.split()))),
        concentration=_concentration(wide),
        terms=len(terms),
    )


@dataclass(frozen=True)
class DecisionModel:
    """Logistic weights over standardised features, and the two probability thresholds."""

    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    unsure_below: float  # under this probability: "kurang yakin"
    not_found_below: float  # under this one: "tidak ditemukan"
    embedding_model: str = ""  # the embedder whose cosines the dense weight was fitted on

    def for_embedder(self, model: str) -> DecisionModel:
        """The model as it applies to answers from `model`'s vectors: another embedder's
        cosines lie on another scale, so the dense score is then left out (read as average)."""
        if not self.embedding_model or model == self.embedding_model:
            return self
        dense = FEATURES.index("dense")
        weights = tuple(0.0 if i == dense else w for i, w in enumerate(self.weights))
        return replace(self, weights=weights)

    def probability(self, ev: Evidence) -> float:
        """Probability that the corpus answers the question (an absent feature counts as its
        training mean)."""
        z = self.bias + sum(
            w * (x - m) / s
            for w, x, m, s in zip(self.weights, ev.vector(), self.means, self.scales)
            if not math.isnan(x)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def decide(self, ev: Evidence) -> Outcome:
        """The outcome for the evidence (no content word at all: nothing to look for)."""
        if ev.terms == 0 and not ev.lookup:
            return Outcome.NOT_FOUND
        p = self.probability(ev)
        if p < self.not_found_below:
            return Outcome.NOT_FOUND
        return Outcome.UNSURE if p < self.unsure_below else Outcome.ANSWER

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict) -> DecisionModel:
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError("fitted decision model does not match the features; refit it")
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        for key in ("weights", "means", "scales"):
            values[key] = tuple(values[key])
        return cls(**values)


@cache
def default_model(path: Path = FITTED_FILE) -> DecisionModel:
    """The model fitted by `python -m assistant.fit` (assistant/fitted.json)."""
    return DecisionModel.from_dict(fitted.read("decision", path))
