"""Split long reply text into parts that fit a platform's limit, at the best boundary available.

Shared by the Discord and Slack renderers; each passes its own way of measuring a part
(Discord counts UTF-16 code units, Slack counts the characters after escaping).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Parts of `text` (stripped), each with `measure(part) <= limit`.

    Cuts at the latest paragraph break, else line break, else sentence end, else space
    found in the later half of the part that fits (an earlier one would leave a tiny
    part); a hard cut only inside a run with no boundary, and never right after a
    backslash (a markdown escape stays with its character). `measure` must grow with
    the text and give at most `limit` for any single character.
    """
    parts: list[str] = []
    rest = text.strip()
    while rest and measure(rest) > limit:
        fits = _longest_fitting_prefix(rest, limit, measure)
        cut = _boundary(rest[:fits]) or _hard_cut(rest, fits)
        head = rest[:cut].rstrip()
        if head:
            parts.append(head)
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _longest_fitting_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _boundary(window: str) -> int | None:
    half = len(window) // 2
    for marker in ("\n\n", "\n"):
        at = window.rfind(marker)
        if at >= half:
            return at
    ends = [m.end() for m in _SENTENCE_END.finditer(window + " ") if half <= m.end() <= len(window)]
    if ends:
        return ends[-1]
    at = max(window.rfind(" "), window.rfind("\t"))
    return at if at >= half else None


def _hard_cut(text: str, fits: int) -> int:
    if fits > 1 and text[fits - 1] == "\\":
        return fits - 1
    return max(fits, 1)
