"""Block Kit rendering of a core `Reply` for Slack, within Slack's limits.

Pure functions, no Slack SDK: the adapter sends the result with
`chat.postMessage` or through a slash command's `response_url`.

Slack parses `<...>` sequences in message text as links and mentions
(`<!everyone>`, `<!channel>`, `<!here>`, `<@U…>`, `<!subteam^…>`), so every
piece of article or user text is escaped (`&`, `<`, `>`) before it goes out:
a quoted `<!channel>` then shows as written and notifies nobody. Text objects
are marked `verbatim` so Slack does not link-ify names or URLs either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core import Reply, ReplyKind
from bot.feedback import Verdict, button_id
from bot.text_split import split_text as split_parts
from index.models import Citation

RATING_BLOCK_ID = "racebot-rating"
SECTION_LIMIT = 3000  # characters of text in one section block
MAX_BLOCKS = 50  # blocks in one message
FALLBACK_LIMIT = 3000  # the plain `text` shown in notifications; Slack truncates at 40,000


Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """A message ready to send: `text` is the plain fallback, `blocks` the Block Kit layout."""

    text: str
    blocks: list[Block]


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup, so nothing in `text` pings or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote_lines(text: str) -> str:
    """Escaped text as a mrkdwn block quote (every line starts with `>`)."""
    return "\n".join(f"> {line}" if line else ">" for line in escape(text).split("\n"))


def split_text(text: str, limit: int, render: Callable[[str], str] = escape) -> list[str]:
    """Split `text` into pieces whose `render(piece)` fits in `limit` characters (rendered after the cut,
    so an escape such as `&amp;` is never split)."""
    return split_parts(text, limit, lambda piece: len(render(piece)))


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def citation_line(c: Citation) -> str:
    """One escaped mrkdwn line naming a citation's article, file and character span."""
    dated = f", {c.date}" if c.date else ""
    return f"*[{c.n}]* {escape(c.title)} — `{escape(c.source)}`{dated}, chars {c.start}–{c.end}"


class _Layout:
    """Collects blocks, keeping the total under `MAX_BLOCKS` and saying what was cut."""

    def __init__(self, reserved: int = 0) -> None:
        self.blocks: list[Block] = []
        self.reserved = reserved  # blocks kept free for what must come last (the hint)

    def room(self) -> int:
        return MAX_BLOCKS - self.reserved - len(self.blocks)

    def add(self, block: Block) -> None:
        if self.room() > 0:
            self.blocks.append(block)

    def add_text(self, text: str, as_quote: bool = False) -> None:
        """Sections holding all of `text` (escaped), or as much as fits plus a note on the rest."""
        render = quote_lines if as_quote else escape
        pieces = split_text(text, SECTION_LIMIT, render)
        for i, piece in enumerate(pieces):
            left = self.room()
            if left <= 0:
                return
            if left == 1 and i < len(pieces) - 1:
                hidden = sum(len(p) for p in pieces[i:])
                self.blocks.append(_context(f"… {hidden:,} more characters not shown (Slack's message size limit)."))
                return
            self.blocks.append(_section(render(piece)))


def _fallback(text: str) -> str:
    pieces = split_text(text, FALLBACK_LIMIT - 1)
    if not pieces:
        return " "
    return escape(pieces[0]) + ("…" if len(pieces) > 1 else "")


def render_reply(reply: Reply, source_hint: str, question: str | None = None, extra_help: str = "") -> SlackMessage:
    """Lay out `reply` as Block Kit plus a plain fallback `text`.

    `source_hint` tells people how to see a citation's passage from where the
    answer lands (e.g. "Reply `!source N` in this thread"); `question` is
    shown above answers that arrive without the question next to them (slash
    commands); `extra_help` is appended to the help text.
    """
    answer = reply.answer
    hint = answer is not None and bool(answer.citations)
    layout = _Layout(reserved=int(hint) + int(reply.feedback_id is not None))
    if question and reply.kind in (ReplyKind.ANSWER, ReplyKind.ABSTAIN):
        layout.add(_context(f"Question: {escape(question[:500])}"))
    if answer is not None and answer.reading is not None and reply.kind in (ReplyKind.ANSWER, ReplyKind.ABSTAIN):
        layout.add(_context(escape(f"({answer.reading.note})")))
    if reply.kind is ReplyKind.ANSWER and answer is not None and answer.text is not None:
        if answer.differing:  # the articles state different values: each quote, newest first
            layout.add(_section("*The articles differ:*"))
            for c in answer.differing:
                layout.add_text(f"“{c.quote}” [{c.n}]" + (f" ({c.date})" if c.date else ""), as_quote=True)
        else:
            layout.add_text(f"“{answer.text}” [1]", as_quote=True)
        _add_lines(layout, [citation_line(c) for c in answer.citations])
    elif reply.kind is ReplyKind.ABSTAIN and answer is not None:
        layout.add(_section("*The articles don't say.*" + (" Closest sources:" if answer.citations else "")))
        _add_lines(layout, [citation_line(c) for c in answer.citations])
    elif reply.kind is ReplyKind.SOURCE and reply.source is not None:
        c = reply.source.citation
        head = f"*[{reply.source.n}] {escape(c.title)}* — `{escape(c.source)}`, chars {c.passage_start}–{c.passage_end}"
        layout.add(_section(head))
        layout.add_text(c.passage_text, as_quote=True)
    else:
        layout.add_text(reply.text + (f"\n{extra_help}" if extra_help and reply.kind is ReplyKind.HELP else ""))
    layout.reserved = 0
    if hint:
        layout.add(_context(escape(source_hint)))
    if reply.feedback_id is not None:
        layout.add(rating_buttons(reply.feedback_id))
    return SlackMessage(text=_fallback(reply.text), blocks=layout.blocks)


def rating_buttons(feedback_id: str) -> Block:
    """The 👍/👎 buttons under an answer; each `action_id` carries the verdict and the answer's id."""
    return {
        "type": "actions",
        "block_id": RATING_BLOCK_ID,
        "elements": [
            {
                "type": "button",
                "action_id": button_id(verdict, feedback_id),
                "text": {"type": "plain_text", "text": f"{verdict.emoji} {label}", "emoji": True},
                "value": feedback_id,
            }
            for verdict, label in ((Verdict.GOOD, "Good answer"), (Verdict.BAD, "Bad answer"))
        ],
    }


def _add_lines(layout: _Layout, lines: list[str]) -> None:
    """Already-escaped lines, packed into as few sections as the limit allows."""
    chunk: list[str] = []
    for line in lines:
        line = line[:SECTION_LIMIT]
        if chunk and len("\n".join([*chunk, line])) > SECTION_LIMIT:
            layout.add(_section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        layout.add(_section("\n".join(chunk)))
