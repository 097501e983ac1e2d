"""Fit the sentence ranker and the confidence model, and write index/scorer.json.

Usage (takes a few minutes; needs scikit-learn from the dev extras):

    python scripts/fit_scorer.py --corpus ../shared/bench/squad2-dev-a/corpus \
        --questions ../shared/bench/squad2-dev-a/questions.yaml --limit 3000 \
        --extra-corpus seeds --extra-questions ../shared/eval/dev.yaml eval/seeds.yaml --write

The sentence ranker is a linear model over the features in index/features.py,
fitted listwise (softmax over each question's candidates); the rerank model
combines its logit with the reader's (index/reader.py) over the sentences the
reader reads, fitted the same way; the confidence model is a logistic
regression over the features in index/answerer.py. Benchmark
articles are split in two by position: the figures printed for the held-out
half are what to expect on unseen articles; the extra (in-domain) set is judged
by cross-validation. The weights written are then fitted on everything.

`--benchmark-fit held-out` fits on the held-out half only: the reader trained on the other
half, whose logits flatter it, so there the fit learns how far to trust the reader on articles
it never saw. Measured with the reader's fourth run on all of squad2-dev-a, the held-out half
cross-fitted: hit@1 0.854 and 0.859, AUC 0.714 and 0.721 (extra weight 10 and 3), against 0.850
and 0.707 fitted on all of it with weight 30. On the bundled articles' judging sets it was a wash
against the shipped scorer (one more chat question answered, two fewer unanswerable ones
abstained on, three with weight 3), so the shipped scorer.json is still fitted the default way.

The rerank's reader weight is then set to `--rerank-ratio` times its ranker weight (the two
weights' sum kept, so the combined scores keep their spread for the supporting citations' margin).
Fitted, the ratio comes out near 2, because the rerank is fitted on questions the reader trained
on, whose logits flatter it. Where the reader's logits are honest (the held-out SQuAD half) a much
lower ratio ranks better, while the in-domain questions lose next to nothing down to 1: README's
"How it works" gives the figures behind the default.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from index.answerer import CONFIDENCE_NAMES, RERANK_NAMES, SCORER_PATH, Answerer, LinearModel, Scored, Scorer
from index.config import parse_config
from index.engine import Engine
from index.evaluate import EvalQuestion, confidence_auc, contains_answer, held_out_articles, load_questions, sample
from index.features import FEATURE_NAMES

sys.path.insert(0, str(Path(__file__).parent))
from reader_data import chat_form  # noqa: E402

# Inverse L2 strength of the confidence model. With 156 in-domain questions, 0.1 beat 1.0 in this
# script's cross-validated table (best share handled right 0.756 against 0.744), at a cost of about
# 0.01 in SQuAD AUC (0.672 against 0.680 on the 3,000-question sample).
CONFIDENCE_C = 0.1
RERANK_RATIO = 1.0  # the rerank's reader weight over its ranker weight; see the docstring for why


NO_CONFIDENCE = LinearModel(np.zeros(len(CONFIDENCE_NAMES), dtype=np.float32), 0.0)
RANKER_ONLY = LinearModel(np.array([1.0, 0.0], dtype=np.float32), 0.0)


@dataclass
class Row:
    """One question's candidates as the current scorer saw them, and the reader logits read so far."""

    question: EvalQuestion
    answerer: Answerer  # of the question's corpus: confidence features depend on the index
    scored: Scored
    labels: np.ndarray  # per scored.rows: does the sentence hold a gold answer
    reads: dict[int, float]  # sentence row -> reader logit
    group: int = 0  # rows of one question (as written and its chat forms) share a cross-validation fold


def collect(engine: Engine, questions: list[EvalQuestion], groups: list[int] | None = None) -> list[Row]:
    answerer = engine.answerer
    rows = []
    groups = groups or list(range(len(questions)))
    for q, query, group in zip(questions, engine.queries([q.q for q in questions]), groups, strict=True):
        scored = answerer.score(query)
        labels = np.array(
            [q.answerable and contains_answer(engine.index.sentences[r].text, q.answers) for r in scored.rows]
        )
        reads = {int(r): float(x) for r, x in zip(scored.rows, scored.reader_logits, strict=False)}
        rows.append(Row(q, answerer, scored, labels, reads, group))
    return rows


