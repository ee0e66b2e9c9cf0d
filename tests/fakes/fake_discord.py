"""A Discord stand-in: REST (`/api/v10`) and a websocket gateway on 127.0.0.1.

The real discord.py client connects to it when `Route.BASE` and
`DiscordWebSocket.DEFAULT_GATEWAY` point here. It validates every message against
Discord's limits (answering 400 with Discord's error body), injects faults per route and
records everything, so adapter tests exercise the real wire protocol.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import WSMsgType, web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.fakes.discord_components import DiscordComponents, read_body, validate_components
from tests.fakes.server import ThreadedServer

TOKEN = "fake-token"  # the only bot token the stand-in accepts
APP_ID = "900000000000000001"
BOT_ID = APP_ID
GUILD_ID = "900000000000000100"
CHANNEL_ID = "900000000000000200"
USER_ID = "900000000000000300"
MANAGE_CHANNELS = 1 << 4
EPHEMERAL = 1 << 6
_TIMESTAMP = "2026-11-22T00:00:00.000000+00:00"

def restore_discord_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py keeps its endpoints on classes, and the adapter points them at the
    stand-in: have the test's monkeypatch put them back for other tests."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)


BODY = web.RequestKey("body", Any)  # the request's body, read once by the middleware
_LIMITS = {"title": 256, "description": 4096, "footer": 2048, "author": 256}


def _err(errors: dict[str, Any], path: tuple[str, ...], code: str, message: str) -> None:
    node = errors
    for part in path:
        node = node.setdefault(part, {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _too_long(limit: int) -> tuple[str, str]:
    return "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."


def validate_message(body: dict[str, Any]) -> dict[str, Any]:
    """Discord's `errors` tree for a message body; empty when Discord would accept it."""
    errors: dict[str, Any] = {}
    content = body.get("content") or ""
    if len(content) > 2000:
        _err(errors, ("content",), *_too_long(2000))
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        _err(errors, ("embeds",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        where = ("embeds", str(i))
        texts = {
            "title": embed.get("title") or "",
            "description": embed.get("description") or "",
            "footer": (embed.get("footer") or {}).get("text") or "",
            "author": (embed.get("author") or {}).get("name") or "",
        }
        for key, text in texts.items():
            if len(text) > _LIMITS[key]:
                sub = {"footer": ("footer", "text"), "author": ("author", "name")}.get(key, (key,))
                _err(errors, where + sub, *_too_long(_LIMITS[key]))
        total += sum(len(t) for t in texts.values())
        url = embed.get("url")
        if url is not None and not str(url).startswith(("http://", "https://")):
            _err(errors, (*where, "url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            _err(errors, (*where, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer.")
        for j, f in enumerate(fields):
            for key, limit in (("name", 256), ("value", 1024)):
                text = f.get(key) or ""
                if not text.strip():
                    _err(errors, (*where, "fields", str(j), key), "BASE_TYPE_REQUIRED",
                         "This field is required")
                elif len(text) > limit:
                    _err(errors, (*where, "fields", str(j), key), *_too_long(limit))
                total += len(text)
    if total > 6000:
        _err(errors, ("embeds",), "MAX_EMBED_SIZE_EXCEEDED",
             "Embed size exceeds maximum size of 6000")
    return errors


def _check_options(command: dict[str, Any], options: dict[str, str]) -> None:
    """Refuse what a Discord client cannot send: unknown options or a required one missing."""
    known = {o["name"]: o for o in command.get("options", [])}
    unknown = set(options) - set(known)
    missing = [n for n, o in known.items() if o.get("required") and n not in options]
    if unknown or missing:
        raise ValueError(f"Discord would not send /{command['name']}: "
                         f"unknown {sorted(unknown)}, missing required {missing}")


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py only parses JSON when Content-Type is exactly "application/json".
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


@dataclass
class Fault:
    method: str
    path: str  # prefix of the path below /api/v10
    status: int
    times: int
    retry_after: float


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0


@dataclass
class Invocation:
    """Handle on one dispatched interaction: poll for its callback and follow-ups."""

    fake: FakeDiscord
    id: str
    token: str
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    sent_at: float = field(default_factory=time.monotonic)
    message_id: str = ""  # the message whose button was pressed (a component interaction)
    acked_after: float | None = None  # seconds from dispatch to the first callback

    async def callback(self, within: float = 5) -> dict[str, Any]:
        await self.fake.wait_until(lambda: bool(self.callbacks), within)
        return self.callbacks[0]

    async def followup(self, count: int = 1, within: float = 5) -> list[dict[str, Any]]:
        await self.fake.wait_until(lambda: len(self.followups) >= count, within)
        return self.followups


class FakeDiscord(DiscordComponents):
    """Start with `start()`; then `api_base` and `gateway_url` are what the adapter needs."""

    def __init__(self) -> None:
        self.token = TOKEN
        self.requests: list[Request] = []
        self.commands: list[dict[str, Any]] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.identify: dict[str, Any] | None = None
        self.heartbeats = 0
        self.channels = {CHANNEL_ID}
        self.users = {USER_ID}
        self.faults: list[Fault] = []
        self.invocations: dict[str, Invocation] = {}
        self.ack_deadline = 3.0  # seconds: Discord forgets an interaction not answered in time
        self._ids = itertools.count(int(time.time()) << 22)
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/ws", self._gateway)
        r = "/api/v10"
        app.router.add_get(r + "/gateway", self._get_gateway)
        app.router.add_get(r + "/gateway/bot", self._get_gateway)
        app.router.add_get(r + "/users/@me", self._me)
        app.router.add_get(r + "/users/{user_id}", self._user)
        app.router.add_get(r + "/oauth2/applications/@me", self._application)
        app.router.add_put(r + "/applications/{app}/commands", self._put_commands)
        app.router.add_post(r + "/interactions/{id}/{token}/callback", self._callback)
        app.router.add_post(r + "/webhooks/{app}/{token}", self._webhook)
        app.router.add_patch(r + "/webhooks/{app}/{token}/messages/{message}", self._webhook)
        app.router.add_delete(r + "/webhooks/{app}/{token}/messages/{message}", self._deleted)
        app.router.add_post(r + "/channels/{channel}/messages", self._channel_message)
        app.router.add_get(r + "/channels/{channel}", self._channel)
        app.router.add_post(r + "/users/@me/channels", self._create_dm)
        self.server = ThreadedServer(app)

    # lifecycle and helpers for tests
    def start(self) -> FakeDiscord:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @property
    def api_base(self) -> str:
        return f"{self.server.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.server.port}/ws"

    def fail(self, method: str, path: str, status: int, times: int = 1,
             retry_after: float = 0.05) -> None:
        """Answer the next `times` requests whose path starts with `path` with `status`."""
        self.faults.append(Fault(method.upper(), path, status, times, retry_after))

    def requests_to(self, method: str, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path)]

    async def wait_until(self, predicate: Any, within: float = 5) -> None:
        """Poll from the test's loop: the fake runs on its own loop in another thread."""
        deadline = time.monotonic() + within
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("FakeDiscord: condition not met in time")
            await asyncio.sleep(0.01)

    def snowflake(self) -> str:
        return str(next(self._ids))

    def invoke(self, name: str, options: dict[str, str] | None = None, *,
               channel_id: str = CHANNEL_ID, user_id: str = USER_ID, guild: bool = True,
               permissions: int = 0, focused: str | None = None,
               locale: str = "en-US") -> Invocation:
        """Dispatch INTERACTION_CREATE for a registered slash command (type 4 if `focused`)."""
        command = next((c for c in self.commands if c["name"] == name), None)
        if command is None:
            raise LookupError(f"/{name} was never registered; registered: "
                              f"{[c['name'] for c in self.commands]}")
        _check_options(command, options or {})
        inv = Invocation(self, self.snowflake(), f"token-{self.snowflake()}")
        self.invocations[inv.id] = inv
        opts = [
            {"name": k, "type": 3, "value": v, **({"focused": True} if k == focused else {})}
            for k, v in (options or {}).items()
        ]
        user = self._user_obj(user_id)
        data: dict[str, Any] = {
            "id": inv.id, "application_id": APP_ID, "type": 4 if focused else 2,
            "token": inv.token, "version": 1, "locale": locale, "entitlements": [],
            "attachment_size_limit": 10 << 20, "app_permissions": str((1 << 40) - 1),
            "data": {"id": command["id"], "name": name, "type": 1, "options": opts},
        }
        if guild:
            data.update(
                guild_id=GUILD_ID, channel_id=channel_id, context=0, guild_locale="en-US",
                channel=self._channel_obj(channel_id),
                authorizing_integration_owners={"0": GUILD_ID},
                member={"user": user, "roles": [], "joined_at": _TIMESTAMP, "deaf": False,
                        "mute": False, "flags": 0, "permissions": str(permissions)},
            )
        else:
            data.update(
                channel_id=channel_id, context=1, user=user,
                channel={"id": channel_id, "type": 1, "recipients": [user]},
                authorizing_integration_owners={"0": GUILD_ID},
            )
        self.server.call(self._dispatch("INTERACTION_CREATE", data))
        return inv

    # payload builders
    def _user_obj(self, user_id: str) -> dict[str, Any]:
        bot = user_id == BOT_ID
        return {"id": user_id, "username": "paperbot" if bot else f"user{user_id[-3:]}",
                "discriminator": "0", "global_name": None, "avatar": None, "bot": bot}

    def _channel_obj(self, channel_id: str) -> dict[str, Any]:
        return {"id": channel_id, "type": 0, "guild_id": GUILD_ID, "name": "papers",
                "position": 0, "permission_overwrites": [], "nsfw": False, "topic": None}

    def _message_obj(self, channel_id: str, body: dict[str, Any], webhook: bool = False
                     ) -> dict[str, Any]:
        message = {
            "id": self.snowflake(), "channel_id": channel_id, "type": 0,
            "content": body.get("content") or "", "embeds": body.get("embeds") or [],
            "author": self._user_obj(BOT_ID), "attachments": [], "mentions": [],
            "mention_roles": [], "pinned": False, "mention_everyone": False, "tts": False,
            "timestamp": _TIMESTAMP, "edited_timestamp": None, "flags": body.get("flags", 0),
            "components": body.get("components") or [],
        }
        if webhook:
            message["webhook_id"] = APP_ID
        return message

    # HTTP plumbing
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/ws":
            return await handler(request)
        path = request.path.removeprefix("/api/v10")
        body = await read_body(request)
        request[BODY] = body
        record = Request(request.method, path, dict(request.query), body)
        self.requests.append(record)
        response = self._injected(request.method, path) or await handler(request)
        record.status = response.status
        return response

    def _injected(self, method: str, path: str) -> web.Response | None:
        for fault in self.faults:
            if fault.times > 0 and fault.method == method and path.startswith(fault.path):
                fault.times -= 1
                return self._fault_response(fault)
        return None

    def _fault_response(self, fault: Fault) -> web.Response:
        if fault.status == 429:
            reset = f"{fault.retry_after:.3f}"
            return _json(
                {"message": "You are being rate limited.", "retry_after": fault.retry_after,
                 "global": False},
                429,
                {"Via": "1.1 google", "Retry-After": reset, "X-RateLimit-Limit": "5",
                 "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": reset,
                 "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
                 "X-RateLimit-Bucket": "fakebucket", "X-RateLimit-Scope": "user"},
            )
        messages = {403: (50013, "Missing Permissions"), 404: (10003, "Unknown Channel")}
        code, text = messages.get(fault.status, (0, "Internal Server Error"))
        return _json({"message": text, "code": code}, fault.status)

    def _rejected(self, body: dict[str, Any]) -> web.Response | None:
        if not (body.get("content") or body.get("embeds") or body.get("files")):
            return _json({"message": "Cannot send an empty message", "code": 50006}, 400)
        errors = validate_message(body) | validate_components(body.get("components"))
        if errors:
            return _json({"message": "Invalid Form Body", "code": 50035, "errors": errors}, 400)
        return None

    # REST handlers
    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})

    async def _me(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization", "") != f"Bot {TOKEN}":
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        return _json(self._user_obj(BOT_ID))

    async def _user(self, request: web.Request) -> web.Response:
        user_id = request.match_info["user_id"]
        if user_id not in self.users:
            return _json({"message": "Unknown User", "code": 10013}, 404)
        return _json(self._user_obj(user_id))

    async def _application(self, request: web.Request) -> web.Response:
        return _json({"id": APP_ID, "name": "paperbot", "icon": None, "description": "",
                      "bot_public": True, "bot_require_code_grant": False, "verify_key": "0",
                      "flags": 0, "owner": self._user_obj(USER_ID), "team": None,
                      "summary": "", "interactions_endpoint_url": None})

    async def _put_commands(self, request: web.Request) -> web.Response:
        commands = await request.json()
        self.commands = [
            {**c, "id": self.snowflake(), "application_id": APP_ID, "version": "1",
             "default_member_permissions": None, "type": c.get("type", 1)}
            for c in commands
        ]
        return _json(self.commands)

    async def _callback(self, request: web.Request) -> web.Response:
        inv = self.invocations.get(request.match_info["id"])
        if inv is None or inv.token != request.match_info["token"]:
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        if time.monotonic() - inv.sent_at > self.ack_deadline:
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        if inv.callbacks:
            return _json({"message": "Interaction has already been acknowledged.",
                          "code": 40060}, 400)
        body = request[BODY]
        data = body.get("data") or {}
        if body.get("files"):
            data["files"] = body.pop("files")
        if body["type"] == 4 and (rejected := self._rejected(data)):
            return rejected
        if (updated := self._component_callback(inv, body)) is not None:
            return updated
        inv.callbacks.append(body)
        self._acked(inv)
        if body["type"] == 8:
            return web.Response(status=204)
        message = self._message_obj(CHANNEL_ID, data, webhook=True)
        if body["type"] == 4:
            self._remember(message["id"], CHANNEL_ID, data, interaction=inv.id)
        return _json({
            "interaction": {"id": inv.id, "type": 2, "response_message_id": message["id"],
                            "response_message_loading": body["type"] == 5,
                            "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL)},
            "resource": {"type": body["type"], "message": message},
        })

    async def _webhook(self, request: web.Request) -> web.Response:
        inv = next((i for i in self.invocations.values()
                    if i.token == request.match_info["token"]), None)
        if inv is None or not inv.callbacks:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        body = request[BODY]
        if request.method == "PATCH" and (edited := self._edit_pressed(inv, body)):
            return edited
        if rejected := self._rejected(body):
            return rejected
        inv.followups.append({"method": request.method, **body})
        message = self._message_obj(CHANNEL_ID, body, webhook=True)
        if request.method == "POST":
            self._remember(message["id"], CHANNEL_ID, body, interaction=inv.id)
        return _json(message)

    async def _deleted(self, request: web.Request) -> web.Response:
        inv = next((i for i in self.invocations.values()
                    if i.token == request.match_info["token"]), None)
        if inv is None or not inv.callbacks:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        inv.followups.append({"method": "DELETE"})
        return web.Response(status=204)

    async def _channel_message(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        if channel not in self.channels:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        body = request[BODY]
        if rejected := self._rejected(body):
            return rejected
        message = self._message_obj(channel, body)
        self.messages.setdefault(channel, []).append(body)
        self._remember(message["id"], channel, body)
        return _json(message)

    async def _channel(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        if channel not in self.channels:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        return _json(self._channel_obj(channel))

    async def _create_dm(self, request: web.Request) -> web.Response:
        recipient = str((await request.json())["recipient_id"])  # int or string snowflake
        channel_id = f"7{recipient[1:]}"  # a stable DM channel id per user
        self.channels.add(channel_id)
        return _json({"id": channel_id, "type": 1, "last_message_id": None,
                      "recipients": [self._user_obj(recipient)]})

    # gateway
    async def _send(self, op: int, d: Any, t: str | None = None) -> None:
        assert self._ws is not None
        seq = None
        if op == 0:
            self._seq += 1
            seq = self._seq
        await self._ws.send_str(json.dumps({"op": op, "d": d, "s": seq, "t": t}))

    async def _dispatch(self, event: str, data: dict[str, Any]) -> None:
        await self._send(0, data, event)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await self._send(10, {"heartbeat_interval": 41250})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            frame = json.loads(msg.data)
            if frame["op"] == 1:
                self.heartbeats += 1
                await self._send(11, None)
            elif frame["op"] == 2:
                self.identify = frame["d"]
                await self._ready()
            elif frame["op"] == 6:
                await self._dispatch("RESUMED", {})
        return ws

    async def _ready(self) -> None:
        await self._dispatch("READY", {
            "v": 10, "user": self._user_obj(BOT_ID), "session_id": "fake-session",
            "guilds": [{"id": GUILD_ID, "unavailable": True}],
            "resume_gateway_url": self.gateway_url,
            "application": {"id": APP_ID, "flags": 0},
        })
        await self._dispatch("GUILD_CREATE", {
            "id": GUILD_ID, "name": "Paper Club", "owner_id": USER_ID, "icon": None,
            "unavailable": False, "member_count": 2, "large": False, "features": [],
            "roles": [{"id": GUILD_ID, "name": "@everyone", "permissions": "0",
                       "position": 0, "color": 0, "hoist": False, "managed": False,
                       "mentionable": False, "flags": 0}],
            "channels": [self._channel_obj(CHANNEL_ID)], "members": [], "threads": [],
            "emojis": [], "stickers": [], "voice_states": [], "presences": [],
            "stage_instances": [], "guild_scheduled_events": [], "preferred_locale": "en-US",
            "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "premium_tier": 0,
            "nsfw_level": 0, "joined_at": _TIMESTAMP,
        })
