"""Value types of an answer: its sources and the answer itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..retrieval.types import Hit


class Outcome(StrEnum):
    """The three things an answer can be."""

    ANSWER = "jawaban"  # the corpus states it: the answer, with its citations
    UNSURE = "kurang_yakin"  # moderate evidence: the nearest provisions, quoted, with a caveat
    NOT_FOUND = "tidak_ditemukan"  # nothing relevant: said plainly, nearest provisions shown


@dataclass(frozen=True)
class Source:
    """A cited (or related) provision as shown to the user."""

    marker: int  # the [n] used in the answer text; 0 for "mungkin terkait" entries
    id: str
    citation: str  # "UU 25/1992 Pasal 6 ayat (1)"
    doc_id: str
    judul: str
    label: str
    part: str
    status: str  # berlaku / diubah / dicabut / dibatalkan / tidak_berlaku
    status_warning: str  # Indonesian sentence, empty when in force
    current_rule: str
    text: str  # the provision text
    quote: str  # the sentences/ayat the answer used (emphasised in the UI)
    penjelasan: str
    official_url: str
    pasal: str = ""
    ayat_start: str = ""
    ayat_end: str = ""


@dataclass(frozen=True)
class Answer:
    """What the assistant says to one question."""

    question: str
    text: str  # Indonesian, with [n] markers that point into `sources`
    sources: tuple[Source, ...] = ()
    related: tuple[Source, ...] = ()  # shown as "mungkin terkait" when refused
    warnings: tuple[str, ...] = ()  # status warnings of cited provisions
    outcome: Outcome = Outcome.ANSWER
    mode: str = "extractive"
    notice: str = ""  # e.g. "model tidak menjawab; jawaban ekstraktif ditampilkan"
    resolved_question: str = ""  # the question after follow-up resolution
    hits: tuple[Hit, ...] = field(default=(), repr=False)  # everything retrieved, best first
    latency_ms: float = 0.0

    @property
    def refused(self) -> bool:
        """True when the answer is "tidak ditemukan"."""
        return self.outcome == Outcome.NOT_FOUND

    def to_json(self) -> dict:
        """The one response shape (`schema.AnswerOut`) as plain JSON types."""
        from .schema import AnswerOut

        return AnswerOut.of(self).to_json()

    def to_markdown(self) -> str:
        """The answer with its sources as Markdown (see render.py)."""
        from .render import to_markdown

        return to_markdown(self)
