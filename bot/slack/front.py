"""`racebot slack`: start the Slack front end in Socket Mode or HTTP mode.

Socket Mode when `SLACK_APP_TOKEN` is set (the bot dials out; no public URL
needed), otherwise HTTP mode: a threaded WSGI server serving bolt's WSGI
adapter at `/slack/events`, checking every request against
`SLACK_SIGNING_SECRET`. `SLACK_BOT_TOKEN` is needed in both. The model and
the index are loaded before the bot connects, never per question.
"""

from __future__ import annotations

import logging
import os
import signal
import socketserver
import threading
from collections.abc import Mapping
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient

from bot.core import CommandCore
from bot.errors import report
from bot.feedback import open_store
from bot.slack.app import SlackFront
from index.config import Config
from index.errors import PlatformError, TokenError

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
_WHERE = {
    "SLACK_BOT_TOKEN": "set it to the app's Bot User OAuth Token (xoxb-…, under OAuth & Permissions)",
    "SLACK_SIGNING_SECRET": (
        "HTTP mode needs the app's Signing Secret (under Basic Information), "
        "or set SLACK_APP_TOKEN (xapp-…) to use Socket Mode instead"
    ),
}


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a slow client must not keep the process alive at shutdown


class _QuietHandler(WSGIRequestHandler):
    timeout = 30  # seconds a client may take to send its request; Slack sends at once

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        logger.debug("%s %s", self.address_string(), format % args)


def serve_http(front: SlackFront, host: str = "0.0.0.0", port: int = 3000) -> WSGIServer:
    """A threaded HTTP server answering Slack's requests at `/slack/events` (not started yet).

    Call `serve_forever()` on it (tests do so in a thread), then `shutdown()`
    and `server_close()`.
    """
    if not front.signing_secret:
        raise ValueError("HTTP mode needs the signing secret: build SlackFront with signing_secret=...")
    handler = SlackRequestHandler(front.app, path=EVENTS_PATH)
    return make_server(host, port, handler, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


def required_env(env: Mapping[str, str]) -> tuple[dict[str, str], str | None]:
    """The Slack variables the chosen mode needs, or the name of the first missing one."""
    names = ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN" if env.get("SLACK_APP_TOKEN") else "SLACK_SIGNING_SECRET"]
    for name in names:
        if not env.get(name, "").strip():
            return {}, name
    return {name: env[name].strip() for name in names}, None


def run_slack(config: Config, port: int = 3000, env: Mapping[str, str] | None = None) -> int:
    """Run the Slack bot until interrupted; returns the process exit code.

    A missing variable is reported on one line of stderr, naming it, with
    exit code 2, before anything heavy is loaded.
    """
    values, missing = required_env(os.environ if env is None else env)
    if missing is not None:
        return report(TokenError(f"{missing} is not set", _WHERE[missing]))
    socket_mode = "SLACK_APP_TOKEN" in values

    from index.engine import Engine  # the heavy import only once the settings are known to be usable

    engine = Engine(config)  # cheap; warmed up below, once the token is known to be good
    core = CommandCore(engine, config.bot, feedback=open_store(config.feedback))  # FeedbackError: one line
    try:
        front = SlackFront(
            core,
            config,
            client=WebClient(token=values["SLACK_BOT_TOKEN"]),
            signing_secret=values.get("SLACK_SIGNING_SECRET"),
        )
    except BoltError as e:  # auth.test refused the token
        return report(TokenError(f"Slack did not accept SLACK_BOT_TOKEN ({e})", "copy the Bot User OAuth Token again"))
    except OSError as e:
        return report(
            PlatformError(f"cannot reach Slack to check SLACK_BOT_TOKEN ({e})", "check the network connection")
        )
    engine.warm_up()  # load the model and the index before connecting, never per question
    previous = _stop_on_sigterm()
    try:
        if socket_mode:
            _serve_socket_mode(front, values["SLACK_APP_TOKEN"])
        else:
            _serve_http(front, port)
    except KeyboardInterrupt:
        logger.info("stopping the Slack bot")
    finally:
        front.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _serve_socket_mode(front: SlackFront, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(front.app, app_token)
    handler.connect()
    logger.info("connected to Slack in Socket Mode")
    try:
        threading.Event().wait()
    finally:
        handler.close()


def _serve_http(front: SlackFront, port: int) -> None:
    server = serve_http(front, port=port)
    logger.info("serving Slack events on http://0.0.0.0:%d%s", server.server_port, EVENTS_PATH)
    try:
        server.serve_forever()
    finally:
        server.server_close()


def _stop_on_sigterm() -> Any:
    """Let `kill`, systemd and docker stop the bot like Ctrl+C does; returns the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)
