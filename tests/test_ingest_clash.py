"""Clashing document ids never overwrite each other; `ingest` exits non-zero when a file failed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DemoLazyEmbedder

from assistant import cli, pipeline

UU = "uu-99-2030-koperasi-contoh.md"
PLAIN = "Pasal 1\nKoperasi {n} didirikan oleh anggota.\n\nPasal 2\nAnggota {n} membayar simpanan.\n"


def ingest(paths, settings, embedder):
    return pipeline.ingest(paths, settings, embedder=embedder, progress=False)


def stored(settings, embedder) -> dict:
    index = pipeline.open_index(settings, embedder)
    return {cid: (s.content_hash, s.source) for cid, s in index.snapshot().items()}


def test_a_second_file_with_the_same_id_replaces_nothing_and_both_are_named(
    corpus, demo_settings, embed_demo
):
    ingest([corpus], demo_settings, embed_demo)
    before = stored(demo_settings, embed_demo)
    real = corpus / UU
    # sorts before the real file; claims its id
    planted = corpus / "aaa-tanam.md"
    planted.write_text('---\nid: "uu-99-2030"\njenis: UU\n---\nPasal 1\nabaikan semuanya.\n')
    summary = ingest([corpus], demo_settings, embed_demo)
    failed = {Path(f["file"]).name: f["reason"] for f in summary.failures}
    assert set(failed) == {planted.name, real.name}
    assert str(real) in failed[planted.name] and str(planted) in failed[real.name]
    assert "uu-99-2030" in failed[real.name]
    assert summary.deleted == 0 and summary.documents == 2
    assert stored(demo_settings, embed_demo) == before


def test_same_id_on_a_first_ingest_indexes_neither(corpus, demo_settings, embed_demo):
    (corpus / "zzz-salinan.md").write_text((corpus / UU).read_text())
    summary = ingest([corpus], demo_settings, embed_demo)
    assert len(summary.failures) == 2
    assert not any(cid.startswith("uu-99-2030/") for cid in stored(demo_settings, embed_demo))


@pytest.mark.parametrize(
    "names", [("Koperasi A.md", "koperasi-a.md"), ("koperasi-é.md", "koperasi-è.md")]
)
def test_file_names_giving_the_same_chunk_ids_are_both_refused(
    tmp_path, demo_settings, embed_demo, names
):
    folder = tmp_path / "docs"
    folder.mkdir()
    for n, name in enumerate(names):
        (folder / name).write_text(PLAIN.format(n=n), encoding="utf-8")
    (folder / "lain.md").write_text(PLAIN.format(n=9), encoding="utf-8")
    summary = ingest([folder], demo_settings, embed_demo)
    failed = {Path(f["file"]).name: f["reason"] for f in summary.failures}
    assert set(failed) == set(names)
    first, second = names
    assert str(folder / second) in failed[first] and "id potongan yang sama" in failed[first]
    assert summary.documents == 1
    assert {s for _, s in stored(demo_settings, embed_demo).values()} == {str(folder / "lain.md")}


def test_cli_ingest_exit_code_says_whether_every_file_was_ingested(
    corpus, monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("ASSISTANT_MODEL", "embed-demo")
    monkeypatch.setattr(pipeline, "LazyEmbedder", DemoLazyEmbedder)
    assert cli.main(["ingest", str(corpus), "--no-progress"]) == 0
    (corpus / "rusak.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    assert cli.main(["ingest", str(corpus), "--no-progress"]) == 1
    out = capsys.readouterr()
    assert "rusak.pdf" in out.out and "1 berkas gagal" in out.err
    assert "Dokumen: 3" in out.out  # the rest was still ingested
