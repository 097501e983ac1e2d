"""A local stand-in for the Slack Web API, and a client that signs requests like Slack.

`FakeSlack` listens on 127.0.0.1 and answers the Web API methods the bot uses
(`auth.test`, `chat.postMessage`, `users.info`) plus slash-command
`response_url` posts at `/respond/<id>`, recording each call. Like Slack, it
rejects a message whose Block Kit breaks the limits (`invalid_blocks`), so a
rendering bug shows up as a failed post, not a silent pass.

`sign_and_post` sends a body to the bot the way Slack does: with
`X-Slack-Request-Timestamp` and an HMAC `X-Slack-Signature`.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiohttp import WSMsgType, web
from slack_sdk.signature import SignatureVerifier

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0001"


@dataclass
class Call:
    """One request the bot made: the Web API method (or `respond`) and its parameters."""

    method: str
    params: dict[str, Any]
    result: dict[str, Any] = field(default_factory=dict)  # what the fake answered
    at: float = field(default_factory=time.perf_counter)


def block_kit_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """What Slack would reject in `blocks` (the limits the bot must respect)."""
    problems = []
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks > 50")
    for i, block in enumerate(blocks):
        if block["type"] == "actions":
            problems += _actions_problems(i, block)
            continue
        texts = [block.get("text")] if block["type"] == "section" else block.get("elements", [])
        if block["type"] == "context" and len(texts) > 10:
            problems.append(f"block {i}: {len(texts)} context elements > 10")
        for t in texts:
            if not t or not t.get("text"):
                problems.append(f"block {i}: empty text")
            elif len(t["text"]) > 3000:
                problems.append(f"block {i}: text of {len(t['text'])} chars > 3000")
    return problems


def _actions_problems(i: int, block: dict[str, Any]) -> list[str]:
    """Slack's limits on an actions block of buttons: 25 elements, unique action ids of at most 255
    characters, plain-text labels of at most 75."""
    elements = block.get("elements", [])
    problems = [f"block {i}: {len(elements)} actions > 25"] if len(elements) > 25 else []
    ids = [e.get("action_id", "") for e in elements]
    if len(set(ids)) != len(ids) or any(not a or len(a) > 255 for a in ids):
        problems.append(f"block {i}: action ids must be unique, 1 to 255 characters: {ids}")
    for e in elements:
        label = e.get("text") or {}
        if e.get("type") != "button" or label.get("type") != "plain_text" or not 0 < len(label.get("text", "")) <= 75:
            problems.append(f"block {i}: a button needs a plain_text label of 1 to 75 characters: {e}")
    return problems


class FakeSlack:
    """Serve with `with FakeSlack() as slack:`; `slack.api_url` is the WebClient base_url."""

    def __init__(self, admins: tuple[str, ...] = (), socket_url: str = "", token_ok: bool = True) -> None:
        self.admins = set(admins)  # users.info reports these as workspace admins
        self.token_ok = token_ok  # False: auth.test says invalid_auth, as for a revoked token
        self.socket_url = socket_url  # what apps.connections.open hands out (Socket Mode)
        self.calls: list[Call] = []
        self._changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                self._answer(path, {k: v[0] for k, v in urllib.parse.parse_qs(query).items()})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                self._answer(self.path.partition("?")[0], params)

            def _answer(self, path: str, params: dict[str, Any]) -> None:
                if path.startswith("/respond/"):
                    fake._record(Call("respond", {**params, "url": path}, {"ok": True}))
                    self._send(200, "ok", "text/plain")
                    return
                method = path.removeprefix("/api/")
                body = fake.web_api(method, params)
                fake._record(Call(method, params, body))
                self._send(200, json.dumps(body), "application/json")

            def _send(self, status: int, body: str, content_type: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self.api_url = f"{self.url}/api/"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def web_api(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            if not self.token_ok:
                return {"ok": False, "error": "invalid_auth"}
            return {
                "ok": True,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "team_id": TEAM_ID,
                "user": "racebot",
                "team": "Test",
            }
        if method == "chat.postMessage":
            blocks = params.get("blocks")
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            if not params.get("channel") or not (params.get("text") or blocks):
                return {"ok": False, "error": "no_text"}
            if blocks and block_kit_problems(blocks):
                return {"ok": False, "error": "invalid_blocks", "errors": block_kit_problems(blocks)}
            return {"ok": True, "channel": params["channel"], "ts": f"{time.time():.6f}"}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url} if self.socket_url else {"ok": False, "error": "not_allowed"}
        if method == "users.info":
            user = params.get("user", "")
            is_admin = user in self.admins
            return {"ok": True, "user": {"id": user, "is_admin": is_admin, "is_owner": False, "is_bot": False}}
        return {"ok": False, "error": "unknown_method"}

    def response_url(self, name: str = "1") -> str:
        return f"{self.url}/respond/{name}"

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def posts(self) -> list[Call]:
        """Messages the bot sent: `chat.postMessage` calls and `response_url` posts."""
        with self._changed:
            return self._posts()

    def wait_for_posts(self, count: int, timeout: float = 10.0) -> list[Call]:
        """The posts so far, once there are at least `count` of them (or the timeout passed)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._posts()) >= count, timeout)
            return self._posts()

    def _posts(self) -> list[Call]:
        return [c for c in self.calls if c.method in ("chat.postMessage", "respond")]

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class FakeSocketMode:
    """Slack's Socket Mode WebSocket endpoint on 127.0.0.1: say hello, push envelopes, collect acks.

    Runs an aiohttp server on its own event loop in a thread; `url` is what
    `apps.connections.open` should return.
    """

    def __init__(self) -> None:
        self.acks: list[dict[str, Any]] = []
        self.connected = threading.Event()
        self._changed = threading.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def __enter__(self) -> FakeSocketMode:
        self._thread.start()
        port = self._call(self._start())
        self.url = f"ws://127.0.0.1:{port}/link/?ticket=test"
        return self

    def __exit__(self, *exc: object) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def send(self, envelope: dict[str, Any], timeout: float = 10.0) -> dict[str, Any] | None:
        """Push one envelope to the connected bot; return its ack (None if none came in time)."""
        assert self.connected.wait(timeout), "the bot never connected"
        self._call(self._sockets[-1].send_json(envelope))

        def ack() -> dict[str, Any] | None:
            return next((a for a in self.acks if a.get("envelope_id") == envelope["envelope_id"]), None)

        with self._changed:
            self._changed.wait_for(lambda: ack() is not None, timeout)
            return ack()

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    async def _start(self) -> int:
        app = web.Application()
        app.router.add_get("/link/", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return self._runner.addresses[0][1]

    async def _stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0001"}})
        self.connected.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                with self._changed:
                    self.acks.append(json.loads(msg.data))
                    self._changed.notify_all()
        return ws


@dataclass
class Response:
    status: int
    body: str
    seconds: float  # time to the HTTP response: Slack's "acknowledged"


def sign_and_post(
    url: str,
    body: str,
    secret: str | None,
    content_type: str = "application/json",
    timestamp: int | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """POST `body` to the bot as Slack would; `secret=None` sends it unsigned."""
    all_headers = {"Content-Type": content_type, **(headers or {})}
    if secret is not None:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        all_headers["X-Slack-Request-Timestamp"] = ts
        all_headers["X-Slack-Signature"] = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    request = urllib.request.Request(url, data=body.encode(), headers=all_headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return Response(r.status, r.read().decode(), time.perf_counter() - started)
    except urllib.error.HTTPError as e:
        with e:
            return Response(e.code, e.read().decode(), time.perf_counter() - started)
