"""From retrieved hits to an `Answer`: refusal, extractive or model-written text, warnings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..retrieval.types import Hit
from . import citations, extractive, llm, refusal
from .sources import collect_warnings, related, source_from_hit
from .terms import question_terms
from .types import Answer, Outcome, Source

REFUSAL_TEXT = (
    "Maaf, jawaban atas pertanyaan ini tidak ditemukan dalam korpus peraturan dan dokumen "
    "program yang tersedia."
)
LLM_PASSAGES = 6  # hits numbered and given to the model
_NOT_FOUND = re.compile(r"tidak\s+ditemukan|tidak\s+(?:ada|terdapat)\s+dalam\s+kutipan", re.I)


def refused(question: str, hits: Sequence[Hit], resolved: str = "", notice: str = "") -> Answer:
    """The corpus holds no answer: say so and list the nearest provisions as "mungkin terkait"."""
    return Answer(
        question=question,
        text=REFUSAL_TEXT,
        related=related(hits),
        outcome=Outcome.NOT_FOUND,
        notice=notice,
        resolved_question=resolved,
        hits=tuple(hits),
    )


def with_warnings(text: str, warnings: Sequence[str]) -> str:
    """The answer text followed by one "⚠" line per warning."""
    if not warnings:
        return text
    return text + "\n\n" + "\n".join(f"⚠ {w}" for w in warnings)


def add_warnings(answer: Answer, extra: Sequence[str]) -> Answer:
    """The answer with further warnings first (e.g. on a repealed act the question names)."""
    new = tuple(w for w in dict.fromkeys(extra) if w not in answer.warnings)
    if not new:
        return answer
    body = answer.text.split("\n\n⚠ ", 1)[0] if answer.warnings else answer.text
    warnings = new + answer.warnings
    return replace(answer, text=with_warnings(body, warnings), warnings=warnings)


def extractive_answer(
    question: str,
    hits: Sequence[Hit],
    resolved: str = "",
    notice: str = "",
    superseded: Sequence[Hit] = (),
) -> Answer:
    """The offline answer: the best ayat/sentences of the top hits, each with its marker."""
    terms = question_terms(resolved or question)
    draft = extractive.compose(terms, hits)
    if not draft.sources:
        return refused(question, hits, resolved, notice)
    warnings = collect_warnings(
        draft.cited, hits, terms, superseded=superseded, question_text=resolved or question
    )
    return Answer(
        question=question,
        text=with_warnings(draft.text, warnings),
        sources=draft.sources,
        warnings=warnings,
        notice=notice,
        resolved_question=resolved,
        hits=tuple(hits),
    )


def _quote(hit: Hit, answer_text: str, marker: int) -> str:
    """The unit of a cited passage closest to the answer sentences that cite it."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", answer_text) if f"[{marker}]" in s]
    statements = extractive.select(question_terms(" ".join(sentences)), [hit])
    return " … ".join(" ".join(s.unit.text.split()) for s in statements)


def model_answer(
    question: str,
    hits: Sequence[Hit],
    model,
    *,
    resolved: str = "",
    mode: str = "llm",
    timeout: float = 60.0,
    superseded: Sequence[Hit] = (),
) -> Answer:
    """A model-written answer whose markers are checked; on failure the extractive answer."""
    given = list(hits[:LLM_PASSAGES])
    try:
        raw = llm.generate(model, resolved or question, given, timeout)
    except llm.GenerationError as exc:
        notice = f"Model bahasa tidak dapat dipakai ({exc}); jawaban ekstraktif ditampilkan."
        return extractive_answer(question, hits, resolved, notice, superseded)
    allowed = range(1, len(given) + 1)
    check = citations.check(raw, allowed)
    if not check.cited:
        if _NOT_FOUND.search(raw):
            return replace(refused(question, hits, resolved), mode=mode)
        notice = (
            "Jawaban model tidak mencantumkan sumber yang valid; jawaban ekstraktif ditampilkan."
        )
        return extractive_answer(question, hits, resolved, notice, superseded)
    notice = ""
    if check.invalid:
        bad = ", ".join(f"[{n}]" for n in check.invalid)
        notice = f"Penanda sumber {bad} tidak merujuk ke kutipan yang diberikan dan telah dihapus."
    mapping = {old: new for new, old in enumerate(check.cited, start=1)}
    text = citations.renumber(citations.strip_invalid(raw, allowed), mapping)
    cited = [given[old - 1] for old in check.cited]
    sources: list[Source] = [
        source_from_hit(hit, mapping[old], _quote(hit, text, mapping[old]))
        for old, hit in zip(check.cited, cited)
    ]
    warnings = collect_warnings(
        cited,
        hits,
        question_terms(resolved or question),
        superseded=superseded,
        question_text=resolved or question,
    )
    return Answer(
        question=question,
        text=with_warnings(text, warnings),
        sources=tuple(sources),
        warnings=warnings,
        mode=mode,
        notice=notice,
        resolved_question=resolved,
        hits=tuple(hits),
    )


def answer(
    question: str,
    hits: Sequence[Hit],
    *,
    resolved: str = "",
    threshold: float | None = None,
    model=None,
    mode: str = "extractive",
    timeout: float = 60.0,
    named_missing: int = 0,
    frequencies=None,
    superseded: Sequence[Hit] = (),
) -> Answer:
    """Refuse when the evidence is weak, else answer with the model (if any) or extractively.

    `named_missing` counts documents the question names that the index does not hold;
    `frequencies` (terms.Frequencies over the index) tells rare words from common ones.
    """
    evidence = refusal.assess(resolved or question, hits, named_missing, frequencies)
    if refusal.should_refuse(evidence, threshold):
        return replace(refused(question, hits, resolved), mode=mode)
    if model is None:
        return extractive_answer(question, hits, resolved, superseded=superseded)
    return model_answer(
        question, hits, model, resolved=resolved, mode=mode, timeout=timeout, superseded=superseded
    )
