"""Incremental ingestion: files → documents → chunks → the index, reconciled by content hash."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .config import Settings
from .documents.loader import SUPPORTED_SUFFIXES, load_document
from .documents.walk import scan
from .errors import AssistantError
from .index import Index, chunk_metadata
from .legal.chunking import chunk_document, doc_key
from .legal.parser import parse_document
from .legal.types import Chunk, DocMeta, Document, ParsedDocument
from .storage import private_dir, write_private


@dataclass
class IngestSummary:
    """What one ingestion run did."""

    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    metadata_updated: int = 0
    failures: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    finished_at: str = ""

    def lines(self) -> list[str]:
        out = [
            f"Dokumen: {self.documents}  Potongan (chunk): {self.chunks}",
            f"Ditambah: {self.added}  Diperbarui: {self.updated}  Dihapus: {self.deleted}  "
            f"Tetap: {self.unchanged}  Metadata diperbarui: {self.metadata_updated}",
            f"Waktu: {self.seconds:.1f} detik",
        ]
        if self.failures:
            out.append(f"Gagal ({len(self.failures)}):")
            out += [f"  - {f['file']}: {f['reason']}" for f in self.failures]
        return out


@dataclass(frozen=True)
class Prepared:
    """A document ready for the index: its chunks and their metadata."""

    doc_id: str
    source: str
    chunks: tuple[Chunk, ...]
    metas: tuple[dict, ...]


StatusFn = Callable[[Chunk], dict]
# every parsed document (doc id → (document, parsed)) → extra chunks per doc id (consolidations)
ConsolidateFn = Callable[[dict[str, tuple[Document, ParsedDocument]]], dict[str, tuple[Chunk, ...]]]


def prepare(
    paths: Iterable[Path],
    settings: Settings,
    known: dict[str, DocMeta] | None = None,
    status_of: StatusFn | None = None,
    consolidate: ConsolidateFn | None = None,
) -> tuple[list[Prepared], list[dict]]:
    """Load, parse and chunk every file; failures are collected by file name, never raised.

    Files whose ids clash (the same id, or ids that give the same chunk ids, such as
    `Koperasi A.md` and `koperasi-a.md`) all fail, each naming the others: none of them
    replaces what the index holds for that id. With `consolidate`, the documents parsed get
    the extra chunks it returns (before statuses).
    """
    loaded: list[tuple[str, Document, ParsedDocument, tuple[Chunk, ...]]] = []
    found = scan(paths, SUPPORTED_SUFFIXES, settings.follow_links)
    failures: list[dict] = list(found.skipped)  # links not followed keep what they had indexed
    for path in found.files:
        source = str(path)
        try:
            doc = load_document(path, known, settings.max_file_mb)
            parsed = parse_document(doc.text, doc.meta.jenis)
            chunks = chunk_document(doc, parsed, settings.max_chunk_chars)
            if not chunks:
                raise AssistantError("tidak ada teks yang dapat dipotong")
        except AssistantError as exc:
            failures.append({"file": source, "doc_id": path.stem.lower(), "reason": _reason(exc)})
            continue
        except Exception as exc:  # a parser bug must not stop the rest of the corpus
            failures.append(
                {
                    "file": source,
                    "doc_id": path.stem.lower(),
                    "reason": f"{type(exc).__name__}: {exc}",
                }
            )
            continue
        loaded.append((source, doc, parsed, chunks))

    by_key: dict[str, list[tuple[str, Document]]] = {}
    for source, doc, _, _ in loaded:
        by_key.setdefault(doc_key(doc.meta.doc_id), []).append((source, doc))
    unique = []
    for source, doc, parsed, chunks in loaded:
        group = by_key[doc_key(doc.meta.doc_id)]
        if len(group) > 1:
            failures.append(
                {"file": source, "doc_id": doc.meta.doc_id, "reason": _clash(source, doc, group)}
            )
            continue
        unique.append((source, doc, parsed, chunks))
    extra: dict[str, tuple[Chunk, ...]] = {}
    if consolidate is not None:
        try:
            extra = consolidate({d.meta.doc_id: (d, p) for _, d, p, _ in unique})
        except Exception as exc:  # a consolidation bug must not stop the original texts
            failures.append(
                {"file": "konsolidasi", "doc_id": "", "reason": f"{type(exc).__name__}: {exc}"}
            )
    prepared: list[Prepared] = []
    for source, doc, _, chunks in unique:
        chunks = chunks + extra.get(doc.meta.doc_id, ())
        metas = tuple(
            chunk_metadata(c, source, status_of(c) if status_of else None) for c in chunks
        )
        prepared.append(Prepared(doc.meta.doc_id, source, chunks, metas))
    failures.sort(key=lambda f: f["file"])
    return prepared, failures


def _clash(source: str, doc: Document, group: list[tuple[str, Document]]) -> str:
    others = ", ".join(
        f"{other} (id '{d.meta.doc_id}')" if d.meta.doc_id != doc.meta.doc_id else other
        for other, d in group
        if other != source
    )
    same = all(d.meta.doc_id == doc.meta.doc_id for _, d in group)
    what = "sama dengan" if same else "menghasilkan id potongan yang sama dengan"
    return (
        f"id dokumen '{doc.meta.doc_id}' {what} {others}; tidak ada yang diindeks ulang "
        "(isi indeks yang lama tetap). Beri setiap berkas id sendiri di front matter."
    )


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    return reason or str(exc)


def reconcile(
    index: Index,
    prepared: list[Prepared],
    failures: list[dict],
    embed: Callable[[list[str]], list[list[float]]],
    *,
    batch_size: int = 32,
    progress: bool = True,
) -> IngestSummary:
    """Bring the index in line with the prepared documents; failed files keep their old chunks."""
    summary = IngestSummary(documents=len(prepared), failures=list(failures))
    stored = index.snapshot()
    failed_sources = {f["file"] for f in failures}
    failed_ids = {f["doc_id"] for f in failures}
    wanted: dict[str, tuple[Chunk, dict]] = {}
    for doc in prepared:
        for chunk, meta in zip(doc.chunks, doc.metas):
            wanted[chunk.id] = (chunk, meta)
    summary.chunks = len(wanted)

    to_embed, to_meta = [], []
    for cid, (chunk, meta) in wanted.items():
        old = stored.get(cid)
        if old is None or old.content_hash != chunk.content_hash:
            to_embed.append(cid)
            summary.added += old is None
            summary.updated += old is not None
        elif old.meta_hash != meta["meta_hash"]:
            to_meta.append(cid)
        else:
            summary.unchanged += 1

    # longest first: each batch holds texts of about one length, so little of it is padding
    to_embed.sort(key=lambda cid: -len(embedding_text(wanted[cid][0])))
    for start in _progress(
        range(0, len(to_embed), batch_size), len(to_embed), batch_size, progress
    ):
        ids = to_embed[start : start + batch_size]
        chunks = [wanted[i][0] for i in ids]
        vectors = embed([embedding_text(c) for c in chunks])
        index.upsert(ids, [c.text for c in chunks], [wanted[i][1] for i in ids], vectors)
    if to_meta:
        index.update_metadata(to_meta, [wanted[i][1] for i in to_meta])
        summary.metadata_updated = len(to_meta)

    # a consolidated Pasal also depends on its amending text: when any file failed (it may be
    # that one), consolidated chunks stay until a run without failures settles them
    keep_current = bool(failures)
    stale = [
        cid
        for cid, old in stored.items()
        if cid not in wanted
        and old.source not in failed_sources
        and old.doc_id not in failed_ids
        and not (keep_current and "/teks-berlaku/" in cid)
    ]
    index.delete(stale)
    summary.deleted = len(stale)
    return summary


def embedding_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its context header, then its text."""
    return f"{chunk.context}\n{chunk.text}"


