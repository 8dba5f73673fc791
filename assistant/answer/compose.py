"""From retrieved hits to an `Answer`: the decision, then extractive or model-written text.

The decision (decision.py) comes first and is the same in both modes: an answer, an answer
marked "kurang yakin" (the nearest provisions, quoted, with a caveat), or "tidak ditemukan"
(said plainly, the nearest provisions still shown with their text). Every outcome carries the
status warnings of what it shows. The model, when there is one, writes the text of the first
two outcomes as a LangChain chain; any failure falls back to the extractive text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from langchain_core.runnables import RunnableLambda

from ..injection import looks_like_instructions
from ..retrieval.glossary import asked_term
from ..retrieval.query import Query, prepare
from ..retrieval.types import Hit
from . import citations, extractive, llm
from .decision import DecisionModel, assess, default_model
from .lead import lead_sentence
from .sources import collect_warnings, figures, source_from_hit
from .terms import Frequencies, question_terms
from .types import Answer, Outcome, Source

REFUSAL_TEXT = (
    "Maaf, jawaban atas pertanyaan ini tidak ditemukan dalam korpus peraturan dan dokumen "
    "program yang tersedia."
)
UNSURE_TEXT = (
    "Kami kurang yakin korpus menjawab pertanyaan ini secara persis. Ketentuan yang paling "
    "dekat dengan pertanyaan Anda:"
)
UNSURE_END = "Periksa teks lengkapnya di panel sumber; bila perlu, tanyakan ke dinas koperasi."
ANSWER_INTRO = "Ketentuan yang mengaturnya:"
RELATED = 3  # nearest provisions listed with a "tidak ditemukan"
LLM_PASSAGES = 6  # hits numbered and given to the model
_NOT_FOUND = re.compile(r"tidak\s+ditemukan|tidak\s+(?:ada|terdapat)\s+dalam\s+kutipan", re.I)


@dataclass(frozen=True)
class Context:
    """Everything an answer is made from besides its text."""

    question: str  # as the user wrote it
    query: Query  # as retrieval read it (follow-ups resolved, spellings normalised)
    hits: tuple[Hit, ...]
    outcome: Outcome
    superseded: tuple[Hit, ...] = ()
    mode: str = "extractive"
    selection: extractive.Selection | None = None  # None: the fitted one


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


def _finish(
    ctx: Context,
    text: str,
    sources: Sequence[Source] = (),
    cited: Sequence[Hit] = (),
    related: Sequence[Source] = (),
    notice: str = "",
    outcome: Outcome | None = None,
    mode: str | None = None,
) -> Answer:
    shown = list(cited) + [h for h in ctx.hits if h.id in {r.id for r in related}]
    warnings = collect_warnings(shown, ctx.hits, ctx.query.normal, ctx.superseded)
    resolved = ctx.query.text if ctx.query.text != ctx.question.strip() else ""
    return Answer(
        question=ctx.question,
        text=with_warnings(text, warnings),
        sources=tuple(sources),
        related=tuple(related),
        warnings=warnings,
        outcome=outcome or ctx.outcome,
        mode=mode or ctx.mode,
        notice=notice,
        resolved_question=resolved,
        hits=ctx.hits,
    )


def not_found(ctx: Context, notice: str = "") -> Answer:
    """ "Tidak ditemukan", with the nearest provisions and the sentences of each that come
    closest to the question."""
    terms = question_terms(ctx.query.normal)
    related = []
    for hit in ctx.hits[:RELATED]:
        best = extractive.select(terms, [hit])
        quote = " … ".join(" ".join(s.unit.text.split()) for s in best[:1])
        related.append(source_from_hit(hit, 0, quote))
    return _finish(ctx, REFUSAL_TEXT, related=related, notice=notice, outcome=Outcome.NOT_FOUND)


def extractive_answer(ctx: Context, notice: str = "", outcome: Outcome | None = None) -> Answer:
    """The offline answer: the best ayat or sentences of the top hits, each with its marker,
    opened by the sentence that states what was asked (when the outcome is an answer)."""
    outcome = outcome or ctx.outcome
    terms = question_terms(ctx.query.normal)
    draft = extractive.compose(
        terms, ctx.hits, asked_term(ctx.query.normal) is not None, ctx.selection
    )
    if not draft.sources:
        return not_found(ctx, notice)
    if outcome == Outcome.UNSURE:
        text = "\n".join([UNSURE_TEXT, *draft.lines, "", UNSURE_END])
    else:
        lead = lead_sentence(ctx.query.normal, draft.statements)
        text = "\n".join(([lead, ""] if lead else []) + [ANSWER_INTRO, *draft.lines])
    return _finish(ctx, text, draft.sources, draft.cited, notice=notice, outcome=outcome)


def _quote(hit: Hit, answer_text: str, marker: int) -> str:
    """The unit of a cited passage closest to the answer sentences that cite it."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", answer_text) if f"[{marker}]" in s]
    statements = extractive.select(question_terms(" ".join(sentences)), [hit])
    return " … ".join(" ".join(s.unit.text.split()) for s in statements)


