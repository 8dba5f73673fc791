"""Evaluate retrieval and answers on a QA file: `python -m assistant.eval QA.jsonl [--k 10]`."""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

UNANSWERABLE = "unanswerable"
STATUS = "status"
PENJELASAN = "penjelasan"
ANSWER, UNSURE, NOT_FOUND = "jawaban", "kurang_yakin", "tidak_ditemukan"  # answer.types.Outcome
OUTCOMES = (ANSWER, UNSURE, NOT_FOUND)


def normalise(text: str) -> str:
    """The README's normalisation: lowercase, every whitespace run collapsed to one space."""
    return " ".join(text.lower().split())


def is_hit(gold: dict, meta: dict, text: str) -> bool:
    """The README's matching rule for one gold entry and one retrieved chunk. A consolidated
    Pasal (teks berlaku) is the wording of the amending act it was read from (`text_from`), so
    it also belongs to that act's document, as its evidence decides."""
    taken = meta.get("part") == "teks_berlaku" and meta.get("text_from") == gold.get("doc")
    if meta.get("doc_id") != gold.get("doc") and not taken:
        return False
    pasal = gold.get("pasal")
    if pasal:
        same_pasal = str(meta.get("pasal", "")).strip().upper() == str(pasal).strip().upper()
        want_pj = gold.get("part") == PENJELASAN
        return same_pasal and (meta.get("part") == PENJELASAN) == want_pj
    evidence = normalise(gold.get("evidence", ""))
    return bool(evidence) and evidence in normalise(text)


def hit_rank(golds: Sequence[dict], retrieved: Sequence[tuple[dict, str]]) -> int | None:
    """1-based rank of the first retrieved (meta, text) that hits any gold entry; None if none."""
    for rank, (meta, text) in enumerate(retrieved, start=1):
        if any(is_hit(g, meta, text) for g in golds):
            return rank
    return None


def gold_entries(question: dict) -> list[dict]:
    """The gold entries; the first one takes the top-level evidence when it has none of its own."""
    golds = [dict(g) for g in question.get("gold", [])]
    if golds and not golds[0].get("evidence"):
        golds[0]["evidence"] = question.get("evidence", "")
    return golds


@dataclass
class Result:
    """What one question produced."""

    id: str
    kind: str
    hit_rank: int | None
    refused: bool = False
    warned: bool = False
    citations: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    cites_gold: bool = False  # a cited passage (not just a retrieved one) matches a gold entry
    outcome: str = ""  # jawaban / kurang_yakin / tidak_ditemukan ("" for retrieval only)
    points: float | None = None  # share of expected points stated (None: not measured)
    answer: str = ""  # the answer text, warnings included


