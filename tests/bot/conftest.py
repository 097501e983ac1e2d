"""Fixtures for the Discord tests: the real engine on the seed articles, and a bot connected to a fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# discord.py imports the standard `audioop` module (voice support), deprecated since Python 3.11;
# the suite turns warnings into errors, so import discord once here with that one warning silenced.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)
    import discord  # noqa: F401

from fake_discord import FakeDiscord, connected_bot  # noqa: E402

import bot.discord.client  # noqa: E402
from bot.core import AnswerEngine, CommandCore  # noqa: E402
from bot.discord.client import RaceBot, build_bot  # noqa: E402
from bot.discord.render import render_reply  # noqa: E402
from bot.feedback import FeedbackStore  # noqa: E402
from index.config import AdminSettings, BotSettings, Config, parse_config  # noqa: E402
from index.engine import Engine  # noqa: E402

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_config(index_dir: Path, min_confidence: float) -> Config:
    """The seed articles, the fast deterministic stand-in embedder, an index in `index_dir`.

    `min_confidence` decides abstentions in these tests (0: always answer, 1: always abstain),
    so they exercise the front end whatever the engine's tuning for the real model.
    """
    data = {
        "corpus": {"dir": str(SEEDS)},
        "index": {"dir": str(index_dir)},
        "model": {"name": "hash"},
        "answer": {"min_confidence": min_confidence},
    }
    return parse_config(data, index_dir)


@pytest.fixture
def discord_config(tmp_path: Path) -> Config:
    """A config for the seed articles with its own empty index folder."""
    return seed_config(tmp_path / "index", min_confidence=0.0)


@pytest.fixture(scope="session")
def discord_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The real engine on the seed articles, configured to always answer."""
    engine = Engine(seed_config(tmp_path_factory.mktemp("discord-index"), min_confidence=0.0))
    engine.warm_up()
    return engine


@pytest.fixture(scope="session")
def discord_abstaining_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The real engine on the seed articles, configured so that nothing is confident enough."""
    engine = Engine(seed_config(tmp_path_factory.mktemp("discord-index"), min_confidence=1.0))
    engine.warm_up()
    return engine


@dataclass
class DiscordSession:
    fake: FakeDiscord
    bot: RaceBot
    core: CommandCore


SessionFactory = Callable[..., contextlib.AbstractAsyncContextManager[DiscordSession]]


@pytest.fixture
def discord_session(monkeypatch: pytest.MonkeyPatch, discord_engine: Engine) -> SessionFactory:
    """`async with discord_session(...) as s:` starts a fake Discord and connects a real RaceBot to it.

    Defaults: the shared real engine, no cooldown, the fake's "Bot admin" role listed in
    `bot.admins.role_ids`, no rating. Keyword arguments: `engine`, `cooldown`, `sync_commands`,
    `feedback` (a store), and `heartbeat_interval_ms` for the fake.
    """

    @contextlib.asynccontextmanager
    async def session(
        engine: AnswerEngine | None = None,
        *,
        cooldown: float = 0.0,
        sync_commands: bool = False,
        feedback: FeedbackStore | None = None,
        **fake_options: Any,
    ) -> AsyncIterator[DiscordSession]:
        fake = FakeDiscord(**fake_options)
        await fake.start()
        try:
            fake.point_discord_py_here(monkeypatch)
            admins = AdminSettings(role_ids=(str(fake.bot_admin_role_id),))
            settings = BotSettings(cooldown_seconds=cooldown, admins=admins)
            core = CommandCore(engine or discord_engine, settings, feedback=feedback)
            bot = build_bot(core, sync_commands=sync_commands, guild_ready_timeout=0.05)
            async with connected_bot(fake, bot):
                try:
                    yield DiscordSession(fake, bot, core)
                finally:  # a reindex still running would report to a closed bot
                    await asyncio.to_thread(core.wait_for_reindex, 10)
        finally:
            await fake.close()

    return session


@pytest.fixture
def answer_rendering_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make rendering any answer raise inside the Discord adapter (other replies still render)."""

    def render_fails_for_answers(reply, prefix):
        if reply.answer is not None:
            raise KeyError("boom")
        return render_reply(reply, prefix)

    monkeypatch.setattr(bot.discord.client, "render_reply", render_fails_for_answers)
