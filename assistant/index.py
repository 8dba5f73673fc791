"""The only chromadb code: an embedded or server collection of chunks, reconciled incrementally."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from .config import Settings
from .errors import ConfigError, IndexMissingError
from .legal.types import Chunk


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

    def __init__(self, settings: Settings, embedder, *, create: bool = True):
        self.settings = settings
        self.embedder = embedder
        self._client = _client(settings)
        name = getattr(embedder, "name", "unknown")
        if create:
            self._col = self._client.get_or_create_collection(
                settings.collection,
                embedding_function=_OurEmbeddings(embedder),
                metadata={"hnsw:space": "cosine", "model": name},
            )
        else:
            try:
                self._col = self._client.get_collection(
                    settings.collection, embedding_function=_OurEmbeddings(embedder)
                )
            except Exception:
                raise IndexMissingError(
                    f"index '{settings.collection}' belum ada: jalankan dulu `python ingest.py`"
                ) from None
        built_with = (self._col.metadata or {}).get("model")
        if built_with and built_with != name:
            raise ConfigError(
                f"index '{settings.collection}' was built with model {built_with!r}, "
                f"ASSISTANT_MODEL is {name!r}: rebuild with `python ingest.py --rebuild`"
            )

    def count(self) -> int:
        return self._col.count()

    def snapshot(self) -> dict[str, Stored]:
        """Every stored chunk id with its hashes, read in pages."""
        out: dict[str, Stored] = {}
        for offset in range(0, self.count(), 2000):
            page = self._col.get(include=["metadatas"], limit=2000, offset=offset)
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
            page = self._col.get(where=where, include=include, limit=2000, offset=offset)
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
        page = self._col.get(ids=ids, include=["documents", "metadatas"])
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

    def reset(self) -> None:
        """Drop the collection (for --rebuild); the next Index() creates it anew."""
        self._client.delete_collection(self.settings.collection)


def _client(settings: Settings):
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(settings.chroma_dir), settings=chromadb.Settings(anonymized_telemetry=False)
    )