def with_chat_forms(questions: list[EvalQuestion], forms: int, seed: int) -> tuple[list[EvalQuestion], list[int]]:
    """Each question as written and `forms` times as typed in chat (scripts/reader_data.chat_form),
    with the group (the original's position) each one belongs to.

    So the confidence learns what a short lowercase query looks like when it is answered right,
    instead of abstaining on "how many ppl ran" because no fitted question looked like it.
    """
    rng = random.Random(seed)
    out, groups = [], []
    for i, question in enumerate(questions):
        variants = {question.q}
        for _ in range(forms):
            variants.add(chat_form(question.q, rng))
        for text in sorted(variants, key=lambda v: v != question.q):
            out.append(dataclasses.replace(question, q=text))
            groups.append(i)
    return out, groups


def staged(row: Row, sent: LinearModel, rerank: LinearModel) -> tuple[Scored, np.ndarray]:
    """The question scored as the answerer would with `sent` and `rerank`, and the labels in that order.

    Sentences that the new ranker puts among the read ones and that were not read before are read now.
    Only the first reading is fitted on: the answerer's second (`answer.read_more`, when unsure) is
    judged by the same models.
    """
    s, answerer = row.scored, row.answerer
    logits = sent.logit(s.features)
    order = np.argsort(-logits, kind="stable")
    top = [int(r) for r in s.rows[order][: answerer.read_candidates]]
    unread = [r for r in top if r not in row.reads]
    if unread:
        row.reads.update(zip(unread, map(float, answerer.read(s.query, np.array(unread))), strict=True))
    reader = np.array([row.reads[r] for r in top], dtype=np.float32)
    scorer = Scorer(sent, rerank, NO_CONFIDENCE)
    scored = answerer.combine(s.query, s.retrieval, s.rows[order], s.features[order], logits[order], reader, scorer)
    label_of = dict(zip(map(int, s.rows), row.labels, strict=True))
    return scored, np.array([label_of[int(r)] for r in scored.rows], dtype=bool)


def fit_sentence(rows: list[Row], weights=None) -> LinearModel:
    """The ranker over FEATURE_NAMES, fitted listwise on every candidate of each question."""
    return fit_listwise([(r.scored.features, r.labels, r.question.answerable) for r in rows], weights)


def with_reader_ratio(rerank: LinearModel, ratio: float | None) -> LinearModel:
    """`rerank` (weights: ranker, reader) with its reader weight `ratio` times its ranker weight and the
    weights' sum unchanged; None leaves it as fitted."""
    if ratio is None:
        return rerank
    total = float(rerank.weights.sum())
    weights = np.array([total / (1 + ratio), total * ratio / (1 + ratio)], dtype=np.float32)
    return LinearModel(weights, rerank.bias)


def fit_rerank(rows: list[Row], sent: LinearModel, weights=None) -> LinearModel:
    """The combination of ranker and reader logits, fitted listwise on the sentences the reader reads."""
    lists = []
    for row in rows:
        scored, labels = staged(row, sent, RANKER_ONLY)
        n = len(scored.reader_logits)
        features = np.column_stack([scored.ranker_logits[:n], scored.reader_logits])
        lists.append((features, labels[:n], row.question.answerable))
    return fit_listwise(lists, weights, shift=False)


