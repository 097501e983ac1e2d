"""Split article text into paragraphs and sentences, keeping character offsets.

Every span returned is `(start, end)` into the text given, so callers can quote
`text[start:end]` verbatim. The sentence rules are tuned for news copy:
abbreviations such as "U.S.", "Sen.", "Mr.", "7 p.m. ET" do not end a
sentence; a closing quote after the full stop ('."') stays with its sentence.
"""

from __future__ import annotations

import re

# Titles and other abbreviations that are (almost) never the end of a sentence.
_NEVER_FINAL = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "sens",
    "rep",
    "reps",
    "gov",
    "lt",
    "gen",
    "col",
    "sgt",
    "capt",
    "cmdr",
    "adm",
    "maj",
    "pres",
    "prof",
    "rev",
    "hon",
    "st",
    "ft",
    "mt",
    "no",
    "nos",
    "vs",
    "v",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
    "dept",
    "est",
    "fig",
    "gens",
    "sr",
    "jr",
    "messrs",
    "supt",
    "atty",
}
# Abbreviations that may end a sentence; after them we split only when a typical
# sentence opener follows ("...in the U.S. The next day" vs "U.S. Representative").
_MAYBE_FINAL = {"inc", "co", "corp", "ltd", "etc", "bros", "llc", "plc"}
_OPENERS = {
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "but",
    "and",
    "or",
    "so",
    "in",
    "on",
    "at",
    "this",
    "that",
    "these",
    "those",
    "there",
    "his",
    "her",
    "their",
    "its",
    "our",
    "as",
    "after",
    "before",
    "when",
    "while",
    "if",
    "for",
    "with",
    "however",
    "meanwhile",
    "still",
    "yet",
    "then",
    "now",
    "what",
    "who",
    "why",
    "how",
    "some",
    "many",
    "most",
    "one",
}
_TIMEZONES = {"et", "est", "edt", "ct", "cst", "cdt", "mt", "mst", "mdt", "pt", "pst", "pdt", "gmt", "utc", "bst"}

# A candidate boundary: terminal punctuation, optionally wrapped by closing quotes
# or brackets on either side ('."', '".', '?"'), then whitespace. Each alternative starts
# only where its run starts (the lookbehinds), and the quotes are bounded ({0,8}): otherwise
# a long run of full stops or quote marks is rescanned from each of its characters.
_BOUNDARY = re.compile(r"""(?:(?<![.!?…])[.!?…]+["'”’)\]]{0,8}|(?<!["'”’)\]])["'”’)\]]{1,8}[.!?…]+)(?=\s+)""")
_NEXT_START = re.compile(r"""\s+(["'“‘(\[]*)(\S*)""")
_TOKEN_BEFORE = re.compile(r"""([\w.&'’-]+)$""")
_LOOK_BACK = 64  # characters; longer than any abbreviation the rules below look at
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the blank-line-separated paragraphs, trimmed of surrounding whitespace."""
    spans = []
    pos = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return [trimmed for s, e in spans if (trimmed := _trim(text, s, e))[0] < trimmed[1]]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in `text[start:end]`, as offsets into `text`."""
    end = len(text) if end is None else end
    spans = []
    sentence_start = start
    for match in _BOUNDARY.finditer(text, start, end):
        if _is_sentence_end(text, match, end):
            spans.append(_trim(text, sentence_start, match.end()))
            sentence_start = match.end()
    spans.append(_trim(text, sentence_start, end))
    return [s for s in spans if s[0] < s[1]]


def _is_sentence_end(text: str, match: re.Match[str], end: int) -> bool:
    nxt = _NEXT_START.match(text, match.end(), end)
    if nxt is None:
        return False
    opener, word = nxt.group(1), nxt.group(2)
    if not word and not opener:
        return False
    first = (word or opener)[:1]
    # A lowercase continuation ('"No one knows," Handel said' or 'who. received') is not a new sentence.
    if not (first.isupper() or first.isdigit() or opener):
        return False
    punct = match.group(0)
    if not punct.startswith("."):
        return True  # '!', '?', or a quote before the stop
    # Look back a bounded stretch: searching from the text's start made long articles quadratic.
    before = _TOKEN_BEFORE.search(text, max(0, match.start() - _LOOK_BACK), match.start())
    if before is None:
        return True
    token = before.group(1)
    bare = token.lower().rstrip(".")
    next_word = word.strip("\"'“”‘’()[],;:").lower()
    if bare in _NEVER_FINAL and "." not in token:
        return False
    if len(bare) == 1 and bare.isalpha() and token[:1].isupper():
        return False  # an initial: "Samuel L. Jackson", "Donald J. Trump"
    if "." in bare or bare in _MAYBE_FINAL:
        # Dotted abbreviations: "U.S.", "p.m.", "D.C.", "e.g."
        if next_word in _TIMEZONES:
            return False
        return next_word in _OPENERS
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
