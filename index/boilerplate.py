"""Recognise scraped boilerplate so it is not indexed (the text itself is never changed).

Rules are generic to scraped news pages, not to any corpus: navigation labels
("Latest News"), photo credits, paragraphs repeated verbatim within
an article (captions printed twice), and stray bylines ("• Leroy Wright").
"""

from __future__ import annotations

import re

_NAV_LABELS = re.compile(
    r"^(latest|top|related|more|breaking|trending|most popular|most read|recommended)"
    r"( news| stories| articles| videos| coverage| posts)?$|^(advertisement|sponsored|read more|share( this)?"
    r"|click here.*|sign up.*|subscribe.*|watch|video|photos?|image)$",
    re.IGNORECASE,
)
_PHOTO_CREDIT = re.compile(
    r"^\(?\s*(AP|Reuters|AFP|Getty( Images)?|EPA)?\s*(Photo|Image|Picture)s?\s*(/|by|:)[^)]*\)?\s*[.]?$",
    re.IGNORECASE,
)
_TRAILING_CREDIT = re.compile(r"\s(AP|Reuters|AFP|Getty Images|EPA|File)$")
_BYLINE = re.compile(r"^(?:[•·*–—-]\s*|By\s+)[A-Z][\w'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}$")
_TERMINAL = (".", "!", "?", '"', "”", "’", "'", ")")


def is_boilerplate_paragraph(paragraph: str, repeats: int) -> bool:
    """True for a paragraph that is page furniture rather than article text.

    `repeats` is how many times this exact paragraph occurs in its article.
    """
    text = " ".join(paragraph.split())
    words = text.split()
    if not words:
        return True
    if _NAV_LABELS.match(text) or _PHOTO_CREDIT.match(text) or _BYLINE.match(text):
        return True
    unpunctuated = not text.endswith(_TERMINAL)
    if unpunctuated and _TRAILING_CREDIT.search(text):
        return True  # a photo caption ending in its credit: "Secretary of State Brian Kemp AP"
    if repeats > 1 and unpunctuated and len(words) <= 30:
        return True  # a caption or label printed more than once
    return unpunctuated and len(words) <= 3 and not any(ch.isdigit() for ch in text)


def is_boilerplate_sentence(sentence: str) -> bool:
    """True for a sentence-sized fragment that is only a photo credit or a byline."""
    text = " ".join(sentence.split())
    return bool(_PHOTO_CREDIT.match(text))
