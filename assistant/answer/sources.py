"""Turning retrieved hits into `Source`s, and the status warnings they carry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .. import injection
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


def warnings_of(hit: Hit) -> list[str]:
    """The warnings a shown provision carries: its own status, and for an amending provision
    what it changed in the act it amends (instead of the note on the amending act itself), and
    a sentence in it that addresses the assistant as a command."""
    label = hit.meta.get("citation") or hit.id
    planted = injection.warning(label, hit.text)
    amends = str(hit.meta.get("amends") or "").strip()
    if amends:
        return [f"{label}: {amends}"] + ([planted] if planted else [])
    text = warning_text(hit.meta)
    return [t for t in (text, planted) if t]


def collect_warnings(
    shown: Iterable[Hit],
    hits: Sequence[Hit],
    question_text: str = "",
    superseded: Sequence[Hit] = (),
) -> tuple[str, ...]:
    """The status warnings of an answer, each once.

    - every provision shown (cited, quoted as nearest, or listed as related) that was amended,
      deleted, revoked or annulled, or that amended another act;
    - a changed provision among the hits that states a figure the question quotes ("katanya
      minimal 20 orang" when the old text said 20);
    - old text the question matched better than what is shown (`superseded`), when a shown
      provision is the one that rules that old text's matter now (so the warning concerns the
      matter asked, not a stray provision of the annulled act).
    """
    out: list[str] = []
    seen: set[str] = set()  # one warning per note: the chunks of an annulled act share theirs

    def add(texts: Iterable[str], note: str = "") -> None:
        for text in texts:
            key = note or text
            if text and key not in seen:
                seen.add(key)
                out.append(text)

    shown = list(shown)
    for hit in shown:
        add(warnings_of(hit), str(hit.meta.get("status_warning") or ""))
    asked = figures(question_text)
    for hit in hits:
        if asked and status_of(hit.meta) in CHANGED and asked & figures(hit.text):
            add(warnings_of(hit), str(hit.meta.get("status_warning") or ""))
    replaced = {h.signals.get("amends") for h in shown}
    for hit in superseded:
        if hit.id in replaced:
            add(warnings_of(hit), str(hit.meta.get("status_warning") or ""))
    return tuple(out)
