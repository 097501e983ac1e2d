"""Slash commands end to end: registration only on request, and /ask, /source, /reindex via interactions."""

from __future__ import annotations

import asyncio
import logging

import pytest
from fake_discord import NO_PINGS, FakeDiscord, Recorded, assert_apology_with_logged_traceback


def command_puts(fake: FakeDiscord) -> list[Recorded]:
    return [r for r in fake.requests if r.method == "PUT" and r.path == f"/applications/{fake.app_id}/commands"]


async def follow_ups(fake: FakeDiscord, token: str, count: int = 1) -> list[dict]:
    found = await fake.wait_for(lambda r: r.method == "POST" and r.path == f"/webhooks/{fake.app_id}/{token}", count)
    return [r.json for r in found]


def test_slash_commands_are_not_registered_on_an_ordinary_start(discord_session):
    async def main():
        async with discord_session() as s:
            await s.fake.replies_to(await s.fake.say(s.fake.member, "!help"))
            assert command_puts(s.fake) == []

    asyncio.run(main())


def test_sync_commands_registers_the_commands_with_their_help_text(discord_session):
    async def main():
        async with discord_session(sync_commands=True) as s:
            (put,) = command_puts(s.fake)
            return put.json

    commands = {c["name"]: c for c in asyncio.run(main())}
    assert set(commands) == {"ask", "source", "reindex", "help"}
    assert all(c["description"] for c in commands.values())
    (question,) = commands["ask"]["options"]
    assert question["name"] == "question" and question["required"] is True and question["type"] == 3
    (n,) = commands["source"]["options"]
    assert n["name"] == "n" and n["required"] is False and n["min_value"] == 1


def test_slash_ask_defers_at_once_then_follows_up_with_the_answer_and_source_works(discord_session):
    async def main():
        async with discord_session() as s:
            fake = s.fake
            interaction_id, token = await fake.slash(fake.member, "ask", {"question": "Who is Jon Ossoff?"})
            (callback,) = await fake.wait_for(lambda r: r.path == f"/interactions/{interaction_id}/{token}/callback")
            assert callback.json["type"] == 5, "deferred with 'thinking' before the engine runs"
            (answer,) = await follow_ups(fake, token)
            assert "**[1]**" in answer["embeds"][0]["description"]
            assert answer["allowed_mentions"] == NO_PINGS

            _, token = await fake.slash(fake.member2, "source", {"n": 1})
            (source,) = await follow_ups(fake, token)
            assert source["embeds"][0]["title"].startswith("[1] "), "/source sees /ask's answer in the channel"

    asyncio.run(main())


def test_slash_reindex_is_refused_for_a_member_and_reported_to_an_administrator(discord_session):
    async def main():
        async with discord_session() as s:
            fake = s.fake
            _, token = await fake.slash(fake.member, "reindex")
            (refused,) = await follow_ups(fake, token)
            assert refused["content"] == "Sorry, only the bot's admins can rebuild the index."

            _, token = await fake.slash(fake.admin, "reindex")
            started, finished = await follow_ups(fake, token, count=2)
            assert started["content"].startswith("Rebuilding the index in the background")
            assert finished["content"].startswith("Reindex finished in ")
            assert finished["allowed_mentions"] == NO_PINGS

    asyncio.run(main())


def test_slash_help_lists_the_commands(discord_session):
    async def main():
        async with discord_session() as s:
            _, token = await s.fake.slash(s.fake.member, "help")
            (body,) = await follow_ups(s.fake, token)
            assert "`!ask QUESTION`" in body["content"]

    asyncio.run(main())


@pytest.mark.usefixtures("answer_rendering_fails")
def test_an_unexpected_error_in_a_slash_command_gets_an_apology_and_a_logged_traceback(discord_session, caplog):
    async def main():
        async with discord_session() as s:
            _, token = await s.fake.slash(s.fake.member, "ask", {"question": "Who is Jon Ossoff?"})
            (body,) = await follow_ups(s.fake, token)
            return body

    with caplog.at_level(logging.ERROR, logger="bot.discord.client"):
        body = asyncio.run(main())
    assert_apology_with_logged_traceback(body, caplog.records, KeyError)
