"""Plain-text rendering of answers and sources, shared by every front end.

Platform adapters may render richer forms (Discord embeds, Slack Block Kit)
from the same `Answer`; this text is the console output and the fallback.
"""

from __future__ import annotations

from index.models import Answer, Citation


def citation_line(c: Citation) -> str:
    dated = f", {c.date}" if c.date else ""
    return f"[{c.n}] {c.title} ({c.source}{dated}, chars {c.start}–{c.end})"


def quote_lines(answer: Answer) -> list[str]:
    """The answer's quote, or, when the articles differ, each differing quote with its date, newest first."""
    if not answer.differing:
        return [f"“{answer.text}” [1]"]
    lines = ["The articles differ:"]
    lines += [f"“{c.quote}” [{c.n}]" + (f" ({c.date})" if c.date else "") for c in answer.differing]
    return lines


def render_answer_text(answer: Answer, prefix: str = "!") -> str:
    """The answer quoted verbatim, then its numbered citations."""
    if answer.abstained:
        lines = ["The articles don't say. Closest sources:"]
        lines += [citation_line(c) for c in answer.citations] or ["(none)"]
    else:
        lines = [*quote_lines(answer), ""]
        lines += [citation_line(c) for c in answer.citations]
    lines.append(f"(`{prefix}source N` shows the passage behind a citation)")
    if answer.reading is not None:
        lines.insert(0, f"({answer.reading.note})")
    return "\n".join(lines)


def render_source_text(n: int, c: Citation) -> str:
    """The full passage behind citation `n`, with its article title and file."""
    return f"[{n}] {c.title} — {c.source}, chars {c.passage_start}–{c.passage_end}\n\n{c.passage_text}"
