"""Turning retrieved hits into `Source`s, and the status warnings they carry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..retrieval.types import Hit
from .types import Source

IN_FORCE = "berlaku"
# Status codes of provisions whose text is no longer (fully) the rule.
CHANGED = ("diubah", "dihapus", "dicabut", "dibatalkan", "tidak_berlaku")
# How much a provision's status lowers its use as evidence (1.0: in force).
STATUS_WEIGHT = {
    "berlaku": 1.0,
    "diubah": 0.6,
    "dihapus": 0.3,
    "dicabut": 0.3,
    "dibatalkan": 0.3,
    "tidak_berlaku": 0.3,
}
RELATED_COVERAGE = 0.5  # share of question words an uncited changed hit needs to be warned of
_DEFAULT_SENTENCE = {
    "diubah": "Ketentuan ini telah diubah; teks di sini adalah teks lama.",
    "dihapus": "Ketentuan ini telah dihapus.",
    "dicabut": "Peraturan ini telah dicabut.",
    "dibatalkan": "Peraturan ini telah dibatalkan.",
    "tidak_berlaku": "Peraturan ini tidak berlaku lagi.",
}


def status_of(meta: dict) -> str:
    """The provision's status code ("berlaku" when unknown)."""
    return str(meta.get("status") or IN_FORCE)


def status_weight(meta: dict) -> float:
    """Evidence weight of a provision by its status."""
    return STATUS_WEIGHT.get(status_of(meta), 1.0)


def needs_warning(meta: dict) -> bool:
    """True if a provision is not plainly in force or carries a status note."""
    return status_of(meta) != IN_FORCE or bool(str(meta.get("status_warning") or "").strip())


def warning_text(meta: dict) -> str:
    """One Indonesian warning for a provision, naming it and the rule that holds now."""
    if not needs_warning(meta):
        return ""
    note = str(meta.get("status_warning") or "").strip()
    note = note or _DEFAULT_SENTENCE.get(status_of(meta), "")
    current = str(meta.get("current_rule") or "").strip().rstrip(".")
    if current and status_of(meta) != IN_FORCE and current.lower() not in note.lower():
        note += f" Ketentuan yang berlaku: {current}."
    label = meta.get("citation") or meta.get("doc_id", "")
    return f"{label}: {note}" if label else note


def source_from_hit(hit: Hit, marker: int, quote: str = "") -> Source:
    """A `Source` for display, from a hit's text and metadata."""
    m = hit.meta
    return Source(
        marker=marker,
        id=hit.id,
        citation=str(m.get("citation") or m.get("label") or hit.id),
        doc_id=str(m.get("doc_id", "")),
        judul=str(m.get("judul", "")),
        label=str(m.get("label", "")),
        part=str(m.get("part", "")),
        status=status_of(m),
        status_warning=str(m.get("status_warning") or ""),
        current_rule=str(m.get("current_rule") or ""),
        text=hit.text,
        quote=quote,
        penjelasan=str(m.get("penjelasan") or ""),
        official_url=str(m.get("official_url") or ""),
        pasal=str(m.get("pasal") or ""),
        ayat_start=str(m.get("ayat_start") or ""),
        ayat_end=str(m.get("ayat_end") or ""),
    )


def related(hits: Sequence[Hit], n: int = 3) -> tuple[Source, ...]:
    """The nearest provisions as "mungkin terkait" entries (marker 0)."""
    return tuple(source_from_hit(h, 0) for h in hits[:n])


def restates(old: str, current: str, share: float = 0.6) -> bool:
    """Whether an old provision repeats most of the content words of a current one."""
    from .terms import coverage, question_terms

    terms = question_terms(current)
    return bool(terms) and coverage(terms, old) >= share


_CITED = re.compile(
    r"\b(?:nomor|no\.?)\s*\d+\s*tahun\s*\d{4}|\b\d+\s*/\s*\d{4}\b"
    r"|\b(?:pasal|ayat|angka|huruf|tahun)\s*\(?\d+\w?\)?",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"\b(\d+(?:[.,]\d+)?)\s*(?:\([^)]{1,40}\)\s*)?(%|[a-z]+)", re.IGNORECASE)


def figures(text: str) -> set[tuple[str, str]]:
    """(number, unit) pairs stated in a text: "20 (dua puluh) orang" → ("20", "orang");
    numbers of acts, articles and years ("Nomor 25 Tahun 1992", "Pasal 6") are not figures."""
    plain = _CITED.sub(" ", text)
    return {(n.replace(",", "."), unit.lower()) for n, unit in _FIGURE.findall(plain)}


def collect_warnings(
    cited: Iterable[Hit],
    hits: Sequence[Hit],
    question_terms: Sequence,
    top: int = 3,
    superseded: Sequence[Hit] = (),
    question_text: str = "",
) -> tuple[str, ...]:
    """Warnings of the cited provisions, plus those of changed provisions among the top hits.

    A changed provision that was retrieved near the top but not cited still matters: the
    reader may know that older text, so the answer says it no longer holds. The same goes for
    `superseded` (old text that ranked near the top before the in-force-first penalty), when its
    wording matches the question strictly better than the cited text does. A top hit counts only
    when its text covers the question's content words at least as well as the best cited
    passage (and at least half of them), so that a hit that merely shares a word or two does
    not put a warning on a plain in-force answer.
    """
    from .terms import coverage

    out: list[str] = []
    seen: set[str] = set()  # one warning per note: the chunks of an annulled act share theirs

    def add(hit: Hit) -> None:
        text = warning_text(hit.meta)
        note = str(hit.meta.get("status_warning") or text)
        if text and note not in seen:
            seen.add(note)
            out.append(text)

    cited = list(cited)
    cited_ids = {h.id for h in cited}
    for hit in cited:
        add(hit)
    bar = max([RELATED_COVERAGE] + [coverage(question_terms, h.text) for h in cited])
    for hit in hits[:top]:
        if hit.id in cited_ids or status_of(hit.meta) not in CHANGED:
            continue
        if question_terms and coverage(question_terms, hit.text) < bar:
            continue
        add(hit)
    asked = figures(question_text)
    for hit in hits:  # the question quotes a figure of a changed provision ("minimal 20 orang")
        if asked and status_of(hit.meta) in CHANGED and asked & figures(hit.text):
            add(hit)
    for hit in superseded:  # old text must echo the question better than what is cited ...
        if question_terms and coverage(question_terms, hit.text) > bar:
            if not any(restates(hit.text, c.text) for c in cited):  # ... and say something else
                add(hit)
    return tuple(out)
