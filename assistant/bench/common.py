"""What every benchmark shares: timing, memory, percentiles, the corpus files, isolated runs."""

from __future__ import annotations

import multiprocessing
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from ..config import Settings
from ..eval import percentile

SHARED_EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
DEFAULT_QA = (SHARED_EVAL / "dev.jsonl", SHARED_EVAL / "dev2.jsonl")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)


def latency_summary(ms: Sequence[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(ms), 1) if ms else 0.0,
        "p95_ms": percentile(ms, 0.95),
        "n": len(ms),
    }


def timed(fn: Callable, *args, **kwargs) -> tuple[object, float]:
    """(result, seconds) of one call."""
    started = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - started


def machine() -> dict:
    """Cores, memory, load and software of the machine the figures were taken on."""
    import psutil

    load = os.getloadavg()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "load_avg_1m": round(load[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def isolated(fn: Callable, *args):
    """Run `fn(*args)` in a fresh (spawned) process, so its peak memory is its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(fn, *args).result()


def run_maybe_isolated(isolate: bool, fn: Callable, *args):
    return isolated(fn, *args) if isolate else fn(*args)


def corpus_paths(settings: Settings, paths: Sequence[Path], mirror: Path | None):
    """The files our ingestion reads (the pinned corpus and programmes when `paths` is empty),
    with the metadata of pinned sources."""
    from .. import pipeline

    if paths:
        return list(paths), {}
    files, known, _ = pipeline.fetch_default_corpus(mirror)
    return [*files, pipeline.PROGRAMS_DIR], known


def load_documents(paths: Sequence[Path], known: dict) -> list:
    """The documents as our loader reads them (text and metadata), unreadable ones left out."""
    from ..documents.loader import find_documents, load_document
    from ..errors import AssistantError

    out = []
    for path in find_documents(paths):
        try:
            out.append(load_document(path, known))
        except AssistantError:
            continue
    return out


def bench_settings(base: Settings, data_dir: Path) -> Settings:
    """The settings with a scratch data dir and the model folder of `base`."""
    from dataclasses import replace

    return replace(base, data_dir=Path(data_dir), model_cache=base.models_dir.resolve())
