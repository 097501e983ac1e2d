"""ablate_scorer: each family names real features, and a removed feature is gone from every fit's input."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from ablate_scorer import FAMILIES, without  # noqa: E402
from fit_scorer import RANKER_ONLY, collect, confidence_table, fit_sentence  # noqa: E402

from index.answerer import CONFIDENCE_NAMES  # noqa: E402
from index.evaluate import EvalQuestion  # noqa: E402
from index.features import FEATURE_NAMES  # noqa: E402

QUESTIONS = [
    EvalQuestion("How old is Jon Ossoff?", ("30-year-old",), ("000",)),
    EvalQuestion("Who is Karen Handel?", ("Handel",), ("000",)),
    EvalQuestion("What is Karen Handel's stance on immigration?", answerable=False),
    EvalQuestion("Which candidate did not campaign?", answerable=False),
]


def test_every_family_names_features_that_exist():
    for family, (ranker, confidence) in FAMILIES.items():
        assert set(ranker) <= set(FEATURE_NAMES), family
        assert set(confidence) <= set(CONFIDENCE_NAMES), family


def test_a_removed_feature_is_zero_for_the_ranker_and_the_confidence(real_engine):
    rows = collect(real_engine, QUESTIONS)
    ranker_drop, confidence_drop = ("soft", "soft_missing", "cos"), ("negation",)
    ablated = without(rows, ranker_drop, confidence_drop)
    for row, original in zip(ablated, rows, strict=True):
        assert row.reads is original.reads  # reader logits are read once for every family
        for name in FEATURE_NAMES:
            column, kept = (r.scored.features[:, FEATURE_NAMES.index(name)] for r in (row, original))
            assert (not column.any()) if name in ranker_drop else np.array_equal(column, kept)
    sentence = fit_sentence(ablated)
    assert all(sentence.weights[FEATURE_NAMES.index(n)] == 0 for n in ranker_drop)
    before, _right = confidence_table(rows, fit_sentence(rows), RANKER_ONLY)
    X, _right = confidence_table(ablated, sentence, RANKER_ONLY)
    for name in ("soft_missing", "cos", "negation"):  # dropped here, or with the ranker feature it copies
        assert before[:, CONFIDENCE_NAMES.index(name)].any() and not X[:, CONFIDENCE_NAMES.index(name)].any()
    assert X[:, CONFIDENCE_NAMES.index("reader")].any()
