"""fit_scorer: the in-domain set (chat forms of each question, kept in their question's fold) and the rerank ratio."""

import argparse
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from fit_scorer import folds_by_group, rerank_ratio, with_chat_forms, with_reader_ratio  # noqa: E402

from index.answerer import LinearModel  # noqa: E402
from index.evaluate import EvalQuestion  # noqa: E402

QUESTIONS = [
    EvalQuestion("How many people ran in the special election?", ("18 candidates",), ("000",)),
    EvalQuestion("What is Karen Handel's stance on immigration?", answerable=False),
]


def test_each_question_comes_first_as_written_then_as_typed_in_chat():
    questions, groups = with_chat_forms(QUESTIONS, forms=2, seed=0)
    assert questions[0] == QUESTIONS[0] and questions[groups.index(1)] == QUESTIONS[1]
    assert groups == sorted(groups) and set(groups) == {0, 1}
    for question, group in zip(questions, groups, strict=True):
        original = QUESTIONS[group]
        assert (question.answers, question.sources, question.answerable) == (
            original.answers,
            original.sources,
            original.answerable,
        )
        if question != original:
            assert question.q == question.q.lower() and not question.q.endswith("?")
    assert len(questions) > len(QUESTIONS)
    assert with_chat_forms(QUESTIONS, forms=2, seed=0) == (questions, groups)  # reproducible


def test_no_chat_forms_leaves_the_questions_alone():
    assert with_chat_forms(QUESTIONS, forms=0, seed=0) == (QUESTIONS, [0, 1])


def test_a_questions_rows_share_one_fold_and_every_fold_is_used():
    groups = [g for g in range(50) for _ in range(3)]
    folds = folds_by_group(groups, folds=5, seed=0)
    for g in range(50):
        assert len({f for f, h in zip(folds, groups, strict=True) if h == g}) == 1
    assert set(folds) == {0, 1, 2, 3, 4}


def test_the_halves_split_the_benchmark_by_article_and_keep_every_row():
    from fit_scorer import Row, halves

    from index.evaluate import held_out_articles

    questions = [EvalQuestion(f"Question {i}?", ("x",), (f"article-{i % 6}",)) for i in range(30)]
    rows = [Row(q, None, None, None, {}) for q in questions]  # halves reads only the questions
    train, test = halves(rows)
    held_out = held_out_articles(questions)
    assert held_out and len(train) + len(test) == len(rows)
    assert all(r.question.sources[0] in held_out for r in test)
    assert not any(r.question.sources[0] in held_out for r in train)


def test_article_folds_deal_whole_articles_and_keep_every_row():
    from fit_scorer import Row, article_folds

    questions = [EvalQuestion(f"Question {i}?", ("x",), (f"article-{i % 5}",)) for i in range(40)]
    rows = [Row(q, None, None, None, {}) for q in questions]  # article_folds reads only the questions
    folds = article_folds(rows, folds=2)
    assert sum(len(f) for f in folds) == len(rows) and all(folds)
    articles = [{r.question.sources[0] for r in fold} for fold in folds]
    assert not articles[0] & articles[1]


def test_the_rerank_ratio_keeps_the_weights_sum():
    fitted = LinearModel(np.array([0.2, 0.6], dtype=np.float32), 0.5)
    equal = with_reader_ratio(fitted, 1.0)
    assert np.allclose(equal.weights, [0.4, 0.4]) and equal.bias == 0.5
    assert np.allclose(with_reader_ratio(fitted, 3.0).weights, [0.2, 0.6])
    assert with_reader_ratio(fitted, None) is fitted


def test_the_rerank_ratio_option_takes_a_positive_number_or_fitted():
    assert rerank_ratio("1.5") == 1.5 and rerank_ratio("fitted") is None
    for bad in ("0", "-1", "two", "inf"):
        with pytest.raises(argparse.ArgumentTypeError, match=f"positive number or 'fitted', got '{bad}'"):
            rerank_ratio(bad)