class _Unusable(Exception):
    """The model's text cannot be shown: the notice says why."""


def _numbers(text: str) -> set[str]:
    return {n for n, _ in figures(text)}


def _model_text(ctx: Context, model) -> Answer:
    """The model-written answer whose markers point to the passages it was given. A passage
    that speaks to the assistant as a command is never given (injection.py); an answer stating
    a figure no passage (nor the question) holds is not shown."""
    given = [h for h in ctx.hits if not looks_like_instructions(h.text)][:LLM_PASSAGES]
    if not given:
        raise _Unusable("tidak ada kutipan yang dapat diberikan ke model")
    variables = llm.inputs(ctx.query.text, given)
    raw = llm.generate(model, variables)
    check = citations.check(raw, range(1, len(given) + 1))
    if not check.cited:
        if _NOT_FOUND.search(raw):
            raise _Unusable("model tidak menemukan jawaban dalam kutipan")
        raise _Unusable("jawaban model tidak mencantumkan sumber yang valid")
    known = _numbers(f"{variables['passages']} {ctx.query.text} {ctx.question}")
    invented = sorted(_numbers(raw) - known)
    if invented:
        raise _Unusable(
            f"jawaban model memuat angka yang tidak ada dalam kutipan ({', '.join(invented)})"
        )
    notice = ""
    if check.invalid:
        bad = ", ".join(f"[{n}]" for n in check.invalid)
        notice = f"Penanda sumber {bad} tidak merujuk ke kutipan yang diberikan dan telah dihapus."
    mapping = {old: new for new, old in enumerate(check.cited, start=1)}
    text = citations.renumber(citations.strip_invalid(raw, mapping), mapping)
    cited = [given[old - 1] for old in check.cited]
    sources = [
        source_from_hit(hit, mapping[old], _quote(hit, text, mapping[old]))
        for old, hit in zip(check.cited, cited)
    ]
    if ctx.outcome == Outcome.UNSURE:
        text = f"{UNSURE_TEXT}\n{text}\n\n{UNSURE_END}"
    return _finish(ctx, text, sources, cited, notice=notice)


def model_answer(ctx: Context, model) -> Answer:
    """The model writes the text; on an error, a timeout, an empty or uncited reply, the
    extractive answer is given instead, with a notice saying why."""

    def fallback(inputs: dict) -> Answer:
        error = inputs["error"]
        if isinstance(error, _Unusable):
            outcome = Outcome.UNSURE if "tidak menemukan" in str(error) else None
            notice = f"{str(error).capitalize()}; jawaban ekstraktif ditampilkan."
            return extractive_answer(replace(ctx, mode="extractive"), notice, outcome)
        notice = f"Model bahasa tidak dapat dipakai ({error}); jawaban ekstraktif ditampilkan."
        return extractive_answer(replace(ctx, mode="extractive"), notice)

    chain = RunnableLambda(lambda _: _model_text(ctx, model)).with_fallbacks(
        [RunnableLambda(fallback)], exception_key="error"
    )
    return chain.invoke({})


def answer(
    question: str | Query,
    hits: Sequence[Hit],
    *,
    asked: str = "",
    model=None,
    mode: str = "extractive",
    named_missing: int = 0,
    frequencies: Frequencies | None = None,
    superseded: Sequence[Hit] = (),
    decision: DecisionModel | None = None,
    selection: extractive.Selection | None = None,
) -> Answer:
    """Decide, then answer with the model (if any) or extractively.

    `question` is the question as retrieval read it (a `Query`, or text); `asked` the words the
    user wrote when they differ (a follow-up). `named_missing` counts documents the question
    names that the index does not hold; `frequencies` (word counts over the index) tells rare
    words from common ones.
    """
    query = question if isinstance(question, Query) else prepare(question)
    evidence = assess(query, hits, named_missing, frequencies)
    outcome = (decision or default_model()).decide(evidence)
    ctx = Context(
        asked or query.text, query, tuple(hits), outcome, tuple(superseded), mode, selection
    )
    if outcome == Outcome.NOT_FOUND:
        return not_found(ctx)
    if model is None:
        return extractive_answer(ctx)
    return model_answer(ctx, model)
