"""Discord front end: `!ask`, `!source`, `!reindex`, `!help` and the same as slash commands.

`run_discord` is what `racebot discord` runs: token check, model and index
loading, connection, clean stop, one-line start-up errors. The client lives in
`bot.discord.client`, the rendering of replies in `bot.discord.render`.

Setting up the bot (Discord Developer Portal, your application):

- Bot → Privileged Gateway Intents: turn on **Message Content** (the bot must
  read `!ask …`). Gateway intents requested: Guilds, Guild Messages,
  Direct Messages, Message Content. Not Server Members, not Presence.
- Invite: OAuth2 → URL Generator, scopes `bot` and `applications.commands`,
  bot permissions View Channels, Send Messages, Send Messages in Threads,
  Embed Links, Read Message History (permissions integer 274877991936), i.e.
  https://discord.com/oauth2/authorize?client_id=APP_ID&scope=bot+applications.commands&permissions=274877991936
- `DISCORD_TOKEN` in the environment, then `racebot discord`. Run
  `racebot discord --sync-commands` once (and after upgrading) to register
  the slash commands; they are not synced on every start.

Admins for `!reindex`: members with the Administrator permission (when
`bot.admins.platform_admins` is true) and the user or role ids in `bot.admins`.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable

import aiohttp
import discord

from bot.core import AnswerEngine, CommandCore
from bot.discord.client import RaceBot, bot_intents, build_bot
from bot.errors import report
from bot.feedback import open_store
from index.config import Config
from index.errors import PlatformError, TokenError

__all__ = ["RaceBot", "bot_intents", "build_bot", "run_discord"]

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "DISCORD_TOKEN"
CLOSE_REASONS = {4004: ": authentication failed, was the token reset?", 4013: ": invalid intents"}
CLOSE_FIX = "check the token and the intents in the Developer Portal, then start the bot again"


def _default_engine(config: Config) -> AnswerEngine:
    from index.engine import Engine  # heavy imports only when the bot really starts

    return Engine(config)


def run_discord(
    config: Config,
    sync_commands: bool = False,
    *,
    engine_factory: Callable[[Config], AnswerEngine] | None = None,
) -> int:
    """Run the Discord bot until Ctrl+C or SIGTERM; returns the process exit code.

    Reads the token from `DISCORD_TOKEN`, logs in (checking the token), loads
    the model and index, and only then connects to the gateway. A missing or
    rejected token is a one-line error (exit 2);
    an unreachable Discord or a connection Discord closes for good is one line
    too (exit 1). `sync_commands` registers the slash commands first.
    """
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        return report(
            TokenError(f"{TOKEN_VARIABLE} is not set", "put the bot token from the Discord Developer Portal in it")
        )
    engine = (engine_factory or _default_engine)(config)
    core = CommandCore(engine, config.bot, feedback=open_store(config.feedback))  # FeedbackError: one line

    async def main() -> None:
        async with build_bot(core, sync_commands=sync_commands) as bot:
            bot.stop_on_sigterm()
            await bot.login(token)  # a rejected token is reported before the slow model load
            warm_up = getattr(engine, "warm_up", None)
            if warm_up is not None:
                logger.info("loading the model and the index")
                await asyncio.to_thread(warm_up)
            await bot.connect()

    try:
        asyncio.run(main())
    except discord.LoginFailure:
        return report(
            TokenError(
                f"Discord rejected the token in {TOKEN_VARIABLE} (401 Unauthorized)", "reset it in the Developer Portal"
            )
        )
    except discord.PrivilegedIntentsRequired:
        return report(
            TokenError(
                "Discord refused the Message Content intent", "turn it on under Bot → Privileged Gateway Intents"
            )
        )
    except discord.HTTPException as e:
        return report(PlatformError(f"Discord answered HTTP {e.status} while starting the bot", "try again later"))
    except (aiohttp.ClientError, OSError) as e:
        return report(PlatformError(f"cannot reach Discord ({e.__class__.__name__})", "check the network connection"))
    except discord.ConnectionClosed as e:  # e.g. 4004 when the token is reset while running
        why = CLOSE_REASONS.get(e.code or 0, "")
        return report(PlatformError(f"Discord closed the connection (code {e.code}{why})", CLOSE_FIX))
    except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl+C or SIGTERM
        logger.info("stopped")
    return 0
