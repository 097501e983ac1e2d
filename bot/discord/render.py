"""Render a core `Reply` as Discord messages that fit Discord's limits.

Answers, abstentions and sources become embeds (a 4,096-character description
reads better than a 2,000-character message); everything else is plain
content. Article text is escaped, so a quote containing `*` or `#` shows
exactly as written. Anything too long is split into several messages at a
paragraph, then sentence, then word boundary. Lengths are counted in UTF-16
code units, as Discord counts them, so emoji cannot push a part over the limit.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import discord

from bot.core import Reply, ReplyKind
from bot.text_split import split_text as split_parts
from index.models import Answer, Citation

logger = logging.getLogger(__name__)

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
TITLE_LIMIT = 256
FOOTER_LIMIT = 2048
SHOWN_TITLE_CHARS = 200  # article titles in citation lines; the file name identifies the article anyway

ANSWER_COLOUR = discord.Colour.blue()
ABSTAIN_COLOUR = discord.Colour.light_grey()
SOURCE_COLOUR = discord.Colour.dark_teal()

_LINE_START_MARKUP = re.compile(r"^(?=#{1,3} |-# |> |>>> |[-+] )", re.MULTILINE)
_ORDERED_LIST = re.compile(r"^(\d+)\. ", re.MULTILINE)  # Discord escapes only punctuation: "1\. "


@dataclass(frozen=True)
class Outgoing:
    """One Discord message to send: content, an embed, or both."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None  # the 👍/👎 buttons, on an answer's last message

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for discord.py's `send`, leaving out what is absent."""
        kwargs: dict[str, Any] = {}
        if self.content is not None:
            kwargs["content"] = self.content
        if self.embed is not None:
            kwargs["embed"] = self.embed
        if self.view is not None:
            kwargs["view"] = self.view
        return kwargs


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into parts of at most `limit` UTF-16 units, at the best boundaries available."""
    return split_parts(text, limit, utf16_len)


def escape(text: str) -> str:
    """Show article text literally: escape inline markdown and line-start markup such as `# `."""
    escaped = _LINE_START_MARKUP.sub("\\\\", discord.utils.escape_markdown(text))
    return _ORDERED_LIST.sub(r"\1\\. ", escaped)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def citation_line(c: Citation) -> str:
    dated = f", {c.date}" if c.date else ""
    return f"**[{c.n}]** {escape(_shorten(c.title, SHOWN_TITLE_CHARS))} — `{c.source}`{dated}"


def _embeds(title: str | None, description: str, footer: str | None, colour: discord.Colour) -> list[Outgoing]:
    """One embed per part of `description`; the title goes on the first, the footer on the last."""
    parts = split_text(description, DESCRIPTION_LIMIT) or ["(empty)"]
    out = []
    for i, part in enumerate(parts):
        embed = discord.Embed(description=part, colour=colour)
        if title and i == 0:
            embed.title = _shorten(title, TITLE_LIMIT)
        if footer and i == len(parts) - 1:
            embed.set_footer(text=_shorten(footer, FOOTER_LIMIT))
        out.append(Outgoing(embed=embed))
    return out


def render_answer(answer: Answer, prefix: str) -> list[Outgoing]:
    footer = f"{prefix}source N shows the passage behind citation N"
    citations = "\n".join(citation_line(c) for c in answer.citations)
    # A follow-up says how it was read, so a wrong guess is visible.
    reading = f"*{escape(f'({answer.reading.note})')}*\n" if answer.reading is not None else ""
    if answer.abstained:
        body = "Closest sources:\n" + citations if citations else "No article came close."
        return _embeds("The articles don't say.", reading + body, footer, ABSTAIN_COLOUR)
    if answer.differing:  # the articles state different values: each quote, newest first
        quotes = "\n".join(
            f"“{escape(c.quote)}” **[{c.n}]**" + (f" *({c.date})*" if c.date else "") for c in answer.differing
        )
        body = f"{reading}**The articles differ:**\n{quotes}\n\n{citations}"
    else:
        body = f"{reading}“{escape(answer.text or '')}” **[1]**\n\n{citations}"
    return _embeds(None, body, footer, ANSWER_COLOUR)


def render_source(n: int, c: Citation) -> list[Outgoing]:
    """The passage behind citation `n`, with the quoted span in bold when it fits in one embed."""
    offset = c.start - c.passage_start
    text = c.passage_text
    body = escape(text)
    end = offset + len(c.quote)
    if c.quote and offset >= 0 and text[offset:end] == c.quote:
        # Mark the span with private-use characters so escaping sees the passage as one text.
        marked = escape(f"{text[:offset]}\ue000{c.quote}\ue000{text[end:]}").replace("\ue000", "**")
        if utf16_len(marked) <= DESCRIPTION_LIMIT:
            body = marked  # a split could separate the ** markers, so only bold a single part
    footer = f"{c.source}, characters {c.passage_start}–{c.passage_end}"
    return _embeds(f"[{n}] {_shorten(c.title, SHOWN_TITLE_CHARS)}", body, footer, SOURCE_COLOUR)


def render_plain(text: str) -> list[Outgoing]:
    return [Outgoing(content=part) for part in split_text(text, CONTENT_LIMIT)] or [Outgoing(content="…")]


def render_reply(reply: Reply, prefix: str) -> list[Outgoing]:
    """The messages for `reply`, in order; the first one should answer the question."""
    if reply.kind in (ReplyKind.ANSWER, ReplyKind.ABSTAIN) and reply.answer is not None:
        return render_answer(reply.answer, prefix)
    if reply.kind is ReplyKind.SOURCE and reply.source is not None:
        return render_source(reply.source.n, reply.source.citation)
    return render_plain(reply.text)
