"""index/scorer.json: the shipped weights fit the current features, and a stale file is refused."""

import json
from pathlib import Path

import numpy as np
import pytest

from index.answerer import CONFIDENCE_NAMES, RERANK_NAMES, SCORER_PATH, Scorer
from index.features import FEATURE_NAMES


def test_the_shipped_weights_fit_the_current_features():
    scorer = Scorer.load()
    assert scorer.sentence.weights.shape == (len(FEATURE_NAMES),)
    assert scorer.rerank.weights.shape == (len(RERANK_NAMES),)
    assert scorer.confidence.weights.shape == (len(CONFIDENCE_NAMES),)
    assert np.isfinite(scorer.confidence.weights).all()


def _stale(tmp_path: Path) -> Path:
    """The shipped file as if one ranker feature had been removed and another added since the fit."""
    data = json.loads(SCORER_PATH.read_text(encoding="utf-8"))
    sentence = data["sentence"]
    sentence["features"] = ["a_removed_feature", *sentence["features"][1:]]
    sentence["weights"] = [5.0, *sentence["weights"][1:]]
    path = tmp_path / "scorer.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_weights_fitted_for_other_features_are_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="fitted for other features; rerun scripts/fit_scorer.py"):
        Scorer.load(_stale(tmp_path))


def test_carried_over_weights_keep_the_features_that_still_exist(tmp_path: Path):
    shipped, carried = Scorer.load(), Scorer.load(_stale(tmp_path), carry_over=True)
    assert carried.sentence.weights[0] == 0.0  # FEATURE_NAMES[0] is not in the stale file
    assert np.array_equal(carried.sentence.weights[1:], shipped.sentence.weights[1:])
    assert carried.sentence.bias == shipped.sentence.bias
    assert np.array_equal(carried.confidence.weights, shipped.confidence.weights)
