"""Fit the retrieval weights with cross-validation: `python -m assistant.fit_retrieval [--write]`.

The weights of fusion and ranking (`RetrievalOptions`: dense vs BM25 weight, RRF k, the BM25
weights of spelled-out abbreviations, of legal wording added to everyday phrases and of
scene-setting words, and the score multipliers of programme notes, definition units, annexes and
provisions no longer in force) are chosen from a grid. Every candidate setting is run once over
all questions (each question's embedding is computed once); then, in each of 5 folds grouped by
gold provision, the setting that scores best on the other folds is applied to the held-out fold.
The figure reported is that of the held-out folds. `--write` saves to assistant/fitted.json
(read by `RetrievalOptions.fitted()`) the setting best on all questions when choosing it beat
the base setting on the held-out folds, and the base setting otherwise.

Score of a setting: recall@5 + MRR@10 over the answerable questions (eval.py's hit rule).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import fitted as fitted_file
from .eval import UNANSWERABLE, gold_entries, hit_rank, load_questions
from .fit import DEFAULT_FILES, FOLDS, group_of

# The grid: every weight the retriever multiplies or adds with, at a few values around today's.
GRID: dict[str, tuple] = {
    "dense_weight": (0.4, 0.55, 0.7, 0.85, 1.0, 1.2),
    "rrf_k": (10, 20, 40, 60),
    "context_weight": (0.25, 0.5, 0.75, 1.0),
    "expansion_weight": (0.2, 0.4, 0.6, 0.8),
    "abbreviation_weight": (0.2, 0.4, 0.7, 1.0),
    "program_weight": (0.6, 0.8, 1.0),
    "definition_weight": (0.3, 0.5, 0.7, 1.0),
    "annex_weight": (0.6, 0.8, 1.0),
    "status_penalty": (0.3, 0.5, 0.7, 0.9),
    "section_cap": (0, 2, 3, 4),
    "doc_cap": (0, 3, 4, 5),
}
RANDOM_SETTINGS = 40
SEED = 7


def settings(base, n_random: int = RANDOM_SETTINGS, grid: dict[str, tuple] = GRID) -> list[dict]:
    """Candidate settings: the base, each value varied alone, and random grid points."""
    out: list[dict] = [{}]
    for name, values in grid.items():
        out += [{name: v} for v in values if v != getattr(base, name)]
    rng = random.Random(SEED)
    for _ in range(n_random):
        out.append({name: rng.choice(values) for name, values in grid.items()})
    return out


def choose(table: np.ndarray, groups: list[str], objective, folds: int = FOLDS):
    """Per question, its value under the setting that `objective` scores best on the other
    folds (folds grouped by `groups`); and the setting chosen in each fold."""
    from sklearn.model_selection import GroupKFold

    n = table.shape[1]
    held_out = np.zeros(n, dtype=table.dtype)
    picks = []
    for train, test in GroupKFold(n_splits=folds).split(np.zeros(n), groups=groups):
        best = int(np.argmax([objective(row[train]) for row in table]))
        held_out[test] = table[best, test]
        picks.append(best)
    return held_out, picks


def score(ranks: np.ndarray) -> float:
    """recall@5 + MRR@10 of hit ranks (0: not in the top 10)."""
    if not len(ranks):
        return 0.0
    recall = float(np.mean((ranks > 0) & (ranks <= 5)))
    mrr = float(np.mean(np.where(ranks > 0, 1.0 / np.maximum(ranks, 1), 0.0)))
    return recall + mrr


def rank_table(retriever, questions: list[dict], candidates: list[dict], k: int = 10) -> np.ndarray:
    """Hit rank (1-based, 0 when missed) of every question under every candidate setting."""
    table = np.zeros((len(candidates), len(questions)), dtype=int)
    for c, change in enumerate(candidates):
        options = replace(retriever.options, **change)
        for q, question in enumerate(questions):
            hits = retriever.retrieve(question["question"], k=k, options=options)
            rank = hit_rank(gold_entries(question), [(h.meta, h.text) for h in hits[:k]])
            table[c, q] = rank or 0
        print(f"  {c + 1}/{len(candidates)} {change or 'base'}: {score(table[c]):.3f}", flush=True)
    return table


def cross_validate(table: np.ndarray, groups: list[str], folds: int = FOLDS) -> dict:
    """Held-out score of choosing the best setting on the other folds, against the base."""
    chosen, picks = choose(table, groups, score, folds)
    base = table[0]
    return {
        "folds": folds,
        "grouped_by": "gold provision",
        "cross_validated": _figures(chosen),
        "base": _figures(base),
        "settings_chosen": picks,
    }


def _figures(ranks: np.ndarray) -> dict:
    return {
        "recall_at_5": round(float(np.mean((ranks > 0) & (ranks <= 5))), 4),
        "mrr_at_10": round(float(np.mean(np.where(ranks > 0, 1.0 / np.maximum(ranks, 1), 0))), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.fit_retrieval", description=__doc__)
    parser.add_argument("qa", type=Path, nargs="*", default=list(DEFAULT_FILES))
    parser.add_argument(
        "--write", action="store_true", help="save the weights to assistant/fitted.json"
    )
    parser.add_argument("--random", type=int, default=RANDOM_SETTINGS, help="random grid points")
    args = parser.parse_args(argv)
    from .config import Settings
    from .pipeline import Assistant

    assistant = Assistant.from_settings(Settings.from_env())
    retriever = assistant.retriever
    retriever.embedder.embed_query = lru_cache(maxsize=None)(retriever.embedder.embed_query)
    questions = [
        q
        for path in args.qa
        for q in load_questions(path)
        if q.get("kind") != UNANSWERABLE and q.get("gold")
    ]
    candidates = settings(retriever.options, args.random)
    print(f"{len(questions)} answerable questions, {len(candidates)} settings")
    table = rank_table(retriever, questions, candidates)
    report = cross_validate(table, [group_of(q) for q in questions])
    best = int(np.argmax([score(row) for row in table]))
    # adopt the best setting only when choosing it is seen to help on held-out folds
    cv, base = report["cross_validated"], report["base"]
    gains = sum(cv.values()) > sum(base.values())
    chosen = {
        name: getattr(replace(retriever.options, **(candidates[best] if gains else {})), name)
        for name in GRID
    }
    report["adopted"] = "best on all questions" if gains else "base (selection did not help)"
    print("cross-validated:", json.dumps(cv))
    print("base (today's): ", json.dumps(base))
    print("in-sample best: ", json.dumps(_figures(table[best])), candidates[best])
    print("adopted:        ", report["adopted"], chosen)
    if args.write:
        values = {"options": chosen, "cross_validated": report}
        fitted_file.save("retrieval", values, args.qa, "assistant.fit_retrieval")
    return 0


if __name__ == "__main__":
    sys.exit(main())
