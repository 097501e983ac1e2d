"""Calendar dates as articles write them, read into ISO form (YYYY-MM-DD).

The one home for month names and written dates: the article loader reads a
`date:` / `published:` header with `parse_date` (index/articles.py), and
index/kinds.py compares the dates sentences state with `month_number`.
"""

from __future__ import annotations

import datetime
import re

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTH_PATTERN = "(?:" + "|".join(MONTHS) + "|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?,?\s+)?"
# What may follow a date: nothing, a time ("T14:03:00Z", " 7:03 p.m. ET"), punctuation.
_END = r"(?=$|[^\w]|T\d)"
_WRITTEN = (
    re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})" + _END),
    re.compile(
        _WEEKDAY + r"(?P<m>" + MONTH_PATTERN + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _END, re.I
    ),
    re.compile(
        _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m>" + MONTH_PATTERN + r")\.?,?\s+(?P<y>\d{4})" + _END, re.I
    ),
)


def month_number(name: str) -> int | None:
    """1-12 for a month's name or its abbreviation ("June", "jun", "Sept."), else None."""
    low = name.lower().rstrip(".")
    if len(low) < 3:
        return None
    return next((i for i, month in enumerate(MONTHS, 1) if month.startswith(low)), None)


def parse_date(value: str) -> str | None:
    """The ISO date (YYYY-MM-DD) a written date names, or None when it names none.

    Read: "2017-06-20" (a time after it, as in "2017-06-20T14:03:00Z", is ignored),
    "2017/06/20", "June 20, 2017", "Jun. 20, 2017", "Tuesday, June 20, 2017",
    "20 June 2017", "Tue, 20 Jun 2017 14:03:00 +0000". Not "06/20/2017": it means
    another day in half the world. A day that does not exist (2017-02-30) is None.
    """
    text = value.strip()
    for pattern in _WRITTEN:
        match = pattern.match(text)
        if match is None:
            continue
        month = match["m"]
        number = int(month) if month.isdigit() else month_number(month)
        try:
            return datetime.date(int(match["y"]), number or 0, int(match["d"])).isoformat()
        except ValueError:
            return None
    return None
