"""Following amendments in a ranking: after an amended, deleted or annulled provision, the text
that now holds its rule; before old text the status penalty pushed down, its counterpart.

A mixin of `HybridRetriever` (it reads the retriever's chunks, catalog and amendment registry).
"""

from __future__ import annotations

from .lookup import CURRENT
from .options import CHANGED, ENDED, PENJELASAN, RetrievalOptions
from .text import reference_tokens


class AmendmentFollowing:
    """The retriever's steps that follow the amendment registry."""

    def _follow(
        self, order: list[str], mask, signals: dict, scores: dict, o: RetrievalOptions
    ) -> list[str]:
        """After each amended or deleted provision, the chunks of the text that now holds the rule."""
        out: list[str] = []
        for cid in order:
            meta = self.metas[self.position[cid]]
            current: list[str] = []
            if meta.get("status") in CHANGED and meta.get("pasal") and not meta.get("term"):
                current = [
                    t
                    for t in self._current_chunks(meta, hops=2)
                    if t not in out and t != cid and self._passes(t, mask)
                ]
            for target in current:
                signals.setdefault(target, {})["amends"] = cid
                scores.setdefault(target, scores.get(cid, 0.0))
            if meta.get("part") == CURRENT and o.source_after_current:
                # the amending text the consolidated wording was read from, right behind it
                source = {**meta, "part": "batang_tubuh"}
                current = [
                    t
                    for t in self._current_chunks(source)
                    if t not in out
                    and self.metas[self.position[t]].get("part") != CURRENT
                    and self._passes(t, mask)
                ]
                for target in current:
                    scores.setdefault(target, scores.get(cid, 0.0))
                    signals.setdefault(target, {})["source_of"] = cid
                out += [cid] + [t for t in current if t not in out] if cid not in out else []
                continue
            # the text in force goes first, unless the amended provision itself was asked for
            asked = "lookup" in signals.get(cid, {})
            for item in ([cid] + current) if asked else (current + [cid]):
                if item not in out:
                    out.append(item)
        return out

    def _current_chunks(self, meta: dict, hops: int = 1) -> list[str]:
        """Chunks of the text that now holds the rule of a changed provision; with hops=2 an
        annulled Pasal leads to its counterpart and, if that was amended, on to the amendment."""
        out: list[str] = []
        penjelasan = meta.get("part") == PENJELASAN
        if meta.get("part") == "batang_tubuh":  # the act's own consolidated wording first
            pasal = str(meta["pasal"]).upper()
            out += [s.id for s in self.catalog.in_pasal(meta["doc_id"], pasal) if s.part == CURRENT]
        for entry in self.registry.lookup(meta["doc_id"], meta["pasal"], meta.get("part") or None):
            if entry.pasal is None or not entry.current_doc or not entry.current_pasal:
                continue
            head = f"Pasal {entry.current_pasal}"
            for s in self.catalog.in_doc(entry.current_doc):
                if s.term:
                    continue
                if penjelasan:
                    hit = s.part == PENJELASAN and s.label == f"Penjelasan {head}"
                else:
                    hit = s.part != PENJELASAN and (
                        s.label == head
                        or (s.label.startswith(head + " ") and self._names(s, entry.pasal))
                    )
                if hit:
                    out.append(s.id)
        if hops > 1:
            for cid in list(out):
                later = self.metas[self.position[cid]]
                if later.get("status") == "diubah" and later.get("pasal"):
                    out += [t for t in self._current_chunks(later) if t not in out]
        return out

    def _names(self, slot, pasal: str) -> bool:
        """True if an amending chunk is about `pasal` (its own pasal, or it names that Pasal)."""
        if slot.pasal == pasal:
            return True
        return f"pasal:{pasal.lower()}" in reference_tokens(self.texts[self.position[slot.id]])

    def _counterparts(self, order, window, mask, signals, scores) -> list[str]:
        """Old text in the unpenalised top `window` brings the provision that now rules the same
        matter (if the question found that one too) up to the rank the old text would have had."""
        out = list(order)
        asked = sum("lookup" in signals.get(cid, {}) for cid in out)  # looked-up chunks stay first
        for rank, (cid, score) in enumerate(window):
            meta = self.metas[self.position[cid]]
            if meta.get("status") not in ENDED or not meta.get("pasal") or meta.get("term"):
                continue
            at = asked + rank
            for target in self._current_chunks(meta, hops=2):
                # the counterpart must match the question itself too (be a candidate of a signal)
                if target not in signals or not self._passes(target, mask) or target in out[:at]:
                    continue
                if target in out:
                    out.remove(target)
                out.insert(at, target)
                signals.setdefault(target, {}).setdefault("amends", cid)
                scores[target] = max(scores.get(target, 0.0), score)
        return out
