"""The Discord client: `!` commands from messages and slash commands from interactions.

A thin adapter over `bot.core.CommandCore`: it turns Discord messages and
interactions into `Requester` facts plus a command, runs the core in a worker
thread (answering is CPU work; the event loop must keep the heartbeat going),
and sends the rendered `Reply` back in the same channel, thread or interaction.
Set-up, intents and permissions are described in `bot.discord.front`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
import threading
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.core import CommandCore, Notify, Reply, ReplyKind, Requester
from bot.discord.feedback import FeedbackButton, feedback_view
from bot.discord.render import Outgoing, render_plain, render_reply

logger = logging.getLogger(__name__)

INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    read_message_history=True,
)
INVITE_SCOPES = ("bot", "applications.commands")
SLASH_QUESTION_MAX = 6000  # Discord's longest string option; the core applies the configured limit


def bot_intents() -> discord.Intents:
    """The gateway intents the bot needs, and no more."""
    intents = discord.Intents.none()
    intents.guilds = True  # roles and channels, to compute the Administrator permission
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = True  # privileged: enable it in the Developer Portal
    return intents


def requester_for(
    user: discord.User | discord.Member, conversation_id: int | None, in_thread: bool = False
) -> Requester:
    """Who is asking, as the core needs it: ids as strings, roles, the Administrator permission,
    and whether the channel is a thread (whose participants share follow-up context)."""
    role_ids: frozenset[str] = frozenset()
    is_admin = False
    if isinstance(user, discord.Member):
        role_ids = frozenset(str(role.id) for role in user.roles if not role.is_default())
        # Interactions carry the resolved channel permissions; messages need the guild's roles.
        permissions = user.resolved_permissions or user.guild_permissions
        is_admin = permissions.administrator
    return Requester(
        str(user.id),
        str(conversation_id),
        role_ids=role_ids,
        is_platform_admin=is_admin,
        platform="discord",
        thread=in_thread,
    )


def with_rating_buttons(parts: list[Outgoing], reply: Reply) -> list[Outgoing]:
    """`parts` with the 👍/👎 buttons under the last one when the reply is an answer that can be rated."""
    if reply.feedback_id is None or not parts:
        return parts
    return [*parts[:-1], dataclasses.replace(parts[-1], view=feedback_view(reply.feedback_id))]


def apology(error: BaseException) -> Reply:
    """For failures in this adapter: the traceback goes to the log, an incident id to the user."""
    incident = uuid.uuid4().hex[:8]
    logger.error("incident %s: internal error in the Discord front end", incident, exc_info=error)
    text = f"Sorry, something went wrong on my side (incident {incident}). Please try again later."
    return Reply(ReplyKind.ERROR, text, incident=incident)


class RaceBot(discord.Client):
    """The Discord client: prefix commands from messages, slash commands from interactions.

    `sync_commands` registers the slash commands with Discord during start-up
    (an explicit admin action). Other keyword arguments go to `discord.Client`.
    """

    def __init__(self, core: CommandCore, *, sync_commands: bool = False, **options: Any) -> None:
        options.setdefault("intents", bot_intents())
        # The bot never joins voice channels; skip discord.py's start-up warnings about voice libraries.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(allowed_mentions=discord.AllowedMentions.none(), **options)
        self.core = core
        self.sync_commands = sync_commands
        self.tree = app_commands.CommandTree(self)
        self.tree.error(self._on_slash_error)
        self._tasks: set[asyncio.Task[None]] = set()
        _add_slash_commands(self)

    def stop_on_sigterm(self) -> None:
        """Make SIGTERM (service managers, containers) stop the bot the way Ctrl+C does.

        Both cancel the running task, so `async with bot` logs out with close code
        1000 and Discord shows the bot offline at once. (Calling `close()` while the
        gateway is being read sends 4000, which leaves the session looking alive.)
        """
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be installed from the main thread
        task = asyncio.current_task()
        if task is not None:
            with contextlib.suppress(NotImplementedError):  # Windows event loops have no signal handlers
                asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(FeedbackButton)  # buttons under answers sent before a restart still work
        if self.sync_commands:
            synced = await self.tree.sync()
            logger.info("registered %d slash commands: %s", len(synced), ", ".join(f"/{c.name}" for c in synced))

    async def on_ready(self) -> None:
        logger.info("connected to Discord as %s in %d servers", self.user, len(self.guilds))
        if self.application_id is not None:
            url = discord.utils.oauth_url(self.application_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES)
            logger.info("invite link: %s", url)

    # -- prefix commands -------------------------------------------------------
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return  # other bots (and this one) could answer each other forever
        if self.user is not None and message.author.id == self.user.id:
            return
        if not message.content.lstrip().startswith(self.core.prefix):
            return
        try:
            who = requester_for(message.author, message.channel.id, isinstance(message.channel, discord.Thread))
            await self._run_command(
                lambda notify: self.core.handle(message.content, who, notify),
                lambda reply: self._reply_to_message(message, reply),
            )
        except Exception as e:
            failure = apology(e)
            try:
                await self._reply_to_message(message, failure)
            except Exception:
                logger.exception("incident %s: could not send the apology either", failure.incident)

    async def _reply_to_message(self, message: discord.Message, reply: Reply) -> None:
        """Reply in the question's channel or thread; the first part references the question."""
        reference = message.to_reference(fail_if_not_exists=False)

        async def send(part: Outgoing, first: bool) -> None:
            if first:
                await message.channel.send(reference=reference, **part.as_kwargs())
            else:
                await message.channel.send(**part.as_kwargs())

        await self._send_parts(reply, send, where=f"channel {message.channel.id}")

    async def _send_parts(self, reply: Reply, send: Callable[[Outgoing, bool], Any], where: str) -> None:
        parts = with_rating_buttons(render_reply(reply, self.core.prefix), reply)
        try:
            for i, part in enumerate(parts):
                await send(part, i == 0)
        except discord.Forbidden:
            if not any(part.embed for part in parts):
                raise
            # Without Embed Links the message is refused; the plain rendering still gets through.
            logger.warning("cannot send embeds in %s (missing Embed Links?); sending plain text", where)
            for i, part in enumerate(with_rating_buttons(render_plain(reply.text), reply)):
                await send(part, i == 0)

    async def _run_command(
        self, command: Callable[[Notify], Reply | None], deliver: Callable[[Reply], Awaitable[None]]
    ) -> None:
        """Run a core command in a worker thread (it is CPU work) and deliver its reply.

        Later replies, such as a reindex's outcome, are delivered after the first one,
        even when the work finishes before the first reply has been sent.
        """
        replied = asyncio.Event()
        notify = self._notifier(deliver, after=replied)
        try:
            reply = await asyncio.to_thread(command, notify)
            if reply is not None:
                await deliver(reply)
        finally:
            replied.set()

    def _notifier(self, deliver: Callable[[Reply], Awaitable[None]], after: asyncio.Event) -> Notify:
        """A `Notify` that the core may call from any thread; delivery happens on the event loop."""
        loop = asyncio.get_running_loop()

        def spawn(reply: Reply) -> None:
            task = loop.create_task(self._deliver_later(deliver, reply, after))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        def notify(reply: Reply) -> None:
            loop.call_soon_threadsafe(spawn, reply)  # raises if the bot has shut down; the core logs it

        return notify

    async def _deliver_later(
        self, deliver: Callable[[Reply], Awaitable[None]], reply: Reply, after: asyncio.Event
    ) -> None:
        await after.wait()
        try:
            await deliver(reply)
        except Exception:
            logger.exception("could not deliver a later reply (%s)", reply.kind.value)

    # -- slash commands ----------------------------------------------------------
    async def run_slash(self, interaction: discord.Interaction, command: Callable[[Requester, Notify], Reply]) -> None:
        """Acknowledge at once (Discord allows 3 s), run the core in a thread, then follow up."""
        await interaction.response.defer(thinking=True)
        who = requester_for(interaction.user, interaction.channel_id, isinstance(interaction.channel, discord.Thread))
        await self._run_command(lambda notify: command(who, notify), lambda reply: self._follow_up(interaction, reply))

    async def _follow_up(self, interaction: discord.Interaction, reply: Reply) -> None:
        async def send(part: Outgoing, first: bool) -> None:
            await interaction.followup.send(allowed_mentions=discord.AllowedMentions.none(), **part.as_kwargs())

        await self._send_parts(reply, send, where=f"interaction {interaction.id}")

    async def _on_slash_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        failure = apology(error.original if isinstance(error, app_commands.CommandInvokeError) else error)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(failure.text, allowed_mentions=discord.AllowedMentions.none())
            else:
                await interaction.response.send_message(failure.text, allowed_mentions=discord.AllowedMentions.none())
        except Exception:
            logger.exception("incident %s: could not send the apology either", failure.incident)


