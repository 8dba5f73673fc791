"""The only chromadb code: an embedded or server collection of chunks, reconciled incrementally."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import time
from dataclasses import dataclass, replace
from typing import Any

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.errors import NotFoundError
from chromadb.utils.embedding_functions import register_embedding_function

from .config import Settings
from .errors import AssistantError, ConfigError, IndexBrokenError, IndexMissingError
from .legal.types import Chunk
from .storage import private_dir

log = logging.getLogger(__name__)
BUILDING = "__neu"  # suffix of a collection being rebuilt beside the one in use
READY = "__siap"  # suffix of a rebuilt collection about to replace it
_OWN_CLIENTS = itertools.count(1)  # tells apart the Chroma systems of `Index(own_client=True)`


@register_embedding_function
class _OurEmbeddings(EmbeddingFunction[Documents]):
    """Chroma adapter over our embedder, so Chroma never falls back to its downloading default."""

    def __init__(self, embedder):
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        if self._embedder is None:
            raise ConfigError(
                "open the index through assistant.index.Index, which passes the embedder"
            )
        return [list(v) for v in self._embedder.embed_documents(list(input))]

    @staticmethod
    def name() -> str:
        return "koperasi-assistant"

    def get_config(self) -> dict[str, Any]:
        return {"model": getattr(self._embedder, "name", "")}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> _OurEmbeddings:
        return _OurEmbeddings(None)

    def default_space(self) -> str:
        return "cosine"


@dataclass(frozen=True)
class Stored:
    """What the index holds for one chunk: enough to decide whether it must change."""

    doc_id: str
    content_hash: str
    meta_hash: str
    source: str


@dataclass(frozen=True)
class Record:
    """A stored chunk as read back: id, text, metadata and (when asked for) its vector."""

    id: str
    text: str
    meta: dict
    vector: list[float] | None = None


def chunk_metadata(chunk: Chunk, source: str, status: dict | None = None) -> dict:
    """Flatten a chunk into Chroma's scalar metadata (no None values)."""
    m = chunk.meta
    meta = {
        "doc_id": chunk.doc_id,
        "kind": m.kind,
        "jenis": m.jenis,
        "nomor": m.nomor,
        "tahun": m.tahun or 0,
        "judul": m.judul,
        "doc_status": m.status,
        "official_url": m.official_url,
        "part": chunk.part,
        "label": chunk.label,
        "pasal": chunk.pasal or "",
        "ayat_start": chunk.ayat_start or "",
        "ayat_end": chunk.ayat_end or "",
        "path": " > ".join(chunk.path),
        "citation": chunk.citation,
        "context": chunk.context,
        "penjelasan": chunk.penjelasan,
        "term": chunk.term,
        "order": chunk.order,
        "content_hash": chunk.content_hash,
        "source": source,
        "status": "berlaku",
        "status_warning": "",
        "current_rule": "",
        "history": "",  # a consolidated act's Pasal: "Riwayat: 1992 teks asli · 2020 diubah ..."
    }
    meta.update(status or {})
    meta["meta_hash"] = _meta_hash(meta)
    return meta


