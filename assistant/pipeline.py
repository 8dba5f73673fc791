"""The one place that builds the assistant's parts from `Settings`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from langchain_core.embeddings import Embeddings

from . import ingest as ingest_mod
from .config import Settings
from .errors import AssistantError
from .index import Index
from .legal.types import Chunk, DocMeta

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


def status_function(path: Path = AMENDMENTS_FILE):
    """Chunk → status metadata from the amendment registry (document status alone if it is absent)."""
    from .legal import registry as reg

    registry = (
        reg.parse_registry(path.read_text(encoding="utf-8"), str(path))
        if path.exists()
        else reg.Registry(())
    )

    def status_of(chunk: Chunk) -> dict:
        st = reg.chunk_status(chunk.doc_id, chunk.pasal, chunk.meta.status, registry)
        return {
            "status": st.code,
            "status_warning": " ".join(st.warnings),
            "current_rule": st.current_rule,
        }

    return status_of


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
    """Index the given paths, or (fetch) the pinned default corpus plus the programme documents."""
    paths = list(paths or [])
    known: dict[str, DocMeta] = {}
    fetch_failures: list[dict] = []
    if fetch or not paths:
        files, known, fetch_failures = fetch_default_corpus(mirror)
        paths += files + [PROGRAMS_DIR]
    index = open_index(settings, embedder)
    if rebuild:
        index.reset()
        index = open_index(settings, index.embedder)
    summary = ingest_mod.run(
        paths,
        settings,
        index,
        index.embedder.embed_documents,
        known=known,
        status_of=status_function(),
        progress=progress,
    )
    if fetch_failures:
        summary.failures = fetch_failures + summary.failures
        ingest_mod.save_summary(settings, summary)
    return summary


def stats(settings: Settings) -> dict:
    """Index statistics without loading the model."""
    try:
        index = open_index(settings, create=False)
    except AssistantError:
        return {"documents": 0, "chunks": 0, "by_document": {}, "last_ingest": {}}
    return ingest_mod.stats(index, settings)
