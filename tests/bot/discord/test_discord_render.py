"""Rendering replies for Discord: limits, splitting at sentence boundaries, literal article text."""

from __future__ import annotations

import pytest
from support import answer_that_differs

from bot.core import Reply, ReplyKind, SourceView
from bot.discord.render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    TITLE_LIMIT,
    escape,
    render_reply,
    split_text,
    utf16_len,
)
from index.models import Answer, Citation


def citation(n: int = 1, quote: str = "Ossoff led.", title: str = "Ossoff heads to a runoff", **kw) -> Citation:
    passage = kw.pop("passage_text", f"Polls closed at 7. {quote} Handel was second.")
    start = kw.pop("start", 100 + passage.index(quote))
    return Citation(
        n=n,
        source=kw.pop("source", f"00{n}_abc.txt"),
        title=title,
        start=start,
        end=start + len(quote),
        quote=quote,
        passage_start=100,
        passage_end=100 + len(passage),
        passage_text=passage,
    )


def answer_reply(quote: str, *citations: Citation) -> Reply:
    cites = citations or (citation(quote=quote),)
    return Reply(ReplyKind.ANSWER, "plain", answer=Answer("q?", quote, 0.9, cites))


def all_within_limits(parts) -> bool:
    for part in parts:
        if part.content is not None and utf16_len(part.content) > CONTENT_LIMIT:
            return False
        if part.embed is not None:
            e = part.embed
            if utf16_len(e.description or "") > DESCRIPTION_LIMIT or len(e.title or "") > TITLE_LIMIT:
                return False
            if len(e) > 6000:
                return False
    return True


def test_split_text_keeps_short_text_whole():
    assert split_text("  One sentence.  ", 100) == ["One sentence."]
    assert split_text("", 100) == []


def test_split_text_prefers_paragraphs_then_sentences_then_words():
    paragraphs = "First paragraph here.\n\nSecond paragraph here."
    assert split_text(paragraphs, 30) == ["First paragraph here.", "Second paragraph here."]
    sentences = "Ossoff led the field. Handel came second! Was it close? Yes."
    assert split_text(sentences, 45) == ["Ossoff led the field. Handel came second!", "Was it close? Yes."]
    words = "no sentence ends anywhere in this long run of words"
    parts = split_text(words, 20)
    assert all(len(p) <= 20 for p in parts) and " ".join(parts) == words


def test_split_text_cuts_after_closing_quotes_and_never_inside_a_word():
    text = "He said “we won.” Then the count went on for hours and hours."
    assert split_text(text, 30)[0] == "He said “we won.”"


def test_split_text_hard_cuts_without_splitting_an_escape():
    parts = split_text("a" * 9 + "\\*" + "b" * 10, 10)
    assert parts[0] == "a" * 9 and parts[1].startswith("\\*")


def test_split_text_counts_emoji_as_discord_does():
    parts = split_text("🗳" * 10 + "😀" * 10, 15)  # 🗳 is one UTF-16 unit, 😀 is two
    assert all(utf16_len(p) <= 15 for p in parts)
    assert "".join(parts) == "🗳" * 10 + "😀" * 10


def test_escape_shows_markdown_in_article_text_literally():
    assert escape("a *big* win_for_them") == "a \\*big\\* win\\_for\\_them"
    assert escape("# Not a heading\n- not a list\n1. nor this") == "\\# Not a heading\n\\- not a list\n1\\. nor this"
    assert escape("@everyone stays text") == "@everyone stays text"  # allowed_mentions keeps it silent


def test_an_answer_is_one_embed_with_the_quote_and_numbered_citations():
    c1 = citation(1, "Ossoff *led*.")
    c2 = citation(2, "Handel trailed.", title="Handel in second", source="002_def.txt")
    (part,) = render_reply(answer_reply(c1.quote, c1, c2), "!")
    assert part.content is None
    assert part.embed.description == (
        "“Ossoff \\*led\\*.” **[1]**\n\n**[1]** Ossoff heads to a runoff — `001_abc.txt`\n"
        "**[2]** Handel in second — `002_def.txt`"
    )
    assert part.embed.footer.text == "!source N shows the passage behind citation N"


