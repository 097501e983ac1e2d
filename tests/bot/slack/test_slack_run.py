"""`run_slack` for real, in a child process: HTTP mode and Socket Mode, start to stop.

The child runs `bot.slack.front.run_slack` with its `WebClient` pointed at
`FakeSlack`; in Socket Mode `apps.connections.open` hands it the URL of
`FakeSocketMode`, a local WebSocket endpoint speaking Slack's envelope protocol.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack, FakeSocketMode, sign_and_post

REPO = Path(__file__).resolve().parents[3]
SECRET = "run-signing-secret"
# The child takes Ctrl+C as a terminal user's bot would, even when the suite itself was started in
# the background (a non-interactive shell starts background jobs with SIGINT ignored).
CHILD = """
import signal
signal.signal(signal.SIGINT, signal.default_int_handler)
import functools, logging, sys
from slack_sdk import WebClient
import bot.slack.front as slack_front
from index.config import load_config
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(relativeCreated)d %(name)s %(message)s")
slack_front.WebClient = functools.partial(WebClient, base_url=sys.argv[1])
sys.exit(slack_front.run_slack(load_config(sys.argv[2]), int(sys.argv[3])))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def event_body(text: str, event_id: str, ts: str) -> dict:
    event = {"type": "message", "channel": "C1", "user": "U1", "text": text, "ts": ts, "channel_type": "channel"}
    return {
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0001", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()), "event": event,
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }  # fmt: skip


@contextmanager
def child(tmp_path: Path, slack: FakeSlack, env: dict[str, str], port: int = 0) -> Iterator[subprocess.Popen[bytes]]:
    config = tmp_path / "config.yaml"
    settings = {
        "corpus": {"dir": str(REPO / "seeds")},
        "index": {"dir": str(tmp_path / "index")},
        "model": {"name": "hash"},
    }
    config.write_text(yaml.safe_dump({**settings, "answer": {"min_confidence": 0.0}, "bot": {"cooldown_seconds": 0}}))
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    log = (tmp_path / "child.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, slack.api_url, str(config), str(port)],
        cwd=REPO, env={**clean, **env}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


def stop(proc: subprocess.Popen[bytes], sig: int, tmp_path: Path) -> None:
    proc.send_signal(sig)
    try:
        code = proc.wait(15)
    except subprocess.TimeoutExpired:
        pytest.fail("the bot did not stop:\n" + (tmp_path / "child.log").read_text())
    assert code == 0, (tmp_path / "child.log").read_text()


def test_http_mode_serves_signed_events_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    with FakeSlack() as slack:
        env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": SECRET}
        with child(tmp_path, slack, env, port) as proc:
            url = f"http://127.0.0.1:{port}/slack/events"
            deadline = time.monotonic() + 60
            while True:  # the model and index load before the server listens
                assert proc.poll() is None, (tmp_path / "child.log").read_text()
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the bot never started listening"
                    time.sleep(0.1)
            ack = sign_and_post(url, json.dumps(event_body("!ask Who is Jon Ossoff?", "EvRUN1", "1.1")), SECRET)
            assert ack.status == 200
            [post] = slack.wait_for_posts(1)
            assert post.params["thread_ts"] == "1.1"
            assert sign_and_post(url, json.dumps(event_body("!help", "EvRUN2", "1.2")), "wrong").status == 401
            stop(proc, signal.SIGTERM, tmp_path)
    assert [c.method for c in slack.calls] == ["auth.test", "chat.postMessage"]


def test_socket_mode_acks_envelopes_answers_once_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    with FakeSocketMode() as socket_mode, FakeSlack(socket_url="") as slack:
        slack.socket_url = socket_mode.url
        env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
        with child(tmp_path, slack, env) as proc:
            assert socket_mode.connected.wait(60), (tmp_path / "child.log").read_text()
            body = event_body("!ask Who is Jon Ossoff?", "EvSOCK1", "2.1")
            envelope = {"envelope_id": "e1", "type": "events_api", "accepts_response_payload": False, "payload": body}
            assert socket_mode.send(envelope) == {"envelope_id": "e1"}
            retry = {**envelope, "envelope_id": "e2", "retry_attempt": 1, "retry_reason": "timeout"}
            assert socket_mode.send(retry) == {"envelope_id": "e2"}
            command = {
                "command": "/ask", "text": "Who is Jon Ossoff?", "user_id": "U1", "channel_id": "C1",
                "team_id": TEAM_ID, "response_url": slack.response_url("sock"), "trigger_id": "1.2.3",
            }  # fmt: skip
            slash = {
                "envelope_id": "e3",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": command,
            }
            assert socket_mode.send(slash) == {"envelope_id": "e3"}
            posts = slack.wait_for_posts(2)
            time.sleep(0.3)  # a retry answered twice would show up by now
            stop(proc, signal.SIGINT, tmp_path)
    assert sorted(p.method for p in slack.posts()) == ["chat.postMessage", "respond"]
    assert {p.method: p for p in posts}["respond"].params["response_type"] == "in_channel"
