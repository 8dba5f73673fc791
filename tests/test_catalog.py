"""The catalog's indexes (retrieval/lookup.py) on the real corpus: each gives what a scan of the
catalog's slots and documents gives, in the same order, and references resolve as by a scan."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from assistant import eval as ev
from assistant import pipeline
from assistant.retrieval.lookup import (
    CURRENT,
    PENJELASAN,
    TYPE_WORDS,
    _ayat_key,
    find_references,
    mentioned_types,
    provision_ids,
)
from assistant.retrieval.options import CHANGED
from assistant.retrieval.retriever import HybridRetriever, load_registry
from assistant.retrieval.vocabulary import default_vocabulary


@pytest.fixture(scope="module")
def retriever(tmp_path_factory, shared_dir):
    """The retriever over the whole shared corpus, ingested into a real embedded Chroma (the
    hashing embedder: the catalog does not depend on vectors)."""
    from conftest import EmbedDemo

    from assistant.config import Settings

    settings = replace(Settings(data_dir=tmp_path_factory.mktemp("catalog")), model="embed-demo")
    embedder = EmbedDemo()
    summary = pipeline.ingest(
        [shared_dir / "corpus" / "regulations"], settings, embedder=embedder, progress=False
    )
    assert summary.documents >= 30, summary
    index = pipeline.open_index(settings, embedder, create=False)
    return HybridRetriever(index, embedder, registry=load_registry())


@pytest.fixture(scope="module")
def catalog(retriever):
    return retriever.catalog


def _questions(shared_dir) -> list[str]:
    return [
        q["question"]
        for name in ("dev.jsonl", "dev2.jsonl")
        for q in ev.load_questions(shared_dir / "eval" / name)
    ]


def test_slot_indexes_equal_a_scan(catalog):
    assert len(catalog.slots) > 1500
    for doc_id in {s.doc_id for s in catalog.slots}:
        assert catalog.in_doc(doc_id) == tuple(s for s in catalog.slots if s.doc_id == doc_id)
    pasals = {(s.doc_id, s.pasal) for s in catalog.slots}
    assert len(pasals) > 500
    for doc_id, pasal in pasals:
        scan = tuple(s for s in catalog.slots if s.doc_id == doc_id and s.pasal == pasal)
        assert catalog.in_pasal(doc_id, pasal) == scan
    assert catalog.in_doc("uu-999-1900") == () and catalog.in_pasal("uu-25-1992", "999") == ()


def test_document_indexes_equal_a_scan(catalog):
    for d in catalog.docs:
        numbered = tuple(e for e in catalog.docs if (e.nomor, e.tahun) == (d.nomor, d.tahun))
        assert catalog.numbered(d.nomor, d.tahun) == numbered
        assert catalog.of_kind(d.prefix) == tuple(e for e in catalog.docs if e.prefix == d.prefix)
    assert catalog.known == {d.doc_id for d in catalog.docs}
    # acts known only from the amendment registry are documents without slots
    assert any(not catalog.in_doc(d.doc_id) for d in catalog.docs)


def _scan_provision_ids(ref, catalog) -> list[str]:
    """provision_ids as it was written before the catalog had indexes: a scan of every slot."""
    if not ref.pasal or not ref.doc_ids:
        return []
    out: list[str] = []
    for doc_id in ref.doc_ids:
        slots = [
            s for s in catalog.slots if s.doc_id == doc_id and s.pasal == ref.pasal and not s.term
        ]
        asked = [s for s in slots if (s.part == PENJELASAN) == ref.penjelasan]
        other = [s for s in slots if (s.part == PENJELASAN) != ref.penjelasan]
        out += [s.id for s in sorted(asked, key=lambda s: _ayat_key(s, ref.ayat))]
        out += [s.id for s in sorted(other, key=lambda s: s.order)]
    return out


def test_references_of_the_dev_questions_resolve_as_by_a_scan(catalog, shared_dir):
    vocab = default_vocabulary()
    resolved = found = 0
    for question in _questions(shared_dir):
        for ref in find_references(question, catalog, vocab):
            # the documents a reference names, as a scan of the catalog's documents finds them
            assert set(ref.doc_ids) <= catalog.known
            ids = provision_ids(ref, catalog)
            assert ids == _scan_provision_ids(ref, catalog)
            resolved += bool(ref.doc_ids)
            found += bool(ids)
    assert resolved >= 5 and found >= 1  # the dev questions had references to compare
    # and every Pasal of every numbered act, written as people cite it
    words = {}
    for word, prefix in sorted(TYPE_WORDS.items(), key=lambda kv: len(kv[0])):
        words.setdefault(prefix, word)
    asked = 0
    for doc_id, pasal in sorted({(s.doc_id, s.pasal) for s in catalog.slots if s.pasal}):
        d = next(d for d in catalog.docs if d.doc_id == doc_id)
        if d.prefix not in words or not d.nomor or not re.fullmatch(r"\d+[A-Z]?", pasal):
            continue  # "Pasal I" of an amending act is not how people cite
        act = f"{words[d.prefix]} {d.nomor}/{d.tahun}"
        for question in (f"Pasal {pasal} ayat (2) {act}", f"penjelasan pasal {pasal} {act}"):
            (ref,) = [r for r in find_references(question, catalog, vocab) if r.pasal]
            assert doc_id in ref.doc_ids, question
            assert provision_ids(ref, catalog) == _scan_provision_ids(ref, catalog), question
            asked += 1
    assert asked > 500
    uu = {d.doc_id for d in catalog.docs if d.prefix == "uu"}
    assert mentioned_types("menurut UU, berapa?", catalog, vocab) == uu and len(uu) >= 3


def _scan_current_chunks(r: HybridRetriever, meta: dict, hops: int = 1) -> list[str]:
    """HybridRetriever._current_chunks as it was written before the catalog had indexes."""
    out: list[str] = []
    penjelasan = meta.get("part") == PENJELASAN
    if meta.get("part") == "batang_tubuh":
        pasal = str(meta["pasal"]).upper()
        out += [
            s.id
            for s in r.catalog.slots
            if s.part == CURRENT and s.doc_id == meta["doc_id"] and s.pasal == pasal
        ]
    for entry in r.registry.lookup(meta["doc_id"], meta["pasal"], meta.get("part") or None):
        if entry.pasal is None or not entry.current_doc or not entry.current_pasal:
            continue
        head = f"Pasal {entry.current_pasal}"
        for s in r.catalog.slots:
            if s.doc_id != entry.current_doc or s.term:
                continue
            if penjelasan:
                hit = s.part == PENJELASAN and s.label == f"Penjelasan {head}"
            else:
                hit = s.part != PENJELASAN and (
                    s.label == head or (s.label.startswith(head + " ") and r._names(s, entry.pasal))
                )
            if hit:
                out.append(s.id)
    if hops > 1:
        for cid in list(out):
            later = r.metas[r.position[cid]]
            if later.get("status") == "diubah" and later.get("pasal"):
                out += [t for t in _scan_current_chunks(r, later) if t not in out]
    return out


def test_amendment_following_finds_what_a_scan_finds(retriever):
    changed = [m for m in retriever.metas if m.get("status") in CHANGED and m.get("pasal")]
    assert len(changed) > 100
    followed = 0
    for meta in changed:
        for hops in (1, 2):
            got = retriever._current_chunks(meta, hops=hops)
            assert got == _scan_current_chunks(retriever, meta, hops), meta.get("citation")
            followed += bool(got)
    assert followed > 50


def test_document_mask_equals_isin_over_the_chunk_doc_ids(retriever):
    doc_ids = np.array([m.get("doc_id", "") for m in retriever.metas], dtype=object)
    docs = sorted(set(doc_ids))
    for focus in ([docs[0]], docs[1:4], ["uu-25-1992", "uu-999-1900"], []):
        got = retriever.in_documents(focus)
        assert got.dtype == bool and np.array_equal(got, np.isin(doc_ids, list(focus)))
    assert retriever.in_documents(["uu-25-1992"]).sum() > 50
