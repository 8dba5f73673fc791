"""Fit the answer decision on QA files, with cross-validation: `python -m assistant.fit`.

Every question is retrieved once through the assistant; the decision model (answer decision.py)
is a logistic regression over the evidence features, and its two thresholds are chosen to
minimise the cost below. Folds are grouped by gold provision, so that questions on the same
Pasal are never both in training and test data; the figures reported (and written to
assistant/fitted.json) are those of the held-out folds. With `--write` the model fitted on all
questions is saved. scikit-learn is needed only here (`pip install -e .[dev]`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import fitted
from .answer.decision import FEATURES, FITTED_FILE, DecisionModel, Evidence, assess
from .answer.types import Outcome
from .eval import UNANSWERABLE, load_questions

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = (
    PROJECT.parent / "shared" / "eval" / "dev.jsonl",
    PROJECT.parent / "shared" / "eval" / "dev2.jsonl",
    PROJECT / "eval" / "own.jsonl",
)
FOLDS = 5
C = 1.0  # inverse regularisation strength of the logistic regression

# What each outcome costs, by whether the corpus answers the question. A "tidak ditemukan" on an
# answerable question is the worst error; "kurang yakin" quotes the nearest provisions, so on an
# unanswerable question it costs little and on an answerable one it costs a little.
COST = {
    True: {Outcome.ANSWER: 0.0, Outcome.UNSURE: 1.0, Outcome.NOT_FOUND: 6.0},
    False: {Outcome.ANSWER: 4.0, Outcome.UNSURE: 0.2, Outcome.NOT_FOUND: 0.0},
}


@dataclass(frozen=True)
class Sample:
    """One question's evidence, whether the corpus answers it, and its cross-validation group."""

    id: str
    evidence: Evidence
    answerable: bool
    group: str


def group_of(question: dict) -> str:
    """The gold provision a question is about ("uu-25-1992:6"); its own id when it has none."""
    gold = question.get("gold") or []
    if not gold:
        return "none:" + question["id"]
    g = gold[0]
    return f"{g['doc']}:{g.get('pasal') or g.get('section') or ''}:{g.get('part', '')}"


def samples(assistant, questions: Sequence[dict], k: int = 10) -> list[Sample]:
    """Retrieve every question once and measure its evidence."""
    out = []
    for q in questions:
        query = assistant.retriever.prepare(q["question"])
        hits = assistant.retrieve(query.normal, k=k)
        ev = assess(
            query, hits, assistant._named_missing(query.normal, None), assistant.frequencies
        )
        out.append(Sample(q["id"], ev, q.get("kind") != UNANSWERABLE, group_of(q)))
    return out


def _cost(p: np.ndarray, y: np.ndarray, unsure_below: float, not_found_below: float) -> float:
    outcome = np.where(p < not_found_below, 2, np.where(p < unsure_below, 1, 0))
    table = {True: COST[True], False: COST[False]}
    names = (Outcome.ANSWER, Outcome.UNSURE, Outcome.NOT_FOUND)
    return float(sum(table[bool(t)][names[o]] for t, o in zip(y, outcome)))


