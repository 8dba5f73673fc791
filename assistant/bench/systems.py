"""The systems compared, each built and asked in its own process: the naive LangChain recipe,
BM25 alone over our chunks, our dense ranking alone, our hybrid retrieval and our whole answer.

Our systems are scored by the eval command's rule (`assistant.eval.run`); the naive recipe's
chunks carry no provision metadata, so they are scored by `naive_rank` (see its docstring).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import eval as ev
from ..config import Settings
from .common import corpus_paths, latency_summary, load_documents, peak_rss_mb

NAIVE_CHUNK_SIZE, NAIVE_OVERLAP = 1000, 200
HEAD_CHARS = 80  # a naive chunk hits a gold Pasal when it holds its heading and this much text
FIGURES = ("recall_at_1", "recall_at_5", "recall_at_10", "mrr_at_10")


@dataclass
class Job:
    """What a system's process needs; `embedder` only when run in-process (tests)."""

    settings: Settings
    qa: Sequence[Path]
    paths: Sequence[Path] = ()
    mirror: Path | None = None
    k: int = 10
    scratch: Path | None = None
    embedder: object = field(default=None, repr=False)


def _embedder(job: Job):
    if job.embedder is not None:
        return job.embedder
    from ..embedding import load_embedder

    return load_embedder(job.settings)


def _figures(results: Sequence[ev.Result]) -> dict:
    s = ev.summarise(results)
    out = {k: s[k] for k in FIGURES} | latency_summary([r.latency_ms for r in results])
    out["n"], out["n_answerable"] = s["n"], s["n_answerable"]
    out["ranks"] = {r.id: r.hit_rank for r in results if r.kind != ev.UNANSWERABLE}
    return out


def _score(job: Job, runner: ev.Runner) -> dict:
    """The eval command's scoring of one runner on every question file (after one warm-up)."""
    out = {}
    for path in job.qa:
        questions = ev.load_questions(path)
        runner(questions[0]["question"], job.k)
        out[Path(path).stem] = _figures(ev.run(questions, runner, job.k))
    return out


# --- our ingestion -------------------------------------------------------------------------


def ours_build(job: Job) -> dict:
    """First ingestion, no-change re-ingest, one document changed (see `ingestion`)."""
    from .ingestion import ingest_figures

    out = ingest_figures(job.settings, job.paths, job.mirror, job.embedder)
    return out | {"peak_rss_mb": peak_rss_mb()}


# --- ours: dense alone, hybrid retrieval, whole answer -------------------------------------


def ours(job: Job) -> dict:
    """Open the built index through `Assistant`, then ask through three doors."""
    from .ingestion import startup_figures

    assistant, startup = startup_figures(job.settings, job.embedder)
    out = {name: _score(job, runner) for name, runner in our_runners(assistant).items()}
    return {"systems": out, "startup": startup, "peak_rss_mb": peak_rss_mb()}


def our_runners(assistant) -> dict[str, ev.Runner]:
    """Dense ranking alone (the retriever's exact cosine search), the hybrid retrieval, and
    the whole answer, each as an eval runner."""
    retriever = assistant.retriever

    def dense(question: str, k: int) -> ev.Asked:
        t0 = time.perf_counter()
        ranked = retriever.dense(retriever.embedder.embed_query(question), k)
        hits = [retriever.hit(cid) for cid, _ in ranked]
        ms = (time.perf_counter() - t0) * 1000
        return ev.Asked([(h.meta, h.text) for h in hits], [], [], ms)

    return {
        "ours_dense": dense,
        "ours_retrieval": ev.retriever_runner(retriever),
        "ours_full": ev.assistant_runner(assistant),
    }


# --- BM25 alone over our chunks ------------------------------------------------------------


