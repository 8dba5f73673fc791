"""Helper for the UI/API tests: a small real index of three shared regulations (one revoked) and a markup fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import pipeline
from assistant.config import Settings

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
REGULATIONS = (
    "uu-25-1992-perkoperasian.md",
    "pp-4-1994-persyaratan-tata-cara-pengesahan-akta-pendirian-perubahan-ad-koperasi.md",
    "pp-17-2013-pelaksanaan-uu-20-2008-umkm-DICABUT.md",
)
MARKUP_DOC = HERE / "fixtures" / "ui" / "perdes-7-2031-markup-contoh.md"


def build_small_index(data_dir: Path, model_cache: Path, embedder) -> Settings:
    """Ingest the documents with the real embedder; returns the settings that point at them."""
    settings = Settings(data_dir=data_dir, model_cache=model_cache)
    paths = [SHARED / "corpus" / "regulations" / name for name in REGULATIONS] + [MARKUP_DOC]
    summary = pipeline.ingest(paths, settings, embedder=embedder, progress=False)
    assert not summary.failures, summary.failures
    return settings


@pytest.fixture(scope="session")
def small_index(tmp_path_factory, model_cache, real_embedder) -> Settings:
    """The small index, built once per session for the API and browser tests (import it)."""
    return build_small_index(
        tmp_path_factory.mktemp("ui-index") / "data", model_cache, real_embedder
    )
