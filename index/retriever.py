"""Hybrid passage retrieval: dense (FAISS) and lexical (bm25s) fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.embedder import TokenVectors
from index.models import Hit
from index.soft_match import question_pieces
from index.store import LoadedIndex
from index.text import tokenize

# The best few passages of the dense ranking and of the BM25 ranking each join the fused list when
# fusion left them out, so a passage that only one of the two rankings finds is not lost.
PER_RANKING_PASSAGES = 3


@dataclass(frozen=True)
class Query:
    """A question prepared once for retrieval and sentence scoring."""

    text: str
    tokens: tuple[str, ...]
    vector: np.ndarray  # normalised embedding, shape (dimension,)
    pieces: TokenVectors  # the question's content word pieces (index/soft_match.py); may be empty


@dataclass(frozen=True)
class Retrieval:
    """Fused passage hits plus the raw per-passage scores the answerer uses as features.

    `hits` are in fused order and always include the best few of each ranking on
    its own, so a passage one retriever ranks first is never lost to the fusion.
    """

    hits: list[Hit]
    dense: np.ndarray  # cosine of every passage
    lexical: np.ndarray  # bm25 score of every passage
    fused_rank: np.ndarray  # 0-based fused rank of every passage


def lexical_scores(bm25, tokens: tuple[str, ...], size: int) -> np.ndarray:
    """bm25s scores for every document; zeros when no query token is in the vocabulary."""
    known = [t for t in tokens if t in bm25.vocab_dict]
    if not known:
        return np.zeros(size, dtype=np.float32)
    return np.asarray(bm25.get_scores(known), dtype=np.float32)


def retrieve(index: LoadedIndex, query: Query, top_k: int = 5, rrf_k: int = 60) -> Retrieval:
    """The `top_k` passages by reciprocal rank fusion of dense and BM25 rankings,
    plus the top PER_RANKING_PASSAGES of each ranking if fusion left them out."""
    n = len(index.passages)
    dense = np.full(n, -1.0, dtype=np.float32)
    scores, rows = index.passage_faiss.search(query.vector.reshape(1, -1), n)
    dense[rows[0][rows[0] >= 0]] = scores[0][rows[0] >= 0]
    lexical = lexical_scores(index.bm25_passages, query.tokens, n)
    fused = _rrf(dense, rrf_k) + (_rrf(lexical, rrf_k) if lexical.any() else 0.0)
    order = list(np.argsort(-fused, kind="stable")[:top_k])
    for ranking in (dense, lexical if lexical.any() else None):
        if ranking is not None:
            order += [i for i in np.argsort(-ranking, kind="stable")[:PER_RANKING_PASSAGES] if i not in order]
    order.sort(key=lambda i: -fused[i])
    fused_rank = np.empty(n, dtype=np.int64)
    fused_rank[np.argsort(-fused, kind="stable")] = np.arange(n)
    hits = [Hit(index.passages[i], float(fused[i]), int(fused_rank[i])) for i in order]
    return Retrieval(hits, dense, lexical, fused_rank)


def _rrf(scores: np.ndarray, k: int) -> np.ndarray:
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return 1.0 / (k + ranks)


def make_query(text: str, vector: np.ndarray, tokens: TokenVectors) -> Query:
    """`vector` and `tokens` are what the embedder's `embed_with_tokens([text])` gives for the question."""
    return Query(text, tuple(tokenize(text)), np.ascontiguousarray(vector, dtype=np.float32), question_pieces(tokens))
