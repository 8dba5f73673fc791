"""Side by side in one run: what users would otherwise build against ours, with ratios."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from . import systems
from .common import run_maybe_isolated
from .systems import Job

ORDER = ("naive_langchain", "bm25", "ours_dense", "ours_retrieval", "ours_full")
LABELS = {
    "naive_langchain": "naive LangChain (1000/200, Chroma top-k)",
    "bm25": "BM25 only (bm25s, our chunks)",
    "ours_dense": "ours: dense only",
    "ours_retrieval": "ours: hybrid retrieval",
    "ours_full": "ours: full pipeline (ask)",
}
RATIO_KEYS = ("recall_at_5", "mrr_at_10", "p50_ms", "p95_ms")


def compare(job: Job, *, isolate: bool = True, build: bool = True) -> dict:
    """Build our index (unless `build` is off and it exists), then each system in its own
    process; returns figures per system and question file, build costs and ratios."""
    scratch = Path(job.scratch or job.settings.data_dir)
    out: dict = {"systems": {}, "builds": {}}
    if build:
        out["builds"]["ours"] = run_maybe_isolated(isolate, systems.ours_build, job)
    served = run_maybe_isolated(isolate, systems.ours, job)
    out["startup"] = served["startup"]
    bm = run_maybe_isolated(isolate, systems.bm25_only, job)
    naive_job = replace(job, scratch=scratch / "naive-chroma")
    nv = run_maybe_isolated(isolate, systems.naive, naive_job)
    for part in (served, bm, nv):
        out["systems"].update(part["systems"])
    # latency again, all systems in one process and interleaved: the figures reported
    interleaved = run_maybe_isolated(isolate, systems.latency, (job, naive_job.scratch))
    for name, per_file in interleaved.items():
        for qa, lat in per_file.items():
            f = out["systems"][name][qa]
            f["p50_ms_alone"], f["p95_ms_alone"] = f["p50_ms"], f["p95_ms"]
            f["p50_ms"], f["p95_ms"] = lat["p50_ms"], lat["p95_ms"]
    peak_ours = max(served["peak_rss_mb"], out["builds"].get("ours", {}).get("peak_rss_mb", 0))
    out["builds"]["bm25"] = {"build_s": bm["build_s"], "peak_rss_mb": bm["peak_rss_mb"]}
    out["builds"]["naive_langchain"] = {
        "build_s": nv["build_s"],
        "chunks": nv["chunks"],
        "peak_rss_mb": nv["peak_rss_mb"],
        "gold_findable": nv["gold_findable"],
    }
    out["builds"]["ours_serving"] = {"peak_rss_mb": served["peak_rss_mb"]}
    out["peak_rss_mb"] = {
        "naive_langchain": nv["peak_rss_mb"],
        "bm25": bm["peak_rss_mb"],
        "ours": peak_ours,
    }
    out["ratios"] = ratios(out["systems"])
    return out


def ratios(figures: dict) -> dict:
    """ours / baseline for each of our systems against each baseline, per question file."""
    out: dict = {}
    for base in ("naive_langchain", "bm25"):
        for mine in ("ours_full", "ours_retrieval", "ours_dense"):
            if base not in figures or mine not in figures:
                continue
            for name, b in figures[base].items():
                m = figures[mine].get(name)
                if not m:
                    continue
                out.setdefault(f"{mine}/{base}", {})[name] = {
                    key: round(m[key] / b[key], 2) if b[key] else None for key in RATIO_KEYS
                }
    return out


def table(result: dict) -> str:
    """One row per system and question file, then the ratio rows against the naive recipe."""
    head = (
        f"{'system':<42}{'file':<7}{'R@1':>7}{'R@5':>7}{'R@10':>7}{'MRR':>7}"
        f"{'p50 ms':>9}{'p95 ms':>9}"
    )
    lines = [head]
    figures = result["systems"]
    for name in ORDER:
        for qa, f in figures.get(name, {}).items():
            lines.append(
                f"{LABELS[name]:<42}{qa:<7}{f['recall_at_1']:>7.3f}{f['recall_at_5']:>7.3f}"
                f"{f['recall_at_10']:>7.3f}{f['mrr_at_10']:>7.3f}{f['p50_ms']:>9.1f}{f['p95_ms']:>9.1f}"
            )
    lines.append("")
    lines.append(
        f"{'ratio ours / baseline':<42}{'file':<7}{'R@5':>7}{'MRR':>7}{'p50':>7}{'p95':>7}"
    )
    for pair, per_file in result["ratios"].items():
        for qa, r in per_file.items():
            cells = "".join(f"{'-' if r[k] is None else r[k]:>7}" for k in RATIO_KEYS)
            lines.append(f"{pair:<42}{qa:<7}{cells}")
    lines.append("")
    for name, b in result["builds"].items():
        cells = "  ".join(f"{k}={v}" for k, v in b.items())
        lines.append(f"build {name:<16}{cells}")
    lines.append(f"assistant start-up     {result.get('startup')}")
    return "\n".join(lines)


def targets(result: dict) -> list[tuple[str, bool, str]]:
    """The issue's targets on dev2: (what, met, figures)."""
    r = result["ratios"].get("ours_full/naive_langchain", {}).get("dev2")
    if not r:
        return []
    return [
        ("full recall@5 >= 1.6x naive (dev2)", r["recall_at_5"] >= 1.6, f"{r['recall_at_5']}x"),
        ("full MRR@10 >= 1.8x naive (dev2)", r["mrr_at_10"] >= 1.8, f"{r['mrr_at_10']}x"),
        ("full p50 <= 1.5x naive (dev2)", r["p50_ms"] <= 1.5, f"{r['p50_ms']}x"),
    ]


def default_job(settings, qa: Sequence[Path], **kwargs) -> Job:
    return Job(settings=settings, qa=list(qa), **kwargs)