def _meta_hash(meta: dict) -> str:
    body = {k: v for k, v in meta.items() if k != "meta_hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


class Index:
    """A Chroma collection of chunks, opened embedded (default) or on a `chroma run` server."""

    def __init__(
        self, settings: Settings, embedder, *, create: bool = True, own_client: bool = False
    ):
        """`own_client`: a Chroma client (and system) of its own, not the one this process shares
        per folder, whose in-memory vectors go stale when another process writes the index."""
        self.settings = settings
        self.embedder = embedder
        self.name = settings.collection
        self._ef = _OurEmbeddings(embedder)
        self._client = _client(settings, create, own_client)
        model = getattr(embedder, "name", "unknown")
        try:
            _finish_swap(self._client, self.name)
            if create:
                self._col = self._client.get_or_create_collection(
                    self.name,
                    embedding_function=self._ef,
                    metadata={"hnsw:space": "cosine", "model": model},
                )
            else:
                self._col = self._client.get_collection(self.name, embedding_function=self._ef)
            self._col.count()  # a damaged store fails here, not at the first question
        except NotFoundError:
            raise IndexMissingError(
                f"index '{self.name}' belum ada: jalankan dulu `python ingest.py`"
            ) from None
        except AssistantError:
            raise
        except Exception as exc:
            raise broken(settings, exc) from None
        built_with = (self._col.metadata or {}).get("model")
        if built_with and built_with != model:
            raise ConfigError(
                f"index '{self.name}' was built with model {built_with!r}, "
                f"ASSISTANT_MODEL is {model!r}: rebuild with `python ingest.py --rebuild`"
            )

    def close(self) -> None:
        """Release this index's Chroma client (its system stops when no other client uses it)."""
        close = getattr(self._client, "close", None)
        if close is not None:
            try:
                close()
            except Exception as exc:  # closing is housekeeping: never fail a question on it
                log.warning("closing the Chroma client failed: %s: %s", type(exc).__name__, exc)

    def _call(self, fn):
        """Run `fn(collection)`; when a rebuild elsewhere replaced the collection, reopen it by
        name once and run again."""
        try:
            return fn(self._col)
        except NotFoundError:
            self._col = self._client.get_collection(self.name, embedding_function=self._ef)
            return fn(self._col)

    def count(self) -> int:
        return self._call(lambda col: col.count())

    def snapshot(self) -> dict[str, Stored]:
        """Every stored chunk id with its hashes, read in pages."""
        out: dict[str, Stored] = {}
        for offset in range(0, self.count(), 2000):
            page = self._call(
                lambda col, o=offset: col.get(include=["metadatas"], limit=2000, offset=o)
            )
            for cid, meta in zip(page["ids"], page["metadatas"]):
                out[cid] = Stored(
                    meta.get("doc_id", ""),
                    meta.get("content_hash", ""),
                    meta.get("meta_hash", ""),
                    meta.get("source", ""),
                )
        return out

    def records(self, where: dict | None = None, *, vectors: bool = False) -> list[Record]:
        """All stored chunks (text, metadata and optionally vectors), read in pages."""
        include = ["documents", "metadatas"] + (["embeddings"] if vectors else [])
        out: list[Record] = []
        offset = 0
        while True:
            page = self._call(
                lambda col, o=offset: col.get(where=where, include=include, limit=2000, offset=o)
            )
            vecs = page["embeddings"] if vectors else [None] * len(page["ids"])
            out += [
                Record(i, d, m, None if v is None else list(v))
                for i, d, m, v in zip(page["ids"], page["documents"], page["metadatas"], vecs)
            ]
            if len(page["ids"]) < 2000:
                return out
            offset += 2000

    def get(self, ids: list[str]) -> list[Record]:
        """The stored chunks with these ids, in the order asked (missing ids are left out)."""
        if not ids:
            return []
        page = self._call(lambda col: col.get(ids=ids, include=["documents", "metadatas"]))
        found = {
            i: Record(i, d, m) for i, d, m in zip(page["ids"], page["documents"], page["metadatas"])
        }
        return [found[i] for i in ids if i in found]

    def upsert(self, ids: list[str], texts: list[str], metas: list[dict], vectors) -> None:
        self._col.upsert(
            ids=ids, documents=texts, metadatas=metas, embeddings=[list(v) for v in vectors]
        )

    def update_metadata(self, ids: list[str], metas: list[dict]) -> None:
        self._col.update(ids=ids, metadatas=metas)

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 500):
            self._col.delete(ids=ids[start : start + 500])

    def copy_from(self, other: Index, where: dict) -> int:
        """Copy the chunks of `other` that match `where` (vectors included) into this index."""
        records = other.records(where, vectors=True)
        for start in range(0, len(records), 500):
            part = records[start : start + 500]
            self.upsert(
                [r.id for r in part],
                [r.text for r in part],
                [r.meta for r in part],
                [r.vector for r in part],
            )
        return len(records)

    def rebuild_beside(self) -> Index:
        """An empty collection beside this one, to be filled and then `swap_in`-ed."""
        for suffix in (BUILDING, READY):
            _drop(self._client, self.name + suffix)
        return Index(replace(self.settings, collection=self.name + BUILDING), self.embedder)

    def swap_in(self, new: Index) -> None:
        """Make the complete `new` collection this one. A kill at any point leaves either the old
        collection or the new one (renamed READY, finished by the next open) under the name."""
        new._col.modify(name=self.name + READY)
        _drop(self._client, self.name)
        _finish_swap(self._client, self.name)
        self._col = self._client.get_collection(self.name, embedding_function=self._ef)


