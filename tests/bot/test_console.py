"""The console front end: every line a person types gets a reply."""

from __future__ import annotations

import io

import pytest

from bot.console import run_console
from bot.core import CommandCore
from index.engine import Engine


def replies(core: CommandCore, typed: str) -> list[str]:
    """What the console printed after its banner."""
    out = io.StringIO()
    assert run_console(core, stdin=io.StringIO(typed), stdout=out) == 0
    return out.getvalue().splitlines()[1:]


@pytest.mark.parametrize(
    "line",
    ["!", "!   ", "!ask", "!ask \x00", "!ask \x01\x02\x1b", "!ask ???", "!ASK\twho ran?", "\x00", "!nonsense"],
)
def test_every_odd_line_gets_a_reply(hash_engine: Engine, line: str):
    core = CommandCore(hash_engine, hash_engine.config.bot)
    printed = replies(core, line + "\n")
    assert printed and printed[0].strip(), f"no reply to {line!r}"


def test_a_tab_after_the_command_still_asks(hash_engine: Engine):
    core = CommandCore(hash_engine, hash_engine.config.bot)
    assert "[1]" in "\n".join(replies(core, "!ask\thow many candidates ran\n"))


def test_blank_lines_are_skipped_and_quit_stops(hash_engine: Engine):
    core = CommandCore(hash_engine, hash_engine.config.bot)
    assert replies(core, "\n   \nquit\n!help\n") == []
