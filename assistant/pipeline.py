"""The one place that builds the assistant's parts from `Settings`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from langchain_core.embeddings import Embeddings

from . import ingest as ingest_mod
from . import reload
from .answer.decision import default_model
from .config import Settings
from .index import Index
from .legal.types import DocMeta
from .limits import MAX_HISTORY_ITEMS, MAX_QUESTION_CHARS, bound_history, clean_text, cut

PROJECT_DIR = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_DIR / "corpus"
PROGRAMS_DIR = CORPUS_DIR / "programs"
SOURCES_FILE = CORPUS_DIR / "sources.toml"
AMENDMENTS_FILE = CORPUS_DIR / "amendments.toml"
CACHE_DIR = CORPUS_DIR / "cache"


class LazyEmbedder(Embeddings):
    """Loads the embedding model on first use, so a run with nothing to embed stays fast."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.name = settings.model
        self._model = None

    @property
    def model(self):
        if self._model is None:
            from .embedding import load_embedder

            self._model = load_embedder(self.settings)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)


def open_index(settings: Settings, embedder=None, *, create: bool = True) -> Index:
    """Open (or create) the index with our embedder."""
    return Index(settings, embedder or LazyEmbedder(settings), create=create)


def status_hooks(path: Path = AMENDMENTS_FILE, max_chars: int = 1800):
    """The consolidation and status steps of ingestion (legal/statuses.py) over the amendment
    registry (document status alone if it is absent)."""
    from .legal import registry as reg
    from .legal.statuses import StatusHooks

    registry = (
        reg.parse_registry(path.read_text(encoding="utf-8"), str(path))
        if path.exists()
        else reg.Registry(())
    )
    return StatusHooks(registry, max_chars)


def status_function(path: Path = AMENDMENTS_FILE):
    """Chunk → status metadata from the amendment registry (without consolidations)."""
    return status_hooks(path).status_of


def fetch_default_corpus(
    mirror: Path | None, cache_dir: Path = CACHE_DIR
) -> tuple[list[Path], dict[str, DocMeta], list[dict]]:
    """Fetch (or take from a mirror) every pinned source; returns files, their metadata, failures."""
    from .documents import sources as src

    specs = src.parse_sources(SOURCES_FILE.read_text(encoding="utf-8"), str(SOURCES_FILE))
    report = src.fetch_sources(specs, cache_dir / "raw", mirror=mirror)
    failures = [{"file": sid, "doc_id": sid, "reason": reason} for sid, reason in report.failed]
    files: list[Path] = []
    known: dict[str, DocMeta] = {}
    docs_dir = cache_dir / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        raw_path = report.paths.get(spec.id)
        if raw_path is None:
            continue
        target = docs_dir / f"{spec.id}.{spec.format}"
        data = src.materialise(spec, raw_path.read_bytes())
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        files.append(target)
        known[spec.id] = src.spec_meta(spec)
    return files, known, failures


def ingest(
    paths: Iterable[Path] | None,
    settings: Settings,
    *,
    fetch: bool = False,
    mirror: Path | None = None,
    rebuild: bool = False,
    progress: bool = True,
    embedder=None,
) -> ingest_mod.IngestSummary:
    """Index the given paths, or (fetch) the pinned default corpus plus the programme documents.

    One run at a time per data folder (a second one gets `IngestBusyError`). With `rebuild` the
    new index is built beside the one in use and swapped in only when complete; files that fail
    keep their chunks from the old index.
    """
    from .locking import ingest_lock

    with ingest_lock(settings):
        paths = list(paths or [])
        known: dict[str, DocMeta] = {}
        fetch_failures: list[dict] = []
        if fetch or not paths:
            files, known, fetch_failures = fetch_default_corpus(mirror)
            paths += files + [PROGRAMS_DIR]
        index = _open_for_ingest(settings, embedder, rebuild)
        target = index.rebuild_beside() if rebuild else index
        hooks = status_hooks(max_chars=settings.max_chunk_chars)
        summary = ingest_mod.run(
            paths,
            settings,
            target,
            index.embedder.embed_documents,
            known=known,
            status_of=hooks.status_of,
            progress=progress,
            consolidate=hooks.consolidate,
        )
        summary.failures = fetch_failures + summary.failures
        if rebuild:
            _keep_failed(index, target, summary.failures)
            index.swap_in(target)
        if fetch_failures:
            ingest_mod.save_summary(settings, summary)
        reload.bump(settings)  # a running app loads the new index at its next question
        return summary


