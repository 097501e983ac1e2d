"""👍 / 👎 buttons under Discord answers that survive a restart.

Each button is a `discord.ui.DynamicItem`: its custom id carries the verdict and the
answer's feedback id (`bot.feedback.button_id`), so a click on a message sent before
the bot restarted is still understood; nothing about the view is kept in memory.
The click is acknowledged with an ephemeral reply, seen only by the person who rated.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord

from bot.feedback import BUTTON_ID_PATTERN, Verdict, button_id

logger = logging.getLogger(__name__)

LABELS = {Verdict.GOOD: "Good answer", Verdict.BAD: "Bad answer"}


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_ID_PATTERN):
    """One of the two rating buttons under an answer; the click rates it through the command core."""

    def __init__(self, verdict: Verdict, answer_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji=verdict.emoji,
                label=LABELS[verdict],
                custom_id=button_id(verdict, answer_id),
            )
        )
        self.verdict = verdict
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FeedbackButton:
        return cls(Verdict(match["verdict"]), match["answer_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord.client import requester_for  # the client imports this module to register it

        core = getattr(interaction.client, "core", None)
        if core is None:  # another client class: nothing can record the rating
            return
        who = requester_for(interaction.user, interaction.channel_id, isinstance(interaction.channel, discord.Thread))
        reply = await asyncio.to_thread(core.rate, self.answer_id, self.verdict, who)
        await interaction.response.send_message(
            reply.text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


def feedback_view(answer_id: str) -> discord.ui.View:
    """The 👍 / 👎 pair for an answer; persistent (no timeout), so it outlives the bot process."""
    view = discord.ui.View(timeout=None)
    for verdict in (Verdict.GOOD, Verdict.BAD):
        view.add_item(FeedbackButton(verdict, answer_id))
    return view
