"""The server path: the same ingestion against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import pipeline
from assistant.retrieval.retriever import build_retriever

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start within 30 s")
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def test_ingest_and_query_through_a_chroma_server(chroma_server, settings, embed_demo, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES, corpus)
    remote = replace(
        settings, model="embed-demo", chroma_host="127.0.0.1", chroma_port=chroma_server
    )
    first = pipeline.ingest([corpus], remote, embedder=embed_demo, progress=False)
    assert first.added == first.chunks > 0
    assert not (settings.data_dir / "chroma").exists()

    index = pipeline.open_index(remote, embed_demo)
    records = index.records(where={"doc_id": "uu-99-2030"})
    assert {r.meta["pasal"] for r in records} >= {"1", "2", "3", "4"}
    target = next(r for r in records if r.meta["pasal"] == "3")
    query = embed_demo.embed_query(f"{target.meta['context']}\n{target.text}")
    retriever = build_retriever(remote, index, embed_demo)  # reads vectors from the server
    assert retriever.dense(query, k=3)[0][0] == target.id

    embedded = embed_demo.embedded
    second = pipeline.ingest([corpus], remote, embedder=embed_demo, progress=False)
    assert second.unchanged == first.chunks and embed_demo.embedded == embedded
