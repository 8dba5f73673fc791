"""Hybrid retrieval: reference lookup, dense vectors and BM25, fused by reciprocal rank."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..injection import looks_like_instructions
from ..language import Speller
from .amendments import AmendmentFollowing
from .fusion import rrf
from .glossary import asked_terms, rank_definitions
from .lexical import BM25
from .lookup import (
    Catalog,
    Reference,
    build_catalog,
    find_references,
    lookup,
    mentioned_types,
    provision_ids,
    with_documents,
)
from .options import (
    NOT_IN_FORCE,
    PENJELASAN,
    RetrievalOptions,
    lexical_fields,
    matches,
    pasal_texts,
)
from .query import Query, prepare
from .text import Analyzer, reference_tokens
from .types import Filters, Hit, RetrievalMode
from .vocabulary import Vocabulary, default_vocabulary, expand_abbreviations, expand_query

AMENDMENTS_FILE = Path(__file__).resolve().parents[2] / "corpus" / "amendments.toml"
_NO_ROWS = np.array([], dtype=np.intp)


class HybridRetriever(AmendmentFollowing):
    """Retrieves chunks for a question from an `Index`; keyword structures live in memory."""

    def __init__(
        self,
        index,
        embedder,
        *,
        mode: RetrievalMode = RetrievalMode.HYBRID,
        options: RetrievalOptions | None = None,
        vocab: Vocabulary | None = None,
        registry=None,
    ):
        self.index = index
        self.embedder = embedder
        self.mode = RetrievalMode(mode)
        self.options = options or RetrievalOptions()
        self.vocab = vocab or default_vocabulary()
        self.registry = registry
        self._lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """Re-read every chunk from the index (call after ingestion while running)."""
        records = self.index.records(vectors=True)
        with self._lock:
            self.ids = [r.id for r in records]
            self.texts = [r.text for r in records]
            self.metas = [r.meta for r in records]
            self.position = {cid: i for i, cid in enumerate(self.ids)}
            self._pasal_text = pasal_texts(self.texts, self.metas)
            self.speller = Speller.of([*self.texts, *self.vocab.words()])
            self._definitions = [(c, m) for c, m in zip(self.ids, self.metas) if m.get("term")]
            # text commanding the assistant ("abaikan instruksi …"): ranked like repealed text
            self._planted = {c for c, t in zip(self.ids, self.texts) if looks_like_instructions(t)}
            self.catalog: Catalog = build_catalog(zip(self.ids, self.metas))
            if self.registry is not None:
                known = self.registry.doc_ids() | {d for d, _ in self.registry.external}
                self.catalog = with_documents(self.catalog, known)
            self._bm25: dict[tuple, BM25] = {}
            rows: dict[str, list[int]] = {}
            for i, m in enumerate(self.metas):
                rows.setdefault(m.get("doc_id", ""), []).append(i)
            self._doc_rows = {d: np.array(r, dtype=np.intp) for d, r in rows.items()}
            # exact cosine search in memory: Chroma's HNSW graph was seen to miss the nearest
            # chunk outright on this corpus size, and a 2k x 384 product takes well under 1 ms
            self._vectors = np.array([r.vector for r in records], dtype=np.float32)
        self.bm25(self.options)  # build the default keyword index now, not on the first question

    def bm25(self, options: RetrievalOptions) -> BM25:
        """The BM25 index for the index-time options (built once per combination)."""
        key = (
            options.stemming,
            options.context_in_lexical,
            options.penjelasan_in_lexical,
            options.references_in_lexical,
        )
        with self._lock:
            bm = self._bm25.get(key)
            if bm is None:
                analyzer = Analyzer(stemming=options.stemming)
                docs = [
                    lexical_fields(t, m, options, self._referred(t, m))
                    for t, m in zip(self.texts, self.metas)
                ]
                bm = self._bm25[key] = BM25(docs, analyzer)
            return bm

    def _referred(self, text: str, meta: dict) -> str:
        """The text of the other Pasal of the same document that this chunk refers to."""
        own = str(meta.get("pasal", "")).upper()
        names = {t.split(":", 1)[1].upper() for t in reference_tokens(text) if t[:6] == "pasal:"}
        doc = meta.get("doc_id", "")
        return " ".join(self._pasal_text.get((doc, n), "") for n in sorted(names - {own}))

    def dense(self, vector, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k chunks nearest to a query vector (cosine; vectors are normalised), best first."""
        if not len(self.ids):
            return []
        sims = self._vectors @ np.asarray(vector, dtype=np.float32)
        if mask is not None:
            sims = np.where(mask, sims, -np.inf)
        top = np.argsort(-sims)[:k]
        return [(self.ids[i], float(sims[i])) for i in top if np.isfinite(sims[i])]

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Boolean mask of the chunks that pass the filters (None: all pass)."""
        if filters is None or filters == Filters():
            return None
        return np.array([matches(m, filters) for m in self.metas], dtype=bool)

    def in_documents(self, doc_ids) -> np.ndarray:
        """Boolean mask of the chunks of these documents (from positions kept per document:
        `np.isin` over the ids of 100k chunks takes seconds)."""
        out = np.zeros(len(self.ids), dtype=bool)
        for doc_id in doc_ids:
            out[self._doc_rows.get(doc_id, _NO_ROWS)] = True
        return out

    def references(self, query: str, filters: Filters | None = None) -> list[Reference]:
        """Document and Pasal references in a question; `missing` ones name absent documents."""
        default = filters.doc_ids if filters and len(filters.doc_ids) == 1 else ()
        return find_references(query, self.catalog, self.vocab, default)

    def prepare(self, question: str) -> Query:
        """The question as retrieval reads it: spellings normalised, asking sentences found."""
        return prepare(question, self.speller)

    def expand(self, query: str, options: RetrievalOptions | None = None) -> str:
        """The question with abbreviations spelled out and legal wording added."""
        o = options or self.options
        return expand_query(query, self.vocab, abbreviations=o.abbreviations, lay=o.vocabulary)

    def query_terms(self, query: str, expanded: str, o: RetrievalOptions) -> dict[str, float]:
        """BM25 query terms: the words of the asking sentences and spelled-out abbreviations at
        full weight, words that only set the scene at `context_weight`, the legal wording of
        everyday phrases at `expansion_weight`."""
        analyzer = self.bm25(o).analyzer
        q = self.prepare(query)
        terms = dict.fromkeys(analyzer.tokens(" ".join(q.asking)), 1.0)
        for tok in analyzer.tokens(" ".join(q.context)):
            terms.setdefault(tok, o.context_weight)
        if o.abbreviations:
            spelled = expand_abbreviations(query, self.vocab)
            for tok in analyzer.tokens(spelled):
                terms.setdefault(tok, o.abbreviation_weight)
        for tok in analyzer.tokens(expanded):
            terms.setdefault(tok, o.expansion_weight)
        return terms

    def retrieve(
        self,
        query: str,
        k: int = 10,
        filters: Filters | None = None,
        mode: RetrievalMode | None = None,
        options: RetrievalOptions | None = None,
    ) -> list[Hit]:
        """The k best chunks for a question, best first, each with its per-signal ranks."""
        o = options or self.options
        query = self.prepare(query).normal
        mode = RetrievalMode(mode or self.mode)
        if mode == RetrievalMode.TEXT:
            o = replace(o, dense=False)
        elif mode == RetrievalMode.VECTORS:
            o = replace(o, lexical=False)
        mask = self.mask(filters)
        refs = self.references(query, filters) if o.lookup or o.doc_focus else []
        signals: dict[str, dict] = {}
        rankings, weights = self._rankings(query, refs, filters, mask, o, signals)
        scored = self._weigh(rrf(rankings, o.rrf_k, weights) if rankings else [], o, signals)
        order = [cid for cid, _ in scored]
        scores = dict(scored)
        if o.lookup:
            top = scored[0][1] if scored else 0.0
            found = [cid for cid in self._lookup(refs) if self._passes(cid, mask)]
            for rank, cid in enumerate(found, start=1):
                signals.setdefault(cid, {})["lookup"] = rank
                scores[cid] = top + 1.0 / rank
            order = found + [cid for cid in order if cid not in found]
        if o.definitions:
            top = max(scores.values(), default=0.0)
            found = [c for c in self._defining(query, refs) if self._passes(c, mask)]
            for rank, cid in enumerate(found[: o.definition_slots], start=1):
                signals.setdefault(cid, {})["definition"] = rank
                scores[cid] = max(scores.get(cid, 0.0), top + 0.5 / rank)
            head = [c for c in order if "lookup" in signals.get(c, {})]
            first = [c for c in found[: o.definition_slots] if c not in head]
            order = head + first + [c for c in order if c not in head and c not in first]
        if o.section_cap:
            order = self._cap(order, o.section_cap, signals)
        if o.doc_cap:
            named = {d for r in refs for d in r.doc_ids}
            order = self._cap(order, o.doc_cap, signals, by_document=True, exempt=named)
        window = self._unpenalised(scored, o)
        if o.follow_amendments and self.registry is not None:
            order = self._counterparts(order, window, mask, signals, scores)
            head = self._follow(order[: k + 5], mask, signals, scores, o)
            order = head + [cid for cid in order[k + 5 :] if cid not in set(head)]
        hits = [self._hit(cid, scores.get(cid, 0.0), signals.get(cid, {})) for cid in order[:k]]
        shown = {h.id for h in hits}
        near = [c for c, _ in window if c not in shown and self._status(c) in NOT_IN_FORCE]
        if near and hits:  # old text the penalty pushed out: the answer layer may warn about it
            hits[0].signals["superseded"] = near
        missing = [r.written for r in refs if r.missing]
        if missing:  # the question names documents the index lacks: the answer layer may refuse
            for h in hits:
                h.signals["missing_refs"] = missing
        return hits

    def _rankings(self, query, refs, filters, mask, o: RetrievalOptions, signals: dict):
        """Every signal's ranking (ids, best first) and its fusion weight; fills `signals`."""
        rankings: list[list[str]] = []
        weights: list[float] = []

        def add(name: str, ranked: list[tuple[str, float]], weight: float, score_key: str = ""):
            for rank, (cid, score) in enumerate(ranked, start=1):
                s = signals.setdefault(cid, {})
                s.setdefault(name, rank)
                if score_key:
                    s.setdefault(score_key, round(score, 4))
            if ranked:
                rankings.append([cid for cid, _ in ranked])
                weights.append(weight)

        expanded = self.expand(query, o)
        if o.dense:
            vector = self.embedder.embed_query(expanded if o.expand_dense else query)
            dense = self.dense(vector, o.candidates, mask)
            add("dense", dense, o.dense_weight, "dense_score")
        if not o.lexical:
            return rankings, weights
        bm = self.bm25(o)
        terms = self.query_terms(query, expanded, o)
        found = [(self.ids[i], s) for i, s in bm.search(terms, o.candidates, mask)]
        add("lexical", found, o.lexical_weight, "bm25")
        if o.multi_query and expanded != query:
            found = [(self.ids[i], s) for i, s in bm.search(query, o.candidates, mask)]
            add("lexical_raw", found, o.lexical_weight * 0.5)
        if o.doc_focus:
            focus = {d for r in refs if not r.pasal for d in r.doc_ids}
            if o.type_focus and not focus:
                focus = mentioned_types(query, self.catalog, self.vocab)
            if focus:
                in_docs = self.in_documents(focus)
                if mask is not None:
                    in_docs &= mask
                found = [(self.ids[i], s) for i, s in bm.search(terms, o.candidates, in_docs)]
                add("focus", found, 1.0)
        return rankings, weights

    def _weigh(self, fused: list[tuple[str, float]], o: RetrievalOptions, signals: dict):
        """Apply the status, programme and part multipliers; best first."""
        scored = []
        for cid, score in fused:
            meta = self.metas[self.position[cid]]
            if o.status_ranking and meta.get("status") in NOT_IN_FORCE:
                score *= o.status_penalty
                signals[cid]["status_penalty"] = o.status_penalty
            if not str(meta.get("doc_status") or "").strip():  # a file stating no status
                score *= o.unverified_weight
                signals[cid]["unverified"] = o.unverified_weight
            if cid in self._planted:
                score *= o.status_penalty
                signals[cid]["instructions"] = o.status_penalty
            if meta.get("kind") == "program":
                score *= o.program_weight
            score *= o.part_weights.get(meta.get("part", ""), 1.0)
            if meta.get("term"):  # a definition repeats a piece of Pasal 1
                score *= o.definition_weight
            if str(meta.get("path", "")).startswith("Lampiran"):  # annexes: templates, tables
                score *= o.annex_weight
            scored.append((cid, score))
        return sorted(scored, key=lambda x: -x[1])

    def _defining(self, query: str, refs: list[Reference]) -> list[str]:
        """The definition units of the terms the question asks the meaning of, best first (when
        it compares two terms, their best definitions take turns)."""
        named = {d for r in refs for d in r.doc_ids}
        ranked = []
        for term in asked_terms(query):
            spelled = expand_abbreviations(term, self.vocab)
            expansions = [spelled[spelled.find("(") + 1 : -1]] if spelled != term else []
            ranked.append(rank_definitions(term, self._definitions, named, expansions))
        longest = max(map(len, ranked), default=0)
        turns = [ids[i] for i in range(longest) for ids in ranked if i < len(ids)]
        return list(dict.fromkeys(turns))

    def _lookup(self, refs: list[Reference]) -> list[str]:
        """Chunk ids of the referenced provisions; a Pasal a later act inserted ("Pasal 44A UU
        25/1992") resolves through the registry to the text that inserted it."""
        out = lookup(refs, self.catalog)
        if self.registry is None:
            return out
        for ref in refs:
            if not ref.pasal or provision_ids(ref, self.catalog):
                continue
            for doc_id in ref.doc_ids:
                part = PENJELASAN if ref.penjelasan else "batang_tubuh"
                meta = {"doc_id": doc_id, "pasal": ref.pasal, "part": part}
                out += [cid for cid in self._current_chunks(meta) if cid not in out]
        return out

    def _cap(
        self,
        order: list[str],
        cap: int,
        signals: dict,
        by_document: bool = False,
        exempt: frozenset[str] | set[str] = frozenset(),
    ) -> list[str]:
        """At most `cap` chunks of one section (same document and label), or of one document,
        before the others; looked-up chunks and chunks of `exempt` documents are exempt."""
        seen: dict[tuple[str, str], int] = {}
        head, tail = [], []
        for cid in order:
            meta = self.metas[self.position[cid]]
            doc = meta.get("doc_id", "")
            key = (doc, "" if by_document else meta.get("label", ""))
            seen[key] = seen.get(key, 0) + 1
            free = "lookup" in signals.get(cid, {}) or doc in exempt
            (tail if seen[key] > cap and not free else head).append(cid)
        return head + tail

    def _passes(self, cid: str, mask: np.ndarray | None) -> bool:
        return mask is None or bool(mask[self.position[cid]])

    def _unpenalised(self, scored, o: RetrievalOptions) -> list[tuple[str, float]]:
        """The top window of the ranking as it would be without the status penalty."""
        if not o.status_ranking:
            return []
        return sorted(scored, key=lambda x: -x[1] / self._penalty(x[0], o))[: o.superseded_window]

    def _status(self, cid: str) -> str:
        return self.metas[self.position[cid]].get("status", "")

    def _penalty(self, cid: str, o: RetrievalOptions) -> float:
        return o.status_penalty if self._status(cid) in NOT_IN_FORCE else 1.0

    def hit(self, cid: str) -> Hit:
        """The hit of one chunk, with no score (for chunks named in another hit's signals)."""
        return self._hit(cid, 0.0, {})

    def _hit(self, cid: str, score: float, signals: dict) -> Hit:
        i = self.position[cid]
        return Hit(cid, self.texts[i], self.metas[i], round(float(score), 6), dict(signals))


def load_registry(path: Path = AMENDMENTS_FILE):
    """The amendment registry, or None when the file is absent."""
    if not path.exists():
        return None
    from ..legal.registry import parse_registry

    return parse_registry(path.read_text(encoding="utf-8"), str(path))


def build_retriever(settings, index, embedder) -> HybridRetriever:
    """The retriever the assistant uses, configured from settings."""
    mode = (
        settings.retrieval_mode
        if settings.retrieval_mode in {m.value for m in RetrievalMode}
        else "hybrid"
    )
    return HybridRetriever(
        index,
        embedder,
        mode=RetrievalMode(mode),
        options=RetrievalOptions.fitted(),
        registry=load_registry(),
    )
