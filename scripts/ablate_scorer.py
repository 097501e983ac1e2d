"""Which hand-written features still earn their place beside the reader: refit without each family.

Usage (same arguments as scripts/fit_scorer.py; about a minute per family after the scoring):

    python scripts/ablate_scorer.py --corpus ../shared/bench/squad2-dev-a/corpus \
        --questions ../shared/bench/squad2-dev-a/questions.yaml --limit 3000 \
        --extra-corpus seeds --extra-questions ../shared/eval/dev.yaml eval/seeds.yaml \
        scripts/questions/seeds-train.yaml

Every question is scored once; each family is then removed by zeroing its columns (a zero
column gets a zero weight from both fits, so this is the model refitted without it) and the
ranker, rerank and confidence models are refitted exactly as fit_scorer.py fits them. A
ranker feature that the confidence model also reads goes from both. Printed per family: the
held-out SQuAD half's sentence hit@1 and confidence AUC (fitted on the other half), and the
in-domain questions' cross-validated hit@1, AUC and share handled right at the shipped
threshold. `eval/holdout.yaml`, `eval/chat.yaml`, `eval/unseen.yaml` and `eval/typos.yaml` are not
used: they judge what is chosen here.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np
from fit_scorer import Row, arguments, cross_validated, fit_all, gather, halves, judged_figures

from index.answerer import CONFIDENCE_NAMES
from index.config import load_config
from index.evaluate import confidence_auc
from index.features import FEATURE_NAMES

RETRIEVAL = ("cos", "cos_ctx", "bm25_rel", "bm25_log", "p_cos", "p_lex_rel", "p_rank")
READING = ("best", "reader")
RANKER_SHARED = tuple(n for n in CONFIDENCE_NAMES if n in FEATURE_NAMES)  # the best sentence's ranker features
# family -> (ranker features dropped, confidence-only features dropped). A ranker feature that the
# confidence model reads for the best sentence goes from both. The families this script found
# redundant (question type, proximity, sentence shape, quote/caption/headline, word overlap, and the
# confidence's missing-word, missing-number/name and margin features) were removed from the code.
FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "none (the shipped features)": ((), ()),
    "all but retrieval's and the reader's": (
        tuple(n for n in FEATURE_NAMES if n not in RETRIEVAL),
        tuple(n for n in CONFIDENCE_NAMES if n not in READING),
    ),
    "confidence: all but the reading scores": ((), tuple(n for n in CONFIDENCE_NAMES if n not in READING)),
    "answer kind (kinds.py)": (("kind_match", "kind_missing"), ()),
    "soft word match (soft_match.py)": (("soft", "soft_missing"), ()),
    "names": (("names_missing", "names_missing_ctx", "named_head", "caps"), ()),
    "dense similarity": (("cos", "cos_ctx"), ()),
    "sentence BM25": (("bm25_rel", "bm25_log"), ()),
    "passage retrieval": (("p_cos", "p_lex_rel", "p_rank"), ()),
    "confidence: negation": ((), ("negation",)),
    "confidence: the best sentence's ranker features": ((), RANKER_SHARED),
}


class _WithoutConfidence:
    """An answerer whose confidence features lack the dropped columns (zeroed)."""

    def __init__(self, answerer, keep: np.ndarray) -> None:
        self._answerer, self._keep = answerer, keep

    def __getattr__(self, name):
        return getattr(self._answerer, name)

    def combine(self, *args, **kwargs):
        scored = self._answerer.combine(*args, **kwargs)
        return dataclasses.replace(scored, confidence_features=scored.confidence_features * self._keep)


def without(rows: list[Row], ranker: tuple[str, ...], confidence: tuple[str, ...]) -> list[Row]:
    """The rows as if the dropped features were never computed (reader logits read so far are shared)."""
    keep_sentence = np.array([n not in ranker for n in FEATURE_NAMES], dtype=np.float32)
    keep_confidence = np.array([n not in ranker + confidence for n in CONFIDENCE_NAMES], dtype=np.float32)
    out = []
    for row in rows:
        scored = dataclasses.replace(row.scored, features=row.scored.features * keep_sentence)
        answerer = _WithoutConfidence(row.answerer, keep_confidence)
        out.append(dataclasses.replace(row, scored=scored, answerer=answerer))
    return out


def judge(rows: list[Row], extra: list[Row], args, threshold: float) -> str:
    train, test = halves(rows)
    hits, answerable_p, unanswerable_p = judged_figures(test, *fit_all(train, [], args.extra_weight, args.rerank_ratio))
    squad = f"{hits.mean():.3f} {confidence_auc(list(answerable_p), list(unanswerable_p)):.3f}"
    judged = cross_validated(rows, extra, args.folds, args.seed, args.extra_weight, args.rerank_ratio)
    hit = np.mean([ok for a, ok, _c in judged if a])
    auc = confidence_auc([c for a, _ok, c in judged if a], [c for a, _ok, c in judged if not a])
    handled = np.mean([(ok and c >= threshold) if a else c < threshold for a, ok, c in judged])
    return f"{squad}  {hit:.3f} {auc:.3f} {handled:.3f}"


def main() -> None:
    parser = arguments()
    parser.description = __doc__
    parser.add_argument("--only", nargs="+", default=[], help="the families whose names contain one of these")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    unknown = {n for ranker, _ in FAMILIES.values() for n in ranker} - set(FEATURE_NAMES)
    unknown |= {n for _, confidence in FAMILIES.values() for n in confidence} - set(CONFIDENCE_NAMES)
    assert not unknown, f"not features: {unknown}"
    threshold = load_config().answer.min_confidence
    rows, extra = gather(args)
    print(f"family removed: held-out SQuAD hit@1 AUC | in-domain CV hit@1 AUC handled-right@{threshold}", flush=True)
    for family, dropped in FAMILIES.items():
        if args.only and not any(part in family for part in args.only):
            continue
        print(f"{family}: {judge(without(rows, *dropped), without(extra, *dropped), args, threshold)}", flush=True)


if __name__ == "__main__":
    main()
