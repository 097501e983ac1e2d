"""Mend a question's misspelt names against the names the articles use: "ossof age" -> "Ossoff age".

People type names in chat from memory. A misspelt name matches nothing in BM25 and
becomes different word pieces for the embedding and the reader, so "ossof age" misses
the sentence that "ossoff age" finds. A typed word is mended only when all of these hold:

- it is at least `MIN_LETTERS` letters and not a word the articles use;
- it is not an English word (the bundled MiniLM's vocabulary: "handle" stays "handle",
  though it is one swap from "Handel");
- exactly one of the articles' name words (index/followup.NameBook.name_words) is one
  edit away from it: a letter left out, added, changed, or two letters swapped.

So a mended word is one the articles can only have meant one way; anything else is kept
as typed. Like the chat spellings (index/chat.py), this changes only the text that is
scored: the answer keeps the question as the user typed it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from index.text import words

MIN_LETTERS = 5  # shorter words are one edit from too many others ("gray" / "grey" / "gary")
_LETTERS = re.compile(r"[A-Za-z]+")


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


def english_words() -> frozenset[str]:
    """The whole lowercase words of the bundled MiniLM's vocabulary (about 22,000 English words)."""
    from index.tuned import bundled_model_dir

    vocabulary = Path(bundled_model_dir(), "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in vocabulary if w.isalpha() and w.islower())


class SpellingMender:
    """Built once per index; `mend` is cheap per question (a dictionary lookup per long unknown word)."""

    def __init__(self, texts: Iterable[str], name_words: Iterable[str], known_words: Iterable[str]) -> None:
        self._used = {w for text in texts for w in words(text)} | set(known_words)
        # Every name word and its one-letter deletions, to find the names one edit from a typed word
        # without comparing it with all of them.
        self._near: defaultdict[str, set[str]] = defaultdict(set)
        for name in name_words:
            if len(name) >= MIN_LETTERS - 1 and name.isalpha():
                for key in _deletions(name) | {name}:
                    self._near[key].add(name)

    def mended_word(self, typed: str) -> str | None:
        """The one name `typed` (lowercased) is a misspelling of, or None."""
        word = typed.lower()
        if len(word) < MIN_LETTERS or word in self._used:
            return None
        candidates = {n for key in _deletions(word) | {word} for n in self._near.get(key, ())}
        names = [n for n in candidates if one_edit_apart(word, n)]
        return names[0] if len(names) == 1 else None

    def mend(self, question: str) -> str:
        """`question` with each misspelt name replaced by the name the articles use (capitalised)."""

        def mended(match: re.Match[str]) -> str:
            name = self.mended_word(match.group(0))
            return match.group(0) if name is None else name.capitalize()

        return _LETTERS.sub(mended, question)
