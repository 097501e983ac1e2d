"""Spell out a question's acronyms that the articles only ever write in full.

A reader asks "What is the DCCC?" of articles that say "the Democratic
Congressional Campaign Committee" and never "DCCC": neither BM25 nor the
embedding links the two. The articles themselves say what an acronym could
stand for: a run of capitalised words whose initials spell it. A question's
acronym that the articles never use but whose long form they do use gets that
long form after it, in brackets, before the question is embedded and scored.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from index.text import words

MIN_LETTERS, MAX_LETTERS = 3, 6  # "GOP", "NAACP"; two letters ("US", "IN") are too often something else
_ACRONYM = re.compile(rf"\b[A-Z]{{{MIN_LETTERS},{MAX_LETTERS}}}\b")
# Typed in chat: "whats the dccc". Only a word the articles never use, with at most one vowel, is read as one.
_LOWER_ACRONYM = re.compile(rf"\b[a-z]{{{MIN_LETTERS},{MAX_LETTERS}}}\b")
_CAPITALISED = re.compile(r"[A-Z][\w'’-]*")
# A run of capitalised words, allowing the small words of a name between them ("Secretary of State").
_NAME_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|on)\s+)?[A-Z][\w'’-]*)+")


def long_forms(texts: Iterable[str]) -> dict[str, str]:
    """Each acronym the capitalised word runs in `texts` spell, mapped to its commonest long form.

    "the Democratic Congressional Campaign Committee" gives "DCCC" (and "DCC", "CCC"...):
    only the acronyms a question actually uses are ever looked up.
    """
    seen: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for run in _NAME_RUN.finditer(text):
            caps = [m.group(0).rstrip("'’") for m in _CAPITALISED.finditer(run.group(0))]
            caps = [w[:-2] if w.endswith(("'s", "’s")) else w for w in caps]
            for i in range(len(caps)):
                for j in range(i + MIN_LETTERS, min(len(caps), i + MAX_LETTERS) + 1):
                    seen["".join(w[0] for w in caps[i:j])][" ".join(caps[i:j])] += 1
    return {acronym: forms.most_common(1)[0][0] for acronym, forms in seen.items()}


class AcronymExpander:
    """Built once per index from its sentences; `expand` is cheap per question."""

    def __init__(self, texts: list[str]) -> None:
        self._vocabulary = {w for t in texts for w in words(t)}
        self._long_forms = long_forms(texts)

    def expand(self, question: str) -> str:
        """`question` with "(Long Form)" after each acronym the articles only write in full,
        typed in capitals ("DCCC") or, in chat, in lowercase ("dccc")."""

        def lowercase_spelled_out(match: re.Match[str]) -> str:
            word = match.group(0)
            if word in self._vocabulary or sum(c in "aeiou" for c in word) > 1:
                return word  # a word the articles use, or one that reads as a word rather than letters
            expanded = spelled_out_acronym(word.upper())
            return word if expanded == word.upper() else word + expanded[len(word) :]

        def spelled_out_acronym(acronym: str) -> str:
            long_form = self._long_forms.get(acronym)
            if long_form is None or acronym.lower() in self._vocabulary:
                return acronym
            return f"{acronym} ({long_form})"

        question = _ACRONYM.sub(lambda m: spelled_out_acronym(m.group(0)), question)
        return _LOWER_ACRONYM.sub(lowercase_spelled_out, question)
