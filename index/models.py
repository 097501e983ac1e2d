"""Immutable records passed between the stages of the answering pipeline.

Offsets (`start`, `end`) are always character offsets into the article's text as
read by :func:`index.articles.read_article_text`, so ``article.text[start:end]``
is exactly the quoted span.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One article of the corpus: its file name, derived title and full text."""

    source: str  # file name inside the corpus folder, e.g. "000_87f512e21ea3dd41.txt"
    title: str
    text: str  # the whole file text as read; offsets point into this
    date: str | None = None  # ISO date when the text states one


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article, kept after boilerplate removal."""

    source: str
    start: int
    end: int
    text: str
    passage_id: str
    position: int  # index of the sentence inside its passage


@dataclass(frozen=True)
class Passage:
    """A run of consecutive sentences from one paragraph: the unit of retrieval."""

    id: str  # sha256 of source and text, stable across rebuilds
    source: str
    title: str
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Hit:
    """A passage found for a question, with its fused retrieval score and rank."""

    passage: Passage
    score: float
    rank: int


@dataclass(frozen=True)
class Citation:
    """A numbered reference: `quote == article.text[start:end]` exactly."""

    n: int
    source: str
    title: str
    start: int
    end: int
    quote: str
    # The whole passage the quote was found in, for `!source N`.
    passage_start: int = 0
    passage_end: int = 0
    passage_text: str = ""


@dataclass(frozen=True)
class Answer:
    """What the answerer returns; an abstention is an Answer with `text=None`.

    When not abstaining, `text == citations[0].quote`. When abstaining,
    `citations` lists the closest passages, best first.
    """

    question: str
    text: str | None
    confidence: float
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    # How a follow-up question was read when it leaned on the previous one, e.g.
    # 'reading "she" as Karen Handel' (index/followup.py); None when read as typed.
    reading: str | None = None

    @property
    def abstained(self) -> bool:
        return self.text is None

    def to_json(self) -> dict[str, object]:
        """The JSON object of the `racebot ask --json` contract."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "confidence": round(float(self.confidence), 4),
            **({"reading": self.reading} if self.reading else {}),
            "citations": [
                {
                    "n": c.n,
                    "source": c.source,
                    "title": c.title,
                    "start": c.start,
                    "end": c.end,
                    "quote": c.quote,
                }
                for c in self.citations
            ],
        }


@dataclass(frozen=True)
class ReindexReport:
    """Outcome of a successful rebuild, for the admin who asked for it."""

    articles: int
    passages: int
    reused_embeddings: int
    seconds: float
    skipped: tuple[str, ...] = ()  # files left out, with the reason
