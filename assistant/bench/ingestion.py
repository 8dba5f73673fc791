"""Our own pipeline's costs: a full ingestion, a no-change re-ingest, a one-document change,
start-up of the Assistant (model load, index open, first answer) and its memory at rest."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from .common import corpus_paths, peak_rss_mb, percentile, rss_mb

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


def _changed_copy(paths: list[Path], work: Path) -> tuple[list[Path], Path | None]:
    """The inputs with one text document copied and given one changed word (the last one)."""
    from ..documents.loader import TEXT_SUFFIXES, find_documents

    files = find_documents(paths)
    text_files = [f for f in files if f.suffix.lower() in TEXT_SUFFIXES]
    if not text_files:
        return paths, None
    victim = text_files[-1]
    work.mkdir(parents=True, exist_ok=True)
    copy = work / victim.name
    body = victim.read_text(encoding="utf-8")
    copy.write_text(body.rstrip() + "\n\nCatatan tambahan untuk uji perubahan.\n", "utf-8")
    return [f for f in files if f != victim] + [copy], victim


def ingest_figures(settings, paths, mirror, embedder=None) -> dict:
    """A first ingestion, one with nothing changed, then one document changed and changed back."""
    from .. import ingest as ingest_mod
    from .. import pipeline

    resolved, known = corpus_paths(settings, list(paths), mirror)
    t0 = time.perf_counter()
    first = pipeline.ingest(paths, settings, mirror=mirror, progress=False, embedder=embedder)
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    second = pipeline.ingest(paths, settings, mirror=mirror, progress=False, embedder=embedder)
    t_second = time.perf_counter() - t0
    out = {
        "documents": first.documents,
        "chunks": first.chunks,
        "failures": len(first.failures),
        "build_s": round(t_first, 2),
        "reingest_unchanged_s": round(t_second, 2),
        "reingest_unchanged_embedded": second.added + second.updated,
        "unchanged_over_first": round(t_second / t_first, 3),
    }
    work = Path(tempfile.mkdtemp(prefix="bench-change-"))
    try:
        changed, victim = _changed_copy(resolved, work)
        if victim is not None:
            index = pipeline.open_index(settings, embedder)
            for label, inputs in (("one_changed", changed), ("changed_back", resolved)):
                t0 = time.perf_counter()
                run = ingest_mod.run(
                    inputs,
                    settings,
                    index,
                    index.embedder.embed_documents,
                    known=known,
                    status_of=pipeline.status_function(),
                    progress=False,
                )
                out[f"reingest_{label}_s"] = round(time.perf_counter() - t0, 2)
                out[f"reingest_{label}_embedded"] = run.added + run.updated
            out["changed_file"] = victim.name
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def startup_figures(settings, embedder=None):
    """(assistant, figures): model load, index open with the keyword index built, the first
    answer, and resident memory at rest after it."""
    from .. import pipeline

    t0 = time.perf_counter()
    if embedder is None:
        from ..embedding import load_embedder

        embedder = load_embedder(settings)
    out = {"model_load_s": round(time.perf_counter() - t0, 2)}
    t0 = time.perf_counter()
    assistant = pipeline.Assistant.from_settings(settings, embedder=embedder)
    out["index_open_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    assistant.ask(QUESTIONS[0])
    out["first_answer_s"] = round(time.perf_counter() - t0, 3)
    out["startup_s"] = round(sum(out.values()), 2)
    out["rss_at_rest_mb"] = rss_mb()
    return assistant, out


def pipeline_figures(settings, paths, mirror, embedder=None, rounds: int = 3) -> dict:
    """Ingestion figures, start-up, then warm ask() latency over a few questions."""
    out = ingest_figures(settings, paths, mirror, embedder)
    assistant, started = startup_figures(settings, embedder)
    out.update(started)
    latencies = []
    for _ in range(rounds):
        for q in QUESTIONS:
            t0 = time.perf_counter()
            assistant.ask(q)
            latencies.append((time.perf_counter() - t0) * 1000)
    out["ask_p50_ms"] = round(statistics.median(latencies), 1)
    out["ask_p95_ms"] = percentile(latencies, 0.95)
    out["peak_rss_mb"] = peak_rss_mb()
    return out
