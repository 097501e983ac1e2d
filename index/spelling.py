"""Mend a question's misspelt words against the articles' own: "ossof age" -> "Ossoff age".

People type in chat from memory and in a hurry: "ossof", "canidates", "novermber". A
misspelt word matches nothing in BM25 and becomes different word pieces for the embedding
and the reader, so "ossof age" misses the sentence that "ossoff age" finds. A typed word
is mended only when all of these hold:

- it is at least `MIN_LETTERS` letters, the articles do not use it and it is not a chat
  spelling ("thurs" is Thursday, not a slip for "thus"; index/chat.py spells it out);
- it is not English (the bundled MiniLM's whole words and Webster's Second, from the
  `english-words` package, with the common suffixes taken off): "handle" stays "handle",
  though it is one swap from "Handel";
- exactly one of the articles' words is one edit away from it: a letter left out, added,
  changed, or two letters swapped.

An English word is mended in one place only: right after a person's first name, when the
articles do not use it and it is one edit from the last name that goes with that first name
("karen handle" -> "karen Handel").

So a mended word is one the articles can only have meant one way; anything else is kept
as typed. A name comes back capitalised, another word in lowercase. Like the
chat spellings (index/chat.py), this changes only the text that is scored: the answer
keeps the question as the user typed it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from index.chat import CHAT_ABBREVIATIONS
from index.text import words

MIN_LETTERS = 5  # shorter words are one edit from too many others ("gray" / "grey" / "gary")
_LETTERS = re.compile(r"[^\W\d_]+")  # a run of letters, accented ones too ("Möngke" is one word)


def _deletions(word: str) -> set[str]:
    """`word` with any one letter left out."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit_apart(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by leaving out, adding or changing one letter, or swapping two neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    if len(a) < len(b):  # one letter added
        return any(a == b[:i] + b[i + 1 :] for i in range(len(b)))
    differ = [i for i in range(len(a)) if a[i] != b[i]]
    if len(differ) == 1:
        return True
    if len(differ) != 2 or differ[1] != differ[0] + 1:
        return False
    i, j = differ
    return a[i] == b[j] and a[j] == b[i]


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """English words, lowercase: the bundled MiniLM's whole words and Webster's Second (about 250,000)."""
    from english_words import get_english_words_set

    from index.tuned import bundled_model_dir

    vocabulary = Path(bundled_model_dir(), "vocab.txt").read_text(encoding="utf-8").split()
    webster = get_english_words_set(["web2"], lower=True, alpha=True)
    return frozenset(w for w in vocabulary if w.isalpha() and w.islower()) | frozenset(webster)


# Suffixes taken off (and what replaces them) to find the dictionary form of an inflected word:
# Webster's lists "hatch" and "endorsement", not "hatched" and "endorsements".
_SUFFIXES = (
    ("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("s", ""),
    ("er", ""), ("ers", ""), ("est", ""), ("ly", ""), ("ment", ""), ("ments", ""), ("ness", ""),
)  # fmt: skip


def is_english(word: str, known: frozenset[str] | set[str]) -> bool:
    """Whether lowercase `word` is in `known`, or its form without a common suffix ("stopped" -> "stop"),
    or its form with one ("propel" -> "propelled": Webster's lists some words only inflected)."""
    if word in known:
        return True
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)] + replacement
            if base in known or (base[-1] == base[-2] and base[:-1] in known):
                return True
    return any(word + suffix in known or word + word[-1] + suffix in known for suffix in ("s", "ed", "ing"))


class SpellingMender:
    """Built once per index from its sentences (`texts`), the articles' name words
    (`NameBook.name_words`) and `english_words()`; `mend` is cheap per question (a few
    dictionary lookups per long unknown word)."""

    def __init__(
        self,
        texts: Iterable[str],
        name_words: Iterable[str],
        known_words: Iterable[str],
        full_names: Iterable[str] = (),
    ) -> None:
        used = {w for text in texts for w in words(text) if w.isalpha()}
        names = {n for n in name_words if n.isalpha()}
        self._used = used
        self._english = frozenset(known_words)
        # The form a mended word takes: a name capitalised, another word in lowercase.
        self._written = {w: w for w in used} | {n: n.capitalize() for n in names}
        # Every word and its one-letter deletions, to find the words one edit from a typed word
        # without comparing it with all of them.
        self._near: defaultdict[str, set[str]] = defaultdict(set)
        for word in self._written:
            if len(word) >= MIN_LETTERS - 1:
                for key in _deletions(word) | {word}:
                    self._near[key].add(word)
        # First name -> the last names it goes with ("karen" -> {"handel"}): a last name typed as an
        # English word ("karen handle") is mended when the first name before it is right.
        self._last_names: defaultdict[str, set[str]] = defaultdict(set)
        for full in full_names:
            first, *rest = full.lower().split()
            if len(rest) == 1 and rest[0].isalpha():
                self._last_names[first].add(rest[0])
        for first in set(self._last_names) & {last for lasts in self._last_names.values() for last in lasts}:
            del self._last_names[first]  # "Trump Furious" (a slogan): "trump curious" is not a typo

    def _meant_as_typed(self, word: str) -> bool:
        """Whether lowercase `word` is too short to mend, a word of the articles or a chat spelling."""
        return len(word) < MIN_LETTERS or word in self._used or word in CHAT_ABBREVIATIONS

    def mended_word(self, typed: str) -> str | None:
        """The one word of the articles that `typed` is a misspelling of (a name capitalised), or None."""
        word = typed.lower()
        if self._meant_as_typed(word) or is_english(word, self._english):
            return None
        candidates = {w for key in _deletions(word) | {word} for w in self._near.get(key, ())}
        meant = [w for w in candidates if one_edit_apart(word, w)]
        return self._written[meant[0]] if len(meant) == 1 else None

    def mend(self, question: str) -> str:
        """`question` with each misspelt word replaced by the one the articles use."""
        return self.mended(question)[0]

    def mended(self, question: str) -> tuple[str, list[tuple[str, str]]]:
        """`question` mended, and the (typed, mended) words it changed, in order."""
        changed: list[tuple[re.Match[str], str]] = []
        previous: re.Match[str] | None = None
        for match in _LETTERS.finditer(question):
            word = self.mended_word(match.group(0))
            if word is None and previous is not None and not question[previous.end() : match.start()].strip():
                word = self._last_name(previous.group(0), match.group(0))
            if word is not None:
                changed.append((match, word))
            previous = match
        text = question
        for match, word in reversed(changed):
            text = text[: match.start()] + word + text[match.end() :]
        return text, [(match.group(0), word) for match, word in changed]

    def _last_name(self, first: str, typed: str) -> str | None:
        """The one last name that goes with `first` and is one edit from `typed` (capitalised), or None."""
        if self._meant_as_typed(typed.lower()):  # "Saudi Arabia" is not "Saudi Arabian"
            return None
        meant = [last for last in self._last_names.get(first.lower(), ()) if one_edit_apart(typed.lower(), last)]
        return meant[0].capitalize() if len(meant) == 1 else None
