"""SIGKILL an ingestion at five different moments, then rerun: the index equals a clean build
(same chunk ids and content hashes, no duplicates, no orphans). Real processes, real embedded
Chroma, the fake embedder slowed down so the kills land mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import pipeline
from assistant.config import Settings

pytestmark = pytest.mark.slow  # ingests the whole shared regulation corpus several times

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "regulations"

# the CLI with a fake embedder that reports each batch on stdout and takes a little time
RUN = """
import sys, time
sys.path.insert(0, "tests")
from conftest import EmbedDemo
from assistant import pipeline

class Reporting(EmbedDemo):
    def embed_documents(self, texts):
        out = super().embed_documents(texts)
        time.sleep(0.02)
        print("batch", self.calls, flush=True)
        return out

pipeline.LazyEmbedder = lambda settings: Reporting()
from assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _env(data: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=str(data), ASSISTANT_MODEL="embed-demo")
    return env


def _run(data: Path, *args: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", RUN, "ingest", "--no-progress", *args, str(CORPUS)],
        cwd=ROOT,
        env=_env(data),
        capture_output=True,
        text=True,
        timeout=900,
    )
    return done.returncode


def _kill_at(data: Path, moment, *args: str) -> None:
    """Start an ingestion and SIGKILL it at the stdout line `moment` names, or after `moment`
    seconds when it is a number."""
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, "ingest", "--no-progress", *args, str(CORPUS)],
        cwd=ROOT,
        env=_env(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        if isinstance(moment, float):
            time.sleep(moment)
        else:
            for line in proc.stdout:
                if line.strip() == moment:
                    break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL, "the ingestion ended before it was killed"


def _state(data: Path) -> dict[str, str]:
    from conftest import EmbedDemo

    settings = Settings(data_dir=data, model="embed-demo")
    index = pipeline.open_index(settings, EmbedDemo(), create=False)
    records = index.records()
    assert len(records) == len({r.id for r in records})  # no duplicates
    return {r.id: r.meta["content_hash"] for r in records}


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("clean")
    assert _run(data) == 0
    return _state(data)


MOMENTS = {
    "after 2.5 s (imports, parsing or the first writes)": 2.5,
    "as the first batch is written": "batch 1",
    "mid-run, between embedding and writing a batch": "batch 7",
    "late in the run": "batch 40",
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_killed_ingest_is_repaired_by_the_next_run(tmp_path, clean, moment):
    data = tmp_path / "d"
    _kill_at(data, MOMENTS[moment])
    assert _run(data) == 0
    assert _state(data) == clean


def test_killed_rebuild_and_killed_update_leave_a_consistent_index(tmp_path, clean):
    data = tmp_path / "d"
    assert _run(data) == 0
    _kill_at(data, "batch 10", "--rebuild")  # mid-rebuild: the old index still serves
    assert _state(data) == clean
    assert _run(data, "--rebuild") == 0
    assert _state(data) == clean