def _drop(client, name: str) -> None:
    try:
        client.delete_collection(name)
    except NotFoundError:
        pass


def _finish_swap(client, name: str) -> None:
    """A rebuilt collection left READY by a killed swap takes the name when it is free."""
    names = {getattr(c, "name", c) for c in client.list_collections()}
    if name + READY in names and name not in names:
        client.get_collection(name + READY).modify(name=name)
        log.warning(
            "index '%s': the rebuilt collection from an interrupted swap is now in use", name
        )


def broken(settings: Settings, exc: Exception) -> IndexBrokenError:
    """A clear error for a store that cannot be opened; the real error goes to the log."""
    log.error("Chroma (%s): %s: %s", where(settings), type(exc).__name__, exc)
    text = str(exc).lower()
    if settings.chroma_host:
        return IndexBrokenError(
            f"server Chroma di {where(settings)} tidak dapat dipakai ({type(exc).__name__}); "
            "periksa bahwa `chroma run` berjalan dan ASSISTANT_CHROMA_HOST/_PORT benar"
        )
    if "malformed" in text or "not a database" in text:
        why = "berkas chroma.sqlite3 rusak atau terpotong"
    elif "unable to open" in text or "permission" in text or "readonly" in text:
        why = "berkas indeks tidak dapat dibuka atau ditulis (izin atau jenis berkas)"
    else:
        why = f"{type(exc).__name__}"
    return IndexBrokenError(
        f"indeks di {where(settings)} tidak dapat dibuka: {why}. Bangun ulang dengan "
        "`python ingest.py --rebuild` (folder yang rusak disimpan dengan nama lain), "
        "atau periksa izin berkasnya"
    )


def where(settings: Settings) -> str:
    if settings.chroma_host:
        return f"{settings.chroma_host}:{settings.chroma_port}"
    return str(settings.chroma_dir)


def set_aside(settings: Settings) -> str:
    """Move a damaged embedded store out of the way (for --rebuild); returns its new path."""
    from chromadb.api.client import SharedSystemClient

    target = settings.chroma_dir.with_name(f"chroma.rusak-{time.strftime('%Y%m%d-%H%M%S')}")
    settings.chroma_dir.rename(target)
    SharedSystemClient.clear_system_cache()  # the process must not reuse the old store
    log.warning("damaged index moved to %s", target)
    return str(target)


def _client(settings: Settings, create: bool, own: bool = False):
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port)
        if not create and not (settings.chroma_dir / "chroma.sqlite3").exists():
            raise IndexMissingError(
                f"index '{settings.collection}' belum ada (tidak ada {settings.chroma_dir}): "
                "jalankan dulu `python ingest.py`"
            )
        private_dir(settings.chroma_dir)
        path = str(settings.chroma_dir)
        if own:  # Chroma keeps one system per path string: the same folder, spelt anew
            path += "/." * next(_OWN_CLIENTS)
        return chromadb.PersistentClient(
            path=path, settings=chromadb.Settings(anonymized_telemetry=False)
        )
    except AssistantError:
        raise
    except Exception as exc:
        raise broken(settings, exc) from None