def fit_listwise(lists, weights=None, l2=0.01, shift=True) -> LinearModel:
    """Linear scores that maximise the softmax probability of the right items of each list.

    `lists` holds (features, labels, answerable) per question; only answerable questions
    with a right item count. `weights` (one per list) lets a small in-domain set count as
    much as a large benchmark. Features are standardised for the optimiser and the weights
    mapped back, so scorer.json takes raw features. With `shift`, the bias puts a typical
    right item near logit 0 (only differences matter for ranking).
    """
    weights = weights or [1.0] * len(lists)
    keep = [(x, y, w) for (x, y, a), w in zip(lists, weights, strict=True) if a and y.any()]
    stacked = np.vstack([x for x, _y, _w in keep])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0) + 1e-6
    standard = [((x - mean) / scale, y, w) for x, y, w in keep]
    total = sum(w for _x, _y, w in standard)

    def loss_and_grad(theta):
        loss, grad = l2 * theta @ theta, 2 * l2 * theta
        for x, y, w in standard:
            logits = x @ theta
            p = np.exp(logits - logits.max())
            p /= p.sum()
            right = p[y].sum()
            loss -= w * np.log(right + 1e-12) / total
            grad -= w * (x.T @ (np.where(y, p / (right + 1e-12), 0.0) - p)) / total
        return loss, grad

    theta = minimize(loss_and_grad, np.zeros(stacked.shape[1]), jac=True, method="L-BFGS-B").x
    coef = theta / scale
    bias = -float(np.mean([(x[y] @ coef).mean() for x, y, _w in keep])) if shift else 0.0
    return LinearModel(coef, bias)


def confidence_table(rows: list[Row], sent: LinearModel, rerank: LinearModel):
    X, y = [], []
    for row in rows:
        scored, labels = staged(row, sent, rerank)
        X.append(scored.confidence_features)
        y.append(bool(labels[0]) if len(labels) else False)
    return np.vstack(X), np.array(y)


def judged_figures(rows: list[Row], sent: LinearModel, rerank: LinearModel, conf: LinearModel):
    """(top sentence right, per answerable row), (confidence of the answerable rows), (of the unanswerable)."""
    X, y = confidence_table(rows, sent, rerank)
    p = conf.probability(X)
    answerable = np.array([r.question.answerable for r in rows], dtype=bool)
    return y[answerable], p[answerable], p[~answerable]


def report(name: str, rows: list[Row], sent: LinearModel, rerank: LinearModel, conf: LinearModel) -> None:
    hits, answerable_p, unanswerable_p = judged_figures(rows, sent, rerank, conf)
    ranker_hits = judged_figures(rows, sent, RANKER_ONLY, conf)[0]
    print(
        f"{name}: sentence hit@1 {hits.mean():.3f} (ranker alone {ranker_hits.mean():.3f}) on {len(hits)} "
        f"answerable; confidence AUC answerable-vs-unanswerable "
        f"{confidence_auc(list(answerable_p), list(unanswerable_p)):.3f}",
        flush=True,
    )


def fit_confidence(rows: list[Row], extra: list[Row], sent, rerank, extra_weight) -> LinearModel:
    """Logistic regression on the confidence features of both sets, the extra questions weighted up.

    With an extra (in-domain) set, the benchmark rows get an intercept of their own: how
    often the top sentence is right differs between SQuAD's adversarial questions and
    questions about news articles, and one shared intercept would bend the weights to
    cover that gap. The model returned keeps the in-domain intercept.
    """
    X, y = confidence_table(rows, sent, rerank)
    if not extra:
        model = LogisticRegression(C=CONFIDENCE_C, max_iter=2000).fit(X, y)
        return LinearModel(model.coef_[0], float(model.intercept_[0]))
    X_extra, y_extra = confidence_table(extra, sent, rerank)
    benchmark = np.concatenate([np.ones(len(y)), np.zeros(len(y_extra))])
    X = np.column_stack([np.vstack([X, X_extra]), benchmark])
    sample_weight = np.concatenate([np.ones(len(y)), np.full(len(y_extra), extra_weight)])
    y = np.concatenate([y, y_extra])
    model = LogisticRegression(C=CONFIDENCE_C, max_iter=2000).fit(X, y, sample_weight=sample_weight)
    return LinearModel(model.coef_[0][:-1], float(model.intercept_[0]))


def fit_all(
    rows: list[Row], extra: list[Row], extra_weight: float, rerank_ratio: float | None = RERANK_RATIO
) -> tuple[LinearModel, LinearModel, LinearModel]:
    """Ranker, rerank and confidence models fitted on `rows` plus the up-weighted `extra` rows; the
    rerank's reader weight set to `rerank_ratio` times its ranker weight (None: as fitted)."""
    weights = [1.0] * len(rows) + [extra_weight] * len(extra)
    sent = fit_sentence(rows + extra, weights)
    rerank = with_reader_ratio(fit_rerank(rows + extra, sent, weights), rerank_ratio)
    return sent, rerank, fit_confidence(rows, extra, sent, rerank, extra_weight)