def thresholds(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(unsure_below, not_found_below) of least total cost on these probabilities."""
    grid = np.unique(np.concatenate([[0.0, 1.0], p, (p[:-1] + p[1:]) / 2 if len(p) > 1 else p]))
    grid = np.unique(np.round(grid, 4))
    best = (np.inf, 0.5, 0.0)
    for hi in grid:
        for lo in grid[grid <= hi]:
            c = _cost(p, y, hi, lo)
            # ties: the lower thresholds (fewer "not found", fewer "kurang yakin")
            if c < best[0] - 1e-9:
                best = (c, float(hi), float(lo))
    return best[1], best[2]


def fit_model(xs: np.ndarray, y: np.ndarray) -> DecisionModel:
    """Logistic regression on standardised features, thresholds of least cost in-sample."""
    from sklearn.linear_model import LogisticRegression

    means = np.nanmean(xs, axis=0)
    xs = np.where(np.isnan(xs), means, xs)  # an absent score counts as average
    scales = xs.std(axis=0)
    scales[scales == 0] = 1.0
    lr = LogisticRegression(C=C, max_iter=1000).fit((xs - means) / scales, y)
    model = DecisionModel(
        tuple(float(w) for w in lr.coef_[0]),
        float(lr.intercept_[0]),
        tuple(float(m) for m in means),
        tuple(float(s) for s in scales),
        0.5,
        0.0,
    )
    p = np.array([model.probability(_evidence(x)) for x in xs])
    hi, lo = thresholds(p, y)
    return DecisionModel(model.weights, model.bias, model.means, model.scales, hi, lo)


def _evidence(x: Sequence[float]) -> Evidence:
    return Evidence(**dict(zip(FEATURES, (float(v) for v in x))), terms=1)


def rates(outcomes: Sequence[Outcome], answerable: Sequence[bool]) -> dict[str, float]:
    """The target figures of the decision: false refusals, unsure, unanswerable declined."""
    a = [o for o, t in zip(outcomes, answerable) if t]
    u = [o for o, t in zip(outcomes, answerable) if not t]
    share = lambda n, d: round(n / d, 4) if d else 0.0  # noqa: E731
    return {
        "n": len(outcomes),
        "n_unanswerable": len(u),
        "false_refusal_rate": share(sum(o == Outcome.NOT_FOUND for o in a), len(a)),
        "unsure_rate": share(sum(o == Outcome.UNSURE for o in a), len(a)),
        "answered_rate": share(sum(o == Outcome.ANSWER for o in a), len(a)),
        "unanswerable_declined_rate": share(sum(o != Outcome.ANSWER for o in u), len(u)),
        "unanswerable_not_found_rate": share(sum(o == Outcome.NOT_FOUND for o in u), len(u)),
    }


def cross_validate(data: Sequence[Sample], folds: int = FOLDS) -> dict:
    """Outcomes of every question predicted by a model fitted on the other folds."""
    from sklearn.model_selection import GroupKFold

    xs = np.array([s.evidence.vector() for s in data])
    y = np.array([s.answerable for s in data])
    groups = [s.group for s in data]
    predicted: list[Outcome | None] = [None] * len(data)
    for train, test in GroupKFold(n_splits=folds).split(xs, y, groups):
        model = fit_model(xs[train], y[train])
        for i in test:
            predicted[i] = model.decide(data[i].evidence)
    return rates(predicted, list(y)) | {"folds": folds, "grouped_by": "gold provision"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.fit", description=__doc__)
    parser.add_argument("qa", type=Path, nargs="*", default=list(DEFAULT_FILES))
    parser.add_argument("--write", action="store_true", help=f"save the model to {FITTED_FILE}")
    args = parser.parse_args(argv)
    from .config import Settings
    from .pipeline import Assistant

    assistant = Assistant.from_settings(Settings.from_env())
    questions = [q for path in args.qa for q in load_questions(path)]
    data = samples(assistant, questions)
    cv = cross_validate(data)
    xs = np.array([s.evidence.vector() for s in data])
    y = np.array([s.answerable for s in data])
    model = fit_model(xs, y)
    in_sample = rates([model.decide(s.evidence) for s in data], list(y))
    print(f"{len(data)} questions from {', '.join(p.name for p in args.qa)}")
    print("cross-validated:", json.dumps(cv))
    print("in-sample:      ", json.dumps(in_sample))
    print("weights:", {f: round(w, 3) for f, w in zip(FEATURES, model.weights)})
    print(
        f"thresholds: kurang yakin below {model.unsure_below}, tidak ditemukan below "
        f"{model.not_found_below}"
    )
    if args.write:
        values = model.to_dict() | {
            "embedding_model": assistant.settings.model,
            "cross_validated": cv,
            "cost": {str(k): {str(o): c for o, c in v.items()} for k, v in COST.items()},
        }
        fitted.save("decision", values, args.qa, "assistant.fit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
