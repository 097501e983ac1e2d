"""A small fake Discord for end-to-end tests: REST under /api/v10 and a JSON gateway, on 127.0.0.1.

It speaks enough of the real protocol for discord.py's own login, gateway
handshake (HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats) and REST calls:
one guild with a few roles, two text channels and a thread. Tests dispatch
MESSAGE_CREATE / INTERACTION_CREATE events and read what the bot sent from
`requests`. Point discord.py at it with `connected_bot`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import discord
import pytest
import yarl
from aiohttp import WSMsgType, web

DISCORD_EPOCH_MS = 1420070400000
NO_PINGS = {"parse": []}  # allowed_mentions that ping nobody
ADMINISTRATOR = 1 << 3
T = TypeVar("T")
EVERYDAY_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 38)


@dataclass(frozen=True)
class FakeUser:
    id: int
    name: str
    role_ids: tuple[int, ...] = ()
    bot: bool = False

    def user_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    def member_json(self, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.role_ids],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Recorded:
    """One REST request the bot made."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    at: float = field(default_factory=time.monotonic)


def _snowflakes() -> Callable[[], int]:
    counter = itertools.count(1)

    def next_id() -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(counter) & 0x3FFFFF)

    return next_id


class FakeDiscord:
    """The fake server. `start()` it, dispatch events, inspect `requests`, then `close()` it."""

    def __init__(self, token: str = "fake-token", *, heartbeat_interval_ms: int = 41250) -> None:
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.reject_intents = False  # close IDENTIFY with 4014, as when Message Content is not enabled
        self.no_embed_channels: set[int] = set()  # channels where the bot lacks Embed Links
        self.new_id = _snowflakes()
        self.app_id = 1100000000000000001
        self.guild_id = 1100000000000000010
        self.channel_id = 1100000000000000020
        self.other_channel_id = 1100000000000000021
        self.thread_id = 1100000000000000022
        self.dm_channel_id = 1100000000000000023
        self.admin_role_id = 1100000000000000030  # has the Administrator permission
        self.bot_admin_role_id = 1100000000000000031  # listed in config bot.admins.role_ids
        self.member_role_id = 1100000000000000032
        self.bot_user = FakeUser(1100000000000000040, "racebot", bot=True)
        self.owner = FakeUser(1100000000000000041, "owner")
        self.admin = FakeUser(1100000000000000042, "ada", (self.admin_role_id,))
        self.bot_admin = FakeUser(1100000000000000043, "bea", (self.bot_admin_role_id,))
        self.member = FakeUser(1100000000000000044, "mo", (self.member_role_id,))
        self.member2 = FakeUser(1100000000000000045, "mia", (self.member_role_id,))
        self.other_bot = FakeUser(1100000000000000046, "otherbot", bot=True)
        self.requests: list[Recorded] = []
        self.identifies: list[dict[str, Any]] = []
        self.identified_at: list[float] = []
        self.close_codes: list[int | None] = []  # how each gateway connection ended
        self.heartbeats: list[float] = []
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = 0
        self._sent: dict[int, dict[str, Any]] = {}  # id() of a posted body -> the message made of it
        self._changed: asyncio.Condition | None = None
        self._identified: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------
    async def start(self) -> None:
        self._changed = asyncio.Condition()
        self._identified = asyncio.Event()
        app = web.Application()
        app.router.add_get("/gateway/", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> yarl.URL:
        return yarl.URL(f"ws://127.0.0.1:{self.port}/gateway/")

    def point_discord_py_here(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(discord.http.Route, "BASE", self.api_base)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", self.gateway_url)

    # -- what tests wait for ----------------------------------------------------------
    async def _record(self, item: Recorded) -> None:
        self.requests.append(item)
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(
        self, predicate: Callable[[Recorded], bool], count: int = 1, timeout: float = 10.0
    ) -> list[Recorded]:
        """The first `count` recorded requests matching `predicate`, waiting for them if needed."""
        assert self._changed is not None

        def matching() -> list[Recorded]:
            return [r for r in self.requests if predicate(r)]

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(matching()) >= count), timeout)
        return matching()[:count]

    def posts(self, channel_id: int | None = None) -> list[Recorded]:
        """Messages the bot created in a channel (all channels by default)."""
        return [
            r
            for r in self.requests
            if _is_message_post(r) and (channel_id is None or r.path == f"/channels/{channel_id}/messages")
        ]

    async def replies_to(self, message_id: int, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """The JSON bodies of the bot's messages whose first part references `message_id`, and what follows."""

        def is_reply(r: Recorded) -> bool:
            ref = (r.json or {}).get("message_reference") or {} if _is_message_post(r) else {}
            return str(ref.get("message_id")) == str(message_id)

        found = await self.wait_for(is_reply, count, timeout)
        return [r.json for r in found]

    async def wait_identified(self, timeout: float = 10.0) -> None:
        """Until a client has identified and been sent READY and GUILD_CREATE."""
        assert self._identified is not None
        await asyncio.wait_for(self._identified.wait(), timeout)

    async def disconnect(self, code: int, reason: bytes = b"") -> None:
        """Close every gateway connection with a close code, as Discord does (4004: token reset)."""
        for ws in list(self._sockets):
            await ws.close(code=code, message=reason)

    # -- events -----------------------------------------------------------------------
    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self._seq += 1
        for ws in list(self._sockets):
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    async def say(self, author: FakeUser, content: str, channel_id: int | None = None, dm: bool = False) -> int:
        """A user posts a message in a guild channel (the main one by default) or a DM; returns its id."""
        message_id = self.new_id()
        if dm:
            data = self._message(message_id, self.dm_channel_id, author, content)
            del data["guild_id"]
        else:
            data = self._message(message_id, channel_id or self.channel_id, author, content)
            data["member"] = author.member_json()
        await self.dispatch("MESSAGE_CREATE", data)
        return message_id

    async def slash(self, author: FakeUser, name: str, options: dict[str, Any] | None = None) -> tuple[int, str]:
        """A user runs a slash command in the main channel; returns the interaction id and token."""
        kinds = {str: 3, int: 4, bool: 5}
        command = {
            "id": str(self.new_id()),
            "name": name,
            "type": 1,
            "options": [{"name": k, "type": kinds[type(v)], "value": v} for k, v in (options or {}).items()],
        }
        return await self._interaction(author, 2, command)

    async def click(self, author: FakeUser, message: dict[str, Any], custom_id: str) -> tuple[int, str]:
        """A user clicks a button of a message the bot sent (as echoed); returns the interaction id and token."""
        return await self._interaction(author, 3, {"custom_id": custom_id, "component_type": 2}, message=message)

    def sent_message(self, body: dict[str, Any]) -> dict[str, Any]:
        """The message object Discord made of a body the bot posted (with its id and components)."""
        return self._sent[id(body)]

    async def _interaction(self, author: FakeUser, kind: int, payload: dict[str, Any], **extra: Any) -> tuple[int, str]:
        interaction_id = self.new_id()
        token = f"interaction-token-{interaction_id}"
        data = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": str(self.guild_id),
            "channel_id": str(self.channel_id),
            "channel": self._text_channel(self.channel_id, "general"),
            "member": {**author.member_json(self._permissions(author)), "user": author.user_json()},
            "app_permissions": str(EVERYDAY_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 8388608,
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
            "data": payload,
            **extra,
        }
        await self.dispatch("INTERACTION_CREATE", data)
        return interaction_id, token

    # -- payloads -----------------------------------------------------------------------
    def _permissions(self, user: FakeUser) -> int:
        perms = EVERYDAY_PERMISSIONS
        for role in self._roles():
            if int(role["id"]) in user.role_ids:
                perms |= int(role["permissions"])
        return perms

    def _roles(self) -> list[dict[str, Any]]:
        def role(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
            return {
                "id": str(role_id),
                "name": name,
                "permissions": str(permissions),
                "position": position,
                "color": 0,
                "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }

        return [
            role(self.guild_id, "@everyone", EVERYDAY_PERMISSIONS, 0),
            role(self.admin_role_id, "Admin", ADMINISTRATOR, 3),
            role(self.bot_admin_role_id, "Bot admin", 0, 2),
            role(self.member_role_id, "Member", 0, 1),
        ]

    def _text_channel(self, channel_id: int, name: str) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def _guild(self) -> dict[str, Any]:
        return {
            "id": str(self.guild_id),
            "name": "Election desk",
            "icon": None,
            "owner_id": str(self.owner.id),
            "unavailable": False,
            "large": False,
            "member_count": 7,
            "roles": self._roles(),
            "emojis": [],
            "stickers": [],
            "features": [],
            "channels": [
                self._text_channel(self.channel_id, "general"),
                self._text_channel(self.other_channel_id, "elsewhere"),
            ],
            "threads": [
                {
                    "id": str(self.thread_id),
                    "type": 11,
                    "guild_id": str(self.guild_id),
                    "parent_id": str(self.channel_id),
                    "owner_id": str(self.member.id),
                    "name": "a thread",
                    "last_message_id": None,
                    "rate_limit_per_user": 0,
                    "message_count": 1,
                    "member_count": 1,
                    "flags": 0,
                    "thread_metadata": {
                        "archived": False,
                        "auto_archive_duration": 1440,
                        "archive_timestamp": "2024-01-01T00:00:00+00:00",
                        "locked": False,
                    },
                }
            ],
            "members": [{**self.bot_user.member_json(), "user": self.bot_user.user_json()}],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
        }

    def _message(
        self, message_id: int, channel_id: int, author: FakeUser, content: str, **extra: Any
    ) -> dict[str, Any]:
        return {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "guild_id": str(self.guild_id),
            "author": author.user_json(),
            "content": content,
            "timestamp": "2024-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            **extra,
        }

    # -- gateway --------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None})
        )
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                self.heartbeats.append(time.monotonic())
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif op == 2:
                await self._identify(ws, payload["d"])
        with contextlib.suppress(ValueError):
            self._sockets.remove(ws)
        self.close_codes.append(ws.close_code)
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identifies.append(data)
        self.identified_at.append(time.monotonic())
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if self.reject_intents:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self._sockets.append(ws)
        self._seq += 1
        ready = {
            "v": 10,
            "user": self.bot_user.user_json(),
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": str(self.gateway_url),
            "application": {"id": str(self.app_id), "flags": 0},
        }
        await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": self._seq, "d": ready}))
        await self.dispatch("GUILD_CREATE", self._guild())
        assert self._identified is not None
        self._identified.set()

    # -- REST -------------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw and request.content_type == "application/json" else raw
        await self._record(Recorded(request.method, path, dict(request.query), body))
        parts = path.strip("/").split("/")
        # Interaction callbacks and webhooks authenticate with their token, not the bot token.
        if parts[0] not in ("interactions", "webhooks") and request.headers.get("Authorization") != f"Bot {self.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        return self._route(request.method, parts, body)

    def _route(self, method: str, parts: list[str], body: Any) -> web.Response:
        me = self.bot_user.user_json()
        if (method, parts) == ("GET", ["users", "@me"]):
            return _json({**me, "verified": True, "mfa_enabled": False, "flags": 0})
        if (method, parts) == ("GET", ["oauth2", "applications", "@me"]):
            return _json(self._application())
        if method == "POST" and len(parts) == 3 and parts[0] == "channels" and parts[2] == "messages":
            channel_id = int(parts[1])
            if channel_id in self.no_embed_channels and body.get("embeds"):
                return _json({"message": "Missing Permissions", "code": 50013}, 403)
            return _json(self._echo(channel_id, body))
        if method == "PUT" and len(parts) == 3 and parts[0] == "applications" and parts[2] == "commands":
            return _json(
                [{**c, "id": str(self.new_id()), "application_id": str(self.app_id), "version": "1"} for c in body]
            )
        if method == "POST" and len(parts) == 4 and parts[0] == "interactions" and parts[3] == "callback":
            kind = body.get("type")
            interaction = {"id": parts[1], "type": 2, "response_message_loading": kind == 5}
            return _json({"interaction": interaction, "resource": {"type": kind}})
        if method == "POST" and len(parts) == 3 and parts[0] == "webhooks":
            return _json({**self._echo(self.channel_id, body), "webhook_id": parts[1]})
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _echo(self, channel_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """The message object Discord returns for a message the bot created (kept for `sent_message`)."""
        extra: dict[str, Any] = {"embeds": body.get("embeds") or [], "components": body.get("components") or []}
        if body.get("message_reference"):
            extra.update(type=19, message_reference={**body["message_reference"], "channel_id": str(channel_id)})
        message = self._message(self.new_id(), channel_id, self.bot_user, body.get("content") or "", **extra)
        self._sent[id(body)] = message
        return message

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": "racebot",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.user_json(),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "summary": "",
            "interactions_endpoint_url": None,
            "redirect_uris": [],
        }


def _is_message_post(r: Recorded) -> bool:
    return r.method == "POST" and r.path.startswith("/channels/") and r.path.endswith("/messages")


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only when the header is exactly "application/json" (no charset).
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


@contextlib.asynccontextmanager
async def connected_bot(
    fake: FakeDiscord, bot: discord.Client, token: str | None = None
) -> AsyncIterator[discord.Client]:
    """Log `bot` in to the (started) fake and connect its gateway; yields once it is ready.

    Errors from the connection task surface here, both while waiting for READY
    and at exit, so a broken handshake fails the test instead of hanging it.
    """
    async with bot:
        await bot.login(token or fake.token)
        connection = asyncio.create_task(bot.connect(reconnect=False))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({connection, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if connection in done:
            ready.cancel()
            connection.result()  # raises the reason the connection ended
            raise AssertionError("the gateway connection ended before READY")
        if ready not in done:
            ready.cancel()
            connection.cancel()
            raise AssertionError("discord.py did not become ready within 10 s")
        try:
            yield bot
        finally:
            await bot.close()
            await asyncio.wait_for(connection, 10)


CALL_TIMEOUT = 120  # seconds


@contextlib.contextmanager
def serving_in_thread(fake: FakeDiscord) -> Iterator[Callable[[Coroutine[Any, Any, T]], T]]:
    """Run the fake on its own event loop in a thread, for code that calls `asyncio.run` itself.

    Yields `call`, which runs one of the fake's coroutines on that loop and returns its result.
    """
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-discord", daemon=True)
    thread.start()

    def call(coro: Coroutine[Any, Any, T]) -> T:
        # Generous: a coroutine with its own timeout (wait_identified(timeout=30)) must hit that one first,
        # even when a child process loads the model slowly on a busy machine.
        return asyncio.run_coroutine_threadsafe(coro, loop).result(CALL_TIMEOUT)

    try:
        call(fake.start())
        try:
            yield call
        finally:
            call(fake.close())
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def assert_apology_with_logged_traceback(body: dict, records: list, error: type[BaseException]) -> None:
    """The reply apologises with an incident id, pings nobody, and the log has that id with the traceback."""
    assert body["content"].startswith("Sorry, something went wrong on my side (incident ")
    assert body["allowed_mentions"] == NO_PINGS
    incident = body["content"].split("incident ")[1][:8]
    (record,) = [r for r in records if incident in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is error
