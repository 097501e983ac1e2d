"""Block Kit rendering: escaping, splitting at boundaries, Slack's size limits."""

from __future__ import annotations

import pytest
from fake_slack import block_kit_problems
from support import answer_that_differs

from bot.core import Reply, ReplyKind, SourceView
from bot.slack.app import plain_text
from bot.slack.render import escape, quote_lines, render_reply, split_text
from index.models import Answer, Citation

HINT = "Reply `!source N` in this thread."


def citation(n: int, quote: str, passage: str | None = None, title: str = "Title") -> Citation:
    passage = quote if passage is None else passage
    return Citation(n, f"00{n}_a.txt", title, 10, 10 + len(quote), quote, 0, len(passage), passage)


def texts(blocks: list[dict]) -> str:
    out = []
    for b in blocks:
        for t in [b.get("text")] if b["type"] == "section" else b.get("elements", []):
            out.append(t["text"])
    return "\n".join(out)


def test_escape_neutralises_every_kind_of_mention() -> None:
    raw = "<!everyone> <!channel> <!here> <@U123> <!subteam^S1|@team> <#C1> <https://x.test|x> a & b"
    shown = escape(raw)
    assert "<" not in shown and ">" not in shown
    assert shown.startswith("&lt;!everyone&gt;")
    assert shown.endswith("a &amp; b")


def test_split_prefers_paragraphs_then_sentences_then_spaces() -> None:
    para = "First sentence here. " * 50
    pieces = split_text(f"{para}\n\n{para}", 1500)
    assert all(len(escape(p)) <= 1500 for p in pieces)
    assert all(p.endswith(".") for p in pieces)  # cut after a sentence, never inside one
    unbroken = "x" * 7000
    assert [len(p) for p in split_text(unbroken, 3000)] == [3000, 3000, 1000]


def test_split_measures_the_escaped_text_and_never_cuts_an_escape() -> None:
    pieces = split_text("&" * 2000, 3000)
    assert [len(escape(p)) for p in pieces] == [3000, 3000, 3000, 1000]
    assert "".join(pieces) == "&" * 2000


def test_quote_lines_quote_every_line() -> None:
    assert quote_lines("a\n\nb <c>") == "> a\n>\n> b &lt;c&gt;"


def test_an_answer_quotes_verbatim_with_its_citations_and_hint() -> None:
    quote = "Price won with 62 percent of the vote."
    answer = Answer("q", quote, 0.8, (citation(1, quote, title="A <b> & c"), citation(2, "other")))
    message = render_reply(Reply(ReplyKind.ANSWER, "plain", answer=answer), HINT)
    shown = texts(message.blocks)
    assert f"> “{quote}” [1]" in shown
    assert "*[1]* A &lt;b&gt; &amp; c — `001_a.txt`, chars 10–48" in shown
    assert "*[2]*" in shown
    assert message.blocks[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": HINT, "verbatim": True}]}
    assert message.text == "plain"


def test_an_abstention_says_so_and_lists_the_closest_sources() -> None:
    answer = Answer("q", None, 0.1, (citation(1, "near"),))
    message = render_reply(Reply(ReplyKind.ABSTAIN, "The articles don't say.", answer=answer), HINT, question="why?")
    shown = texts(message.blocks)
    assert "Question: why?" in shown
    assert "*The articles don't say.* Closest sources:" in shown
    assert "*[1]* Title" in shown


@pytest.mark.parametrize("size", [10, 2_999, 3_001, 20_000, 200_000])
def test_any_passage_fits_slacks_limits(size: int) -> None:
    passage = ("Word & <word> " * (size // 14 + 1))[:size]
    c = citation(1, passage[:50], passage)
    reply = Reply(ReplyKind.SOURCE, passage, source=SourceView(1, c))
    message = render_reply(reply, HINT)
    assert block_kit_problems(message.blocks) == []
    assert len(message.text) <= 3000
    shown = texts(message.blocks)
    if size <= 140_000:  # all of it fits in 49 sections
        assert shown.count("&amp;") == passage.count("&")
    else:
        assert "more characters not shown" in shown


def test_a_huge_answer_keeps_its_citations_and_hint_within_50_blocks() -> None:
    quote = "Sentence of the article. " * 8000
    answer = Answer("q", quote, 0.8, tuple(citation(n, quote) for n in range(1, 11)))
    message = render_reply(Reply(ReplyKind.ANSWER, quote, answer=answer), HINT)
    assert block_kit_problems(message.blocks) == []
    assert len(message.blocks) == 50
    assert message.blocks[-1]["elements"][0]["text"] == HINT


def test_help_gets_the_slack_extras() -> None:
    message = render_reply(Reply(ReplyKind.HELP, "`!ask QUESTION`"), HINT, extra_help="or `/ask`")
    assert texts(message.blocks) == "`!ask QUESTION`\nor `/ask`"


@pytest.mark.parametrize(
    ("slack", "typed"),
    [
        ("<@UBOT> who won?", "who won?"),
        ("!ask is 3 &lt; 4 &amp;&amp; 5 &gt; 1?", "!ask is 3 < 4 && 5 > 1?"),
        ("!ask what about <https://x.test/a|this story> in <#C1|general>?", "!ask what about this story in #general?"),
        ("!ask <!here> <!subteam^S1|@press> who?", "!ask who?"),
    ],
)
def test_plain_text_undoes_slack_markup(slack: str, typed: str) -> None:
    assert plain_text(slack) == typed


def test_differing_articles_are_quoted_dated_with_the_reading_and_the_rating_buttons():
    answer, final, early = answer_that_differs()
    message = render_reply(Reply(ReplyKind.ANSWER, "fallback", answer=answer, feedback_id="0" * 16), source_hint="hint")
    texts = [b.get("text", {}).get("text") or b.get("elements", [{}])[0].get("text") for b in message.blocks]
    assert texts[0] == "(reading “he” as Jon Ossoff)" and texts[1] == "*The articles differ:*"
    assert texts[2] == f"> “{early}” [2] (2017-04-18)" and texts[3] == f"> “{final}” [1]"
    assert "`001_b.txt`, 2017-04-18, chars" in texts[4]
    assert message.blocks[-1]["type"] == "actions" and block_kit_problems(message.blocks) == []
