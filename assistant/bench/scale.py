"""How cost grows with the corpus: synthetic corpora N times the real one.

Each copy of a document gets a new id and number (UU 25/1992 → UU 2503/1992 in copy 3, so no
question names it), a few words dropped at random (nothing deduplicates), and the real vectors
with a small random perturbation (cosine ≈ 0.98 to the original) instead of re-embedding;
embedding time is extrapolated from the measured raw rate. Copy 0 is the real corpus, so the
dev questions still have their answers. Per size: write time, index size on disk, start-up
(model load apart), memory, and query latency of dense search, BM25, the fused retrieval and the
whole answer, on the embedded client and (with `server`) on a `chroma run` server.
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from .common import DEFAULT_QA, latency_summary, peak_rss_mb, rss_mb, run_maybe_isolated

NOISE = 0.01  # per-dimension standard deviation added to each unit vector (384 dims)
DROP = 0.03  # share of words dropped from each copied text
QUESTIONS = 30  # dev2 questions timed per size
BATCH = 2000


def _copy_meta(meta: dict, copy: int) -> dict:
    if copy == 0:
        return meta
    old = f"{meta.get('nomor', '')}/{meta.get('tahun', '')}"
    nomor = f"{meta.get('nomor', '')}0{copy}"
    new = f"{nomor}/{meta.get('tahun', '')}"
    out = dict(meta, doc_id=f"{meta['doc_id']}-s{copy}", nomor=nomor)
    for key in ("citation", "context", "judul"):
        out[key] = str(out.get(key, "")).replace(old, new)
    return out


def _copy_text(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    return " ".join(w for w in words if rng.random() >= DROP) or text


def synthesise(source, target, factor: int, seed: int = 10) -> dict:
    """Write `factor` copies of the `source` index's records into the `target` index."""
    records = source.records(vectors=True)
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    written = 0
    started = time.perf_counter()
    for copy in range(factor):
        for start in range(0, len(records), BATCH):
            part = records[start : start + BATCH]
            vectors = np.array([r.vector for r in part], dtype=np.float32)
            if copy:
                vectors = vectors + noise.normal(0, NOISE, vectors.shape).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            target.upsert(
                [r.id if copy == 0 else f"{r.id}~s{copy}" for r in part],
                [r.text if copy == 0 else _copy_text(r.text, rng) for r in part],
                [_copy_meta(r.meta, copy) for r in part],
                vectors.tolist(),
            )
            written += len(part)
    return {"chunks": written, "write_s": round(time.perf_counter() - started, 1)}


def _dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def measure(args: tuple) -> dict:
    """In a fresh process: start-up of the assistant over the index, memory, query latencies."""
    settings, questions, qa, embedder = args
    from .. import eval as ev
    from ..pipeline import Assistant
    from ..retrieval.types import RetrievalMode

    started = time.perf_counter()
    if embedder is None:
        from ..embedding import load_embedder

        embedder = load_embedder(settings)
    model_s = time.perf_counter() - started
    rest_before = rss_mb()
    started = time.perf_counter()
    assistant = Assistant.from_settings(settings, embedder=embedder)
    startup_s = time.perf_counter() - started
    rest = rss_mb()
    r = assistant.retriever
    timings: dict[str, list[float]] = {"dense": [], "lexical": [], "fused": [], "answer": []}
    for q in questions:
        for name, call in (
            ("dense", lambda q=q: r.dense(r.embedder.embed_query(q), 10)),
            ("lexical", lambda q=q: r.retrieve(q, k=10, mode=RetrievalMode.TEXT)),
            ("fused", lambda q=q: r.retrieve(q, k=10)),
            ("answer", lambda q=q: assistant.ask(q, k=10)),
        ):
            t0 = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - t0) * 1000)
    figures = ev.summarise(ev.run(ev.load_questions(qa), ev.assistant_runner(assistant), 10))
    return {
        "model_load_s": round(model_s, 1),
        "startup_s": round(startup_s, 1),
        "rss_at_rest_mb": rest,
        "rss_index_mb": round(rest - rest_before, 1),
        "peak_rss_mb": peak_rss_mb(),
        "latency": {k: latency_summary(v) for k, v in timings.items()},
        "dev_recall_at_5": figures["recall_at_5"],
        "dev_mrr_at_10": figures["mrr_at_10"],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma_server(path: Path) -> tuple[subprocess.Popen, int]:
    """`chroma run` on 127.0.0.1 with the index folder; waits until it answers."""
    port = _free_port()
    exe = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("chroma run did not start within 60 s")


def scale_bench(
    settings,
    factors,
    *,
    scratch: Path,
    qa=DEFAULT_QA,
    server: bool = False,
    embedder=None,
    isolate: bool = True,
    raw_rate: float | None = None,
) -> dict:
    """1× (the real index, copied the same way) and each factor, embedded (and server)."""
    from .. import eval as ev
    from ..pipeline import LazyEmbedder, open_index

    name_only = embedder or LazyEmbedder(settings)  # vectors are copied: no model needed
    source = open_index(settings, name_only, create=False)
    questions = [q["question"] for q in ev.load_questions(qa[-1])][:QUESTIONS]
    out: dict = {"sizes": {}, "noise": NOISE, "drop": DROP, "questions": len(questions)}
    for factor in sorted({1, *factors}):
        own = replace(settings, data_dir=scratch / f"scale-{factor}")
        target = open_index(own, name_only)
        row = synthesise(source, target, factor)
        del target
        row["index_mb"] = _dir_mb(own.chroma_dir)
        if raw_rate:
            row["embed_s_extrapolated"] = round(row["chunks"] / raw_rate, 0)
        row["embedded"] = run_maybe_isolated(isolate, measure, (own, questions, qa[0], embedder))
        if server:
            proc, port = _chroma_server(own.chroma_dir)
            try:
                remote = replace(own, chroma_host="127.0.0.1", chroma_port=port)
                row["server"] = run_maybe_isolated(
                    isolate, measure, (remote, questions, qa[0], embedder)
                )
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        out["sizes"][factor] = row
        shutil.rmtree(own.data_dir, ignore_errors=True)
    return out


def scale_table(result: dict) -> str:
    head = (
        f"{'size':<6}{'client':<10}{'chunks':>8}{'disk MB':>9}{'write s':>9}{'start s':>9}"
        f"{'RSS MB':>8}{'dense':>12}{'lexical':>12}{'fused':>12}{'answer':>12}{'devR@5':>8}"
    )
    lines = [head + "   (latency p50/p95 ms)"]
    for factor, row in result["sizes"].items():
        for client in ("embedded", "server"):
            m = row.get(client)
            if not m:
                continue
            lat = "".join(
                f"{m['latency'][k]['p50_ms']:>6.0f}/{m['latency'][k]['p95_ms']:<5.0f}"
                for k in ("dense", "lexical", "fused", "answer")
            )
            lines.append(
                f"{str(factor) + 'x':<6}{client:<10}{row['chunks']:>8}{row['index_mb']:>9}"
                f"{row['write_s']:>9}{m['startup_s']:>9}{m['rss_at_rest_mb']:>8.0f}{lat}"
                f"{m['dev_recall_at_5']:>8}"
            )
    return "\n".join(lines)
