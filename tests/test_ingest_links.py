"""Symbolic links in a corpus folder: loops, broken links and links out of the folder are reported
by name and left out (out-of-folder links are followed only when asked); the rest is ingested and
nothing already indexed is lost. Real embedded Chroma, fake embedder."""

from __future__ import annotations

import os
import runpy
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import DemoLazyEmbedder

from assistant import pipeline
from assistant.config import Settings

OUTSIDE = "Pasal 1\nKoperasi Luar Folder menyimpan dana cadangan.\n\nPasal 2\nAnggota luar hadir.\n"


def ingest(paths, settings, embedder):
    return pipeline.ingest(paths, settings, embedder=embedder, progress=False)


def doc_ids(settings, embedder) -> set[str]:
    index = pipeline.open_index(settings, embedder)
    return {s.doc_id for s in index.snapshot().values()}


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the corpus with one document and a subfolder holding another."""
    folder = tmp_path / "di-luar"
    (folder / "sub").mkdir(parents=True)
    (folder / "luar-berkas.md").write_text(OUTSIDE, encoding="utf-8")
    (folder / "sub" / "luar-folder.md").write_text(OUTSIDE.replace("Luar", "Lain"), "utf-8")
    return folder


def reasons(summary) -> dict[str, str]:
    return {Path(f["file"]).name: f["reason"] for f in summary.failures}


def test_a_link_loop_is_reported_and_the_rest_ingested(corpus, demo_settings, embed_demo):
    os.symlink("putar.md", corpus / "putar.md")  # points at itself
    (corpus / "bab").mkdir()
    os.symlink("..", corpus / "bab" / "ke-atas")  # a folder link to its own parent
    summary = ingest([corpus], demo_settings, embed_demo)
    failed = reasons(summary)
    assert set(failed) == {"putar.md", "ke-atas"}
    assert "berputar" in failed["putar.md"] and "berputar" in failed["ke-atas"]
    assert summary.documents == 3
    assert doc_ids(demo_settings, embed_demo) == {"uu-99-2030", "pp-98-2031", "permen-77-2032"}


def test_a_broken_link_is_reported_by_name(corpus, demo_settings, embed_demo):
    os.symlink("sudah-dihapus.md", corpus / "hilang.md")
    summary = ingest([corpus], demo_settings, embed_demo)
    assert reasons(summary) == {
        "hilang.md": "tautan simbolik rusak: tujuannya (sudah-dihapus.md) tidak ada; dilewati"
    }
    assert summary.documents == 3


def test_links_out_of_the_folder_are_not_followed_by_default(
    corpus, outside, demo_settings, embed_demo
):
    os.symlink(outside / "luar-berkas.md", corpus / "luar-berkas.md")
    os.symlink(outside / "sub", corpus / "luar-sub")
    summary = ingest([corpus], demo_settings, embed_demo)
    failed = reasons(summary)
    assert set(failed) == {"luar-berkas.md", "luar-sub"}
    assert all("ke luar folder korpus" in r and "--follow-links" in r for r in failed.values())
    assert str(outside / "sub") in failed["luar-sub"]
    assert summary.documents == 3
    assert not {"luar-berkas", "luar-folder"} & doc_ids(demo_settings, embed_demo)


def test_links_out_of_the_folder_are_followed_when_asked(
    corpus, outside, demo_settings, embed_demo
):
    os.symlink(outside / "luar-berkas.md", corpus / "luar-berkas.md")
    os.symlink(outside / "sub", corpus / "luar-sub")
    os.symlink("sudah-dihapus.md", corpus / "hilang.md")
    follow = replace(demo_settings, follow_links=True)
    summary = ingest([corpus], follow, embed_demo)
    assert set(reasons(summary)) == {"hilang.md"}  # a broken link stays broken
    assert summary.documents == 5
    assert {"luar-berkas", "luar-folder"} <= doc_ids(follow, embed_demo)
    sources = {s.source for s in pipeline.open_index(follow, embed_demo).snapshot().values()}
    assert str(corpus / "luar-sub" / "luar-folder.md") in sources


def test_a_link_inside_the_folder_is_not_read_twice(corpus, demo_settings, embed_demo):
    os.symlink("uu-99-2030-koperasi-contoh.md", corpus / "salinan-uu.md")
    summary = ingest([corpus], demo_settings, embed_demo)
    assert "di dalam folder korpus" in reasons(summary)["salinan-uu.md"]
    assert summary.documents == 3  # no id clash with its own target: that file is indexed


def test_a_link_no_longer_followed_keeps_what_it_had_indexed(
    corpus, outside, demo_settings, embed_demo
):
    os.symlink(outside / "luar-berkas.md", corpus / "luar-berkas.md")
    ingest([corpus], replace(demo_settings, follow_links=True), embed_demo)
    before = pipeline.open_index(demo_settings, embed_demo).snapshot()
    assert "luar-berkas" in {s.doc_id for s in before.values()}
    summary = ingest([corpus], demo_settings, embed_demo)  # not followed now: reported, kept
    assert set(reasons(summary)) == {"luar-berkas.md"} and summary.deleted == 0
    assert pipeline.open_index(demo_settings, embed_demo).snapshot() == before


def test_follow_links_from_the_environment():
    assert Settings.from_env({"ASSISTANT_FOLLOW_LINKS": "true"}).follow_links
    assert not Settings.from_env({}).follow_links


def test_ingest_py_exit_code_and_follow_links_flag(corpus, outside, monkeypatch, capsys):
    """`ingest.py` exits 1 while a link is left out, 0 once `--follow-links` follows it."""
    monkeypatch.setenv("ASSISTANT_MODEL", "embed-demo")
    monkeypatch.setattr(pipeline, "LazyEmbedder", DemoLazyEmbedder)
    os.symlink(outside / "luar-berkas.md", corpus / "luar-berkas.md")
    script = str(Path(__file__).resolve().parents[1] / "ingest.py")

    def run(*args) -> int:
        monkeypatch.setattr(sys, "argv", [script, str(corpus), "--no-progress", *args])
        with pytest.raises(SystemExit) as stop:
            runpy.run_path(script, run_name="__main__")
        return stop.value.code

    assert run() == 1
    out = capsys.readouterr()
    assert "luar-berkas.md: tautan simbolik ke luar folder korpus" in out.out
    assert "1 berkas gagal" in out.err and "Dokumen: 3" in out.out
    assert run("--follow-links") == 0
    assert "Dokumen: 4" in capsys.readouterr().out


def test_cli_ingest_follow_links_flag_and_environment(corpus, outside, monkeypatch, capsys):
    """`python -m assistant ingest` takes `--follow-links` as ingest.py does, and
    ASSISTANT_FOLLOW_LINKS=true means the same; without either the link is left out (exit 1)."""
    from assistant.cli import main

    monkeypatch.setenv("ASSISTANT_MODEL", "embed-demo")
    monkeypatch.setattr(pipeline, "LazyEmbedder", DemoLazyEmbedder)
    os.symlink(outside / "luar-berkas.md", corpus / "luar-berkas.md")
    command = ["ingest", str(corpus), "--no-progress"]

    assert main(command) == 1
    assert "luar-berkas.md: tautan simbolik ke luar folder korpus" in capsys.readouterr().out
    assert main([*command, "--follow-links"]) == 0
    assert "Dokumen: 4" in capsys.readouterr().out
    settings = Settings.from_env()
    assert "luar-berkas" in doc_ids(settings, DemoLazyEmbedder(settings))
    monkeypatch.setenv("ASSISTANT_FOLLOW_LINKS", "true")
    assert main(command) == 0
    assert "Dokumen: 4" in capsys.readouterr().out
