"""Features that score a candidate sentence as the answer to a question.

Each candidate comes from one of the retrieved passages. The features mix the
dense similarity of the sentence and its neighbours, BM25 at sentence and
passage level, IDF-weighted overlap with the question, and whether the
sentence holds the kind of thing the question asks for (a name for "who", a
date for "when", a number for "how many", a name built on the noun of a "which
university" question, a quotation for "what did X say") that the question does
not already contain (and, where the wording is specific, the exact kind: an
age, an amount of money, a percentage; see index/kinds.py), and whether it is
a shouted banner, a headline or a photo caption rather than a statement, how well the
question's words are matched softly (index/soft_match.py), which of the names
in the question the sentence (or the one before it) leaves out, and how close
a new name or number stands to the matched words (index/proximity.py).
`index/scorer.json` holds the learned weights (see scripts/fit_scorer.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from index.boilerplate import looks_like_caption, looks_like_headline
from index.dates import MONTHS
from index.kinds import WHEN_OPENS, answer_kind, has_answer_kind, holds_new_name
from index.models import Sentence
from index.proximity import WordPositions, proximity_features, word_positions
from index.text import STOPWORDS, tokenize, words

FEATURE_NAMES = (
    "cos",
    "cos_ctx",
    "bm25_rel",
    "bm25_log",
    "overlap",
    "overlap_ctx",
    "p_cos",
    "p_lex_rel",
    "p_rank",
    "type_missing",
    "person",
    "date",
    "number",
    "place",
    "entity",
    "novel",
    "length",
    "first_in_passage",
    "caps",
    "named_head",
    "quote",
    "kind_match",
    "kind_missing",
    "soft",
    "soft_missing",
    "caption",
    "names_missing",
    "names_missing_ctx",
    "proximity",
    "former",
    "headline",
)
QUESTION_TYPES = ("person", "date", "number", "place", "entity")

_NUMBER_WORDS = frozenset((
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion", "dozen", "half",
))  # fmt: skip
_DATE = re.compile(
    r"\b(1\d{3}|20\d{2})s?\b|\b("
    + "|".join(MONTHS)
    + r")\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(century|decade|ago|years?)\b",
    re.I,
)
_NUMBER = re.compile(r"\d")


def question_type(question: str) -> str:
    """'person', 'date', 'number', 'place', 'entity' or 'other' from the question's wording.

    'entity' is a "which X" question, usually answered by a proper name."""
    q = question.lower()
    if re.search(
        r"\bhow (many|much|long|old|far|large|big|high|often)\b|\bwhat (percent|percentage|number|amount)\b|\bhow\b.*\b(percent|points)\b",  # noqa: E501
        q,
    ):
        return "number"
    if re.search(
        WHEN_OPENS + r"|\bwhat (year|date|day|month|time|century|decade)\b|\bwhich (year|date|day|month)\b", q
    ):
        return "date"
    if re.search(r"\bwho(m|se)?\b", q):
        return "person"
    if re.search(
        r"\bwhere\b|\bwhich (city|country|state|county|region|place)\b|\bwhat (city|country|state|county|region|place)\b",  # noqa: E501
        q,
    ):
        return "place"
    if re.search(r"\bwhich\b|\bwhat (is|was) the name\b|\bname (of|the)\b", q):
        return "entity"
    return "other"


def has_expected_type(sentence: str, qtype: str, question_words: frozenset[str] | set[str]) -> bool:
    """Does the sentence hold a new name, date or number of the kind asked for?"""
    if qtype == "date":
        return any(m.group(0).lower() not in question_words for m in _DATE.finditer(sentence))
    if qtype == "number":
        return bool(_NUMBER.search(sentence)) or any(
            w in _NUMBER_WORDS and w not in question_words for w in words(sentence)
        )
    if qtype in ("person", "place", "entity"):
        return holds_new_name(sentence, question_words)
    return False


@dataclass(frozen=True)
class QuestionShape:
    """What the question's wording says about its answer; computed once per question."""

    qtype: str  # see question_type()
    words: frozenset[str]  # lowercased words of the question
    heads: tuple[str, ...]  # "which university ..." -> ("university",): the kind of name asked for
    wants_quote: bool  # "what did X say / call / describe ..." -> the answer is likely a quotation
    kind: str | None  # see index.kinds.answer_kind(): "age", "money", "percent", ..., or None
    terms: frozenset[str]  # stemmed content words (text.tokenize)
    names: frozenset[str]  # its capitalised words past the first, lowercased: "karen", "handel", "georgia"


def question_shape(question: str) -> QuestionShape:
    return QuestionShape(
        question_type(question),
        frozenset(words(question)),
        _which_heads(question),
        bool(_SAYS.search(question)),
        answer_kind(question),
        frozenset(tokenize(question)),
        _question_names(question),
    )


def _question_names(question: str) -> frozenset[str]:
    """The names a question is about: its capitalised words after the first, possessives dropped."""
    names = set()
    for raw in question.split()[1:]:
        if raw[:1].isupper() and raw[1:2].islower():
            found = words(raw)
            if found:
                names.add(_without_possessive(found[0]))
    return frozenset(names)


def _without_possessive(word: str) -> str:
    return word[:-2] if word.endswith("'s") else word