# Function words that never count as content of an expected point (the rule of issue 11).
_FUNCTION_WORDS = frozenset(
    """
    yang dan atau dari dalam untuk dengan pada oleh sebagai akan juga adalah tidak bukan
    harus dapat wajib paling atas bagi atau serta tersebut setiap itu ini ada bisa lebih
    kurang hanya sudah belum masih telah karena agar sama para secara tentang antara
    sebelum sesudah setelah yaitu yakni dimaksud sebagaimana menjadi jadi yg
    """.split()
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


def point_stated(point: str, answer: str) -> bool:
    """An expected point is stated when all its numbers and at least 60% of its content words
    (4+ letters, minus function words) occur in the answer text."""
    have = set(_TOKEN.findall(answer.lower()))
    tokens = _TOKEN.findall(point.lower())
    numbers = {t for t in tokens if t[0].isdigit()}
    content = {t for t in tokens if t.isalpha() and len(t) >= 4 and t not in _FUNCTION_WORDS}
    if not numbers <= have:
        return False
    return not content or len(content & have) >= 0.6 * len(content)


def points_share(question: dict, answer: str, outcome: str) -> float | None:
    """Share of the question's expected points that the answer states; an unanswerable
    question scores 1 when the answer is "kurang yakin" or "tidak ditemukan"."""
    if question.get("kind") == UNANSWERABLE:
        return 1.0 if outcome in (UNSURE, NOT_FOUND) else 0.0
    points = question.get("expected_points") or []
    if not points or not outcome:
        return None
    return sum(point_stated(p, answer) for p in points) / len(points)


def load_questions(path: Path) -> list[dict]:
    """Questions of a JSONL file (blank lines skipped)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _share(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of latencies, rounded to 0.1."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[pos], 1)


def summarise(results: Sequence[Result]) -> dict:
    """Every figure of the report, plus the per-question rows."""
    answerable = [r for r in results if r.kind != UNANSWERABLE]
    unanswerable = [r for r in results if r.kind == UNANSWERABLE]
    refused = [r for r in results if r.refused]
    status = [r for r in results if r.kind == STATUS]

    def recall(k: int) -> float:
        return _share(
            sum(r.hit_rank is not None and r.hit_rank <= k for r in answerable), len(answerable)
        )

    mrr = sum(1 / r.hit_rank for r in answerable if r.hit_rank and r.hit_rank <= 10)
    latencies = [r.latency_ms for r in results]
    scored = [r.points for r in results if r.points is not None]

    def outcomes(rows: Sequence[Result]) -> dict[str, float]:
        return {o: _share(sum(r.outcome == o for r in rows), len(rows)) for o in OUTCOMES}

    return {
        "n": len(results),
        "n_answerable": len(answerable),
        "recall_at_1": recall(1),
        "recall_at_5": recall(5),
        "recall_at_10": recall(10),
        "mrr_at_10": round(mrr / len(answerable), 4) if answerable else 0.0,
        "refusal_precision": _share(sum(r.kind == UNANSWERABLE for r in refused), len(refused)),
        "refusal_recall": _share(sum(r.refused for r in unanswerable), len(unanswerable)),
        "false_refusal_rate": _share(sum(r.refused for r in answerable), len(answerable)),
        "status_warning_rate": _share(sum(r.warned for r in status), len(status)),
        "answer_cites_gold_rate": _share(sum(r.cites_gold for r in answerable), len(answerable)),
        "unsure_rate": _share(sum(r.outcome == UNSURE for r in answerable), len(answerable)),
        "unanswerable_declined_rate": _share(
            sum(r.outcome in (UNSURE, NOT_FOUND) for r in unanswerable), len(unanswerable)
        ),
        "expected_points_rate": round(sum(scored) / len(scored), 4) if scored else 0.0,
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else 0.0,
        "latency_ms_p95": percentile(latencies, 0.95),
        "by_kind": {
            kind: {
                "n": len(rows),
                "recall_at_5": _share(
                    sum(r.hit_rank is not None and r.hit_rank <= 5 for r in rows), len(rows)
                ),
                "outcomes": outcomes(rows),
                "expected_points_rate": round(
                    statistics.fmean(r.points for r in rows if r.points is not None), 4
                )
                if any(r.points is not None for r in rows)
                else 0.0,
            }
            for kind in sorted({r.kind for r in results})
            for rows in [[r for r in results if r.kind == kind]]
        },
        "per_question": [
            {k: v for k, v in asdict(r).items() if k != "kind"} | {"kind": r.kind} for r in results
        ],
    }


@dataclass(frozen=True)
class Asked:
    """What a runner reports for one question."""

    retrieved: list[tuple[dict, str]]  # (meta, text) of every hit, best first
    cited: list[tuple[dict, str]]  # the passages the answer cites
    citations: list[str]
    ms: float
    warned: bool = False
    outcome: str = ""  # "" when only retrieval ran
    answer: str = ""


Runner = Callable[[str, int], Asked]


def run(questions: Sequence[dict], runner: Runner, k: int = 10) -> list[Result]:
    """Ask every question through `runner(question, k)` and score what comes back."""
    out = []
    for q in questions:
        a = runner(q["question"], k)
        golds = gold_entries(q) if q.get("gold") else []
        rank = hit_rank(golds, a.retrieved[:k]) if golds else None
        out.append(
            Result(
                id=q["id"],
                kind=q.get("kind", ""),
                hit_rank=rank,
                refused=a.outcome == NOT_FOUND,
                warned=a.warned,
                citations=a.citations,
                latency_ms=round(a.ms, 1),
                cites_gold=bool(golds) and hit_rank(golds, a.cited) is not None,
                outcome=a.outcome,
                points=points_share(q, a.answer, a.outcome),
                answer=a.answer,
            )
        )
    return out


def assistant_runner(assistant) -> Runner:
    """Questions go through `Assistant.ask`: refusal, warnings and citations are the answer's."""

    def ask(question: str, k: int):
        started = time.perf_counter()
        answer = assistant.ask(question, k=k)
        ms = answer.latency_ms or (time.perf_counter() - started) * 1000
        cited_ids = {s.id for s in answer.sources}
        return Asked(
            retrieved=[(h.meta, h.text) for h in answer.hits],
            cited=[(h.meta, h.text) for h in answer.hits if h.id in cited_ids],
            citations=[s.citation for s in answer.sources],
            ms=ms,
            warned=bool(answer.warnings),
            outcome=str(answer.outcome),
            answer=answer.text,
        )

    return ask


def retriever_runner(retriever, options=None) -> Runner:
    """Retrieval only: never refuses; 'warned' means one of the top 3 hits carries a status warning."""

    def ask(question: str, k: int):
        started = time.perf_counter()
        hits = retriever.retrieve(question, k=k, options=options)
        ms = (time.perf_counter() - started) * 1000
        return Asked(
            retrieved=[(h.meta, h.text) for h in hits],
            cited=[(h.meta, h.text) for h in hits[:3]],
            citations=[h.meta.get("citation", "") for h in hits[:3]],
            ms=ms,
            warned=any(h.meta.get("status_warning") for h in hits[:3]),
        )

    return ask


def ablations(base) -> list[tuple[str, object]]:
    """(name, options) rows: everything on, each component off, and the naive baseline."""
    off = [
        ("- lookup", {"lookup": False}),
        ("- dense", {"dense": False}),
        ("- lexical (BM25)", {"lexical": False}),
        ("- abbreviations", {"abbreviations": False}),
        ("- vocabulary (lay→legal)", {"vocabulary": False}),
        ("- multi-query", {"multi_query": False}),
        ("- document focus", {"doc_focus": False}),
        ("- status ranking", {"status_ranking": False}),
        ("- follow amendments", {"follow_amendments": False}),
        ("- stemming", {"stemming": False}),
        ("- context in BM25", {"context_in_lexical": 0.0}),
        ("- penjelasan in BM25", {"penjelasan_in_lexical": 0.0}),
        ("- referred Pasal in BM25", {"references_in_lexical": 0.0}),
        ("- type focus ('menurut UU')", {"type_focus": False}),
        ("- part weights", {"part_weights": {}}),
        ("- section cap", {"section_cap": 0}),
        ("- weighted fusion (equal, k=60)", {"dense_weight": 1.0, "rrf_k": 60}),
    ]
    naive = replace(
        base,
        lookup=False,
        lexical=False,
        abbreviations=False,
        vocabulary=False,
        multi_query=False,
        doc_focus=False,
        type_focus=False,
        status_ranking=False,
        part_weights={},
        section_cap=0,
        follow_amendments=False,
    )
    return (
        [("all on", base)]
        + [(n, replace(base, **o)) for n, o in off]
        + [("naive: dense only, raw query", naive)]
    )


def _table(summary: dict) -> str:
    keys = [
        "n",
        "n_answerable",
        "recall_at_1",
        "recall_at_5",
        "recall_at_10",
        "mrr_at_10",
        "refusal_precision",
        "refusal_recall",
        "false_refusal_rate",
        "status_warning_rate",
        "answer_cites_gold_rate",
        "unsure_rate",
        "unanswerable_declined_rate",
        "expected_points_rate",
        "latency_ms_p50",
        "latency_ms_p95",
    ]
    lines = [f"{k:<22}{summary[k]}" for k in keys]
    for kind, v in summary["by_kind"].items():
        shares = " ".join(f"{o}={v['outcomes'][o]}" for o in OUTCOMES)
        lines.append(
            f"[{kind}]".ljust(22)
            + f"n={v['n']} recall@5={v['recall_at_5']} points={v['expected_points_rate']} {shares}"
        )
    misses = [
        q
        for q in summary["per_question"]
        if q["kind"] != UNANSWERABLE and (q["hit_rank"] or 99) > 5
    ]
    if misses:
        lines.append("not in top 5: " + ", ".join(f"{q['id']}({q['hit_rank']})" for q in misses))
    return "\n".join(lines)


def _open():
    from . import pipeline
    from .config import Settings
    from .retrieval.retriever import build_retriever

    settings = Settings.from_env()
    if hasattr(pipeline, "Assistant"):
        assistant = pipeline.Assistant.from_settings(settings)
        return assistant.retriever, assistant
    index = pipeline.open_index(settings, create=False)
    return build_retriever(settings, index, index.embedder), None


COMPACT = (
    ("recall_at_5", "R@5"),
    ("mrr_at_10", "MRR"),
    ("false_refusal_rate", "FR"),
    ("unsure_rate", "unsure"),
    ("unanswerable_declined_rate", "unans"),
    ("status_warning_rate", "warn"),
    ("answer_cites_gold_rate", "cites"),
    ("expected_points_rate", "points"),
    ("latency_ms_p50", "p50"),
    ("latency_ms_p95", "p95"),
)


def compact(summaries: dict[str, dict]) -> str:
    """One line per question file with the headline figures."""
    head = f"{'file':<12}" + "".join(f"{short:>8}" for _, short in COMPACT)
    rows = [
        f"{name:<12}" + "".join(f"{s[key]:>8}" for key, _ in COMPACT)
        for name, s in summaries.items()
    ]
    return "\n".join([head, *rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.eval", description=__doc__)
    parser.add_argument("qa", type=Path, nargs="+", help="JSONL files of questions (eval README)")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--ablation", action="store_true", help="recall@5 / MRR@10 per component off"
    )
    parser.add_argument("--retrieval-only", action="store_true", help="skip the answer layer")
    args = parser.parse_args(argv)
    retriever, assistant = _open()
    if assistant is not None and not args.retrieval_only:
        runner, through = assistant_runner(assistant), "Assistant.ask"
    else:
        runner, through = retriever_runner(retriever), "retriever only (never refuses)"
    summaries: dict[str, dict] = {}
    for path in args.qa:
        questions = load_questions(path)
        runner(questions[0]["question"], args.k)  # warm-up: model load, first query
        summary = summarise(run(questions, runner, args.k))
        summary["through"] = through
        print(f"{path} via {through}, k={args.k}")
        print(_table(summary))
        if args.ablation:
            summary["ablation"] = _ablation(questions, retriever)
        summaries[path.stem] = summary
    if len(summaries) > 1:
        print("\n" + compact(summaries))
    if args.json:
        data = summary if len(summaries) == 1 else summaries
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _ablation(questions: Sequence[dict], retriever) -> list[dict]:
    """Print and return recall@5 / MRR@10 with each retrieval component switched off."""
    print(f"\n{'ablation':<34}{'recall@5':>9}{'MRR@10':>9}{'p50 ms':>9}")
    rows = []
    for name, options in ablations(retriever.options):
        s = summarise(run(questions, retriever_runner(retriever, options), 10))
        rows.append({"name": name, "recall_at_5": s["recall_at_5"], "mrr_at_10": s["mrr_at_10"]})
        print(
            f"{name:<34}{s['recall_at_5']:>9.3f}{s['mrr_at_10']:>9.3f}{s['latency_ms_p50']:>9.1f}"
        )
    return rows


if __name__ == "__main__":
    sys.exit(main())