def _add_slash_commands(bot: RaceBot) -> None:
    core = bot.core

    @bot.tree.command(name="ask", description="Answer a question with a verbatim quote from the articles")
    @app_commands.describe(question="What do you want to know?")
    async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, SLASH_QUESTION_MAX]) -> None:
        await bot.run_slash(interaction, lambda who, notify: core.ask(question, who))

    @bot.tree.command(name="source", description="Show the passage behind a citation of the last answer here")
    @app_commands.describe(n="Citation number (default 1)")
    async def source(interaction: discord.Interaction, n: app_commands.Range[int, 1, 9999] = 1) -> None:
        await bot.run_slash(interaction, lambda who, notify: core.source(str(n), who))

    @bot.tree.command(name="reindex", description="Rebuild the index from the articles (admins only)")
    async def reindex(interaction: discord.Interaction) -> None:
        await bot.run_slash(interaction, lambda who, notify: core.reindex(who, notify))

    @bot.tree.command(name="help", description="List the bot's commands")
    async def help_(interaction: discord.Interaction) -> None:
        await bot.run_slash(interaction, lambda who, notify: core.help())


def build_bot(core: CommandCore, *, sync_commands: bool = False, **options: Any) -> RaceBot:
    """The Discord client for `core`; `options` go to `discord.Client` (tests shorten timeouts)."""
    return RaceBot(core, sync_commands=sync_commands, **options)
