"""Status metadata of every chunk at ingestion, and the consolidated chunks it adds.

One `StatusHooks` per ingestion run: `consolidate` (given every parsed document) builds the
consolidated act of each document another one amends and returns its extra chunks; `status_of`
then gives each chunk its status, warnings, current rule and history. The original text of a
consolidated Pasal points to its consolidated wording ("Teks yang berlaku: UU 25/1992 Pasal 6
(teks berlaku)"), the consolidated wording says what changed and when.
"""

from __future__ import annotations

from dataclasses import replace

from . import registry as reg
from .consolidate import (
    Consolidation,
    amended_documents,
    change_note,
    consolidate,
    current_chunks,
    history,
)
from .types import PART_CURRENT, Chunk, Document, ParsedDocument


def with_consolidated(registry: reg.Registry, consolidations: dict[str, Consolidation]):
    """The registry with each consolidated Pasal's entries pointing to its consolidated wording
    (current_doc = the base act, current_pasal = the Pasal)."""
    changed = {(d, p.pasal) for d, c in consolidations.items() for p in c.changed()}
    entries = tuple(
        replace(e, current_doc=e.doc, current_pasal=e.pasal)
        if (e.doc, e.pasal) in changed and e.part == "batang_tubuh"
        else e
        for e in registry.entries
    )
    return replace(registry, entries=entries)


class StatusHooks:
    """The consolidation and status steps of one ingestion run."""

    def __init__(self, registry: reg.Registry, max_chars: int = 1800):
        self.source = registry
        self.registry = registry
        self.max_chars = max_chars
        self.consolidations: dict[str, Consolidation] = {}
        self._years: dict[str, int | None] = {}

    def consolidate(
        self, docs: dict[str, tuple[Document, ParsedDocument]]
    ) -> dict[str, tuple[Chunk, ...]]:
        """Consolidated chunks per base document (doc id → chunks)."""
        self.consolidations = {
            d: consolidate(d, docs, self.source) for d in amended_documents(self.source, docs)
        }
        self._years = {d: docs[d][0].meta.tahun for d in self.consolidations}
        self.registry = with_consolidated(self.source, self.consolidations)
        return {
            d: current_chunks(docs[d][0], c, self.max_chars) for d, c in self.consolidations.items()
        }

    def status_of(self, chunk: Chunk) -> dict:
        """The status metadata of one chunk."""
        consolidated = self.consolidations.get(chunk.doc_id)
        provision = consolidated.get(chunk.pasal) if consolidated and chunk.pasal else None
        told = history(provision, self._years.get(chunk.doc_id)) if provision else ""
        if chunk.part == PART_CURRENT and provision is not None:
            return {
                "status": "dihapus" if provision.change == "dihapus" else "berlaku",
                "status_warning": change_note(provision),
                "current_rule": "",
                "amends": "",
                "history": told,
                "text_from": provision.source_doc,  # the act whose wording this is
            }
        st = reg.chunk_status(
            chunk.doc_id, chunk.pasal, chunk.meta.status, self.registry, part=chunk.part
        )
        out = {
            "status": st.code,
            "status_warning": " ".join(st.warnings),
            "current_rule": st.current_rule,
            # an amending provision: what it changed in the act it amends
            "amends": " ".join(
                reg.changes_made(chunk.doc_id, chunk.label, chunk.pasal, self.source)
            ),
        }
        if told and chunk.part == "batang_tubuh":
            out["history"] = told
        return out
