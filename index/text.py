"""Lexical tokenization shared by the BM25 index and the sentence scorer."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

WORD = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*", re.UNICODE)  # a word, with inner apostrophes and dots
# Small English stop list: function words and question words carry no evidence.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "d",
        "ll",
        "m",
        "re",
        "ve",
        "also",
        "according",
        "said",
        "says",
        "say",
    ]
)
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (English) stem of one lowercased word, as BM25 and the features compare it."""
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """Lowercased word tokens, dots inside acronyms removed ("U.S." -> "us")."""
    return [w.replace(".", "").replace("’", "'") for w in WORD.findall(text.lower())]


def tokenize(text: str) -> list[str]:
    """Stemmed content words: the terms BM25 compares."""
    out = []
    for w in words(text):
        w = w.split("'")[0]  # possessives: "georgia's" -> "georgia"
        if w and w not in STOPWORDS:
            out.append(stem(w))
    return out
