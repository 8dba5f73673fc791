"""Fit which quotes an extractive answer takes: `python -m assistant.fit_selection [--write]`.

`extractive.Selection` (how many statements, from how many passages, how far below the best a
further statement may score, how fast lower-ranked passages lose weight, how much annexes weigh)
decides what the answer quotes. Every question is retrieved once; each candidate setting then
composes its answer through the same decision and warnings as `Assistant.ask`. A setting scores
the share of expected points stated (eval.py's rule) plus the share of answers citing a gold
provision, over the answerable questions. In 5 folds grouped by gold provision the best setting
on the other folds is applied to the held-out fold; `--write` saves the setting best on all
questions only when choosing beat the base setting on held-out folds.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from . import fitted as fitted_file
from .answer import compose
from .answer.extractive import Selection
from .eval import UNANSWERABLE, gold_entries, hit_rank, load_questions, points_share
from .fit import DEFAULT_FILES, group_of
from .fit_retrieval import choose, settings

# At most 5 quotes: more no longer reads as an answer on a phone screen.
GRID: dict[str, tuple] = {
    "max_statements": (3, 4, 5),
    "max_passages": (2, 3, 4),
    "keep_ratio": (0.3, 0.45, 0.6),
    "rank_decay": (0.15, 0.3, 0.6),
    "annex_weight": (0.4, 0.6, 1.0),
}
RANDOM_SETTINGS = 30


def retrieved(assistant, question: dict) -> dict:
    """What `Assistant.ask` composes an answer from, retrieved once."""
    query = assistant.retriever.prepare(question["question"])
    hits = assistant.retrieve(query.normal)
    return {
        "query": query,
        "hits": hits,
        "named_missing": assistant._named_missing(query.normal, None),
        "superseded": assistant._superseded(hits),
        "ended": assistant._named_ended(query.normal, None),
    }


def value(assistant, question: dict, got: dict, selection: Selection) -> float:
    """Expected points stated + gold cited (0..2) of one question's answer under `selection`."""
    answer = compose.answer(
        got["query"],
        got["hits"],
        asked=question["question"],
        named_missing=got["named_missing"],
        frequencies=assistant.frequencies,
        superseded=got["superseded"],
        selection=selection,
    )
    answer = compose.add_warnings(answer, got["ended"])
    points = points_share(question, answer.text, str(answer.outcome)) or 0.0
    cited = {s.id for s in answer.sources}
    golds = gold_entries(question)
    cites = hit_rank(golds, [(h.meta, h.text) for h in answer.hits if h.id in cited]) is not None
    return points + float(cites)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.fit_selection", description=__doc__)
    parser.add_argument("qa", type=Path, nargs="*", default=list(DEFAULT_FILES))
    parser.add_argument("--write", action="store_true", help="save to assistant/fitted.json")
    parser.add_argument("--random", type=int, default=RANDOM_SETTINGS, help="random grid points")
    args = parser.parse_args(argv)
    from .config import Settings
    from .pipeline import Assistant

    assistant = Assistant.from_settings(Settings.from_env())
    questions = [
        q
        for path in args.qa
        for q in load_questions(path)
        if q.get("kind") != UNANSWERABLE and q.get("gold")
    ]
    got = [retrieved(assistant, q) for q in questions]
    base = Selection.fitted()
    candidates = settings(base, args.random, GRID)
    print(f"{len(questions)} answerable questions, {len(candidates)} settings")
    table = np.zeros((len(candidates), len(questions)))
    for c, change in enumerate(candidates):
        selection = replace(base, **change)
        table[c] = [value(assistant, q, g, selection) for q, g in zip(questions, got)]
        print(f"  {c + 1}/{len(candidates)} {change or 'base'}: {table[c].mean():.4f}", flush=True)
    held_out, picks = choose(table, [group_of(q) for q in questions], np.mean)
    best = int(np.argmax(table.mean(axis=1)))
    gains = held_out.mean() > table[0].mean()
    chosen = replace(base, **(candidates[best] if gains else {}))
    report = {
        "cross_validated": round(float(held_out.mean()), 4),
        "base": round(float(table[0].mean()), 4),
        "in_sample_best": round(float(table[best].mean()), 4),
        "score": "expected points share + gold cited, answerable questions (0..2)",
        "folds": 5,
        "grouped_by": "gold provision",
        "settings_chosen": picks,
        "adopted": "best on all questions" if gains else "base (selection did not help)",
    }
    print(json.dumps(report), asdict(chosen))
    if args.write:
        values = {"options": asdict(chosen), "cross_validated": report}
        fitted_file.save("selection", values, args.qa, "assistant.fit_selection")
    return 0


if __name__ == "__main__":
    sys.exit(main())
