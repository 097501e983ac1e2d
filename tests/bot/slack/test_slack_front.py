"""Start-up of `racebot slack`: required variables, the shipped manifest, HTTP-mode guards."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml
from fake_slack import FakeSlack
from slack_sdk import WebClient

from bot.core import CommandCore
from bot.slack import front as slack_front
from bot.slack.app import SLASH_COMMANDS, SlackFront
from bot.slack.front import required_env, run_slack, serve_http
from index.config import parse_config

MANIFEST = Path(__file__).resolve().parents[3] / "slack" / "manifest.yaml"


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "  "}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_a_missing_variable_is_one_line_naming_it_and_exit_2(
    env: dict[str, str], missing: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nothing is loaded before the check: the corpus folder does not even exist.
    config = parse_config({"corpus": {"dir": str(tmp_path / "absent")}}, tmp_path)
    assert run_slack(config, 0, env=env) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"racebot: {missing} is not set; ")


def test_a_rejected_token_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = parse_config({"corpus": {"dir": str(tmp_path)}, "model": {"name": "hash"}}, tmp_path)
    env = {"SLACK_BOT_TOKEN": "xoxb-revoked", "SLACK_SIGNING_SECRET": "s"}
    with FakeSlack(token_ok=False) as slack:
        monkeypatch.setattr(slack_front, "WebClient", functools.partial(WebClient, base_url=slack.api_url))
        assert run_slack(config, 0, env=env) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("racebot: Slack did not accept SLACK_BOT_TOKEN") and "invalid_auth" in err


def test_the_mode_follows_the_app_token() -> None:
    socket, _ = required_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    http, _ = required_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert set(socket) == {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"}
    assert set(http) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}


def test_http_mode_refuses_to_serve_without_a_signing_secret(tmp_path: Path) -> None:
    config = parse_config({}, tmp_path)
    with FakeSlack() as slack:
        front = SlackFront(CommandCore(object(), config.bot), config, WebClient(token="xoxb-1", base_url=slack.api_url))  # type: ignore[arg-type]
        try:
            with pytest.raises(ValueError, match="signing secret"):
                serve_http(front, host="127.0.0.1", port=0)
        finally:
            front.close()


def test_the_manifest_declares_what_the_bot_listens_to() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    commands = manifest["features"]["slash_commands"]
    assert tuple(c["command"] for c in commands) == SLASH_COMMANDS
    assert all(c["description"].strip() for c in commands)  # every command has help text
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) >= {
        "app_mention",
        "message.channels",
        "message.im",
    }
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes >= {"app_mentions:read", "channels:history", "chat:write", "commands", "users:read"}
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True  # else the rating buttons' clicks never arrive
