"""Features that score a candidate sentence as the answer to a question.

Each candidate comes from one of the retrieved passages. The features are what
retrieval measured (the dense similarity of the sentence and its neighbours, BM25
at sentence and passage level, the passage's fused rank), whether the sentence
holds the exact kind of thing the question asks for (an age, an amount of money, a
percentage; see index/kinds.py) or a new proper name built on the noun of a "which
university" question, whether it is a shouted banner, how well the question's words
are matched softly (index/soft_match.py), and which of the names in the question the
sentence (or the one before it) leaves out. The reader (index/reader.py) does the
rest: scripts/ablate_scorer.py found the other hand-written features it made
redundant. `index/scorer.json` holds the learned weights (see scripts/fit_scorer.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from index.kinds import answer_kind, has_answer_kind
from index.models import Sentence
from index.text import STOPWORDS, words

FEATURE_NAMES = (
    "cos",
    "cos_ctx",
    "bm25_rel",
    "bm25_log",
    "p_cos",
    "p_lex_rel",
    "p_rank",
    "caps",
    "named_head",
    "kind_match",
    "kind_missing",
    "soft",
    "soft_missing",
    "names_missing",
    "names_missing_ctx",
)
_FEATURES = frozenset(FEATURE_NAMES)


@dataclass(frozen=True)
class QuestionShape:
    """What the question's wording says about its answer; computed once per question."""

    words: frozenset[str]  # lowercased words of the question
    heads: tuple[str, ...]  # "which university ..." -> ("university",): the kind of name asked for
    kind: str | None  # see index.kinds.answer_kind(): "age", "money", "percent", ..., or None
    names: frozenset[str]  # its capitalised words past the first, lowercased: "karen", "handel", "georgia"


def question_shape(question: str) -> QuestionShape:
    return QuestionShape(
        frozenset(words(question)), _which_heads(question), answer_kind(question), _question_names(question)
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

    names: frozenset[str]  # lowercased words, possessives dropped: what a question's names are looked up in
    shouting: bool


def sentence_facts(text: str) -> SentenceFacts:
    return SentenceFacts(frozenset(_without_possessive(w) for w in words(text)), _is_shouting(text))


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


def sentence_features(
    *,
    cos: float,
    cos_ctx: float,
    bm25: float,
    bm25_max: float,
    p_cos: float,
    p_lex_rel: float,
    p_rank: int,
    shape: QuestionShape,
    sentence: Sentence,
    facts: SentenceFacts,
    previous: SentenceFacts | None,
    soft: tuple[float, float],
) -> np.ndarray:
    """One row of FEATURE_NAMES for `sentence`.

    `facts` are the sentence's own (`sentence_facts(sentence.text)`, cached by the caller);
    `previous` are those of the sentence before it in its article, None at its start.
    """
    has_kind = shape.kind is not None and has_answer_kind(sentence.text, shape.kind, shape.words)
    missing, missing_ctx = names_missing(shape.names, facts.names, previous.names if previous else frozenset())
    return feature_row(
        {
            "cos": cos,
            "cos_ctx": cos_ctx,
            "bm25_rel": bm25 / bm25_max if bm25_max > 0 else 0.0,
            "bm25_log": math.log1p(max(bm25, 0.0)),
            "p_cos": p_cos,
            "p_lex_rel": p_lex_rel,
            "p_rank": 1.0 / (1 + p_rank),
            "caps": float(facts.shouting),
            "named_head": float(_names_head(sentence.text, shape)),
            "kind_match": float(has_kind),
            "kind_missing": float(shape.kind is not None and not has_kind),
            "soft": soft[0],
            "soft_missing": soft[1],
            "names_missing": missing,
            "names_missing_ctx": missing_ctx,
        }
    )


def feature_row(values: dict[str, float]) -> np.ndarray:
    """`values` (one per feature, by name) as a row in FEATURE_NAMES order, the order the fitted
    weights in index/scorer.json take; ValueError naming any feature missing or unknown."""
    if values.keys() != _FEATURES:
        missing, unknown = sorted(_FEATURES - values.keys()), sorted(values.keys() - _FEATURES)
        raise ValueError(f"sentence features must be exactly FEATURE_NAMES: missing {missing}, unknown {unknown}")
    return np.array([values[name] for name in FEATURE_NAMES], dtype=np.float32)


def _is_shouting(text: str) -> bool:
    """Mostly capital letters: a heading, slogan or banner rather than a statement."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.6
