"""The index survives what an office machine does to it: an interrupted or concurrent rebuild,
two ingestions at once, a damaged or missing Chroma store. Real embedded Chroma, fake embedder."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import pipeline
from assistant.errors import IngestBusyError
from assistant.index import READY, Index
from assistant.locking import ingest_lock

ROOT = Path(__file__).resolve().parents[1]


def ingest(corpus, settings, embedder, rebuild=False):
    return pipeline.ingest([corpus], settings, embedder=embedder, progress=False, rebuild=rebuild)


def content(settings, embedder) -> dict[str, str]:
    index = pipeline.open_index(settings, embedder, create=False)
    return {cid: s.content_hash for cid, s in index.snapshot().items()}


def collections(index: Index) -> set[str]:
    return {getattr(c, "name", c) for c in index._client.list_collections()}


def test_killed_rebuild_leaves_the_old_index_serving(corpus, demo_settings, embed_demo):
    ingest(corpus, demo_settings, embed_demo)
    before = content(demo_settings, embed_demo)

    class Dies(type(embed_demo)):
        def embed_documents(self, texts):
            if self.calls >= 1:
                raise KeyboardInterrupt  # as a kill in the middle of embedding
            return super().embed_documents(texts)

    small = replace(demo_settings, embed_batch_size=1)
    with pytest.raises(KeyboardInterrupt):
        ingest(corpus, small, Dies(), rebuild=True)
    assert content(demo_settings, embed_demo) == before  # nothing dropped first

    summary = ingest(corpus, demo_settings, embed_demo, rebuild=True)
    assert summary.added == summary.chunks == len(before)
    assert content(demo_settings, embed_demo) == before
    index = pipeline.open_index(demo_settings, embed_demo)
    assert collections(index) == {demo_settings.collection}  # no half-built leftovers


def test_a_swap_killed_halfway_is_finished_by_the_next_open(corpus, demo_settings, embed_demo):
    ingest(corpus, demo_settings, embed_demo)
    before = content(demo_settings, embed_demo)
    index = pipeline.open_index(demo_settings, embed_demo)
    new = index.rebuild_beside()
    new.copy_from(index, {"doc_id": {"$ne": ""}})
    # killed after the old collection was dropped, before the new one took its name
    new._col.modify(name=demo_settings.collection + READY)
    index._client.delete_collection(demo_settings.collection)
    assert content(demo_settings, embed_demo) == before
    assert collections(pipeline.open_index(demo_settings, embed_demo)) == {demo_settings.collection}


def test_rebuild_keeps_the_old_chunks_of_a_file_that_now_fails(corpus, demo_settings, embed_demo):
    ingest(corpus, demo_settings, embed_demo)
    before = content(demo_settings, embed_demo)
    bad = corpus / "pp-98-2031-simpan-pinjam-contoh.md"
    bad.write_text('---\nid: "pp-98-2031"\ntahun: [oops\n---\nPasal 1\nteks\n')
    summary = ingest(corpus, demo_settings, embed_demo, rebuild=True)
    assert [Path(f["file"]).name for f in summary.failures] == [bad.name]
    assert content(demo_settings, embed_demo) == before


def test_a_running_assistant_keeps_working_across_a_rebuild(corpus, demo_settings, embed_demo):
    ingest(corpus, demo_settings, embed_demo)
    assistant = pipeline.Assistant.from_settings(demo_settings, embedder=embed_demo)
    first = assistant.index.records()[0].id
    ingest(corpus, demo_settings, embed_demo, rebuild=True)
    assert assistant.stats()["chunks"] > 0  # was: "Collection ... does not exist"
    assert assistant.provision(first)
    assert assistant.ask("syarat pendirian koperasi").sources


def test_a_second_ingestion_on_the_same_data_folder_is_refused(corpus, demo_settings, embed_demo):
    with ingest_lock(demo_settings):
        with pytest.raises(IngestBusyError, match=f"pid {os.getpid()}") as info:
            ingest(corpus, demo_settings, embed_demo)
        assert str(demo_settings.data_dir) in str(info.value)
    assert ingest(corpus, demo_settings, embed_demo).documents == 3  # the lock is released


def test_the_lock_holds_across_processes(corpus, demo_settings, tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(demo_settings.data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        done = _cli(["ingest", str(corpus), "--no-progress"], demo_settings.data_dir)
        assert done.returncode == 2, done.stderr
        assert "ingest lain sedang berjalan" in done.stderr and str(holder.pid) in done.stderr
    finally:
        holder.kill()
        holder.wait()
    assert _cli(["ingest", str(corpus), "--no-progress"], demo_settings.data_dir).returncode == 0


HOLD_LOCK = """
import sys, time
from pathlib import Path
from assistant.config import Settings
from assistant.locking import ingest_lock
with ingest_lock(Settings(data_dir=Path(sys.argv[1]))):
    print("locked", flush=True)
    time.sleep(60)
"""

# the CLI in a fresh process (Chroma caches stores per process), with the fake embedder
CLI = """
import sys
sys.path.insert(0, "tests")
from conftest import DemoLazyEmbedder
from assistant import pipeline
pipeline.LazyEmbedder = DemoLazyEmbedder
from assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _cli(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=str(data_dir), ASSISTANT_MODEL="embed-demo")
    return subprocess.run(
        [sys.executable, "-c", CLI, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _damage(db: Path, how: str) -> None:
    if how == "truncated":
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        db.write_bytes(os.urandom(5000))
    elif how == "unreadable":  # root reads any file: a directory in its place cannot be opened
        db.unlink()
        db.mkdir()


@pytest.mark.parametrize(
    "how, why",
    [
        ("truncated", "rusak atau terpotong"),
        ("garbage", "rusak atau terpotong"),
        ("unreadable", "tidak dapat dibuka"),
    ],
)
def test_a_damaged_store_gives_a_clear_message_and_rebuild_repairs_it(corpus, tmp_path, how, why):
    data = tmp_path / "d"
    assert _cli(["ingest", str(corpus), "--no-progress"], data).returncode == 0
    _damage(data / "chroma" / "chroma.sqlite3", how)
    done = _cli(["stats"], data)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    message = next(ln for ln in done.stderr.splitlines() if ln.startswith("Error: "))
    assert why in message and "--rebuild" in message and str(data / "chroma") in message
    assert "belum ada" not in message  # no longer blamed on a missing ingest
    assert "Chroma (" in done.stderr  # the real error, logged on one line
    app = _app_py(data)
    assert app.returncode == 2 and why in app.stderr and "Traceback" not in app.stderr

    fixed = _cli(["ingest", "--rebuild", str(corpus), "--no-progress"], data)
    assert fixed.returncode == 0, fixed.stderr
    assert list(data.glob("chroma.rusak-*"))  # the damaged store is kept aside
    assert _cli(["stats"], data).returncode == 0


def test_a_missing_store_says_to_ingest_first(tmp_path):
    app = _app_py(tmp_path / "kosong")
    assert app.returncode == 2 and "belum ada" in app.stderr and "ingest.py" in app.stderr
    assert "Traceback" not in app.stderr
    assert not (tmp_path / "kosong" / "chroma").exists()  # opening did not create it


def _app_py(data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=str(data_dir), ASSISTANT_MODEL="embed-demo")
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
