"""Fit the sentence ranker and the confidence model, and write index/scorer.json.

Usage (takes a few minutes; needs scikit-learn from the dev extras):

    python scripts/fit_scorer.py --corpus ../shared/bench/squad2-dev-a/corpus \
        --questions ../shared/bench/squad2-dev-a/questions.yaml --limit 3000

Both models are logistic regressions over the features in index/features.py
and index/answerer.py. Articles are split in two by position: the figures
printed for the held-out half are what to expect on unseen articles; the
weights written are then fitted on all of them.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from index.answerer import CONFIDENCE_NAMES, SCORER_PATH
from index.config import parse_config
from index.engine import Engine
from index.evaluate import confidence_auc, contains_answer, load_questions, sample
from index.features import FEATURE_NAMES
from index.retriever import make_query


def collect(engine: Engine, questions):
    answerer = engine._ready()
    rows = []
    vectors = engine.embedder.embed([q.q for q in questions])
    for q, v in zip(questions, vectors, strict=True):
        scored = answerer.score(make_query(q.q, v))
        labels = np.array(
            [q.answerable and contains_answer(engine.index.sentences[r].text, q.answers) for r in scored.rows]
        )
        rows.append((q, scored, labels))
    return answerer, rows


def fit_sentence(rows, weights=None):
    """Pointwise logistic ranker over the candidates of questions that have a right one.

    `weights` (one per row of `rows`) lets a small in-domain set count as much as a large benchmark.
    """
    weights = weights or [1.0] * len(rows)
    keep = [(s, y, w) for (q, s, y), w in zip(rows, weights, strict=True) if q.answerable and y.any()]
    X = np.vstack([s.features for s, y, w in keep])
    y = np.concatenate([y for s, y, w in keep])
    sample_weight = np.concatenate([np.full(len(y), w / len(y)) for s, y, w in keep])
    return LogisticRegression(C=1.0, max_iter=3000).fit(X, y, sample_weight=sample_weight * len(keep))


def hit_at_1(rows, model):
    hits = [bool(y[np.argmax(s.features @ model.coef_[0])]) for q, s, y in rows if q.answerable and len(y)]
    return sum(hits) / max(len(hits), 1)


def confidence_table(answerer, rows, model):
    X, y = [], []
    for _q, s, labels in rows:
        logits = s.features @ model.coef_[0] + model.intercept_[0]
        order = np.argsort(-logits, kind="stable")
        X.append(answerer._confidence_features(s.query, s.retrieval, s.rows[order], s.features[order], logits[order]))
        y.append(bool(labels[order][0]) if len(order) else False)
    return np.vstack(X), np.array(y)


def report(name, answerer, rows, sent_model, conf_model):
    X, y = confidence_table(answerer, rows, sent_model)
    p = conf_model.predict_proba(X)[:, 1]
    ans = np.array([q.answerable for q, _s, _y in rows])
    print(
        f"{name}: sentence hit@1 {y[ans].mean():.3f} on {ans.sum()} answerable; "
        f"confidence AUC answerable-vs-unanswerable {confidence_auc(list(p[ans]), list(p[~ans])):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--extra-corpus", type=Path, default=None, help="a second, in-domain corpus (e.g. seeds)")
    parser.add_argument("--extra-questions", type=Path, default=None, help="its questions (e.g. eval/dev.yaml)")
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
    conf = LogisticRegression(C=1.0, max_iter=2000).fit(*confidence_table(answerer, train, sent))
    report("train half", answerer, train, sent, conf)
    report("held-out half", answerer, test, sent, conf)
    weights = [1.0] * len(rows)
    main_rows = rows  # the confidence model is fitted on the benchmark only: its features need its index
    if args.extra_corpus and args.extra_questions:
        extra_config = parse_config({"corpus": {"dir": str(args.extra_corpus.resolve())}}, Path.cwd())
        extra_engine = Engine(extra_config, embedder=engine.embedder)
        extra_engine.warm_up()
        _, extra = collect(extra_engine, load_questions(args.extra_questions))
        loo = []
        for i in range(len(extra)):  # leave-one-out: each extra question judged by weights fitted without it
            model = fit_sentence(rows + extra[:i] + extra[i + 1 :], weights + [args.extra_weight] * (len(extra) - 1))
            if extra[i][0].answerable:
                loo.append(hit_at_1([extra[i]], model))
        print(f"extra set: leave-one-out sentence hit@1 {sum(loo) / len(loo):.3f} on {len(loo)} answerable")
        rows, weights = rows + extra, weights + [args.extra_weight] * len(extra)
    sent = fit_sentence(rows, weights)
    conf = LogisticRegression(C=1.0, max_iter=2000).fit(*confidence_table(answerer, main_rows, sent))
    report("all (fitted on all)", answerer, main_rows, sent, conf)
    scorer = {
        "sentence": {
            "features": list(FEATURE_NAMES),
            "weights": [round(float(w), 5) for w in sent.coef_[0]],
            "bias": round(float(sent.intercept_[0]), 5),
        },
        "confidence": {
            "features": list(CONFIDENCE_NAMES),
            "weights": [round(float(w), 5) for w in conf.coef_[0]],
            "bias": round(float(conf.intercept_[0]), 5),
        },
    }
    print(json.dumps(scorer, indent=1))
    if args.write:
        SCORER_PATH.write_text(json.dumps(scorer, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {SCORER_PATH}")


if __name__ == "__main__":
    main()
