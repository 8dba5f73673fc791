"""Retrieval options, metadata filters and what each chunk offers to keyword search."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .. import fitted as fitted_file
from .types import Filters

NOT_IN_FORCE = frozenset({"dicabut", "dibatalkan", "tidak_berlaku", "dihapus"})
CHANGED = NOT_IN_FORCE | {"diubah"}
ENDED = frozenset({"dicabut", "dibatalkan", "tidak_berlaku"})  # the whole act, not one Pasal
PENJELASAN = "penjelasan"


@dataclass(frozen=True)
class RetrievalOptions:
    """Switches and weights of every retrieval component (the eval's ablation flips them)."""

    lookup: bool = True
    definitions: bool = True  # "apa pengertian X": X's definition in a Ketentuan Umum first
    definition_slots: int = 2  # how many acts' definitions of the term go first
    definition_weight: float = 0.5  # score multiplier of definition units in other questions
    annex_weight: float = 1.0  # score multiplier of annex chunks (model AD, forms, tables)
    dense: bool = True
    lexical: bool = True
    abbreviations: bool = True
    vocabulary: bool = True
    multi_query: bool = True  # also rank the raw question, besides the expanded one
    doc_focus: bool = True  # a named document ("UU UMKM") gets its own ranking
    type_focus: bool = True  # "menurut UU" without a number: UU texts get their own ranking
    section_cap: int = 3  # >0: at most this many chunks of one section ahead of other sections
    # >0: at most this many chunks of one document ahead of other documents (documents the
    # question names and looked-up provisions are exempt)
    doc_cap: int = 0
    status_ranking: bool = True
    follow_amendments: bool = True  # an amended provision pulls in the text that amended it
    source_after_current: bool = True  # a consolidated Pasal pulls its amending text behind it
    stemming: bool = True
    context_in_lexical: float = 1.0  # weight of the context header in BM25 (0 = left out)
    penjelasan_in_lexical: float = 0.5  # weight of a Pasal's Penjelasan in its BM25 text
    references_in_lexical: float = 0.3  # weight of the Pasal a chunk refers to in its BM25 text
    rrf_k: int = 20
    dense_weight: float = 0.7
    lexical_weight: float = 1.0
    status_penalty: float = 0.5  # score multiplier of provisions no longer in force
    superseded_window: int = 5  # unpenalised ranks within which old text is reported for warnings
    candidates: int = 60
    expand_dense: bool = False  # embed the expanded question (measured worse than the raw one)
    abbreviation_weight: float = 0.4  # BM25 weight of spelled-out abbreviations (measured)
    expansion_weight: float = 0.4  # BM25 weight of the legal wording of everyday phrases
    context_weight: float = 0.5  # BM25 weight of words that only set the scene of a question
    # a file stating no status at all (unknown origin) goes behind the curated sources (a safety
    # rule, not fitted: the eval corpus has no such file; demoting the curated "belum
    # diverifikasi" acts too measured worse); text commanding the assistant gets status_penalty
    unverified_weight: float = 0.7
    program_weight: float = 0.8  # programme notes are secondary sources: the law goes first
    # score multipliers by part: preambles (Menimbang/Mengingat) and annexes rarely hold the rule
    part_weights: Mapping[str, float] = field(
        default_factory=lambda: {"pembukaan": 0.7, "penutup": 0.85}
    )

    @classmethod
    def fitted(cls, path: Path = fitted_file.FITTED_FILE) -> RetrievalOptions:
        """The defaults with the weights fitted by `python -m assistant.fit_retrieval --write`."""
        chosen = fitted_file.read("retrieval", path).get("options", {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(chosen) - known)
        if unknown:
            raise ValueError(f"{path}: unknown retrieval options {unknown}; refit them")
        return replace(cls(), **chosen)


def matches(meta: dict, filters: Filters | None) -> bool:
    """True if a chunk's metadata passes the filters."""
    if filters is None:
        return True
    tahun = int(meta.get("tahun") or 0)
    status = meta.get("status", "")
    return not (
        (filters.doc_ids and meta.get("doc_id") not in filters.doc_ids)
        or (filters.jenis and meta.get("jenis") not in filters.jenis)
        or (filters.kinds and meta.get("kind") not in filters.kinds)
        or (filters.statuses and status not in filters.statuses)
        or (filters.year_min is not None and tahun < filters.year_min)
        or (filters.year_max is not None and tahun > filters.year_max)
        or (filters.in_force_only and status in NOT_IN_FORCE)
    )


def lexical_fields(
    text: str, meta: dict, options: RetrievalOptions, referred: str = ""
) -> list[tuple[str, float]]:
    """What BM25 indexes for a chunk: its text, context header, (for a Pasal) its Penjelasan,
    and the text of the Pasal it refers to ("selain sebagaimana dimaksud dalam Pasal 16")."""
    fields = [(text, 1.0), (meta.get("context", ""), options.context_in_lexical)]
    if meta.get("part") != PENJELASAN:
        fields.append((meta.get("penjelasan", ""), options.penjelasan_in_lexical))
    fields.append((referred, options.references_in_lexical))
    return fields


def pasal_texts(texts, metas) -> dict[tuple[str, str], str]:
    """(doc id, PASAL) → the main text of that Pasal, its chunks joined."""
    by: dict[tuple[str, str], list[str]] = {}
    for text, meta in zip(texts, metas):
        if meta.get("pasal") and meta.get("part") == "batang_tubuh" and not meta.get("term"):
            by.setdefault((meta.get("doc_id", ""), str(meta["pasal"]).upper()), []).append(text)
    return {key: " ".join(parts) for key, parts in by.items()}
