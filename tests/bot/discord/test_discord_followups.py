"""Follow-up questions on Discord, end to end: a thread is one conversation; a channel is one per user."""

from __future__ import annotations

import asyncio


def description(reply: dict) -> str:
    return reply["embeds"][0]["description"]


def test_a_follow_up_in_a_thread_is_read_against_the_previous_answer(discord_session):
    async def main():
        async with discord_session() as s:
            fake = s.fake
            await fake.replies_to(await fake.say(fake.member, "!ask how much money did ossoff raise", fake.thread_id))
            # Another participant of the same thread leans on that answer.
            (reply,) = await fake.replies_to(await fake.say(fake.member2, "!ask what about the dnc", fake.thread_id))
            return reply

    reply = asyncio.run(main())
    assert description(reply).startswith("*(reading this as “how much money did the dnc raise”)*\n")
    assert "$2 million" in description(reply)


def test_in_a_channel_a_follow_up_leans_only_on_the_same_users_answer(discord_session):
    async def main():
        async with discord_session() as s:
            fake = s.fake
            await fake.replies_to(await fake.say(fake.member, "!ask how much money did ossoff raise"))
            (other,) = await fake.replies_to(await fake.say(fake.member2, "!ask what about the dnc"))
            (same,) = await fake.replies_to(await fake.say(fake.member, "!ask what about the dnc"))
            return other, same

    other, same = asyncio.run(main())
    assert "reading this as" not in description(other)
    assert "reading this as “how much money did the dnc raise”" in description(same)
