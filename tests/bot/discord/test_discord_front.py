"""End to end: a real RaceBot logged in to a fake Discord over HTTP and the gateway on 127.0.0.1.

Each test posts messages as users (MESSAGE_CREATE on the gateway) and asserts on
the REST requests the bot makes in reply.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import threading
import time
from typing import Any

import pytest
from fake_discord import NO_PINGS, assert_apology_with_logged_traceback

from bot.discord.client import bot_intents
from bot.discord.render import CONTENT_LIMIT, DESCRIPTION_LIMIT, escape
from index.engine import Engine
from index.models import Answer, Citation, ReindexReport

QUESTION = "Who is Jon Ossoff?"


def descriptions(body: dict[str, Any]) -> str:
    return "\n".join(e.get("description", "") for e in body.get("embeds") or [])


class FixedEngine:
    """Always answers with `quote`, for replies whose content the test must control."""

    def __init__(self, quote: str) -> None:
        self.quote = quote

    def ask(self, question: str, previous=None) -> Answer:
        text = f"{self.quote} And more."
        c = Citation(1, "x.txt", "A title", 0, len(self.quote), self.quote, 0, len(text), text)
        return Answer(question, self.quote, 0.9, (c,))

    def reindex(self) -> ReindexReport:
        raise AssertionError("not used")


class GatedEngine:
    """The real engine, with a reindex that waits until the test releases it."""

    def __init__(self, inner: Engine, fail: bool = False) -> None:
        self.inner = inner
        self.fail = fail
        self.started = threading.Event()
        self.release = threading.Event()

    def ask(self, question: str, previous=None) -> Answer:
        return self.inner.ask(question)

    def reindex(self) -> ReindexReport:
        self.started.set()
        assert self.release.wait(10)
        if self.fail:
            raise OSError("disk full")
        return self.inner.reindex()


class SlowEngine:
    """The real engine, taking `delay` seconds for questions that mention "slow"."""

    def __init__(self, inner: Engine, delay: float) -> None:
        self.inner = inner
        self.delay = delay

    def ask(self, question: str, previous=None) -> Answer:
        if "slow" in question.lower():
            time.sleep(self.delay)
        return self.inner.ask(question)

    def reindex(self) -> ReindexReport:
        return self.inner.reindex()


class BrokenEngine:
    def ask(self, question: str, previous=None) -> Answer:
        raise RuntimeError("/secret/path/model.bin is corrupt")

    def reindex(self) -> ReindexReport:
        raise AssertionError("not used")


def test_the_bot_identifies_with_the_intents_it_documents(discord_session):
    async def main():
        async with discord_session() as s:
            assert s.fake.identifies[0]["intents"] == bot_intents().value
            assert bot_intents().message_content and not bot_intents().members and not bot_intents().presences
            assert s.fake.heartbeats, "discord.py sends a heartbeat right after HELLO"

    asyncio.run(main())


def test_ask_replies_to_the_question_with_the_verbatim_answer_and_its_citations(discord_session, discord_engine):
    expected = discord_engine.ask(QUESTION)
    assert not expected.abstained and expected.citations

    async def main():
        async with discord_session() as s:
            question_id = await s.fake.say(s.fake.member, f"!ask {QUESTION}")
            (body,) = await s.fake.replies_to(question_id)
            assert body["message_reference"]["message_id"] == question_id
            assert body["message_reference"]["fail_if_not_exists"] is False
            assert body["allowed_mentions"] == NO_PINGS
            text = descriptions(body)
            assert f"“{escape(expected.text)}” **[1]**" in text
            for c in expected.citations:
                assert f"**[{c.n}]**" in text and f"`{c.source}`" in text and escape(c.title[:50]) in text
            assert body["embeds"][0]["footer"]["text"] == "!source N shows the passage behind citation N"
            assert len(s.fake.posts()) == 1

    asyncio.run(main())


def test_a_question_the_articles_do_not_answer_gets_the_closest_sources(discord_session, discord_abstaining_engine):
    expected = discord_abstaining_engine.ask(QUESTION)
    assert expected.abstained and expected.citations

    async def main():
        async with discord_session(discord_abstaining_engine) as s:
            question_id = await s.fake.say(s.fake.member, f"!ask {QUESTION}")
            (body,) = await s.fake.replies_to(question_id)
            embed = body["embeds"][0]
            assert embed["title"] == "The articles don't say."
            assert embed["description"].startswith("Closest sources:\n**[1]**")
            assert all(f"`{c.source}`" in embed["description"] for c in expected.citations)

    asyncio.run(main())


def test_source_shows_the_passage_behind_a_citation_of_the_last_answer_in_that_channel(discord_session, discord_engine):
    question = "Who is Karen Handel?"  # several articles say: the answer cites more than one
    cited = discord_engine.ask(question).citations
    assert len(cited) >= 2, "this test needs an answer with a second citation"

    async def main():
        async with discord_session() as s:
            fake = s.fake
            nothing_yet = await fake.say(fake.member, "!source")
            assert (await fake.replies_to(nothing_yet))[0]["content"].startswith("There is no answer here yet.")
            await fake.replies_to(await fake.say(fake.member, f"!ask {question}"))

            (first,) = await fake.replies_to(await fake.say(fake.member2, "!source"))
            embed = first["embeds"][0]
            assert embed["title"].startswith(f"[1] {cited[0].title[:40]}")
            assert f"**{escape(cited[0].quote)}**" in embed["description"]
            assert embed["footer"]["text"].startswith(f"{cited[0].source}, characters {cited[0].passage_start}–")

            (second,) = await fake.replies_to(await fake.say(fake.member, "!source 2"))
            assert second["embeds"][0]["title"].startswith(f"[2] {cited[1].title[:40]}")
            (too_far,) = await fake.replies_to(await fake.say(fake.member, "!source 9"))
            assert f"citations 1 to {len(cited)}; there is no [9]" in too_far["content"]

            elsewhere = await fake.say(fake.member, "!source 1", channel_id=fake.other_channel_id)
            (other,) = await fake.replies_to(elsewhere)
            assert other["content"].startswith("There is no answer here yet.")
            assert fake.posts(fake.other_channel_id), "the reply goes to the channel it was asked in"

    asyncio.run(main())


def test_a_question_in_a_thread_is_answered_in_that_thread(discord_session):
    async def main():
        async with discord_session() as s:
            question_id = await s.fake.say(s.fake.member, f"!ask {QUESTION}", channel_id=s.fake.thread_id)
            await s.fake.replies_to(question_id)
            assert [r.path for r in s.fake.posts()] == [f"/channels/{s.fake.thread_id}/messages"]

    asyncio.run(main())


def test_direct_messages_are_answered_but_grant_no_admin_rights(discord_session):
    async def main():
        async with discord_session() as s:
            fake = s.fake
            (answer,) = await fake.replies_to(await fake.say(fake.member, f"!ask {QUESTION}", dm=True))
            assert "**[1]**" in descriptions(answer)
            (refused,) = await fake.replies_to(await fake.say(fake.admin, "!reindex", dm=True))
            assert refused["content"] == "Sorry, only the bot's admins can rebuild the index."
            assert {r.path for r in fake.posts()} == {f"/channels/{fake.dm_channel_id}/messages"}

    asyncio.run(main())


def test_help_lists_the_commands_and_unknown_commands_point_to_it(discord_session):
    async def main():
        async with discord_session() as s:
            (help_,) = await s.fake.replies_to(await s.fake.say(s.fake.member, "!help"))
            for command in ("!ask QUESTION", "!source [N]", "!reindex", "!help"):
                assert command in help_["content"]
            (unknown,) = await s.fake.replies_to(await s.fake.say(s.fake.member, "!weather"))
            assert unknown["content"] == "Unknown command `!weather`. Try `!help` for the list of commands."
            assert unknown["allowed_mentions"] == NO_PINGS

    asyncio.run(main())


def test_ordinary_chat_is_ignored(discord_session):
    async def main():
        async with discord_session() as s:
            await s.fake.say(s.fake.member, "who is Jon Ossoff anyway?")
            await s.fake.say(s.fake.member, "!")
            await s.fake.replies_to(await s.fake.say(s.fake.member, "!help"))
            await asyncio.sleep(0.1)
            assert len(s.fake.posts()) == 1

    asyncio.run(main())


def test_other_bots_and_the_bot_itself_are_ignored(discord_session):
    async def main():
        async with discord_session() as s:
            await s.fake.say(s.fake.other_bot, f"!ask {QUESTION}")
            await s.fake.say(s.fake.bot_user, f"!ask {QUESTION}")
            human = await s.fake.say(s.fake.member, f"!ask {QUESTION}")
            await s.fake.replies_to(human)
            await asyncio.sleep(0.2)  # time enough for a reply the bot should not send
            assert len(s.fake.posts()) == 1

    asyncio.run(main())


def test_reindex_is_refused_politely_for_a_plain_member(discord_session):
    async def main():
        async with discord_session() as s:
            (body,) = await s.fake.replies_to(await s.fake.say(s.fake.member, "!reindex"))
            assert body["content"] == "Sorry, only the bot's admins can rebuild the index."
            assert s.core._reindex_thread is None

    asyncio.run(main())


def test_reindex_runs_for_the_admin_role_while_questions_are_still_answered(discord_session, discord_engine):
    engine = GatedEngine(discord_engine)

    async def main():
        async with discord_session(engine) as s:
            fake = s.fake
            reindex_id = await fake.say(fake.bot_admin, "!reindex")
            (started,) = await fake.replies_to(reindex_id)
            assert started["content"].startswith("Rebuilding the index in the background")
            assert await asyncio.to_thread(engine.started.wait, 5)

            (answer,) = await fake.replies_to(await fake.say(fake.member, f"!ask {QUESTION}"))
            assert "**[1]**" in descriptions(answer), "questions are answered from the old index meanwhile"
            # Administrator permission counts as admin too; a second run is not started.
            (again,) = await fake.replies_to(await fake.say(fake.admin, "!reindex"))
            assert again["content"] == "A reindex is already running; I'll report when it finishes."

            engine.release.set()
            _, finished = await fake.replies_to(reindex_id, count=2)
            assert finished["content"].startswith("Reindex finished in ")
            assert "5 articles" in finished["content"]
            assert finished["allowed_mentions"] == NO_PINGS

    asyncio.run(main())


def test_a_failed_reindex_is_reported_and_the_old_index_stays_in_use(discord_session, discord_engine):
    engine = GatedEngine(discord_engine, fail=True)
    engine.release.set()

    async def main():
        async with discord_session(engine) as s:
            reindex_id = await s.fake.say(s.fake.admin, "!reindex")
            _, failed = await s.fake.replies_to(reindex_id, count=2)
            assert failed["content"].startswith("Reindex failed: an internal error (incident ")
            assert failed["content"].endswith("The previous index is still in use.")
            assert "disk full" not in failed["content"]
            (answer,) = await s.fake.replies_to(await s.fake.say(s.fake.member, f"!ask {QUESTION}"))
            assert "**[1]**" in descriptions(answer)

    asyncio.run(main())


def test_a_user_asking_too_fast_is_told_to_wait(discord_session):
    async def main():
        async with discord_session(cooldown=60) as s:
            await s.fake.replies_to(await s.fake.say(s.fake.member, f"!ask {QUESTION}"))
            (wait,) = await s.fake.replies_to(await s.fake.say(s.fake.member, "!ask and another?"))
            assert wait["content"].startswith("Easy there — you can ask again in ")
            (other,) = await s.fake.replies_to(await s.fake.say(s.fake.member2, f"!ask {QUESTION}"))
            assert other["embeds"], "the cooldown is per user"

    asyncio.run(main())


def test_a_slow_answer_delays_neither_another_users_reply_nor_the_heartbeat(discord_session, discord_engine):
    delay = 1.5

    async def main():
        async with discord_session(SlowEngine(discord_engine, delay), heartbeat_interval_ms=100) as s:
            fake = s.fake
            asked = time.monotonic()
            slow_id = await fake.say(fake.member, "!ask a slow question about Ossoff?")
            await asyncio.sleep(0.05)
            fast_id = await fake.say(fake.member2, f"!ask {QUESTION}")
            await fake.replies_to(fast_id)
            fast_done = time.monotonic()
            await fake.replies_to(slow_id)
            slow_done = time.monotonic()
            assert fast_done - asked < delay / 2
            assert slow_done - asked >= delay
            beats = [t for t in fake.heartbeats if asked < t < slow_done]
            assert len(beats) >= 5, "heartbeats keep flowing while the slow answer is computed"

    asyncio.run(main())


def test_an_engine_failure_gets_an_apology_with_an_incident_id(discord_session, caplog):
    async def main():
        async with discord_session(BrokenEngine()) as s:
            (body,) = await s.fake.replies_to(await s.fake.say(s.fake.member, f"!ask {QUESTION}"))
            return body

    with caplog.at_level(logging.ERROR):
        body = asyncio.run(main())
    assert body["content"].startswith("Sorry, something went wrong on my side (incident ")
    assert "secret" not in body["content"]
    incident = body["content"].split("incident ")[1][:8]
    logged = [r for r in caplog.records if incident in r.getMessage()]
    assert logged and logged[0].exc_info is not None


@pytest.mark.usefixtures("answer_rendering_fails")
def test_an_unexpected_error_in_the_adapter_gets_an_apology_and_a_logged_traceback(discord_session, caplog):
    async def main():
        async with discord_session() as s:
            (body,) = await s.fake.replies_to(await s.fake.say(s.fake.member, f"!ask {QUESTION}"))
            return body

    with caplog.at_level(logging.ERROR, logger="bot.discord.client"):
        body = asyncio.run(main())
    assert_apology_with_logged_traceback(body, caplog.records, KeyError)


def test_a_long_answer_is_split_at_sentences_within_discord_limits(discord_session):
    sentence = "The count in Cobb County took longer than anyone expected that night. "
    quote = (sentence * 120).strip()  # about 8,500 characters

    async def main():
        async with discord_session(FixedEngine(quote)) as s:
            question_id = await s.fake.say(s.fake.member, f"!ask {QUESTION}")
            await s.fake.replies_to(question_id)
            await s.fake.wait_for(lambda r: r in s.fake.posts(), count=3)
            await asyncio.sleep(0.1)
            return [r.json for r in s.fake.posts()]

    bodies = asyncio.run(main())
    assert len(bodies) == 3
    assert "message_reference" in bodies[0] and all("message_reference" not in b for b in bodies[1:])
    parts = [b["embeds"][0]["description"] for b in bodies]
    assert all(len(p) <= DESCRIPTION_LIMIT for p in parts)
    assert all(p.endswith("expected that night.") for p in parts[:-1])
    assert parts[-1].endswith("**[1]** A title — `x.txt`")
    assert all(b["allowed_mentions"] == NO_PINGS for b in bodies)


def test_a_quote_mentioning_everyone_pings_nobody(discord_session):
    quote = "@everyone was told to vote, said <@1100000000000000044> and <@&1100000000000000032>."

    async def main():
        async with discord_session(FixedEngine(quote)) as s:
            (body,) = await s.fake.replies_to(await s.fake.say(s.fake.member, f"!ask {QUESTION}"))
            return body

    body = asyncio.run(main())
    assert "@everyone was told to vote" in descriptions(body)
    assert body["allowed_mentions"] == NO_PINGS


def test_without_embed_links_the_answer_is_sent_as_plain_text(discord_session, discord_engine):
    expected = discord_engine.ask(QUESTION)

    async def main():
        async with discord_session() as s:
            s.fake.no_embed_channels.add(s.fake.channel_id)
            question_id = await s.fake.say(s.fake.member, f"!ask {QUESTION}")
            (refused, plain) = await s.fake.replies_to(question_id, count=2)
            assert refused["embeds"] and not plain.get("embeds")
            assert plain["content"].startswith(f"“{expected.text}” [1]")
            assert len(plain["content"]) <= CONTENT_LIMIT

    asyncio.run(main())


def test_reply_latency_through_the_fake_discord(discord_session, capsys):
    """Median time from MESSAGE_CREATE to the bot's reply arriving at the fake, over 20 questions."""
    questions = [
        "Who is Jon Ossoff?",
        "Who won the election in Georgia?",
        "How old is Ossoff?",
        "How much money did Ossoff raise?",
        "Who is Karen Handel?",
    ] * 4

    async def main():
        async with discord_session() as s:
            latencies = []
            for q in questions:
                sent = time.perf_counter()
                await s.fake.replies_to(await s.fake.say(s.fake.member, f"!ask {q}"))
                latencies.append(time.perf_counter() - sent)
            return latencies

    latencies = asyncio.run(main())
    median = statistics.median(latencies)
    with capsys.disabled():
        print(
            f"\nDiscord reply latency over {len(latencies)} questions: median {median * 1000:.1f} ms, "
            f"max {max(latencies) * 1000:.1f} ms"
        )
    assert median < 0.5
