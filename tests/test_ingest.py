"""Incremental ingestion against a real embedded Chroma (deterministic fake embedder)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import pipeline
from assistant.documents.loader import load_document
from assistant.errors import DocumentError

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"


def ingest(corpus, settings, embedder):
    return pipeline.ingest([corpus], settings, embedder=embedder, progress=False)


def ids_of(settings, embedder) -> dict[str, str]:
    index = pipeline.open_index(settings, embedder)
    return {cid: s.content_hash for cid, s in index.snapshot().items()}


def test_first_run_adds_and_second_run_embeds_nothing(corpus, demo_settings, embed_demo):
    first = ingest(corpus, demo_settings, embed_demo)
    assert first.documents == 3 and not first.failures
    assert first.added == first.chunks > 0
    embedded = embed_demo.embedded
    second = ingest(corpus, demo_settings, embed_demo)
    assert embed_demo.embedded == embedded
    assert (second.added, second.updated, second.deleted) == (0, 0, 0)
    assert second.unchanged == first.chunks


def test_changed_document_replaces_only_its_changed_chunks(corpus, demo_settings, embed_demo):
    ingest(corpus, demo_settings, embed_demo)
    before = ids_of(demo_settings, embed_demo)
    doc = corpus / "uu-99-2030-koperasi-contoh.md"
    doc.write_text(
        doc.read_text().replace("paling sedikit oleh 7 (tujuh)", "paling sedikit oleh 9 (sembilan)")
    )
    summary = ingest(corpus, demo_settings, embed_demo)
    after = ids_of(demo_settings, embed_demo)
    assert summary.updated >= 1 and summary.added == 0 and summary.deleted == 0
    assert set(before) == set(after)
    changed = {cid for cid in after if after[cid] != before[cid]}
    assert changed and all(cid.startswith("uu-99-2030/pasal-2") for cid in changed)


def test_removed_document_is_deleted(corpus, demo_settings, embed_demo):
    ingest(corpus, demo_settings, embed_demo)
    (corpus / "pp-98-2031-simpan-pinjam-contoh.md").unlink()
    summary = ingest(corpus, demo_settings, embed_demo)
    assert summary.deleted > 0
    assert not any(cid.startswith("pp-98-2031/") for cid in ids_of(demo_settings, embed_demo))


def test_failing_document_keeps_previous_chunks_and_is_reported(corpus, demo_settings, embed_demo):
    ingest(corpus, demo_settings, embed_demo)
    before = ids_of(demo_settings, embed_demo)
    bad = corpus / "pp-98-2031-simpan-pinjam-contoh.md"
    bad.write_text('---\nid: "pp-98-2031"\ntahun: [oops\n---\nPasal 1\nteks\n')
    summary = ingest(corpus, demo_settings, embed_demo)
    assert [Path(f["file"]).name for f in summary.failures] == [bad.name]
    assert "YAML" in summary.failures[0]["reason"]
    assert summary.deleted == 0
    assert ids_of(demo_settings, embed_demo) == before


def test_unsupported_and_empty_files_are_reported_by_name(corpus, demo_settings, embed_demo):
    (corpus / "kosong.txt").write_text("   \n")
    (corpus / "rusak.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    summary = ingest(corpus, demo_settings, embed_demo)
    names = {Path(f["file"]).name for f in summary.failures}
    assert names == {"kosong.txt", "rusak.pdf"}
    assert summary.documents == 3


def test_interrupted_run_is_repaired_by_next_run(corpus, demo_settings, embed_demo):
    class Dies(type(embed_demo)):
        def embed_documents(self, texts):
            if self.calls >= 1:
                raise KeyboardInterrupt
            return super().embed_documents(texts)

    small = replace(demo_settings, embed_batch_size=1)
    with pytest.raises(KeyboardInterrupt):
        ingest(corpus, small, Dies())
    partial = ids_of(small, embed_demo)
    summary = ingest(corpus, small, embed_demo)
    assert 0 < len(partial) < summary.chunks
    assert summary.added == summary.chunks - len(partial)
    assert len(ids_of(small, embed_demo)) == summary.chunks


def test_document_without_front_matter_gets_metadata_from_title():
    doc = load_document(FIXTURES / "tanpa-front-matter.md")
    assert doc.meta.doc_id == "permen-77-2032"
    assert doc.meta.tahun == 2032 and doc.meta.nomor == "77"


def test_bad_front_matter_field_names_the_field(tmp_path):
    path = tmp_path / "x.md"
    path.write_text('---\nid: "x-1"\ntahun: "dua ribu"\n---\nPasal 1\nteks\n')
    with pytest.raises(DocumentError, match="tahun"):
        load_document(path)


def test_stats_json_from_the_cli(corpus, demo_settings, embed_demo, monkeypatch):
    ingest(corpus, demo_settings, embed_demo)
    env = {"ASSISTANT_DATA_DIR": str(demo_settings.data_dir), "ASSISTANT_MODEL": "embed-demo"}
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "stats", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={**_base_env(), **env},
    )
    data = json.loads(out.stdout)
    assert data["documents"] == 3
    uu = data["by_document"]["uu-99-2030"]
    assert uu["jenis"] == "UU" and uu["pasal"] == 4 and uu["chunks"] >= 4
    assert data["chunks"] == sum(d["chunks"] for d in data["by_document"].values())
    assert data["last_ingest"]["documents"] == 3


def _base_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
