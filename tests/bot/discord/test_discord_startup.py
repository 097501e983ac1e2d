"""`run_discord`: the token checks, loading before connecting, and one-line start-up errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import discord
import pytest
from fake_discord import FakeDiscord, serving_in_thread

import bot.discord.front
from bot.discord.client import INVITE_PERMISSIONS, bot_intents
from bot.discord.front import run_discord
from index.config import Config
from index.engine import Engine

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


class RecordingEngineFactory:
    """Builds the real engine and notes when it was warmed up."""

    def __init__(self) -> None:
        self.warmed_at: float | None = None

    def __call__(self, config: Config) -> Engine:
        engine = Engine(config)
        warm_up = engine.warm_up

        def recording_warm_up(*args, **kwargs):
            warm_up(*args, **kwargs)
            self.warmed_at = time.monotonic()

        engine.warm_up = recording_warm_up  # type: ignore[method-assign]
        return engine


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_token_is_a_one_line_error_naming_the_variable(discord_config, monkeypatch, capsys, value):
    if value is None:
        monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    else:
        monkeypatch.setenv("DISCORD_TOKEN", value)
    factory = RecordingEngineFactory()
    assert run_discord(discord_config, engine_factory=factory) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DISCORD_TOKEN is not set" in err
    assert factory.warmed_at is None, "no model is loaded for a bot that cannot start"


def test_a_rejected_token_is_a_one_line_error_before_loading_the_model(discord_config, monkeypatch, capsys):
    fake = FakeDiscord()
    factory = RecordingEngineFactory()
    with serving_in_thread(fake):
        fake.point_discord_py_here(monkeypatch)
        monkeypatch.setenv("DISCORD_TOKEN", "not-the-token")
        assert run_discord(discord_config, engine_factory=factory) == 2
    err = capsys.readouterr().err
    assert err == (
        "racebot: Discord rejected the token in DISCORD_TOKEN (401 Unauthorized); reset it in the Developer Portal\n"
    )
    assert [r.path for r in fake.requests] == ["/users/@me"]
    assert factory.warmed_at is None, "no waiting for the model when the token is wrong"


def test_a_refused_message_content_intent_is_a_one_line_error(discord_config, monkeypatch, capsys):
    fake = FakeDiscord()
    fake.reject_intents = True
    with serving_in_thread(fake):
        fake.point_discord_py_here(monkeypatch)
        monkeypatch.setenv("DISCORD_TOKEN", fake.token)
        assert run_discord(discord_config, engine_factory=RecordingEngineFactory()) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Message Content intent" in err
    assert fake.identifies, "the bot got as far as IDENTIFY"


def test_the_bot_runs_syncs_commands_when_asked_and_answers_until_discord_closes_it(
    discord_config, monkeypatch, capsys
):
    fake = FakeDiscord()
    with serving_in_thread(fake) as call, ThreadPoolExecutor(1) as pool:
        fake.point_discord_py_here(monkeypatch)
        monkeypatch.setenv("DISCORD_TOKEN", f"  {fake.token}\n")  # pasted with whitespace
        factory = RecordingEngineFactory()
        running = pool.submit(run_discord, discord_config, True, engine_factory=factory)
        call(fake.wait_identified())
        assert factory.warmed_at is not None and factory.warmed_at < fake.identified_at[0], "loaded before connecting"
        (put,) = [r for r in fake.requests if r.method == "PUT"]
        assert {c["name"] for c in put.json} == {"ask", "source", "reindex", "help"}

        question_id = call(fake.say(fake.member, "!ask Who is Jon Ossoff?"))
        (reply,) = call(fake.replies_to(question_id))
        assert "**[1]**" in reply["embeds"][0]["description"]

        call(fake.disconnect(4004, b"Authentication failed."))
        assert running.result(15) == 1
    err = capsys.readouterr().err
    assert err == (
        "racebot: Discord closed the connection (code 4004: authentication failed, was the token reset?); "
        "check the token and the intents in the Developer Portal, then start the bot again\n"
    )


def test_an_unreachable_discord_is_a_one_line_error(discord_config, monkeypatch, capsys):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    monkeypatch.setenv("DISCORD_TOKEN", "some-token")
    assert run_discord(discord_config, engine_factory=RecordingEngineFactory()) == 1
    err = capsys.readouterr().err
    assert err == "racebot: cannot reach Discord (ClientConnectorError); check the network connection\n"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_racebot_process_logs_out_cleanly_on_sigterm_and_ctrl_c(tmp_path, sig):
    config = tmp_path / "config.yaml"
    config.write_text(
        f"corpus: {{dir: '{SEEDS}'}}\nindex: {{dir: '{tmp_path / 'index'}'}}\nmodel: {{name: hash}}\n", encoding="utf-8"
    )
    fake = FakeDiscord()
    with serving_in_thread(fake) as call:
        # The child process is the real entry point with discord.py pointed at the fake.
        script = (
            # Ctrl+C as in a terminal, even when the suite runs as a background job (SIGINT ignored then).
            "import signal\n"
            "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
            "import sys, warnings\n"
            "warnings.simplefilter('ignore', DeprecationWarning)\n"
            "import discord, yarl\n"
            f"discord.http.Route.BASE = {fake.api_base!r}\n"
            f"discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({str(fake.gateway_url)!r})\n"
            "from index.config import load_config\n"
            "from bot.discord.front import run_discord\n"
            f"sys.exit(run_discord(load_config({str(config)!r})))\n"
        )
        env = {**os.environ, "DISCORD_TOKEN": fake.token}
        with subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE, text=True) as child:
            try:
                call(fake.wait_identified(timeout=30))
                (reply,) = call(fake.replies_to(call(fake.say(fake.member, "!help"))))
                assert "`!ask QUESTION`" in reply["content"]
                child.send_signal(sig)
                assert child.wait(15) == 0
            finally:
                if child.poll() is None:
                    child.kill()
            stderr = child.stderr.read() if child.stderr else ""
        assert fake.close_codes == [1000], stderr


def test_the_documented_set_up_matches_the_code():
    doc = bot.discord.front.__doc__ or ""
    assert f"permissions={INVITE_PERMISSIONS.value}" in doc and f"integer {INVITE_PERMISSIONS.value}" in doc
    for permission in (
        "View Channels",
        "Send Messages,",
        "Send Messages in Threads",
        "Embed Links",
        "Read Message History",
    ):
        assert permission in doc
    intents = bot_intents()
    assert {name for name, on in intents if on} == {"guilds", "guild_messages", "dm_messages", "message_content"}
    assert "Guilds, Guild Messages,\n  Direct Messages, Message Content" in doc
    assert "scope=bot+applications.commands" in doc and "--sync-commands" in doc