def bm25_runner(records) -> tuple[ev.Runner, float]:
    """(runner, build seconds): `bm25s` over the text our embedder sees (context header and
    chunk), its default tokenizer without stopwords or stemming."""
    import bm25s

    t0 = time.perf_counter()
    corpus = [f"{r.meta.get('context', '')}\n{r.text}" for r in records]
    tokens = bm25s.tokenize(corpus, stopwords=None, return_ids=False, show_progress=False)
    engine = bm25s.BM25()
    engine.index(tokens, show_progress=False)
    build_s = time.perf_counter() - t0

    def ask(question: str, k: int) -> ev.Asked:
        started = time.perf_counter()
        q = bm25s.tokenize([question], stopwords=None, return_ids=False, show_progress=False)
        q = [[t for t in q[0] if t in engine.vocab_dict]]
        found = []
        if q[0]:
            docs, scores = engine.retrieve(q, k=min(k, len(records)), show_progress=False)
            found = [int(i) for i, s in zip(docs[0], scores[0]) if s > 0]
        ms = (time.perf_counter() - started) * 1000
        return ev.Asked([(records[i].meta, records[i].text) for i in found], [], [], ms)

    return ask, build_s


def _records(job: Job):
    from ..pipeline import LazyEmbedder, open_index

    embedder = job.embedder or LazyEmbedder(job.settings)  # never loaded: only its name counts
    return open_index(job.settings, embedder, create=False).records()


def bm25_only(job: Job) -> dict:
    ask, build_s = bm25_runner(_records(job))
    return {
        "systems": {"bm25": _score(job, ask)},
        "build_s": round(build_s, 2),
        "peak_rss_mb": peak_rss_mb(),
    }


# --- the naive LangChain recipe ------------------------------------------------------------


def pasal_needles(records) -> dict[tuple[str, str, bool], str]:
    """(doc id, PASAL, penjelasan?) → the Pasal's heading line and the first HEAD_CHARS of its
    text, normalised, taken from our own chunk of that Pasal."""
    first: dict[tuple[str, str, bool], tuple[int, str]] = {}
    for r in records:
        m = r.meta
        if not m.get("pasal") or m.get("term"):
            continue
        key = (m["doc_id"], str(m["pasal"]).upper(), m.get("part") == ev.PENJELASAN)
        order = int(m.get("order", 0))
        if key not in first or order < first[key][0]:
            first[key] = (order, r.text)
    out = {}
    for key, (_, text) in first.items():
        heading = re.search(rf"(?im)^\s*pasal\s+{re.escape(key[1])}\s*$", text)
        body = ev.normalise(text[heading.start() :] if heading else text)
        head = len(ev.normalise(heading.group(0))) + 1 if heading else 0
        out[key] = body[: head + HEAD_CHARS]
    return out


def naive_hit(gold: dict, meta: dict, norm: str, needles: dict) -> bool:
    """The issue's rule for a naive chunk (`norm`: its normalised text): it belongs to a gold
    document and contains the gold evidence, or, for a gold Pasal, that Pasal's heading line and
    the start of its text."""
    if meta.get("doc_id") != gold.get("doc"):
        return False
    evidence = ev.normalise(gold.get("evidence", ""))
    if evidence and evidence in norm:
        return True
    if gold.get("pasal"):
        key = (gold["doc"], str(gold["pasal"]).strip().upper(), gold.get("part") == ev.PENJELASAN)
        needle = needles.get(key)
        return bool(needle) and needle in norm
    return False


def naive_rank(golds, retrieved, needles) -> int | None:
    """1-based rank of the first (meta, normalised text) that hits a gold entry; None if none."""
    for rank, (meta, norm) in enumerate(retrieved, start=1):
        if any(naive_hit(g, meta, norm, needles) for g in golds):
            return rank
    return None


