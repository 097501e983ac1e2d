"""The console front end: read chat commands from standard input, print replies."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.core import CommandCore, Reply, ReplyKind, Requester

CONSOLE_USER = Requester(user_id="console", conversation_id="console", is_platform_admin=True, rate_limited=False)


def run_console(core: CommandCore, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Loop until end of input or `quit`. Bare text is treated as a question."""
    interactive = stdin.isatty()
    p = core.prefix

    def show(reply: Reply) -> None:
        print(reply.text, file=stdout, flush=True)

    print(
        f"racebot ready. Ask with `{p}ask QUESTION` (or just type it); `{p}help` lists commands; Ctrl-D quits.",
        file=stdout,
        flush=True,
    )
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        line = line.strip()
        if not line:
            continue
        if line in ("quit", "exit"):
            return 0
        text = line if line.startswith(p) else f"{p}ask {line}"
        reply = core.handle(text, CONSOLE_USER, notify=show)
        # A line is never met with silence: a bare prefix is not a command, but a person typed it.
        show(reply or Reply(ReplyKind.USAGE, f"Type a question, or `{p}help` for the commands."))
        if text.startswith(f"{p}reindex"):
            core.wait_for_reindex()  # on a console, waiting is what a person expects
