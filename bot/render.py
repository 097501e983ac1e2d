"""Plain-text rendering of answers and sources, shared by every front end.

Platform adapters may render richer forms (Discord embeds, Slack Block Kit)
from the same `Answer`; this text is the console output and the fallback.
"""

from __future__ import annotations

from index.models import Answer, Citation


def citation_line(c: Citation) -> str:
    return f"[{c.n}] {c.title} ({c.source}, chars {c.start}–{c.end})"


def render_answer_text(answer: Answer, prefix: str = "!") -> str:
    """The answer quoted verbatim, then its numbered citations."""
    if answer.abstained:
        lines = ["The articles don't say. Closest sources:"]
        lines += [citation_line(c) for c in answer.citations] or ["(none)"]
    else:
        lines = [f"“{answer.text}” [1]", ""]
        lines += [citation_line(c) for c in answer.citations]
    lines.append(f"(`{prefix}source N` shows the passage behind a citation)")
    return "\n".join(lines)


def render_source_text(n: int, c: Citation) -> str:
    """The full passage behind citation `n`, with its article title and file."""
    return f"[{n}] {c.title} — {c.source}, chars {c.passage_start}–{c.passage_end}\n\n{c.passage_text}"
