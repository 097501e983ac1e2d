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

from index.text import STOPWORDS, stem

_TOKEN = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*")
_LOOKS_BACK = frozenset({"former", "formerly", "before", "previously", "once", "earlier", "past", "ex"})
_FORMER = frozenset({"former", "formerly"})
FORMER_WINDOW = 4  # words before a matched question term that "former" may stand in


def question_looks_back(question_words: frozenset[str]) -> bool:
    """Does the question ask about the past ("What office did she hold before?")."""
    return bool(question_words & _LOOKS_BACK)


def proximity_features(
    sentence: str, question_terms: frozenset[str], question_words: frozenset[str]
) -> tuple[float, float]:
    """(answer proximity, former-before-match) for one sentence.

    Answer proximity is 1/d, where d is the fewest words between a matched
    question term (stemmed, as `text.tokenize` gives them) and a candidate
    answer word: a capitalised word past the first, or a number, that the
    question does not hold. 0 when either is missing. The second value is 1 when
    "former" stands within FORMER_WINDOW words before a matched term and the
    question does not look back.
    """
    matched: list[int] = []
    candidates: list[int] = []
    former_at: list[int] = []
    for i, m in enumerate(_TOKEN.finditer(sentence)):
        word = m.group(0)
        low = re.split(r"['’]", word.lower())[0]
        term = stem(low.replace(".", "")) if low not in STOPWORDS else None
        if term is not None and term in question_terms:
            matched.append(i)
        elif i > 0 and (word[:1].isupper() or any(c.isdigit() for c in word)) and low not in question_words:
            candidates.append(i)
        if low in _FORMER:
            former_at.append(i)
    proximity = 0.0
    if matched and candidates:
        proximity = 1.0 / min(abs(a - b) for a in candidates for b in matched)
    former = any(0 < i - f <= FORMER_WINDOW for i in matched for f in former_at)
    return proximity, float(former and not question_looks_back(question_words))
