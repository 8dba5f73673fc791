"""Value types of retrieval: filters, modes and hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RetrievalMode(StrEnum):
    """Which rankings are fused."""

    TEXT = "text"
    VECTORS = "vectors"
    HYBRID = "hybrid"


@dataclass(frozen=True)
class Filters:
    """Restrictions a caller may put on retrieval; empty tuples mean no restriction."""

    doc_ids: tuple[str, ...] = ()
    jenis: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # "regulation", "program"
    statuses: tuple[str, ...] = ()  # "berlaku", "diubah", "dicabut", "dibatalkan", "tidak_berlaku"
    year_min: int | None = None
    year_max: int | None = None
    in_force_only: bool = False  # drop dicabut / dibatalkan / tidak_berlaku provisions


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with its fused score and what each signal said."""

    id: str
    text: str
    meta: dict
    score: float
    signals: dict = field(default_factory=dict)  # e.g. {"lookup": 1, "lexical": 3, "dense": 1}