def test_an_abstention_lists_the_closest_sources():
    reply = Reply(ReplyKind.ABSTAIN, "plain", answer=Answer("q?", None, 0.1, (citation(),)))
    (part,) = render_reply(reply, "?")
    assert part.embed.title == "The articles don't say."
    assert part.embed.description == "Closest sources:\n**[1]** Ossoff heads to a runoff — `001_abc.txt`"
    assert part.embed.footer.text.startswith("?source N")


def test_an_abstention_without_any_source_says_so():
    reply = Reply(ReplyKind.ABSTAIN, "plain", answer=Answer("q?", None, 0.0, ()))
    (part,) = render_reply(reply, "!")
    assert part.embed.description == "No article came close."


def test_a_long_answer_is_split_into_embeds_at_sentence_ends():
    quote = " ".join(f"Sentence number {i} about the runoff in Georgia." for i in range(200))
    parts = render_reply(answer_reply(quote), "!")
    assert len(parts) > 1 and all_within_limits(parts)
    descriptions = [p.embed.description for p in parts]
    assert all(d.endswith("in Georgia.") for d in descriptions[:-1])
    assert parts[-1].embed.footer.text and not parts[0].embed.footer
    rejoined = " ".join(descriptions)
    assert rejoined.startswith("“Sentence number 0") and "Sentence number 199 about the runoff in Georgia.”" in rejoined


def test_a_very_long_title_is_shortened_in_citations_and_embed_titles():
    c = citation(title="A" * 1000)
    reply = Reply(ReplyKind.SOURCE, "plain", source=SourceView(1, c))
    parts = render_reply(reply, "!") + render_reply(answer_reply(c.quote, c), "!")
    assert all_within_limits(parts)
    assert parts[0].embed.title.endswith("…")


def test_a_source_shows_the_passage_with_the_quote_in_bold():
    c = citation(2, "Ossoff *led*.")
    (part,) = render_reply(Reply(ReplyKind.SOURCE, "plain", source=SourceView(2, c)), "!")
    assert part.embed.title == "[2] Ossoff heads to a runoff"
    assert part.embed.description == "Polls closed at 7. **Ossoff \\*led\\*.** Handel was second."
    assert part.embed.footer.text == f"002_abc.txt, characters 100–{100 + len(c.passage_text)}"


def test_a_passage_too_long_for_one_embed_is_split_without_bold():
    passage = "A long passage sentence about turnout. " * 200
    c = citation(quote="A long passage sentence about turnout.", passage_text=passage, start=100)
    parts = render_reply(Reply(ReplyKind.SOURCE, "plain", source=SourceView(1, c)), "!")
    assert len(parts) > 1 and all_within_limits(parts)
    assert not any("**" in p.embed.description for p in parts)


@pytest.mark.parametrize(
    "kind", [ReplyKind.HELP, ReplyKind.NOTICE, ReplyKind.USAGE, ReplyKind.REFUSED, ReplyKind.ERROR]
)
def test_other_replies_are_plain_content_split_under_2000(kind):
    (short,) = render_reply(Reply(kind, "Use `!ask QUESTION`."), "!")
    assert short.content == "Use `!ask QUESTION`." and short.embed is None
    long_parts = render_reply(Reply(kind, "Word after word. " * 300), "!")
    assert len(long_parts) > 1 and all_within_limits(long_parts)


def test_differing_articles_are_quoted_dated_and_the_reading_shown():
    answer, final, early = answer_that_differs()
    (part,) = render_reply(Reply(ReplyKind.ANSWER, "", answer=answer), "!")
    lines = part.embed.description.splitlines()
    assert lines[:4] == [
        "*(reading “he” as Jon Ossoff)*",
        "**The articles differ:**",
        f"“{early}” **[2]** *(2017-04-18)*",
        f"“{final}” **[1]**",
    ]
    assert "`001_b.txt`, 2017-04-18" in part.embed.description
