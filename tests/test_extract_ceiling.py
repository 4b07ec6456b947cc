"""scripts/extract_ceiling.py: the ceiling it reports starts from what `stance extract --evaluate`
measures, a label matches one candidate at most, and no score comes from a model that saw its labels
(the figures in issue 14's closing note rest on these)."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from stance.extract.evaluate import Label, evaluate

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"


@pytest.fixture(scope="module")
def ceiling():
    spec = importlib.util.spec_from_file_location("extract_ceiling", ROOT / "scripts" / "extract_ceiling.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def collected(ceiling):
    return ceiling.collect(GOLD)


def test_rules_level_is_what_evaluate_scores(collected):
    cands, labels, _ = collected
    score = evaluate(GOLD)
    rules = [c for c in cands if c.level == 0]
    assert len(rules) == score.proposals
    assert sum(c.right for c in rules) == len(score.hits)
    assert len(labels) == score.labels


def _cand(ceiling, level: int, sign: int, sentence: str = "china backs the sanctions.") -> object:
    return ceiling.Candidate("a.txt", "dev", sentence, "CHN", "dprk-sanctions", sign, level)


def test_a_label_takes_one_candidate_the_narrowest_and_only_with_its_sign(ceiling):
    sentences = ["russia said no.", "china backs the sanctions."]
    label = Label("a.txt", "CHN", "dprk-sanctions", 1, "", "china backs", "")
    wide, narrow, flipped = _cand(ceiling, 2, 1), _cand(ceiling, 1, 1), _cand(ceiling, 3, -1)
    other_sentence = _cand(ceiling, 0, 1, "russia said no.")
    ceiling.mark([wide, flipped, other_sentence, narrow], [label], {"a.txt": sentences})
    assert (narrow.right, wide.right, flipped.right, other_sentence.right) == (True, False, False, False)
    # two labels of the same statement take two candidates; a third label finds none left
    again = [_cand(ceiling, 0, 1), _cand(ceiling, 1, 1)]
    ceiling.mark(again, [label, label, label], {"a.txt": sentences})
    assert [c.right for c in again] == [True, True]


def test_out_of_fold_scores_ignore_the_folds_own_labels(collected, ceiling):
    cands, _, _ = collected
    folds = 3
    fold = np.array([int(hashlib.sha1(c.file.encode()).hexdigest(), 16) % folds for c in cands])
    before = ceiling.cross_validated(cands, folds)
    flipped = [dataclasses.replace(c, right=not c.right) if f == 0 else c for c, f in zip(cands, fold, strict=True)]
    after = ceiling.cross_validated(flipped, folds)
    assert np.allclose(before[fold == 0], after[fold == 0])  # fold 0 is scored by a model that never saw it
    assert not np.allclose(before[fold != 0], after[fold != 0])  # the other folds' models trained on its labels
    right = np.array([c.right for c in cands])
    assert before[right].mean() > before[~right].mean()  # the features carry signal out of fold


def test_a_held_out_part_is_scored_by_a_model_that_never_saw_its_labels(collected, ceiling):
    cands, _, _ = collected
    train, test = cands[: len(cands) // 2], cands[len(cands) // 2:]
    before = ceiling.trained_on(train, test)
    after = ceiling.trained_on(train, [dataclasses.replace(c, right=not c.right) for c in test])
    assert np.allclose(before, after) and np.all((before > 0) & (before < 1))


def test_the_threshold_is_the_one_with_most_right_answers_at_target_precision(ceiling):
    rows = [(0.2, 80, 120), (0.3, 75, 99), (0.4, 70, 90), (0.5, 60, 70)]
    assert ceiling.best_threshold(rows) == (0.3, 75, 99)  # 0.2 is below 0.75 precision
    assert ceiling.best_threshold([(0.2, 1, 10)]) is None


def test_fit_recovers_a_separable_rule(ceiling):
    x = np.array([[1.0, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]] * 5)
    y = np.array([1.0, 1, 0, 0] * 5)
    w = ceiling.fit(x, y)
    assert w[0] > 0 > w[1]
