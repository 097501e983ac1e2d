"""Fit the sentence ranker and the confidence model, and write index/scorer.json.

Usage (takes a few minutes; needs scikit-learn from the dev extras):

    python scripts/fit_scorer.py --corpus ../shared/bench/squad2-dev-a/corpus \
        --questions ../shared/bench/squad2-dev-a/questions.yaml --limit 3000 \
        --extra-corpus seeds --extra-questions ../shared/eval/dev.yaml eval/seeds.yaml --write

The sentence ranker is a linear model over the features in index/features.py,
fitted listwise (softmax over each question's candidates); the confidence model
is a logistic regression over the features in index/answerer.py. Benchmark
articles are split in two by position: the figures printed for the held-out
half are what to expect on unseen articles; the extra (in-domain) set is judged
by cross-validation. The weights written are then fitted on everything.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from index.answerer import CONFIDENCE_NAMES, SCORER_PATH, LinearModel
from index.config import parse_config
from index.engine import Engine
from index.evaluate import confidence_auc, contains_answer, load_questions, sample
from index.features import FEATURE_NAMES

# Inverse L2 strength of the confidence model. With 156 in-domain questions, 0.1 beat 1.0 in this
# script's cross-validated table (best share handled right 0.756 against 0.744), at a cost of about
# 0.01 in SQuAD AUC (0.672 against 0.680 on the 3,000-question sample).
CONFIDENCE_C = 0.1


def collect(engine: Engine, questions):
    answerer = engine._ready()
    rows = []
    for q, query in zip(questions, engine.queries([q.q for q in questions]), strict=True):
        scored = answerer.score(query)
        labels = np.array(
            [q.answerable and contains_answer(engine.index.sentences[r].text, q.answers) for r in scored.rows]
        )
        rows.append((q, scored, labels))
    return answerer, rows


def fit_sentence(rows, weights=None, l2=0.01):
    """Listwise linear ranker: maximise the softmax probability of the right sentences per question.

    Only questions with a right candidate count. `weights` (one per row of `rows`) lets a
    small in-domain set count as much as a large benchmark. Features are standardised
    for the optimiser and the weights mapped back, so scorer.json takes raw features.
    """
    weights = weights or [1.0] * len(rows)
    keep = [(s.features, y, w) for (q, s, y), w in zip(rows, weights, strict=True) if q.answerable and y.any()]
    stacked = np.vstack([x for x, _y, _w in keep])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0) + 1e-6
    lists = [((x - mean) / scale, y, w) for x, y, w in keep]
    total = sum(w for _x, _y, w in lists)

    def loss_and_grad(theta):
        loss, grad = l2 * theta @ theta, 2 * l2 * theta
        for x, y, w in lists:
            logits = x @ theta
            p = np.exp(logits - logits.max())
            p /= p.sum()
            right = p[y].sum()
            loss -= w * np.log(right + 1e-12) / total
            grad -= w * (x.T @ (np.where(y, p / (right + 1e-12), 0.0) - p)) / total
        return loss, grad

    theta = minimize(loss_and_grad, np.zeros(stacked.shape[1]), jac=True, method="L-BFGS-B").x
    # Shift so a typical right answer sits near logit 0; only differences matter for ranking.
    coef = theta / scale
    return LinearModel(coef, -float(np.mean([(x[y] @ coef).mean() for x, y, _w in keep])))


def confidence_table(answerer, rows, model):
    X, y = [], []
    for _q, s, labels in rows:
        logits = model.logit(s.features)
        order = np.argsort(-logits, kind="stable")
        X.append(answerer._confidence_features(s.query, s.rows[order], s.features[order], logits[order]))
        y.append(bool(labels[order][0]) if len(order) else False)
    return np.vstack(X), np.array(y)


def report(name, answerer, rows, sent_model, conf_model):
    X, y = confidence_table(answerer, rows, sent_model)
    p = conf_model.probability(X)
    ans = np.array([q.answerable for q, _s, _y in rows])
    print(
        f"{name}: sentence hit@1 {y[ans].mean():.3f} on {ans.sum()} answerable; "
        f"confidence AUC answerable-vs-unanswerable {confidence_auc(list(p[ans]), list(p[~ans])):.3f}"
    )


def fit_confidence(answerer, rows, extra_answerer, extra, sent, extra_weight) -> LinearModel:
    """Logistic regression on the confidence features of both sets, the extra questions weighted up.

    Confidence features depend on the index, so each set's table comes from its own answerer.
    With an extra (in-domain) set, the benchmark rows get an intercept of their own: how
    often the top sentence is right differs between SQuAD's adversarial questions and
    questions about news articles, and one shared intercept would bend the weights to
    cover that gap. The model returned keeps the in-domain intercept.
    """
    X, y = confidence_table(answerer, rows, sent)
    if not extra:
        model = LogisticRegression(C=CONFIDENCE_C, max_iter=2000).fit(X, y)
        return LinearModel(model.coef_[0], float(model.intercept_[0]))
    X_extra, y_extra = confidence_table(extra_answerer, extra, sent)
    benchmark = np.concatenate([np.ones(len(y)), np.zeros(len(y_extra))])
    X = np.column_stack([np.vstack([X, X_extra]), benchmark])
    sample_weight = np.concatenate([np.ones(len(y)), np.full(len(y_extra), extra_weight)])
    y = np.concatenate([y, y_extra])
    model = LogisticRegression(C=CONFIDENCE_C, max_iter=2000).fit(X, y, sample_weight=sample_weight)
    return LinearModel(model.coef_[0][:-1], float(model.intercept_[0]))


def cross_validate(answerer, rows, extra_answerer, extra, args):
    """Judge every extra question by a ranker and confidence model fitted without its fold.

    Prints the cross-validated hit@1 and, per confidence threshold, the answer
    accuracy and abstentions `racebot eval` would report, and the share of all
    questions handled right (answered correctly, or rightly abstained): the table
    to choose `answer.min_confidence` from.
    """
    fold = np.random.default_rng(args.seed).permutation(len(extra)) % args.folds
    weights = [1.0] * len(rows)
    judged = []  # (answerable, top sentence right, confidence)
    for k in range(args.folds):
        train_extra = [r for r, f in zip(extra, fold, strict=True) if f != k]
        test_extra = [r for r, f in zip(extra, fold, strict=True) if f == k]
        sent = fit_sentence(rows + train_extra, weights + [args.extra_weight] * len(train_extra))
        conf = fit_confidence(answerer, rows, extra_answerer, train_extra, sent, args.extra_weight)
        X, y = confidence_table(extra_answerer, test_extra, sent)
        p = conf.probability(X)
        judged += [(r[0].answerable, bool(right), float(c)) for r, right, c in zip(test_extra, y, p, strict=True)]
    answerable = [(right, c) for a, right, c in judged if a]
    unanswerable = [c for a, _right, c in judged if not a]
    hit1 = np.mean([right for right, _c in answerable])
    print(f"extra set: {args.folds}-fold cross-validated hit@1 {hit1:.3f} on {len(answerable)} answerable")
    print(
        f"  threshold  answer-accuracy  false-abstentions  unanswerable-abstained (of {len(unanswerable)})"
        "  all-handled-right"
    )
    for t in np.arange(0.10, 0.61, 0.05):
        correct = sum(right and c >= t for right, c in answerable)
        accuracy = correct / len(answerable)
        false_abstentions = np.mean([c < t for _right, c in answerable])
        abstained = sum(c < t for c in unanswerable)
        handled = (correct + abstained) / len(judged)
        print(f"  {t:9.2f}  {accuracy:15.3f}  {false_abstentions:17.3f}  {abstained:22d}  {handled:17.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--extra-corpus", type=Path, default=None, help="a second, in-domain corpus (e.g. seeds)")
    parser.add_argument(
        "--extra-questions", type=Path, nargs="+", default=[], help="its question files (e.g. eval/dev.yaml)"
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds for the extra set")
    parser.add_argument(
        "--extra-weight", type=float, default=30.0, help="how many benchmark questions one extra question counts as"
    )
    parser.add_argument("--write", action="store_true", help="write index/scorer.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    config = parse_config({"corpus": {"dir": str(args.corpus.resolve())}}, Path.cwd()).with_paths(index=args.index)
    engine = Engine(config)
    engine.warm_up(progress=True)
    questions = sample(load_questions(args.questions), args.limit, args.seed)
    answerer, rows = collect(engine, questions)
    articles = sorted({q.sources[0] for q in questions if q.sources} | {""})
    held_out = set(articles[1::2])
    train = [r for r in rows if not (r[0].sources and r[0].sources[0] in held_out)]
    test = [r for r in rows if r[0].sources and r[0].sources[0] in held_out]
    sent = fit_sentence(train)
    conf = fit_confidence(answerer, train, None, [], sent, args.extra_weight)
    report("train half", answerer, train, sent, conf)
    report("held-out half", answerer, test, sent, conf)
    weights = [1.0] * len(rows)
    main_rows, extra, extra_answerer = rows, [], None
    if args.extra_corpus and args.extra_questions:
        extra_config = parse_config({"corpus": {"dir": str(args.extra_corpus.resolve())}}, Path.cwd())
        extra_engine = Engine(extra_config, embedder=engine.embedder)
        extra_engine.warm_up()
        extra_questions = [q for path in args.extra_questions for q in load_questions(path)]
        extra_answerer, extra = collect(extra_engine, extra_questions)
        cross_validate(answerer, rows, extra_answerer, extra, args)
        rows, weights = rows + extra, weights + [args.extra_weight] * len(extra)
    sent = fit_sentence(rows, weights)
    conf = fit_confidence(answerer, main_rows, extra_answerer, extra, sent, args.extra_weight)
    report("all (fitted on all)", answerer, main_rows, sent, conf)
    if extra:
        report("extra set (fitted on all)", extra_answerer, extra, sent, conf)
    scorer = {
        "sentence": {
            "features": list(FEATURE_NAMES),
            "weights": [round(float(w), 5) for w in sent.weights],
            "bias": round(float(sent.bias), 5),
        },
        "confidence": {
            "features": list(CONFIDENCE_NAMES),
            "weights": [round(float(w), 5) for w in conf.weights],
            "bias": round(float(conf.bias), 5),
        },
    }
    print(json.dumps(scorer, indent=1))
    if args.write:
        SCORER_PATH.write_text(json.dumps(scorer, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {SCORER_PATH}")


if __name__ == "__main__":
    main()
