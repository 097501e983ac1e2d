"""The slack-bolt app: Slack events and slash commands in, core replies out.

Every listener only decides and hands the work to a small thread pool, so it
returns (and Slack gets its acknowledgement) in milliseconds whatever the
question costs. The app runs with `process_before_response=True`: that
decision is made before the HTTP response or Socket Mode ack is sent, and an
acknowledged event has always been either queued or dropped.

Deliveries are deduplicated twice: by `event_id` (Slack retries a delivery it
thinks timed out, with `X-Slack-Retry-Num`) and by message (`channel:ts`: one
message that is both an `app_mention` and an `!ask` arrives as two events).
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import CommandCore, Reply, ReplyKind, Requester
from bot.feedback import BUTTON_ID_PATTERN, parse_button_id
from bot.slack.render import SlackMessage, render_reply
from index.config import Config

logger = logging.getLogger(__name__)

SLASH_COMMANDS = ("/ask", "/source", "/reindex")
PUBLIC_KINDS = (ReplyKind.ANSWER, ReplyKind.ABSTAIN, ReplyKind.SOURCE)
_MARKUP = re.compile(r"<([^<>]*)>")
_ANSWERED_MESSAGE_SUBTYPES = (None, "thread_broadcast", "file_share")


def plain_text(slack_text: str) -> str:
    """Slack's message markup to the plain text a person typed.

    Mentions (`<@U…>`, `<!here>`, `<!subteam^…>`) are dropped, links become
    their label or URL, and the `&amp;`, `&lt;`, `&gt;` escapes are undone.
    """

    def replace(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith(("@", "!")):
            return ""
        if target.startswith("#"):
            return f"#{label}" if label else ""
        return label or target

    text = _MARKUP.sub(replace, slack_text)
    return " ".join(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").split())


class _Seen:
    """A bounded, thread-safe set of keys already handled; `claim` is True only the first time."""

    def __init__(self, size: int = 10_000) -> None:
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def claim(self, key: str) -> bool:
        with self._lock:
            if key in self._keys:
                return False
            self._keys[key] = None
            if len(self._keys) > self._size:
                self._keys.popitem(last=False)
            return True


class _SkipTokenNotice(logging.Filter):
    """Bolt warns that `token` is unused whenever SLACK_BOT_TOKEN is set and a client is given; it is the same token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_token_notice_filter = _SkipTokenNotice()


def _from_a_bot(event: dict[str, Any], bot_user_id: str | None) -> bool:
    return bool(
        event.get("bot_id")
        or event.get("bot_profile")
        or event.get("subtype") == "bot_message"
        or (bot_user_id is not None and event.get("user") == bot_user_id)
    )