def naive_store(job: Job, embedder, documents=None):
    """The recipe's Chroma store: built from `documents` (split here), or opened as persisted."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from langchain_chroma import Chroma

    if documents is None:
        return Chroma("naive", embedder, persist_directory=str(job.scratch)), []
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=NAIVE_CHUNK_SIZE, chunk_overlap=NAIVE_OVERLAP
    )
    chunks = splitter.split_documents(documents)
    store = Chroma.from_documents(
        chunks, embedder, collection_name="naive", persist_directory=str(job.scratch)
    )
    return store, chunks


def naive_runner(store) -> ev.Runner:
    def ask(question: str, k: int) -> ev.Asked:
        started = time.perf_counter()
        found = store.similarity_search(question, k=k)
        ms = (time.perf_counter() - started) * 1000
        return ev.Asked([(d.metadata, d.page_content) for d in found], [], [], ms)

    return ask


def naive(job: Job) -> dict:
    """RecursiveCharacterTextSplitter(1000, 200) over the documents, our e5 embedder behind
    LangChain's `Embeddings`, `langchain_chroma.Chroma` similarity search (its defaults)."""
    from langchain_core.documents import Document

    from ..pipeline import open_index

    embedder = _embedder(job)
    paths, known = corpus_paths(job.settings, job.paths, job.mirror)
    t0 = time.perf_counter()
    docs = [
        Document(page_content=d.text, metadata={"doc_id": d.meta.doc_id})
        for d in load_documents(paths, known)
    ]
    store, chunks = naive_store(job, embedder, docs)
    build_s = time.perf_counter() - t0
    needles = pasal_needles(open_index(job.settings, embedder, create=False).records())

    every = [(c.metadata, ev.normalise(c.page_content)) for c in chunks]
    out, findable = {}, {}
    for path in job.qa:
        questions = ev.load_questions(path)
        ask = naive_runner(store)
        ask(questions[0]["question"], job.k)  # warm-up
        results = []
        reachable = answerable = 0
        for q in questions:
            asked = ask(q["question"], job.k)
            ms = asked.ms
            golds = ev.gold_entries(q) if q.get("gold") else []
            retrieved = [(m, ev.normalise(t)) for m, t in asked.retrieved]
            if golds:
                answerable += 1
                reachable += naive_rank(golds, every, needles) is not None
            results.append(
                ev.Result(
                    id=q["id"],
                    kind=q.get("kind", ""),
                    hit_rank=naive_rank(golds, retrieved, needles) if golds else None,
                    latency_ms=round(ms, 1),
                )
            )
        out[Path(path).stem] = _figures(results)
        findable[Path(path).stem] = round(reachable / answerable, 4) if answerable else 0.0
    return {
        "systems": {"naive_langchain": out},
        "build_s": round(build_s, 2),
        "chunks": len(chunks),
        "gold_findable": findable,  # share of answerable questions some naive chunk can hit
        "peak_rss_mb": peak_rss_mb(),
    }


# --- latency, interleaved --------------------------------------------------------------------


def latency(args: tuple) -> dict:
    """Every system in one process, asked each question in turn (the order rotating), so that
    load from elsewhere on the machine falls on all of them alike: p50/p95 per system and file."""
    job, naive_dir = args
    from dataclasses import replace

    from .ingestion import startup_figures

    assistant, _ = startup_figures(job.settings, job.embedder)
    embedder = assistant.retriever.embedder
    store, _ = naive_store(replace(job, scratch=naive_dir), embedder)
    runners = {"naive_langchain": naive_runner(store), "bm25": bm25_runner(_records(job))[0]}
    runners |= our_runners(assistant)
    names = list(runners)
    out: dict = {}
    for path in job.qa:
        questions = [q["question"] for q in ev.load_questions(path)]
        times: dict[str, list[float]] = {n: [] for n in names}
        for name in names:
            runners[name](questions[0], job.k)  # warm-up
        for i, q in enumerate(questions):
            for name in names[i % len(names) :] + names[: i % len(names)]:
                times[name].append(runners[name](q, job.k).ms)
        for name in names:
            out.setdefault(name, {})[Path(path).stem] = latency_summary(times[name])
    return out
