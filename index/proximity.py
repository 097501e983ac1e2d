"""Where in a sentence the question's words match, and what sits next to them.

An answer usually stands right beside the words it shares with the question:
"according to the Georgia Secretary of State Brian Kemp" answers "Who is
Georgia's Secretary of State?" because the new name follows the matched title.
A matched phrase just after "former" describes someone who no longer holds it,
which answers "who is" badly unless the question itself looks back ("before",
"previously").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.text import STOPWORDS, WORD, stem

_LOOKS_BACK = frozenset({"former", "formerly", "before", "previously", "once", "earlier", "past", "ex"})
_FORMER = frozenset({"former", "formerly"})
FORMER_WINDOW = 4  # words before a matched question term that "former" may stand in


@dataclass(frozen=True)
class WordPositions:
    """A sentence's words in order, analysed once so each question only compares."""

    terms: tuple[str | None, ...]  # stemmed as text.tokenize does; None for stopwords
    lowered: tuple[str, ...]  # lowercased, possessive dropped
    answer_like: tuple[bool, ...]  # capitalised past the first word, or holding a digit
    former_at: tuple[int, ...]  # positions of "former" / "formerly"


def word_positions(sentence: str) -> WordPositions:
    terms: list[str | None] = []
    lowered: list[str] = []
    answer_like: list[bool] = []
    for i, m in enumerate(WORD.finditer(sentence)):
        word = m.group(0)
        low = re.split(r"['’]", word.lower())[0]
        lowered.append(low)
        terms.append(stem(low.replace(".", "")) if low not in STOPWORDS else None)
        answer_like.append(i > 0 and (word[:1].isupper() or any(c.isdigit() for c in word)))
    former_at = tuple(i for i, low in enumerate(lowered) if low in _FORMER)
    return WordPositions(tuple(terms), tuple(lowered), tuple(answer_like), former_at)


def question_looks_back(question_words: frozenset[str]) -> bool:
    """Does the question ask about the past ("What office did she hold before?")."""
    return bool(question_words & _LOOKS_BACK)


def proximity_features(
    positions: WordPositions, question_terms: frozenset[str], question_words: frozenset[str]
) -> tuple[float, float]:
    """(answer proximity, former-before-match) for one sentence.

    Answer proximity is 1/d, where d is the fewest words between a matched
    question term (stemmed, as `text.tokenize` gives them) and a candidate
    answer word: a capitalised word past the first, or a number, that the
    question does not hold. 0 when either is missing. The second value is 1 when
    "former" stands within FORMER_WINDOW words before a matched term and the
    question does not look back.
    """
    matched = [i for i, term in enumerate(positions.terms) if term is not None and term in question_terms]
    if not matched:
        return 0.0, 0.0
    hit = set(matched)
    candidates = [
        i
        for i, like in enumerate(positions.answer_like)
        if like and i not in hit and positions.lowered[i] not in question_words
    ]
    # Nearest matched position by binary search: linear in the sentence, where comparing every
    # pair was quadratic (seconds for a scraped "sentence" of thousands of words).
    at = np.asarray(matched)
    proximity = 0.0
    if candidates:
        c = np.asarray(candidates)
        after = np.searchsorted(at, c)
        gap_after = np.abs(at[np.minimum(after, len(at) - 1)] - c)
        gap_before = np.abs(c - at[np.maximum(after - 1, 0)])
        proximity = 1.0 / float(np.minimum(gap_after, gap_before).min())
    former = False
    if positions.former_at:
        f = np.asarray(positions.former_at)
        following = np.searchsorted(at, f, side="right")  # the first matched position after each "former"
        has_next = following < len(at)
        former = bool(np.any(at[np.minimum(following, len(at) - 1)][has_next] - f[has_next] <= FORMER_WINDOW))
    return proximity, float(former and not question_looks_back(question_words))
