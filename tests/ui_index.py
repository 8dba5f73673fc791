"""Helper for the UI/API tests: a small real index of three shared regulations (one revoked) and a markup fixture."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def run_app(settings: Settings, model_cache: Path, extra_env: dict[str, str] | None = None):
    """`python app.py` over `settings` (and `extra_env`) in a subprocess on a free port; yields
    its URL, settings, reported start-up time and wall-clock start-up time; stops it afterwards."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_DATA_DIR=str(settings.data_dir),
        ASSISTANT_MODEL_CACHE=str(model_cache),
        ASSISTANT_PORT=str(port),
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    env.update(extra_env or {})
    proc = subprocess.Popen(
        [sys.executable, str(HERE.parent / "app.py")],
        cwd=HERE.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def pump():
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Siap dalam"):
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    started = time.perf_counter()
    try:
        assert ready.wait(240), "app did not start:\n" + "".join(lines)
        wall = time.perf_counter() - started
        m = re.match(r"Siap dalam ([\d.]+) detik: (\S+)", next(ln for ln in lines if "Siap" in ln))
        assert m and m.group(2) == f"http://127.0.0.1:{port}/"
        yield SimpleNamespace(
            url=m.group(2), settings=settings, startup=float(m.group(1)), wall=wall
        )
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
