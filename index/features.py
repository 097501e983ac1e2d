"""Features that score a candidate sentence as the answer to a question.

Each candidate comes from one of the retrieved passages. The features mix the
dense similarity of the sentence and its neighbours, BM25 at sentence and
passage level, IDF-weighted overlap with the question, and whether the
sentence holds the kind of thing the question asks for (a name for "who", a
date for "when", a number for "how many") that the question does not already
contain. `index/scorer.json` holds the learned weights (see scripts/fit_scorer.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from index.models import Sentence
from index.text import words

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
)
QUESTION_TYPES = ("person", "date", "number", "place", "entity")

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]  # noqa: E501
_NUMBER_WORDS = set(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion", "dozen", "half"]  # noqa: E501
)
_DATE = re.compile(
    r"\b(1\d{3}|20\d{2})s?\b|\b("
    + "|".join(_MONTHS)
    + r")\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(century|decade|ago|years?)\b",
    re.I,
)
_NUMBER = re.compile(r"\d")
_CAPITALIZED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’.-]*")


def question_type(question: str) -> str:
    """'person', 'date', 'number', 'place', 'entity' or 'other' from the question's wording.

    'entity' is a "which X" question, usually answered by a proper name."""
    q = question.lower()
    if re.search(
        r"\bhow (many|much|long|old|far|large|big|high|often)\b|\bwhat (percent|percentage|number|amount)\b|\bhow\b.*\b(percent|points)\b",  # noqa: E501
        q,
    ):
        return "number"
    if re.search(r"\bwhen\b|\bwhat (year|date|day|month|time|century|decade)\b|\bwhich (year|date|day|month)\b", q):
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


def has_expected_type(sentence: str, qtype: str, question_words: set[str]) -> bool:
    """Does the sentence hold a new name, date or number of the kind asked for?"""
    if qtype == "date":
        return any(m.group(0).lower() not in question_words for m in _DATE.finditer(sentence))
    if qtype == "number":
        return bool(_NUMBER.search(sentence)) or any(
            w in _NUMBER_WORDS and w not in question_words for w in words(sentence)
        )
    if qtype in ("person", "place", "entity"):
        return any(w.lower().strip(".'’") not in question_words for w in _CAPITALIZED.findall(sentence))
    return False


@dataclass(frozen=True)
class Candidate:
    sentence: Sentence
    row: int  # sentence row in the index
    passage_rank: int
    features: np.ndarray


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
    qtype: str,
    sentence: Sentence,
    question_words: set[str],
    novel: float,
) -> np.ndarray:
    present = qtype != "other" and has_expected_type(sentence.text, qtype, question_words)
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
            math.log1p(len(sentence.text.split())),
            float(sentence.position == 0),
        ],
        dtype=np.float32,
    )