def _open_for_ingest(settings: Settings, embedder, rebuild: bool) -> Index:
    """The index to update; for a rebuild a damaged embedded store is moved aside first."""
    from .errors import IndexBrokenError
    from .index import set_aside

    try:
        return open_index(settings, embedder)
    except IndexBrokenError:
        if not rebuild or settings.chroma_host:
            raise
        set_aside(settings)
        return open_index(settings, embedder)


def _keep_failed(old: Index, new: Index, failures: list[dict]) -> None:
    """Copy the old chunks of files that failed this run into the rebuilt index."""
    files = sorted({f["file"] for f in failures})
    ids = sorted({f["doc_id"] for f in failures})
    if files or ids:
        new.copy_from(
            old, {"$or": [{"source": {"$in": files or [""]}}, {"doc_id": {"$in": ids or [""]}}]}
        )


def stats(settings: Settings) -> dict:
    """Index statistics without loading the model."""
    from .errors import IndexMissingError

    try:
        index = open_index(settings, create=False)
    except IndexMissingError:  # a damaged index is an error, not an empty one
        return {"documents": 0, "chunks": 0, "by_document": {}, "last_ingest": {}}
    return ingest_mod.stats(index, settings)


EMPTY_QUESTION = (
    "Silakan tuliskan pertanyaan Anda tentang koperasi, UMKM, atau program Koperasi Merah Putih."
)
LONG_QUESTION = (
    f"Pertanyaan terlalu panjang (lebih dari {MAX_QUESTION_CHARS} karakter). "
    "Mohon persingkat dan tanyakan satu hal sekaligus."
)


