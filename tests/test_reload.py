"""A running Assistant picks up a finished ingestion (incremental or `--rebuild`) at its next
question, without a restart; a reload that fails keeps the old index. Real embedded Chroma."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from conftest import FIXTURE_CORPUS

from assistant import pipeline, reload

NEW_DOC = (
    '---\nid: "perkop-5-2033"\njenis: "Permenkop"\nnomor: "5"\ntahun: 2033\n'
    'judul: "Peraturan Menteri Koperasi Nomor 5 Tahun 2033 tentang Lumbung Pangan Contoh"\n'
    'status: "berlaku"\n---\nPasal 1\nLumbung pangan zebrawati dikelola oleh koperasi desa.\n'
)
QUESTION = "siapa yang mengelola lumbung pangan zebrawati?"
ROOT = Path(__file__).resolve().parents[1]
# `python ingest.py` as its own process, with the test's hashing embedder
OTHER_PROCESS = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from conftest import EmbedDemo
from assistant import pipeline
from assistant.config import Settings
settings = Settings.from_env(data_dir=Path({data!r}), model="embed-demo")
summary = pipeline.ingest([Path(p) for p in {paths!r}], settings, embedder=EmbedDemo(),
                          progress=False, rebuild={rebuild!r})
assert not summary.failures, summary.failures
"""


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


def test_an_ingest_by_another_process_is_picked_up(demo_assistant, demo_settings, tmp_path):
    """`python ingest.py` runs beside the app in a process of its own. The app's Chroma client
    keeps vectors in memory that the other process has since changed: reopening through it failed
    ("Error finding id") and kept the old index, so the reload opens a Chroma client of its own."""
    for rebuild in (False, True):
        old = demo_assistant.fresh()
        folder = tmp_path / f"baru-{rebuild}"
        folder.mkdir()
        name = "perkop-5-2033" if not rebuild else "perkop-6-2033"
        text = (
            NEW_DOC if not rebuild else NEW_DOC.replace("5", "6").replace("zebrawati", "zebrawata")
        )
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
        code = OTHER_PROCESS.format(
            tests=str(ROOT / "tests"),
            data=str(demo_settings.data_dir),
            paths=[str(FIXTURE_CORPUS), str(tmp_path / "baru-False"), str(folder)],
            rebuild=rebuild,
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300)
        question = QUESTION if not rebuild else QUESTION.replace("zebrawati", "zebrawata")
        answer = demo_assistant.ask(question)  # the same Assistant, no restart
        assert demo_assistant.fresh() is not old
        assert answer.sources and answer.sources[0].doc_id == name
        assert name in demo_assistant.stats()["by_document"]
