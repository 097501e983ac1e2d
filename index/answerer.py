"""Pick the sentence(s) that answer a question and decide whether to answer at all.

Three steps: a linear ranker orders every candidate sentence of the retrieved
passages by cheap features (index/features.py); the reader (index/reader.py), a
cross-encoder trained here, reads the question with each of the ranker's best
`read_candidates` sentences, and the next `read_more` when the best of those would
not be answered with; a second linear model combines the two scores and picks the
answer. The answer is always a contiguous span of one article: the best-scoring
sentence, widened to the sentence before when it opens with a word that points
back ("He", "This", "But") or that sentence introduces it ("... reading:"), and
to the sentence after when it ends in a colon. Confidence is a calibrated probability that
the quoted span answers the question; below `min_confidence` the answerer
abstains and lists the closest passages instead.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from index.acronyms import AcronymExpander
from index.disagreement import Stated, differing
from index.features import FEATURE_NAMES, SentenceFacts, question_shape, sentence_facts, sentence_features
from index.followup import NameBook
from index.kinds import VALUE_KINDS, answer_kind, stated_values
from index.models import Answer, Citation, Disagreement, Hit, Passage
from index.reader import Reader
from index.retriever import Query, Retrieval, lexical_scores, retrieve
from index.soft_match import PieceIdf, soft_match_rows
from index.spelling import SpellingMender, english_words
from index.store import LoadedIndex
from index.text import STOPWORDS, tokenize, words

SCORER_PATH = Path(__file__).with_name("scorer.json")
CONFIDENCE_NAMES = ("best", "p_cos", "cos", "negation", "kind_missing", "soft_missing", "bm25_rel", "reader")
RERANK_NAMES = ("ranker", "reader")
READ_CANDIDATES = 6  # sentences the reader reads per question (config answer.read_candidates)
READ_MORE = 6  # and the ranker's next ones when those leave it unsure (config answer.read_more)
_NEGATION = {"not", "never", "no", "nor", "without", "n't", "neither"}
# Where the candidate sentences come from. Retrieval hands over the fused top_k passages and
# EXTRA_PASSAGES more: those are taken, in fused order, until there are top_k passages and at least
# MIN_CANDIDATE_SENTENCES sentences (one-sentence paragraphs are common in news and would otherwise
# leave a handful of sentences to choose from).
EXTRA_PASSAGES = 20
MIN_CANDIDATE_SENTENCES = 40
# The passages of the best PER_RANKING_SENTENCES sentences by cosine and by BM25 on their own join
# them, so a one-line fact inside a passage that ranks low as a whole still reaches the ranker.
PER_RANKING_SENTENCES = 10
SUPPORT_MARGIN = 2.0  # a supporting citation scores within this many logits of the answer
# A candidate from another article that states another value is shown as a disagreement when the
# confidence model finds it more likely than not to answer (a higher bar than min_confidence: saying
# that the articles differ claims that both quotes answer).
STRONG_CONFIDENCE = 0.5
_POINTS_BACK = {
    "he",
    "she",
    "it",
    "they",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "its",
    "their",
    "but",
    "and",
    "so",
    "however",
    "still",
    "yet",
    "there",
    "such",
    "both",
    "then",
}


@dataclass(frozen=True)
class LinearModel:
    weights: np.ndarray
    bias: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        return x @ self.weights + self.bias

    def probability(self, x: np.ndarray) -> np.ndarray:
        """The logistic of `logit(x)`: what the confidence model reports."""
        return 1 / (1 + np.exp(-self.logit(x)))


@dataclass(frozen=True)
class Scorer:
    """Learned weights: the ranker orders sentences, `rerank` combines its logit with the reader's,
    and the confidence model calibrates whether the chosen sentence answers."""

    sentence: LinearModel
    rerank: LinearModel
    confidence: LinearModel

    @classmethod
    def load(cls, path: Path = SCORER_PATH, carry_over: bool = False) -> Scorer:
        """The fitted weights at `path`; ValueError when they were fitted for other features.

        With `carry_over`, weights are matched to the current features by name instead (0 for a
        feature the file lacks): only a starting point for scripts/fit_scorer.py after the
        features change, never for answering.
        """
        data = json.loads(path.read_text(encoding="utf-8"))
        expected = {"sentence": FEATURE_NAMES, "rerank": RERANK_NAMES, "confidence": CONFIDENCE_NAMES}
        fitted = {key: tuple(data.get(key, {}).get("features", ())) for key in expected}
        if not carry_over and any(fitted[key] != names for key, names in expected.items()):
            raise ValueError(f"{path} was fitted for other features; rerun scripts/fit_scorer.py")

        def model(key: str) -> LinearModel:
            weight = dict(zip(fitted[key], data[key]["weights"], strict=True))
            weights = [weight.get(name, 0.0) for name in expected[key]]
            return LinearModel(np.array(weights, dtype=np.float32), float(data[key]["bias"]))

        return cls(model("sentence"), model("rerank"), model("confidence"))


@dataclass(frozen=True)
class Scored:
    """Every candidate sentence with its features and scores, plus the question-level features.

    `rows` are best first: the sentences the reader read (`len(reader_logits)` of them)
    in the order of their combined score (`logits`), then the rest in the ranker's order.
    """

    query: Query
    retrieval: Retrieval
    rows: np.ndarray  # sentence rows, best first
    features: np.ndarray  # (len(rows), len(FEATURE_NAMES))
    ranker_logits: np.ndarray  # (len(rows),)
    reader_logits: np.ndarray  # of rows[: len(reader_logits)]
    logits: np.ndarray  # combined score of rows[: len(reader_logits)]
    confidence_features: np.ndarray
    confidence: float
    seconds: dict[str, float] = field(default_factory=dict)  # time per stage, for `racebot bench`


class Answerer:
    """Answers questions from one loaded index. Build once per index; cheap per question."""

    def __init__(
        self,
        index: LoadedIndex,
        scorer: Scorer,
        reader: Reader,
        top_k: int = 5,
        rrf_k: int = 60,
        min_confidence: float = 0.3,
        max_sentences: int = 3,
        max_citations: int = 3,
        read_candidates: int = READ_CANDIDATES,
        read_more: int = READ_MORE,
    ) -> None:
        self.index = index
        self.scorer = scorer
        self.reader = reader
        self.read_candidates = read_candidates
        self.read_more = read_more
        self.top_k = top_k
        self.rrf_k = rrf_k
        self.min_confidence = min_confidence
        self.max_sentences = max_sentences
        self.max_citations = max_citations
        self._sentence_facts: dict[int, SentenceFacts] = {}

    @cached_property
    def _passage_rows(self) -> dict[str, range]:
        rows: dict[str, range] = {}
        start = 0
        for p in self.index.passages:
            rows[p.id] = range(start, start + len(p.sentences))
            start += len(p.sentences)
        return rows

    @cached_property
    def _piece_idf(self) -> PieceIdf:
        return PieceIdf(self.index.piece_offsets, self.index.piece_ids)

    @cached_property
    def acronyms(self) -> AcronymExpander:
        """Spells out a question's acronyms that the articles only write in full; apply before embedding."""
        return AcronymExpander([s.text for s in self.index.sentences])

    @cached_property
    def spelling(self) -> SpellingMender:
        """Mends a question's misspelt words ("ossof", "canidates") to the articles' ones; apply before embedding."""
        return SpellingMender(
            (s.text for s in self.index.sentences),
            self.names.name_words,
            english_words(),
            (person.name for person in self.names.persons.values()),
        )

    @cached_property
    def names(self) -> NameBook:
        """The articles' persons and name words, for reading follow-up questions (index/followup.py)."""
        return NameBook(article.text for article in self.index.articles.values())

    def abstention(self, scored: Scored) -> Answer:
        """The articles don't say: an Answer without text, listing the closest passages."""
        return Answer(scored.query.text, None, scored.confidence, self._closest_passages(scored))

    def warm_up(self) -> None:
        """Precompute the lookups (passage rows, word-piece IDF, acronyms, names, spelling) so that the
        first question is as fast as the rest."""
        _ = self._passage_rows, self._piece_idf, self.acronyms, self.names, self.spelling

    def score(self, query: Query, top_k: int | None = None) -> Scored:
        """Retrieve passages and score every sentence in them."""
        top_k = self.top_k if top_k is None else top_k
        started = time.perf_counter()
        retrieval = retrieve(self.index, query, top_k + EXTRA_PASSAGES, self.rrf_k)
        retrieval = self._enough_candidates(retrieval, top_k)
        sent_bm25 = lexical_scores(self.index.bm25_sentences, query.tokens, len(self.index.sentences))
        all_cos = self.index.sentence_vectors @ query.vector
        rows = self._candidate_rows(retrieval, all_cos, sent_bm25)
        retrieved = time.perf_counter()
        ranks = [int(retrieval.fused_rank[self.index.sentence_passage[r]]) for r in rows]
        cos = all_cos[rows]
        bm25_max = float(sent_bm25[rows].max()) if len(rows) else 0.0
        lex_max = float(retrieval.lexical.max()) or 1.0
        shape = question_shape(query.text)
        index = self.index
        piece_weights = self._piece_idf.weights(query.pieces.ids)
        soft = soft_match_rows(
            query.pieces, index.piece_offsets, index.piece_ids, index.piece_vectors, rows, piece_weights
        )
        feats = []
        for j, row in enumerate(rows):
            sentence = self.index.sentences[row]
            prow = int(self.index.sentence_passage[row])
            neighbours = [
                k for k in (j - 1, j + 1) if 0 <= k < len(rows) and self.index.sentence_passage[rows[k]] == prow
            ]
            feats.append(
                sentence_features(
                    cos=float(cos[j]),
                    cos_ctx=max([float(cos[k]) for k in neighbours], default=float(cos[j])),
                    bm25=float(sent_bm25[row]),
                    bm25_max=bm25_max,
                    p_cos=float(retrieval.dense[prow]),
                    p_lex_rel=float(retrieval.lexical[prow]) / lex_max,
                    p_rank=ranks[j],
                    shape=shape,
                    sentence=sentence,
                    facts=self._facts(int(row)),
                    previous=self._previous_facts(int(row)),
                    soft=(float(soft[j, 0]), float(soft[j, 1])),
                )
            )
        features = np.vstack(feats) if feats else np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
        logits = self.scorer.sentence.logit(features) if len(rows) else np.zeros(0, dtype=np.float32)
        order = np.argsort(-logits, kind="stable")
        rows, features, logits = rows[order], features[order], logits[order]
        ranked = time.perf_counter()
        reader_logits = self.read(query, rows[: self.read_candidates])
        read_seconds = time.perf_counter() - ranked
        scored = self.combine(query, retrieval, rows, features, logits, reader_logits)
        if self._unsure(scored) and len(rows) > len(reader_logits):
            reading_more = time.perf_counter()
            more = rows[len(reader_logits) : len(reader_logits) + self.read_more]
            reader_logits = np.concatenate([reader_logits, self.read(query, more)])
            read_seconds += time.perf_counter() - reading_more
            scored = self.combine(query, retrieval, rows, features, logits, reader_logits)
        seconds = {
            "retrieve": retrieved - started,
            "rank": ranked - retrieved,
            "read": read_seconds,
            "judge": time.perf_counter() - ranked - read_seconds,
        }
        return replace(scored, seconds=seconds)

    def read(self, query: Query, rows: np.ndarray) -> np.ndarray:
        """The reader's logits for sentences `rows`, in one batched pass."""
        if not len(rows):
            return np.zeros(0, dtype=np.float32)
        return self.reader.score(query.text, [self.index.sentences[r].text for r in rows])

    def _unsure(self, scored: Scored) -> bool:
        """Whether to read `read_more` more of the ranker's sentences: the reader read some, and the
        best of them would not be answered with (the right one is often just past the first few)."""
        return bool(self.read_more and len(scored.reader_logits) and scored.confidence < self.min_confidence)

    def combine(
        self,
        query: Query,
        retrieval: Retrieval,
        rows: np.ndarray,
        features: np.ndarray,
        ranker_logits: np.ndarray,
        reader_logits: np.ndarray,
        scorer: Scorer | None = None,
    ) -> Scored:
        """Rerank the read sentences (`rows[:len(reader_logits)]`, in ranker order) by the combined
        score and judge the confidence; `scorer` overrides the answerer's (scripts/fit_scorer.py)."""
        scorer = scorer or self.scorer
        n = len(reader_logits)
        if n:
            combined = scorer.rerank.logit(np.column_stack([ranker_logits[:n], reader_logits]))
            order = np.concatenate([np.argsort(-combined, kind="stable"), np.arange(n, len(rows))]).astype(np.int64)
            rows, features, ranker_logits = rows[order], features[order], ranker_logits[order]
            reader_logits, combined = reader_logits[order[:n]], combined[order[:n]]
        else:  # nothing read (answer.read_candidates 0): the ranker alone decides
            combined = ranker_logits
        conf_x = self._confidence_features(query, features, ranker_logits, reader_logits)
        confidence = float(scorer.confidence.probability(conf_x)) if len(rows) else 0.0
        return Scored(query, retrieval, rows, features, ranker_logits, reader_logits, combined, conf_x, confidence)

    def _facts(self, row: int) -> SentenceFacts:
        """The question-independent facts of sentence `row`, computed on first use.

        Lazily, so the first answer does not wait for every sentence of a large corpus;
        two threads racing on one row compute the same value, which is harmless.
        """
        facts = self._sentence_facts.get(row)
        if facts is None:
            facts = self._sentence_facts[row] = sentence_facts(self.index.sentences[row].text)
        return facts

    def _previous_facts(self, row: int) -> SentenceFacts | None:
        """The facts of the sentence before `row` in its article, None at the article's start."""
        before = self._neighbour(row, -1)
        return None if before is None else self._facts(before)

    def _neighbour(self, row: int, step: int) -> int | None:
        """The row `step` sentences from `row` if it is in the same article, else None."""
        other = row + step
        sentences = self.index.sentences
        if 0 <= other < len(sentences) and sentences[other].source == sentences[row].source:
            return other
        return None

    def _candidate_rows(self, retrieval: Retrieval, cos: np.ndarray, bm25: np.ndarray) -> np.ndarray:
        """Sentences of the retrieved passages, plus the best few sentences by cosine and by BM25 on their own.

        Each added sentence brings its whole passage, so context features see its neighbours.
        """
        passages = [h.passage.id for h in retrieval.hits]
        for scores in (cos, bm25):
            for row in np.argsort(-scores, kind="stable")[:PER_RANKING_SENTENCES]:
                pid = self.index.sentences[row].passage_id
                if pid not in passages and scores[row] > 0:
                    passages.append(pid)
        return np.array([r for pid in passages for r in self._passage_rows[pid]], dtype=np.int64)

    def _enough_candidates(self, retrieval: Retrieval, top_k: int) -> Retrieval:
        """The top_k passages, plus more while fewer than MIN_CANDIDATE_SENTENCES sentences are in play."""
        hits: list[Hit] = []
        count = 0
        for hit in retrieval.hits:
            if len(hits) >= top_k and count >= MIN_CANDIDATE_SENTENCES:
                break
            hits.append(hit)
            count += len(hit.passage.sentences)
        return Retrieval(hits, retrieval.dense, retrieval.lexical, retrieval.fused_rank)

    def _confidence_features(
        self, query: Query, features: np.ndarray, logits: np.ndarray, reader_logits: np.ndarray
    ) -> np.ndarray:
        """CONFIDENCE_NAMES for the best candidate: the first of `features` and ranker `logits` (the
        candidates best first), whose reader logit is `reader_logits[0]` when it was read."""
        if not len(features):
            return np.zeros(len(CONFIDENCE_NAMES), dtype=np.float32)
        best = features[0]
        name = FEATURE_NAMES.index
        return np.array(
            [
                logits[0],
                best[name("p_cos")],
                best[name("cos")],
                float(any(w in _NEGATION or w.endswith("n't") for w in words(query.text))),
                best[name("kind_missing")],
                best[name("soft_missing")],
                best[name("bm25_rel")],
                reader_logits[0] if len(reader_logits) else 0.0,
            ],
            dtype=np.float32,
        )

    def answer(self, query: Query) -> Answer:
        """The verbatim answer with citations, or an abstention listing the closest passages."""
        return self.answer_scored(self.score(query))

    def answer_scored(self, scored: Scored) -> Answer:
        """Turn scored candidates into an Answer (split out so evaluation can see both)."""
        query = scored.query
        if not len(scored.rows) or not query.tokens or scored.confidence < self.min_confidence:
            return self.abstention(scored)
        best = self.index.sentences[scored.rows[0]]
        start, end = self.answer_span(int(scored.rows[0]))
        article = self.index.articles[best.source]
        passage = self.passage_of(scored.rows[0])
        citations = [self.citation(1, best.source, start, end, passage)]
        kind, differ = self._differing(scored)
        for other in differ:  # quoted whole, as the answer is
            if other.source != best.source:
                n = len(citations) + 1
                citations.append(self.citation(n, other.source, other.start, other.end, self.passage_of(other.row)))
        for row, logit in zip(scored.rows[1:], scored.logits[1:], strict=False):
            if len(citations) >= self.max_citations or logit < scored.logits[0] - SUPPORT_MARGIN:
                break
            s = self.index.sentences[row]
            if s.source in {c.source for c in citations}:
                continue
            citations.append(self.citation(len(citations) + 1, s.source, s.start, s.end, self.passage_of(row)))
        number = {c.source: c.n for c in citations}
        disagreement = (
            Disagreement(kind, tuple((number[d.source], tuple(d.values.values())) for d in differ)) if differ else None
        )
        return Answer(
            query.text, article.text[start:end], scored.confidence, tuple(citations), disagreement=disagreement
        )

    def _differing(self, scored: Scored) -> tuple[str, list[Stated]]:
        """The kind of value asked for, and the answer's quote with the strong candidates from other
        articles that state other values of it, newest first (index/disagreement.py); [] if none.

        A candidate (one the reader read) is strong when the confidence model, judging it as if the
        sentences ranked above it were not there, finds it more likely than not to answer the question.
        """
        kind = answer_kind(scored.query.text)
        if kind not in VALUE_KINDS or not len(scored.logits):
            return "", []
        question = scored.query.text
        question_tokens = frozenset(scored.query.tokens)

        def stated(i: int) -> Stated:  # read candidate i, quoted as the answer would be
            row = int(scored.rows[i])
            source = self.index.sentences[row].source
            article = self.index.articles[source]
            start, end = self.answer_span(row)
            quote = article.text[start:end]
            values = stated_values(quote, kind, question)
            mentioned = frozenset(stated_values(quote, kind, question, loose=True))
            matched = question_tokens.intersection(tokenize(quote))
            return Stated(row, source, start, end, article.date, values, mentioned, matched)

        candidates = ((i, stated(i)) for i in range(1, len(scored.logits)))
        strong = (c for i, c in candidates if c.values and self._own_confidence(scored, i) >= STRONG_CONFIDENCE)
        return kind, differing(stated(0), strong, self.max_citations)

    def _own_confidence(self, scored: Scored, i: int) -> float:
        """The confidence that read candidate `i` answers the question, judged as if it were the best."""
        x = self._confidence_features(
            scored.query, scored.features[i:], scored.ranker_logits[i:], scored.reader_logits[i:]
        )
        return float(self.scorer.confidence.probability(x))

    def answer_span(self, row: int) -> tuple[int, int]:
        """The best sentence, widened to its neighbours in the article when it is not whole alone.

        Backwards while it points back to the sentence before ("He", "But") or that
        sentence introduces it ("... reading:"); forwards when it ends in a colon, and on
        past what it introduces when that is only a shouted banner. Never more than
        `max_sentences` sentences, never past the article's edges.
        """
        sentences = self.index.sentences
        first = last = row
        while last - first + 1 < self.max_sentences:
            before, after = self._neighbour(first, -1), self._neighbour(last, 1)
            if before is not None and (_points_back(sentences[first].text) or _introduces(sentences[before].text)):
                first = before
            elif after is not None and (
                _introduces(sentences[last].text) or (last > row and self._facts(last).shouting)
            ):
                last = after  # past a shouted banner too: "reading:" / "KAREN HANDEL FOR CONGRESS." / the text
            else:
                break
        return sentences[first].start, sentences[last].end

    def passage_of(self, row: int) -> Passage:
        """The passage sentence `row` belongs to (what its citation shows around the quote)."""
        return self.index.passages[int(self.index.sentence_passage[row])]

    def citation(self, n: int, source: str, start: int, end: int, passage: Passage) -> Citation:
        """Citation `n` of article text [start, end) in `passage`, the passage widened to the whole
        quote when the quote reaches into the paragraph before ("But ..." brings its predecessor)."""
        article = self.index.articles[source]
        passage_start, passage_end = min(passage.start, start), max(passage.end, end)
        return Citation(
            n,
            source,
            article.title,
            start,
            end,
            article.text[start:end],
            passage_start,
            passage_end,
            article.text[passage_start:passage_end],
            article.date,
        )

    def _closest_passages(self, scored: Scored) -> tuple[Citation, ...]:
        citations: list[Citation] = []
        for hit in scored.retrieval.hits:
            if len(citations) >= self.max_citations:
                break
            p = hit.passage
            citations.append(self.citation(len(citations) + 1, p.source, p.start, p.end, p))
        return tuple(citations)


def _points_back(sentence: str) -> bool:
    """Opens with a word that needs the sentence before: "He said", "This is", "But".

    A demonstrative before a noun ("That primary is June 13") names its own subject."""
    first = words(sentence[:40])
    if not first or first[0] not in _POINTS_BACK or first[0] in STOPWORDS - _POINTS_BACK:
        return False
    if first[0] in _DEMONSTRATIVES and len(first) > 1:
        return first[1] in _VERBS_AFTER_PRONOUN
    return True


_DEMONSTRATIVES = {"this", "that", "these", "those"}
_VERBS_AFTER_PRONOUN = {
    "is", "was", "are", "were", "has", "had", "have", "will", "would", "could", "can", "may", "might",
    "should", "must", "means", "meant", "made", "makes", "came", "comes", "led", "leads", "left", "gave",
    "gives", "includes", "included", "seems", "seemed", "did", "does", "do",
}  # fmt: skip


def _introduces(sentence: str) -> bool:
    """Ends in a colon: what it introduces is in the next sentence."""
    return sentence.rstrip().endswith(":")
