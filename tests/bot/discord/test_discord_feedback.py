"""👍/👎 under Discord answers, end to end: real discord.py against the fake, a real SQLite store."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fake_discord import FakeDiscord

from bot.feedback import BUTTON_ID_PATTERN, FeedbackStore, parse_button_id

EPHEMERAL = 64


def buttons(message: dict) -> list[dict]:
    return [c for row in message.get("components") or [] for c in row.get("components") or []]


async def answer_message(fake: FakeDiscord, question: str) -> dict:
    """The message carrying the buttons: the last part of the bot's answer."""
    replies = await fake.replies_to(await fake.say(fake.member, question))
    return fake.sent_message(replies[-1])


async def click(fake: FakeDiscord, message: dict, custom_id: str, who=None) -> dict:
    interaction_id, token = await fake.click(who or fake.member, message, custom_id)
    (callback,) = await fake.wait_for(lambda r: r.path == f"/interactions/{interaction_id}/{token}/callback")
    return callback.json


def test_an_answer_gets_buttons_and_a_click_is_stored_and_can_be_changed(discord_session, tmp_path: Path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3").open()

    async def main():
        async with discord_session(feedback=store) as s:
            message = await answer_message(s.fake, "!ask how many candidates ran")
            good, bad = buttons(message)
            assert [good["emoji"]["name"], bad["emoji"]["name"]] == ["👍", "👎"]
            assert all(parse_button_id(b["custom_id"]) for b in (good, bad)), BUTTON_ID_PATTERN
            first = await click(s.fake, message, bad["custom_id"])
            second = await click(s.fake, message, good["custom_id"])
            return first, second

    first, second = asyncio.run(main())
    assert first["type"] == 4 and first["data"]["flags"] == EPHEMERAL
    assert first["data"]["content"] == "Thanks — noted 👎"
    assert second["data"]["content"] == "Thanks — changed your rating to 👍"
    (rated,) = store.export()
    assert (rated.good, rated.bad) == (1, 0) and rated.question == "how many candidates ran"


def test_buttons_sent_before_a_restart_still_work(discord_session, tmp_path: Path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3").open()

    async def before_restart() -> dict:
        async with discord_session(feedback=store) as s:
            return await answer_message(s.fake, "!ask who is the democratic candidate")

    message = asyncio.run(before_restart())

    async def after_restart() -> dict:
        async with discord_session(feedback=FeedbackStore(store.path).open()) as s:  # a new bot, a new process's view
            _, bad = buttons(message)
            return await click(s.fake, message, bad["custom_id"])

    assert asyncio.run(after_restart())["data"]["content"] == "Thanks — noted 👎"
    assert store.export(bad_only=True)[0].question == "who is the democratic candidate"


def test_help_and_errors_get_no_buttons(discord_session, tmp_path: Path):
    async def main():
        async with discord_session(feedback=FeedbackStore(tmp_path / "f.sqlite3").open()) as s:
            (reply,) = await s.fake.replies_to(await s.fake.say(s.fake.member, "!help"))
            return s.fake.sent_message(reply)

    assert buttons(asyncio.run(main())) == []
