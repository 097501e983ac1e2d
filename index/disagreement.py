"""When the strong candidate answers come from different articles and state different values.

News articles written on different days report different figures for the same thing
("51 percent with 97 of 210 precincts reporting", later "48.1 percent"). A question that
asks for a value (index/kinds.py: a share, a sum, a count, a date, an age, a margin, a time)
is checked here: the answer's quote states some values of that kind; another article's best
strong candidate about the same thing disagrees with it when it states values of the kind and
neither quote mentions a value the other states. The reply then quotes them all, newest article
first where dated, and says that they differ. An article whose candidate mentions one of the
answer's values agrees ("less than two points" / "less than 2 percentage points"); one whose
candidates state no value of the kind says nothing either way. Which candidates are strong, the
answerer decides (index/answerer.py: the confidence model finds them more likely than not to answer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Stated:
    """A candidate answer's quote (`start`..`end` of its article) and the values of the asked kind it states."""

    row: int  # the sentence row it was found from
    source: str
    start: int
    end: int
    date: str | None  # its article's date, ISO
    values: dict[str, str]  # normalised value -> as written (index.kinds.stated_values)
    mentioned: frozenset[str]  # every value of the kind it mentions, normalised (`loose`)
    matched: frozenset[str]  # the question's tokens the quote holds


def differing(best: Stated, others: Iterable[Stated], limit: int) -> list[Stated]:
    """`best` and the candidates from other articles that state other values, newest first; [] if none.

    `others` are the strong candidates, best first. An article speaks through the first of them
    that states a value of the kind and is about the same thing: its quote holds every word of the
    question that the answer's holds ("Price won with 62 percent of the vote" says nothing about
    Ossoff's share of it). At most `limit` quotes in all.
    """
    if not best.values:
        return []
    found = [best]
    heard = {best.source}
    for other in others:
        if len(found) >= limit:
            break
        if other.source in heard or not other.values or not best.matched <= other.matched:
            continue
        heard.add(other.source)
        if best.values.keys().isdisjoint(other.mentioned) and other.values.keys().isdisjoint(best.mentioned):
            found.append(other)
    return newest_first(found) if len(found) > 1 else []


def newest_first(stated: list[Stated]) -> list[Stated]:
    """Dated articles newest first, then the undated ones; ties keep their order (best first)."""
    dated = sorted((s for s in stated if s.date), key=lambda s: s.date or "", reverse=True)
    return dated + [s for s in stated if not s.date]