def names_missing(names: frozenset[str], own: frozenset[str], previous: frozenset[str]) -> tuple[float, float]:
    """Shares of the question's names absent from a sentence, and from it and the sentence before.

    `own` and `previous` are the sentences' `SentenceFacts.names`."""
    if not names:
        return 0.0, 0.0
    missing = [n for n in names if n not in own]
    return len(missing) / len(names), sum(1 for n in missing if n not in previous) / len(names)


@dataclass(frozen=True)
class SentenceFacts:
    """What the features need to know about a sentence whatever the question; computed once per sentence."""

    positions: WordPositions  # for answer proximity (index/proximity.py)
    names: frozenset[str]  # lowercased words, possessives dropped: what a question's names are looked up in
    shouting: bool
    caption: bool
    headline: bool
    has_quote: bool
    length: float


def sentence_facts(text: str) -> SentenceFacts:
    return SentenceFacts(
        word_positions(text),
        frozenset(_without_possessive(w) for w in words(text)),
        _is_shouting(text),
        looks_like_caption(text),
        looks_like_headline(text),
        bool(_QUOTE.search(text)),
        math.log1p(len(text.split())),
    )


_SAYS = re.compile(
    r"\b(say|says|said|describe[sd]?|call(s|ed)?|tell|told|claim(s|ed)?|quote[sd]?|words?|tweet(s|ed)?|"
    r"wr(i|o)te|writes|promise[sd]?|slogan|remarks?)\b",
    re.I,
)
_QUOTE = re.compile(r"[\"“”]|''|``")
_WHICH = re.compile(r"\b(?:which|what)\s+((?:[\w'’-]+\s+){0,3})", re.I)


def _which_heads(question: str) -> tuple[str, ...]:
    """The common nouns right after "which"/"what" ("which polling average" -> polling, average).

    Capitalised words there are proper adjectives ("which Republican candidate") and are skipped."""
    m = _WHICH.search(question)
    if not m:
        return ()
    heads: list[str] = []
    for raw in m.group(1).split():
        word = raw.lower().rstrip("'’s") if raw.lower().endswith(("'s", "’s")) else raw.lower()
        if raw[:1].isupper() and not heads:
            continue
        if word in STOPWORDS or word in _AUXILIARIES or not word.isalpha():
            break
        heads.append(word)
        if raw.lower().endswith(("'s", "’s")) or len(heads) == 2:
            break
    return tuple(heads)


_AUXILIARIES = {"is", "was", "are", "were", "do", "does", "did", "has", "have", "had", "will", "would", "can", "could"}


def _names_head(sentence: str, shape: QuestionShape) -> bool:
    """Does the sentence hold a new proper name built on the noun asked for ("Emory University")?"""
    for head in shape.heads:
        for form in {head, head.rstrip("s")}:
            for m in re.finditer(r"\b" + re.escape(form.capitalize()) + r"s?\b", sentence):
                before = sentence[: m.start()].split()
                if before and before[-1][:1].isupper() and before[-1].lower() not in shape.words:
                    return True
    return False


def idf_overlap(query_tokens: tuple[str, ...], tokens: set[str], idf: dict[str, float]) -> float:
    """IDF-weighted share of the question's terms found in `tokens`."""
    if not query_tokens:
        return 0.0
    total = sum(idf.get(t, 0.0) for t in query_tokens) or 1.0
    return sum(idf.get(t, 0.0) for t in query_tokens if t in tokens) / total


def sentence_features(
    *,
    cos: float,
    cos_ctx: float,
    bm25: float,
    bm25_max: float,
    overlap: float,
    overlap_ctx: float,
    p_cos: float,
    p_lex_rel: float,
    p_rank: int,
    shape: QuestionShape,
    sentence: Sentence,
    facts: SentenceFacts,
    previous: SentenceFacts | None,
    novel: float,
    soft: tuple[float, float],
) -> np.ndarray:
    """One row of FEATURE_NAMES for `sentence`.

    `facts` are the sentence's own (`sentence_facts(sentence.text)`, cached by the caller);
    `previous` are those of the sentence before it in its article, None at its start.
    """
    qtype = shape.qtype
    present = qtype != "other" and has_expected_type(sentence.text, qtype, shape.words)
    has_kind = shape.kind is not None and has_answer_kind(sentence.text, shape.kind, shape.words)
    types = [float(present and qtype == t) for t in QUESTION_TYPES]
    return np.array(
        [
            cos,
            cos_ctx,
            bm25 / bm25_max if bm25_max > 0 else 0.0,
            math.log1p(max(bm25, 0.0)),
            overlap,
            overlap_ctx,
            p_cos,
            p_lex_rel,
            1.0 / (1 + p_rank),
            float(qtype != "other" and not present),
            *types,
            novel,
            facts.length,
            float(sentence.position == 0),
            float(facts.shouting),
            float(_names_head(sentence.text, shape)),
            float(shape.wants_quote and facts.has_quote),
            float(has_kind),
            float(shape.kind is not None and not has_kind),
            *soft,
            float(facts.caption),
            *names_missing(shape.names, facts.names, previous.names if previous else frozenset()),
            *proximity_features(facts.positions, shape.terms, shape.words),
            float(facts.headline),
        ],
        dtype=np.float32,
    )


def _is_shouting(text: str) -> bool:
    """Mostly capital letters: a heading, slogan or banner rather than a statement."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.6