def _progress(steps: range, total: int, batch_size: int, enabled: bool):
    if not enabled or total == 0:
        yield from steps
        return
    from tqdm import tqdm

    with tqdm(total=total, desc="Embedding", unit="chunk") as bar:
        for start in steps:
            yield start
            bar.update(min(batch_size, total - start))


def save_summary(settings: Settings, summary: IngestSummary) -> None:
    """Record the last run's summary beside the index (read by `stats`)."""
    private_dir(settings.data_dir)
    tmp = settings.state_file.with_suffix(".tmp")
    write_private(tmp, json.dumps({"last_ingest": asdict(summary)}, ensure_ascii=False, indent=1))
    tmp.replace(settings.state_file)


def load_summary(settings: Settings) -> dict:
    try:
        return json.loads(settings.state_file.read_text()).get("last_ingest", {})
    except (OSError, ValueError):
        return {}


def run(
    paths: Iterable[Path],
    settings: Settings,
    index: Index,
    embed: Callable[[list[str]], list[list[float]]],
    *,
    known: dict[str, DocMeta] | None = None,
    status_of: StatusFn | None = None,
    progress: bool = True,
    consolidate: ConsolidateFn | None = None,
) -> IngestSummary:
    """One full ingestion run; records its summary."""
    started = time.perf_counter()
    prepared, failures = prepare(paths, settings, known, status_of, consolidate)
    summary = reconcile(
        index,
        prepared,
        failures,
        embed,
        batch_size=settings.embed_batch_size * 2,
        progress=progress,
    )
    summary.seconds = round(time.perf_counter() - started, 2)
    summary.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    save_summary(settings, summary)
    return summary


def stats(index: Index, settings: Settings) -> dict:
    """The index's state as a JSON-ready mapping (documents, chunks, per document, last run)."""
    by_doc: dict[str, dict] = {}
    for rec in index.records():
        m = rec.meta
        d = by_doc.setdefault(
            m["doc_id"],
            {
                "jenis": m.get("jenis", ""),
                "status": m.get("doc_status", ""),
                "kind": m.get("kind", ""),
                "judul": m.get("judul", ""),
                "chunks": 0,
                "_pasal": set(),
            },
        )
        d["chunks"] += 1
        if m.get("pasal") and m.get("part") == "batang_tubuh":
            d["_pasal"].add(m["pasal"])
    for d in by_doc.values():
        d["pasal"] = len(d.pop("_pasal"))
    return {
        "documents": len(by_doc),
        "chunks": sum(d["chunks"] for d in by_doc.values()),
        "by_document": dict(sorted(by_doc.items())),
        "last_ingest": load_summary(settings),
    }
