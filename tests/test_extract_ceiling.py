"""scripts/extract_ceiling.py: the ceiling it reports starts from what `stance extract --evaluate`
measures, and each wider candidate set only adds (the figures in issue 14's closing note rest on both)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from stance.extract.evaluate import evaluate

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


def test_wider_sets_only_add_candidates_and_hits(collected, ceiling):
    cands, labels, _ = collected
    sizes = [sum(c.level <= k for c in cands) for k in range(len(ceiling.LEVELS))]
    hits = [sum(c.right for c in cands if c.level <= k) for k in range(len(ceiling.LEVELS))]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    assert hits == sorted(hits) and hits[-1] <= len(labels)
    # both signs: every candidate has its opposite, and a label matches at most one of the two
    assert sizes[-1] == 2 * sizes[-2]


def test_cross_validation_scores_every_candidate_from_other_articles(collected, ceiling):
    cands, _, _ = collected
    p = ceiling.cross_validated(cands, 3)
    assert p.shape == (len(cands),) and np.all((p > 0) & (p < 1))
    right = np.array([c.right for c in cands])
    assert p[right].mean() > p[~right].mean()  # the features carry signal even out of fold


def test_fit_recovers_a_separable_rule(ceiling):
    x = np.array([[1.0, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]] * 5)
    y = np.array([1.0, 1, 0, 0] * 5)
    w = ceiling.fit(x, y)
    assert w[0] > 0 > w[1]