def folds_by_group(groups: list[int], folds: int, seed: int) -> list[int]:
    """A random fold for each group, the same for every row of a group: a question's chat
    forms are never judged by a model fitted on the question as written."""
    fold_of = np.random.default_rng(seed).permutation(max(groups, default=0) + 1) % folds
    return [int(fold_of[g]) for g in groups]


def cross_validated(
    rows: list[Row],
    extra: list[Row],
    folds: int,
    seed: int,
    extra_weight: float,
    rerank_ratio: float | None = RERANK_RATIO,
):
    """Every extra question judged by models fitted without its fold: (answerable, top sentence
    right, confidence) per extra row."""
    fold = folds_by_group([r.group for r in extra], folds, seed)
    judged = []
    for k in range(folds):
        train_extra = [r for r, f in zip(extra, fold, strict=True) if f != k]
        test_extra = [r for r, f in zip(extra, fold, strict=True) if f == k]
        sent, rerank, conf = fit_all(rows, train_extra, extra_weight, rerank_ratio)
        X, y = confidence_table(test_extra, sent, rerank)
        p = conf.probability(X)
        judged += [(r.question.answerable, bool(right), float(c)) for r, right, c in zip(test_extra, y, p, strict=True)]
    return judged


def cross_validate(rows: list[Row], extra: list[Row], args) -> None:
    """Print the cross-validated hit@1 of the extra questions and, per confidence threshold, the
    answer accuracy and abstentions `racebot eval` would report, and the share of all
    questions handled right (answered correctly, or rightly abstained): the table
    to choose `answer.min_confidence` from.
    """
    judged = cross_validated(rows, extra, args.folds, args.seed, args.extra_weight, args.rerank_ratio)
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


def as_json(names, model: LinearModel) -> dict:
    return {
        "features": list(names),
        "weights": [round(float(w), 5) for w in model.weights],
        "bias": round(float(model.bias), 5),
    }


