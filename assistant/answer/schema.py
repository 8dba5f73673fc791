"""The one response shape of an answer: what the CLI's `--json`, `POST /api/ask` and Gradio's
`/tanya` return, documented in the OpenAPI spec (`/api/openapi.json`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .types import Answer, Outcome, Source


class RetrievedOut(BaseModel):
    """One retrieved passage, best first: its chunk id, fused score and per-signal ranks."""

    model_config = ConfigDict(frozen=True)

    id: str
    score: float
    signals: dict[str, float] = Field(
        default_factory=dict, description='rank or score per signal, e.g. {"lexical": 3}'
    )


class AnswerOut(BaseModel):
    """An answer to one question, with the provisions it cites."""

    model_config = ConfigDict(frozen=True)

    question: str = Field(description="the question as asked")
    answer: str = Field(description="Indonesian text; each [n] points to sources[n-1]")
    outcome: Outcome = Field(
        description="jawaban (stated by the corpus), kurang_yakin (nearest provisions, with a "
        "caveat) or tidak_ditemukan (nothing relevant)"
    )
    refused: bool = Field(description="true when the outcome is tidak_ditemukan")
    citations: list[str] = Field(description='the cited provisions, e.g. "UU 25/1992 Pasal 6"')
    sources: list[Source] = Field(description="the cited provisions, in marker order")
    related: list[Source] = Field(description="nearest provisions shown with a refusal")
    warnings: list[str] = Field(description="status warnings: amended, revoked or annulled")
    notice: str = Field(description="why the answer differs from the usual, e.g. a fallback")
    mode: str = Field(description="how the answer was made: extractive or an LLM mode")
    resolved_question: str = Field(description="a follow-up question made self-contained")
    latency_ms: float
    retrieved: list[RetrievedOut] = Field(description="every retrieved passage, best first")

    @classmethod
    def of(cls, answer: Answer) -> AnswerOut:
        return cls(
            question=answer.question,
            answer=answer.text,
            outcome=answer.outcome,
            refused=answer.refused,
            citations=[s.citation for s in answer.sources],
            sources=list(answer.sources),
            related=list(answer.related),
            warnings=list(answer.warnings),
            notice=answer.notice,
            mode=answer.mode,
            resolved_question=answer.resolved_question,
            latency_ms=round(answer.latency_ms, 1),
            retrieved=[
                RetrievedOut(id=h.id, score=h.score, signals=_numbers(h.signals))
                for h in answer.hits
            ],
        )

    def to_json(self) -> dict:
        """Plain JSON types (what every interface sends)."""
        return self.model_dump(mode="json")


def _numbers(signals: dict) -> dict[str, float]:
    return {str(k): float(v) for k, v in signals.items() if isinstance(v, int | float)}
