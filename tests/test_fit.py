"""The fitting commands' pure parts: candidate settings, scores, grouped cross-validation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.fit_retrieval import GRID, cross_validate, score, settings
from assistant.retrieval.options import RetrievalOptions


def test_candidates_are_the_base_each_weight_alone_and_random_points():
    base = RetrievalOptions()
    found = settings(base, n_random=5)
    assert found[0] == {}
    alone = [c for c in found[1:] if len(c) == 1]
    assert {name for c in alone for name in c} == set(GRID)
    assert all(c[name] != getattr(base, name) for c in alone for name in c)
    assert all(set(c) == set(GRID) for c in found[len(alone) + 1 :])
    assert settings(base, n_random=5) == found  # seeded


def test_score_is_recall_at_5_plus_mrr():
    assert score(np.array([1, 2, 0, 6])) == pytest.approx(0.5 + (1 + 0.5 + 1 / 6) / 4)
    assert score(np.array([], dtype=int)) == 0.0


def test_cross_validation_never_sees_a_held_out_group():
    # setting 1 is perfect on group "a" only; setting 0 is mediocre everywhere. The choice made
    # without group "a" cannot know that setting 1 is good there.
    groups = ["a"] * 4 + ["b", "c", "d", "e"] * 2
    base = np.full(len(groups), 3)
    tuned = np.where(np.array(groups) == "a", 1, 0)
    report = cross_validate(np.stack([base, tuned]), groups, folds=5)
    assert report["base"]["recall_at_5"] == 1.0
    assert report["cross_validated"]["mrr_at_10"] <= report["base"]["mrr_at_10"]


def test_fitted_options_read_from_the_file(tmp_path):
    path = tmp_path / "fitted.json"
    assert RetrievalOptions.fitted(path) == RetrievalOptions()
    path.write_text(json.dumps({"retrieval": {"options": {"dense_weight": 0.9, "rrf_k": 40}}}))
    fitted = RetrievalOptions.fitted(path)
    assert (fitted.dense_weight, fitted.rrf_k) == (0.9, 40)
    path.write_text(json.dumps({"retrieval": {"options": {"no_such_weight": 1}}}))
    with pytest.raises(ValueError, match="no_such_weight"):
        RetrievalOptions.fitted(path)


def test_choose_applies_each_folds_pick_to_its_held_out_questions():
    from assistant.fit_retrieval import choose

    groups = ["a", "a", "b", "b", "c", "c", "d", "d", "e", "e"]
    good = np.ones(10)
    bad = np.zeros(10)
    held_out, picks = choose(np.stack([bad, good]), groups, np.mean, folds=5)
    assert picks == [1] * 5 and held_out.tolist() == good.tolist()


def test_selection_read_from_the_file(tmp_path):
    from assistant.answer.extractive import Selection

    path = tmp_path / "fitted.json"
    assert Selection.fitted(path) == Selection()
    path.write_text(json.dumps({"selection": {"options": {"max_statements": 3}}}))
    assert Selection.fitted(path).max_statements == 3
    path.write_text(json.dumps({"selection": {"options": {"max_quotes": 3}}}))
    with pytest.raises(ValueError, match="max_quotes"):
        Selection.fitted(path)