class Assistant:
    """The question-answering facade: one index, embedder, retriever and (optional) chat model."""

    def __init__(self, settings: Settings, live: reload.Live, chat_model=None):
        self.settings = settings
        self.chat_model = chat_model
        self.decision = default_model().for_embedder(settings.model)
        # index, retriever and word counts (for the refusal decision) are swapped as one when a
        # newer index generation appears (reload.py)
        self._reloader = reload.Reloader(
            settings, live, lambda sig: reload.load(settings, live.index, sig)
        )
        self._stats: tuple[reload.Live, dict] | None = None

    @property
    def index(self) -> Index:
        return self._reloader.live.index

    @property
    def retriever(self):
        return self._reloader.live.retriever

    @property
    def frequencies(self):
        return self._reloader.live.frequencies

    def fresh(self) -> reload.Live:
        """The current index and retriever, loading a newer index generation first if there is."""
        return self._reloader.fresh()

    @classmethod
    def from_settings(
        cls, settings: Settings, *, embedder=None, chat_model=None, warm: bool = True
    ) -> Assistant:
        """Open the existing index and build the retriever and chat model once.

        With `warm`, one throwaway extractive answer loads the model, the keyword index and the
        answer modules now, so the first user's question is not the one that waits for them.
        """
        from .answer import compose, llm

        sig = reload.signature(settings)  # first: an ingest finishing meanwhile is seen later
        index = open_index(settings, embedder, create=False)
        live = reload.load(settings, index, sig, opened=True)
        model = chat_model if chat_model is not None else llm.chat_model(settings)
        assistant = cls(settings, live, model)
        if warm and index.count():
            retriever = live.retriever
            query = retriever.prepare("koperasi")
            hits = assistant.retrieve(query.normal, k=1)
            compose.answer(query, hits, frequencies=assistant.frequencies)
        return assistant

    @property
    def mode(self) -> str:
        """How answers are made, for the footer: "ekstraktif" or "LLM: ollama/model"."""
        from .answer import llm

        if self.chat_model is None:
            return "ekstraktif"
        return llm.mode_label(self.settings)

    def retrieve(self, question: str, filters=None, k: int | None = None, live=None) -> list:
        """The hits for a question, best first."""
        retriever = (live or self.fresh()).retriever
        return retriever.retrieve(question, k=k or self.settings.top_k, filters=filters)

    def ask(self, question: str, history=(), filters=None, k: int | None = None):
        """Answer one question (resolving follow-ups against `history` of (question, answer))."""
        import time
        from dataclasses import replace

        from .answer import compose, followup
        from .answer.types import Answer

        started = time.perf_counter()
        question = clean_text(question)
        text = question.strip()
        if not text or len(text) > MAX_QUESTION_CHARS:
            message = EMPTY_QUESTION if not text else LONG_QUESTION
            return Answer(
                question=cut(question), text=message, notice=message, mode=self._mode_code()
            )
        turns = bound_history(followup.pairs(list(history or ())[-MAX_HISTORY_ITEMS:]))
        # the limit holds after the previous topic is appended too
        resolved = cut(followup.resolve(text, turns))
        live = self.fresh()  # one index for the whole answer, even if a newer one loads meanwhile
        retriever = live.retriever
        query = retriever.prepare(resolved)
        hits = self.retrieve(query.normal, filters=filters, k=k, live=live)
        answer = compose.answer(
            query,
            hits,
            asked=text,
            model=self.chat_model,
            mode=self._mode_code(),
            named_missing=self._named_missing(query.normal, filters, retriever),
            frequencies=live.frequencies,
            superseded=self._superseded(hits, retriever),
            decision=self.decision,
        )
        answer = compose.add_warnings(answer, self._named_ended(query.normal, filters, retriever))
        return replace(answer, latency_ms=(time.perf_counter() - started) * 1000)

    def _superseded(self, hits, retriever=None) -> list:
        """Old provisions the retriever ranked near the top before putting in-force text first."""
        ids = hits[0].signals.get("superseded", []) if hits else []
        return [(retriever or self.retriever).hit(cid) for cid in ids]

    def _named_ended(self, question: str, filters, retriever=None) -> list[str]:
        """The status warning of each act the question names that is no longer in force, or
        that the corpus knows only as changed by another act."""
        from .answer.sources import warning_text
        from .legal.registry import note_on_absent
        from .retrieval.options import ENDED

        retriever = retriever or self.retriever
        references = getattr(retriever, "references", None)
        registry = getattr(retriever, "registry", None)
        out: list[str] = []
        for ref in references(question, filters) if references else []:
            for doc_id in ref.doc_ids:
                slots = retriever.catalog.in_doc(doc_id)
                if not slots:  # known only through the amendment registry
                    note = note_on_absent(doc_id, registry) if registry else ""
                    out += [f"{registry.label(doc_id)}: {note}"] if note else []
                    continue
                # a block outside any Pasal carries the act's warning alone
                meta = retriever.hit(next((s for s in slots if not s.pasal), slots[0]).id).meta
                if meta.get("status") not in ENDED:
                    continue
                label = str(meta.get("citation", "")).removesuffix(" " + str(meta.get("label")))
                out.append(warning_text({**meta, "citation": label}))
        return out

    def _named_missing(self, question: str, filters, retriever=None) -> int:
        """How many documents the question names that the index does not hold."""
        references = getattr(retriever or self.retriever, "references", None)
        if references is None:
            return 0
        return sum(1 for ref in references(question, filters) if getattr(ref, "missing", False))

    def _mode_code(self) -> str:
        if self.chat_model is None:
            return "extractive"
        return f"{self.settings.answer_mode}/{self.settings.llm_model}"

    def _runs(self, chunk_id: str) -> tuple[list[list], int | None]:
        """The chunk's document part as runs of consecutive chunks of one Pasal, and its run."""
        found = self.index.get([chunk_id])
        if not found:
            return [], None
        meta = found[0].meta
        where = {"$and": [{"doc_id": meta["doc_id"]}, {"part": meta.get("part", "")}]}
        records = sorted(self.index.records(where), key=lambda r: r.meta.get("order", 0))
        records = [r for r in records if not r.meta.get("term")]  # definitions repeat Pasal 1
        if meta.get("pasal"):
            records = [r for r in records if r.meta.get("pasal")]
        runs: list[list] = []
        last = None
        for rec in records:
            # an amending act holds several changes to a "Pasal 6": only neighbours join
            key = rec.meta.get("pasal") or rec.id
            if key != last:
                runs.append([])
                last = key
            runs[-1].append(rec)
        if meta.get("term"):  # a definition stands for its Pasal 1
            here = next(
                (i for i, run in enumerate(runs) if run[0].meta.get("pasal") == meta.get("pasal")),
                None,
            )
        else:
            here = next(
                (i for i, run in enumerate(runs) if any(r.id == chunk_id for r in run)), None
            )
        return runs, here

    def provision(self, chunk_id: str) -> list:
        """All chunks of the chunk's Pasal (same document, Pasal and part), in order."""
        runs, here = self._runs(chunk_id)
        return runs[here] if here is not None else []

    def neighbour(self, chunk_id: str, step: int = 1) -> str | None:
        """The first chunk of the next (step=+1) or previous (step=-1) Pasal in the same document."""
        runs, here = self._runs(chunk_id)
        if here is None or step == 0:
            return None
        there = here + (1 if step > 0 else -1)
        return runs[there][0].id if 0 <= there < len(runs) else None

    def stats(self) -> dict:
        """Index statistics (documents, chunks, per document, last ingest), once per generation."""
        live = self.fresh()
        cached = self._stats
        if cached is None or cached[0] is not live:
            cached = self._stats = (live, ingest_mod.stats(live.index, self.settings))
        return cached[1]