def main() -> None:
    args = arguments().parse_args()
    logging.basicConfig(level=logging.WARNING)
    rows, extra = gather(args)
    train, test = halves(rows)
    if args.benchmark_fit == "held-out":
        cross_fit_held_out(test, extra, args.extra_weight, args.rerank_ratio)
        fitted, fitted_name = test, "held-out half (fitted on it)"
    else:
        models = fit_all(train, [], args.extra_weight, args.rerank_ratio)
        report("train half", train, *models)
        report("held-out half", test, *models)
        fitted, fitted_name = rows, "all (fitted on all)"
    if extra:
        cross_validate(fitted, extra, args)
    sent, rerank, conf = models = fit_all(fitted, extra, args.extra_weight, args.rerank_ratio)
    report(fitted_name, fitted, *models)
    if extra:
        report("extra set (fitted on all)", extra, *models)
    scorer = {
        "sentence": as_json(FEATURE_NAMES, sent),
        "rerank": as_json(RERANK_NAMES, rerank),
        "confidence": as_json(CONFIDENCE_NAMES, conf),
    }
    print(json.dumps(scorer, indent=1))
    if args.write:
        SCORER_PATH.write_text(json.dumps(scorer, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {SCORER_PATH}")


def halves(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """The benchmark rows split by article: the half to fit on and the held-out half to judge on."""
    held_out = held_out_articles([r.question for r in rows])  # never "", the article of no source
    return [r for r in rows if article_of(r) not in held_out], [r for r in rows if article_of(r) in held_out]


def article_of(row: Row) -> str:
    """The article the row's question is about ("" when it names none)."""
    return row.question.sources[0] if row.question.sources else ""


def article_folds(rows: list[Row], folds: int = 2) -> list[list[Row]]:
    """`rows` dealt into `folds` by article (every `folds`-th article by sorted name), so no
    article's questions are both fitted on and judged."""
    fold_of = {name: i % folds for i, name in enumerate(sorted({article_of(r) for r in rows}))}
    return [[r for r in rows if fold_of[article_of(r)] == k] for k in range(folds)]


def cross_fit_held_out(
    held_out: list[Row], extra: list[Row], extra_weight: float, rerank_ratio: float | None = RERANK_RATIO
) -> None:
    """Print the held-out half's figures when the models are fitted on the held-out half itself:
    each half of its articles judged by models fitted on the other half (plus the extra rows)."""
    parts, per_fold = article_folds(held_out), []
    for k, judged in enumerate(parts):
        fitted_on = [r for j, part in enumerate(parts) if j != k for r in part]
        per_fold.append(judged_figures(judged, *fit_all(fitted_on, extra, extra_weight, rerank_ratio)))
    hits, answerable_p, unanswerable_p = (np.concatenate(column) for column in zip(*per_fold, strict=True))
    print(
        f"held-out half, cross-fitted by article: sentence hit@1 {np.mean(hits):.3f} on {len(hits)} answerable; "
        f"confidence AUC answerable-vs-unanswerable {confidence_auc(list(answerable_p), list(unanswerable_p)):.3f}",
        flush=True,
    )


def gather(args) -> tuple[list[Row], list[Row]]:
    """The benchmark sample's rows and the extra (in-domain) rows, each question scored once.

    The extra rows hold each in-domain question as written and in `args.chat_forms` chat forms,
    plus `args.off_topic` benchmark questions asked of the extra corpus as unanswerable ones.
    """
    config = parse_config({"corpus": {"dir": str(args.corpus.resolve())}}, Path.cwd()).with_paths(index=args.index)
    # The shipped weights only choose which sentences are read first (staged() reads the rest), so
    # after a change of features those that still exist are a good enough start.
    start = Scorer.load(carry_over=True)
    engine = Engine(config, scorer=start)
    engine.warm_up(progress=True)
    questions = sample(load_questions(args.questions), args.limit, args.seed)
    rows = collect(engine, questions)
    if not (args.extra_corpus and args.extra_questions):
        return rows, []
    extra_config = parse_config({"corpus": {"dir": str(args.extra_corpus.resolve())}}, Path.cwd())
    extra_engine = Engine(extra_config, embedder=engine.embedder, scorer=start)
    extra_engine.warm_up()
    in_domain = [q for path in args.extra_questions for q in load_questions(path)]
    # A question about another topic altogether must be abstained on too: the benchmark's own
    # questions, asked of the extra corpus, teach the confidence what "off topic" looks like.
    off_topic = [
        dataclasses.replace(q, answers=(), sources=(), answerable=False)
        for q in sample(questions, args.off_topic, args.seed + 1)
    ]
    return rows, collect(extra_engine, *with_chat_forms(in_domain + off_topic, args.chat_forms, args.seed))


def rerank_ratio(text: str) -> float | None:
    """The --rerank-ratio value: a positive number, or None for "fitted"."""
    if text == "fitted":
        return None
    refused = argparse.ArgumentTypeError(f"must be a positive number or 'fitted', got {text!r}")
    try:
        value = float(text)
    except ValueError:
        raise refused from None
    if not 0 < value < float("inf"):
        raise refused
    return value


def arguments() -> argparse.ArgumentParser:
    """The command line shared with scripts/ablate_scorer.py."""
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
    parser.add_argument(
        "--off-topic",
        type=int,
        default=60,
        help="benchmark questions also asked of the extra corpus as unanswerable ones (off-topic questions)",
    )
    parser.add_argument(
        "--chat-forms", type=int, default=1, help="chat-style rewrites of each extra question added to the fit"
    )
    parser.add_argument(
        "--benchmark-fit",
        choices=("all", "held-out"),
        default="all",
        help="benchmark questions the models are fitted on: all of the sample, or only the held-out half's "
        "(whose reader logits are honest: the reader never trained on them), judged then by cross-fitting",
    )
    parser.add_argument(
        "--rerank-ratio",
        type=rerank_ratio,
        default=RERANK_RATIO,
        help=f"the rerank's reader weight over its ranker weight (default {RERANK_RATIO}; 'fitted': as fitted)",
    )
    parser.add_argument("--write", action="store_true", help="write index/scorer.json")
    return parser


if __name__ == "__main__":
    main()