class SlackFront:
    """A bolt `App` wired to a `CommandCore`, plus the pool that does the answering.

    `client` is the bot's `WebClient` (tests point its `base_url` at a local
    mock); bolt calls `auth.test` with it at once to learn the bot's own ids.
    `signing_secret` is required for HTTP mode; Socket Mode needs none.
    Call `close()` to stop the pool.
    """

    def __init__(
        self,
        core: CommandCore,
        config: Config,
        client: WebClient,
        signing_secret: str | None = None,
        workers: int = 4,
    ) -> None:
        self.core = core
        self.settings = config.bot
        self.signing_secret = signing_secret or ""
        self._events = _Seen()
        self._messages = _Seen()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="racebot-slack")
        self._pending = 0
        self._idle = threading.Condition()
        logging.getLogger("slack_bolt.App").addFilter(_token_notice_filter)  # idempotent: same object
        self.app = App(
            client=client,
            signing_secret=self.signing_secret,
            process_before_response=True,
            name="racebot",
        )
        self.app.middleware(self._drop_bots_and_repeats)
        self.app.event("message")(self._on_message)
        self.app.event("app_mention")(self._on_mention)
        for name in SLASH_COMMANDS:
            self.app.command(name)(self._on_command)
        self.app.action(re.compile(BUTTON_ID_PATTERN))(self._on_rating)

    # -- listeners: decide, queue, return ------------------------------------
    def _drop_bots_and_repeats(self, body: dict[str, Any], context: Any, next: Callable[[], None]) -> Any:
        event = body.get("event")
        if isinstance(event, dict):
            event_id = body.get("event_id")
            if _from_a_bot(event, context.bot_user_id):
                return BoltResponse(status=200, body="")
            if isinstance(event_id, str) and not self._events.claim(event_id):
                logger.info("ignoring a repeated delivery of event %s", event_id)
                return BoltResponse(status=200, body="")
        return next()

    def _on_message(self, event: dict[str, Any], client: WebClient) -> None:
        if event.get("subtype") not in _ANSWERED_MESSAGE_SUBTYPES or not event.get("user"):
            return
        text = plain_text(event.get("text") or "")
        p = self.settings.prefix
        if text.startswith(p) and len(text) > len(p) and not text[len(p)].isspace():
            self._take_message(event, text, client)

    def _on_mention(self, event: dict[str, Any], client: WebClient) -> None:
        if not event.get("user"):
            return
        text = plain_text(event.get("text") or "")  # drops the mention of the bot itself
        p = self.settings.prefix
        if not text or text.lower() in ("help", "?"):
            text = f"{p}help"
        elif not text.startswith(p):
            text = f"{p}ask {text}"
        self._take_message(event, text, client)

    def _take_message(self, event: dict[str, Any], text: str, client: WebClient) -> None:
        channel, ts = event["channel"], event["ts"]
        if not self._messages.claim(f"{channel}:{ts}"):
            return  # already taken through the other event type
        thread = event.get("thread_ts") or ts

        def post(reply: Reply) -> None:
            self._post(client, channel, thread, reply)

        self._submit(lambda: self._answer_message(client, event["user"], channel, thread, text, post), post)

    def _on_command(
        self, ack: Callable[..., Any], command: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()

        def reply_privately(reply: Reply) -> None:
            self._respond(respond, client, command["user_id"], reply)

        self._submit(lambda: self._answer_command(client, respond, command), reply_privately)

    def _on_rating(
        self, ack: Callable[..., Any], body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        """A 👍/👎 click: acknowledged at once (Slack allows 3 s), rated on the pool, confirmed privately."""
        ack()
        parsed = parse_button_id(action.get("action_id") or "")
        if parsed is None:
            return
        verdict, answer_id = parsed
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id", "")
        who = Requester(
            body["user"]["id"],
            f"{channel}:{message.get('thread_ts') or message.get('ts', '')}",
            platform="slack",
            thread=True,
        )

        def confirm(reply: Reply) -> None:
            respond(text=reply.text, response_type="ephemeral", replace_original=False)

        self._submit(lambda: confirm(self.core.rate(answer_id, verdict, who)), confirm)

    # -- work: runs on the pool ----------------------------------------------
    def _answer_message(
        self, client: WebClient, user: str, channel: str, thread: str, text: str, post: Callable[[Reply], None]
    ) -> None:
        wants_admin = text[len(self.settings.prefix) :].split(" ", 1)[0].lower() == "reindex"
        who = Requester(
            user,
            f"{channel}:{thread}",
            is_platform_admin=wants_admin and self._is_workspace_admin(client, user),
            platform="slack",
            thread=True,  # the bot answers every message in a thread: its participants share follow-ups
        )
        reply = self.core.handle(text, who, notify=post)
        if reply is not None:
            post(reply)

    def _answer_command(self, client: WebClient, respond: Respond, command: dict[str, Any]) -> None:
        name, user = command["command"], command["user_id"]
        text = plain_text(command.get("text") or "")
        who = Requester(
            user,
            command["channel_id"],
            is_platform_admin=name == "/reindex" and self._is_workspace_admin(client, user),
            platform="slack",
        )
        if name == "/ask":
            self._respond(respond, client, user, self.core.ask(text, who), question=text)
        elif name == "/source":
            self._respond(respond, client, user, self.core.source(text, who))
        else:

            def notify(reply: Reply) -> None:  # called from the reindex thread, maybe minutes later
                self._respond(respond, client, user, reply)

            self._respond(respond, client, user, self.core.reindex(who, notify))

    def _is_workspace_admin(self, client: WebClient, user: str) -> bool:
        """Workspace admins and owners count as bot admins only if the config says so."""
        admins = self.settings.admins
        if not admins.platform_admins or user in admins.user_ids:
            return False
        try:
            info = client.users_info(user=user)["user"]
        except SlackApiError as e:
            logger.warning("users.info failed for %s (%s); treating them as a non-admin", user, e.response.get("error"))
            return False
        return bool(info.get("is_admin") or info.get("is_owner"))

    # -- sending ---------------------------------------------------------------
    def _post(self, client: WebClient, channel: str, thread: str, reply: Reply) -> None:
        hint = f"Reply `{self.settings.prefix}source N` in this thread to see the passage behind citation N."
        message = render_reply(reply, source_hint=hint, extra_help=self._help_extra())
        client.chat_postMessage(
            channel=channel,
            thread_ts=thread,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
            unfurl_media=False,
        )

    def _respond(
        self, respond: Respond, client: WebClient, user: str, reply: Reply, question: str | None = None
    ) -> None:
        """Answer a slash command through its `response_url`; answers are public, the rest private."""
        hint = "`/source N` in this channel shows the passage behind citation N."
        message = render_reply(reply, source_hint=hint, question=question, extra_help=self._help_extra())
        response_type = "in_channel" if reply.kind in PUBLIC_KINDS else "ephemeral"
        status = respond(text=message.text, blocks=message.blocks, response_type=response_type).status_code
        if status != 200:
            # response_url expires after 30 minutes (a long reindex): tell the user directly instead.
            logger.warning("response_url answered %s; sending the reply to %s as a direct message", status, user)
            self._direct(client, user, message)

    @staticmethod
    def _direct(client: WebClient, user: str, message: SlackMessage) -> None:
        client.chat_postMessage(channel=user, text=message.text, blocks=message.blocks, unfurl_links=False)

    @staticmethod
    def _help_extra() -> str:
        return "In Slack you can also mention me (`@racebot who won?`) or use `/ask`, `/source N`, `/reindex`."

    def _submit(self, job: Callable[[], None], apologise: Callable[[Reply], None]) -> None:
        def run() -> None:
            try:
                job()
            except Exception:
                incident = uuid.uuid4().hex[:8]
                logger.exception("incident %s: internal error while answering on Slack", incident)
                sorry = f"Sorry, something went wrong on my side (incident {incident}). Please try again later."
                try:
                    apologise(Reply(ReplyKind.ERROR, sorry, incident=incident))
                except Exception:
                    logger.exception("incident %s: the apology could not be delivered either", incident)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

        with self._idle:
            self._pending += 1
        self._pool.submit(run)

    # -- lifecycle ---------------------------------------------------------------
    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued answer has been sent (tests, shutdown). False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
