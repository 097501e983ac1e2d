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
    date: str | None = None  # the article's date (ISO, YYYY-MM-DD) when its file gives one


@dataclass(frozen=True)
class Disagreement:
    """The articles state different values of what the question asks for (index/disagreement.py).

    `stated` pairs the number of each citation that differs with the values it states, as
    written ("48.1 percent"), newest article first where dated, then best first. The answer's
    own citation, [1], is always one of them.
    """

    kind: str  # what differs: one of index.kinds.VALUE_KINDS ("percent", "money", "date", ...)
    stated: tuple[tuple[int, tuple[str, ...]], ...]

    @property
    def citations(self) -> tuple[int, ...]:
        """The numbers of the citations that differ, in the order they are shown."""
        return tuple(n for n, _ in self.stated)


@dataclass(frozen=True)
class Reading:
    """How a follow-up was read: the standalone `question` answered, and a `note` saying so to the user,
    e.g. 'reading “she” as Karen Handel'."""

    question: str
    note: str


@dataclass(frozen=True)
class Answer:
    """What the answerer returns; an abstention is an Answer with `text=None`.

    When not abstaining, `text == citations[0].quote`. When abstaining,
    `citations` lists the closest passages, best first. When the articles disagree,
    `text` is still the best answer, and the reply quotes every citation that
    `disagreement` names, in its order (newest article first).
    """

    question: str
    text: str | None
    confidence: float
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    # How a follow-up question was read when it leaned on the previous one (index/followup.py);
    # None when it was read as typed.
    reading: Reading | None = None
    # Set when strong answers from other articles state other values of what was asked.
    disagreement: Disagreement | None = None

    @property
    def abstained(self) -> bool:
        return self.text is None

    @property
    def differing(self) -> tuple[Citation, ...]:
        """The citations that state different values, in the order to show them; () when none do."""
        if self.disagreement is None:
            return ()
        by_number = {c.n: c for c in self.citations}
        return tuple(by_number[n] for n in self.disagreement.citations if n in by_number)

    def to_json(self) -> dict[str, object]:
        """The JSON object of the `racebot ask --json` contract."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "confidence": round(float(self.confidence), 4),
            **({"reading": self.reading.note} if self.reading else {}),
            "citations": [
                {
                    "n": c.n,
                    "source": c.source,
                    "title": c.title,
                    "start": c.start,
                    "end": c.end,
                    "quote": c.quote,
                    "date": c.date,
                }
                for c in self.citations
            ],
            **({"disagreement": self._disagreement_json()} if self.disagreement else {}),
        }

    def _disagreement_json(self) -> dict[str, object]:
        assert self.disagreement is not None
        return {
            "kind": self.disagreement.kind,
            "quotes": [{"n": n, "values": list(values)} for n, values in self.disagreement.stated],
        }


@dataclass(frozen=True)
class ReindexReport:
    """Outcome of a successful rebuild, for the admin who asked for it."""

    articles: int
    passages: int
    reused_embeddings: int
    seconds: float
    skipped: tuple[str, ...] = ()  # files left out, with the reason
