"""A running Assistant picks up a finished ingestion (incremental or `--rebuild`) at its next
question, without a restart; a reload that fails keeps the old index. Real embedded Chroma."""

from __future__ import annotations

import threading

from conftest import FIXTURE_CORPUS

from assistant import pipeline, reload

NEW_DOC = (
    '---\nid: "perkop-5-2033"\njenis: "Permenkop"\nnomor: "5"\ntahun: 2033\n'
    'judul: "Peraturan Menteri Koperasi Nomor 5 Tahun 2033 tentang Lumbung Pangan Contoh"\n'
    'status: "berlaku"\n---\nPasal 1\nLumbung pangan zebrawati dikelola oleh koperasi desa.\n'
)
QUESTION = "siapa yang mengelola lumbung pangan zebrawati?"


def top_doc(assistant) -> str:
    hits = assistant.retrieve(QUESTION, k=1)
    return hits[0].meta["doc_id"] if hits else ""


def add_document(tmp_path, settings, embed_demo, rebuild=False):
    folder = tmp_path / "baru"
    folder.mkdir(exist_ok=True)
    (folder / "perkop-5-2033.md").write_text(NEW_DOC, encoding="utf-8")
    return pipeline.ingest(
        [FIXTURE_CORPUS, folder], settings, embedder=embed_demo, rebuild=rebuild, progress=False
    )


def test_every_ingest_writes_a_new_generation_marker(demo_settings, embed_demo):
    assert reload.read_generation(demo_settings) == {}
    pipeline.ingest([FIXTURE_CORPUS], demo_settings, embedder=embed_demo, progress=False)
    first = reload.read_generation(demo_settings)
    pipeline.ingest(
        [FIXTURE_CORPUS], demo_settings, embedder=embed_demo, rebuild=True, progress=False
    )
    second = reload.read_generation(demo_settings)
    assert (first["generation"], second["generation"]) == (1, 2) and second["at"]
    assert not list(demo_settings.data_dir.glob(".index_generation*"))  # no temp file left


def test_the_next_question_finds_a_newly_ingested_document(
    demo_assistant, demo_settings, embed_demo, tmp_path
):
    answer = demo_assistant.ask(QUESTION)
    assert "perkop-5-2033" not in {s.doc_id for s in answer.sources}
    before = demo_assistant.stats()
    assert "perkop-5-2033" not in before["by_document"]
    old = demo_assistant.fresh()
    add_document(tmp_path, demo_settings, embed_demo)
    answer = demo_assistant.ask(QUESTION)  # the same Assistant, no restart
    assert demo_assistant.fresh() is not old and demo_assistant.fresh().generation == 2
    assert answer.sources and answer.sources[0].doc_id == "perkop-5-2033"
    assert "zebrawati" in answer.text
    stats = demo_assistant.stats()  # the footer and /api/stats show the new index
    assert stats["documents"] == before["documents"] + 1 and "perkop-5-2033" in stats["by_document"]


def test_a_rebuild_is_picked_up_too(demo_assistant, demo_settings, embed_demo, tmp_path):
    assert top_doc(demo_assistant) != "perkop-5-2033"
    add_document(tmp_path, demo_settings, embed_demo, rebuild=True)
    assert top_doc(demo_assistant) == "perkop-5-2033"
    assert demo_assistant.provision(demo_assistant.retrieve(QUESTION, k=1)[0].id)


def test_a_new_index_that_fails_to_load_keeps_the_old_one(
    demo_assistant, demo_settings, embed_demo, tmp_path, monkeypatch, caplog
):
    old = demo_assistant.fresh()
    add_document(tmp_path, demo_settings, embed_demo)

    def broken(*args, **kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(demo_assistant._reloader, "_load", broken)
    answer = demo_assistant.ask("berapa orang minimal membentuk koperasi contoh?")
    assert demo_assistant.fresh() is old and answer.sources  # answered from the old index
    assert "could not be loaded" in caplog.text and "disk penuh" in caplog.text


def test_questions_during_a_reload_answer_from_the_old_index(
    demo_assistant, demo_settings, embed_demo, tmp_path, monkeypatch
):
    """While one question loads the new index, the others answer at once from the old one."""
    old = demo_assistant.fresh()
    add_document(tmp_path, demo_settings, embed_demo)
    loading, release = threading.Event(), threading.Event()
    real_load = demo_assistant._reloader._load

    def slow_load(sig):
        loading.set()
        assert release.wait(30)
        return real_load(sig)

    monkeypatch.setattr(demo_assistant._reloader, "_load", slow_load)
    first: list = []
    loader = threading.Thread(target=lambda: first.append(demo_assistant.ask(QUESTION)))
    loader.start()
    assert loading.wait(30)
    during = demo_assistant.ask(QUESTION)  # not blocked by the load
    assert demo_assistant.fresh() is old
    assert "perkop-5-2033" not in {s.doc_id for s in during.sources}
    release.set()
    loader.join(30)
    assert first and first[0].sources[0].doc_id == "perkop-5-2033"
    assert demo_assistant.fresh() is not old
