"""Benchmarks that print their figures: `python -m assistant.bench [--mirror DIR] [PATH ...]`.

Measures, in one process and on a scratch data dir: a full ingestion, a second run with nothing changed
(its ratio to the first), start-up of the Assistant, and warm ask() latency (retrieval + extractive answer).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from .config import Settings

QUESTIONS = [
    "Berapa jumlah minimal orang untuk mendirikan koperasi primer?",
    "Apa tugas pengurus koperasi?",
    "Kapan rapat anggota tahunan wajib diadakan?",
    "Bagaimana pembagian sisa hasil usaha koperasi?",
    "Pasal 43 UU 25/1992",
    "Apa peran Dekopin dalam gerakan koperasi?",
    "Berapa plafon pinjaman koperasi desa merah putih?",
    "Siapa yang mengesahkan akta pendirian koperasi?",
]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.bench")
    parser.add_argument("paths", nargs="*", type=Path, help="inputs (default: pinned corpus)")
    parser.add_argument("--mirror", type=Path, help="folder of source files named by sha256")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    args = parser.parse_args(argv)

    from . import pipeline

    base = Settings.from_env()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        settings = replace(base, data_dir=Path(scratch), model_cache=base.models_dir.resolve())
        t0 = time.perf_counter()
        first = pipeline.ingest(args.paths, settings, mirror=args.mirror, progress=False)
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = pipeline.ingest(args.paths, settings, mirror=args.mirror, progress=False)
        t_second = time.perf_counter() - t0

        t0 = time.perf_counter()
        assistant = pipeline.Assistant.from_settings(settings)
        assistant.ask("pemanasan")
        t_start = time.perf_counter() - t0
        latencies = []
        for _ in range(args.rounds):
            for q in QUESTIONS:
                t0 = time.perf_counter()
                assistant.ask(q)
                latencies.append((time.perf_counter() - t0) * 1000)
        latencies.sort()
        p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]

    print(f"documents={first.documents} chunks={first.chunks} failures={len(first.failures)}")
    print(f"ingest_first_s={t_first:.1f}  (target < 300)")
    print(
        f"ingest_second_s={t_second:.2f}  embedded={second.added + second.updated}  (target < 10)"
    )
    print(f"ingest_second_over_first={t_second / t_first:.3f}")
    print(f"assistant_startup_s={t_start:.1f}")
    print(
        f"ask_latency_ms_p50={statistics.median(latencies):.0f}  p95={p95:.0f}  "
        f"n={len(latencies)}  (target p50 <= 150)"
    )
    print(f"peak_rss_mb={_rss_mb():.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
