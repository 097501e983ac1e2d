"""Recognise scraped boilerplate so it is not indexed (the text itself is never changed).

Rules are generic to scraped news pages, not to any corpus: navigation labels
("Latest News"), photo credits and captions, paragraphs repeated verbatim within
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
# A photo caption describes the picture in the present tense: "Jon Ossoff speaks to volunteers ...",
# "A voter casts a ballot ...". News prose reports in the past tense, so these verbs early on give it away.
_CAPTION = re.compile(
    r"^(?:[\w.'’-]+\s+){1,6}(speaks|talks|greets|listens|arrives|poses|casts|gestures|smiles|reacts|hugs|"
    r"celebrates|delivers|attends|walks|waits|shakes|looks on)\b"
)
_REPORTED_SPEECH = re.compile(r"\b(said|says)\b")
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


def looks_like_caption(sentence: str) -> bool:
    """True for a sentence that reads like a photo caption left inside a paragraph.

    Such sentences stay indexed (they may hold facts) but rarely answer a question;
    the answerer uses this as a feature, not a filter.
    """
    text = " ".join(sentence.split())
    return bool(_CAPTION.match(text)) and not _REPORTED_SPEECH.search(text)


def looks_like_headline(sentence: str) -> bool:
    """True for a headline or subhead: no closing punctuation and mostly capitalised words.

    "Georgia's 6th District Special Election Results: Democrats try to turn a House seat blue".
    A headline announces a story rather than stating its facts; a feature, not a filter.
    """
    text = " ".join(sentence.split())
    tokens = text.split()
    if len(tokens) < 4 or text.endswith(_TERMINAL):
        return False
    return sum(1 for w in tokens if w[:1].isupper()) / len(tokens) >= 0.5
