"""A Bot API stand-in: the real python-telegram-bot talks to it over HTTP on 127.0.0.1.

Speaks `/bot<token>/<method>` with form-encoded (PTB) or JSON bodies, answers
`{"ok": ...}` envelopes, long-polls getUpdates, validates every HTML message like Telegram,
and injects faults (429, 403, migration, parse errors, 502) on demand or at random; and
two where Telegram keeps the message but the answer fails: a 200 with a garbled body
("malformed") and an answer that comes after the client gave up ("late").
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.server import ThreadedServer
from tests.fakes.telegram_buttons import TelegramButtons, check_markup
from tests.fakes.telegram_flood import FloodGate, RateLimits
from tests.fakes.telegram_html import check_message, utf16_len

JSON_PARAMS = {"commands", "allowed_updates", "scope", "link_preview_options",
               "reply_parameters", "reply_markup", "entities"}
INT_PARAMS = {"offset", "limit", "timeout", "user_id", "message_thread_id",
              "reply_to_message_id", "message_id"}
FAULTS = ("429", "403", "migrate", "parse", "502")
DELIVERED_FAULTS = ("malformed", "late")  # the message is delivered; its answer is not


@dataclass
class Fault:
    kind: str
    method: str = "sendMessage"
    retry_after: int = 1
    migrate_to: int = -1001234567890
    delay: float = 0.0  # "late": seconds before the answer


@dataclass
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    chat_types: dict[str, str] = field(default_factory=dict)
    admins: set[tuple[str, int]] = field(default_factory=set)
    faults: list[Fault] = field(default_factory=list)
    photos: list[dict[str, Any]] = field(default_factory=list)  # sendPhoto (issue 15)


class FakeTelegram(TelegramButtons):
    """Use as a context manager; `api_url` is the `base_url` for PTB (token appended)."""

    def __init__(self, token: str = "123456:TEST-token", bot_username: str = "paperbot_test_bot"):
        self.token = token
        self.bot_username = bot_username
        self.bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 1
        self._lock = threading.Lock()
        self._state = _State()
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._random: random.Random | None = None
        self._fault_probability = 0.0
        self._fault_kinds: tuple[str, ...] = FAULTS
        self.flood: FloodGate | None = None
        self._new_update: asyncio.Event | None = None
        self._closed: asyncio.Event | None = None
        self._closing = False
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self.server = ThreadedServer(app)

    # lifecycle ---------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"{self.server.url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.server.url}/file/bot"

    def start(self) -> FakeTelegram:
        self.server.start()
        self._new_update = self.server.call(self._make_event())
        self._closed = self.server.call(self._make_event())
        return self

    async def _make_event(self) -> asyncio.Event:
        return asyncio.Event()

    def stop(self) -> None:
        self._closing = True  # pending long polls answer now instead of at their timeout
        self._wake()
        if self._closed is not None:
            self.server.call_soon(self._closed.set)
        self.server.stop()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wake(self) -> None:
        event = self._new_update
        if event is not None:
            self.server.call_soon(event.set)

    # test controls -------------------------------------------------------------------------
    def user_sends(self, chat_id: int | str, text: str | None, *, user_id: int = 42,
                   chat_type: str | None = None, reply_to: str | None = None,
                   language_code: str | None = "en", edited: bool = False,
                   extra: dict[str, Any] | None = None) -> int:
        """Queue an update as if a user typed `text`; returns its message_id.

        `text=None` with `extra` (e.g. {"photo": [...]}) sends a message without text."""
        chat_type = chat_type or ("private" if int(chat_id) > 0 else "group")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": chat_type},
            **({"text": text} if text is not None else {}),
            **(extra or {}),
        }
        if chat_type == "private":
            message["chat"]["first_name"] = "Ada"
        else:
            message["chat"]["title"] = f"chat {chat_id}"
        if chat_type != "channel":
            sender = {"id": user_id, "is_bot": False, "first_name": "Ada"}
            if language_code:
                sender["language_code"] = language_code
            message["from"] = sender
        if text is not None and text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        if reply_to is not None:
            message["reply_to_message"] = {
                "message_id": next(self._message_ids), "date": int(time.time()),
                "chat": message["chat"], "text": reply_to,
            }
        if edited:
            message["edit_date"] = int(time.time())
            kind = "edited_channel_post" if chat_type == "channel" else "edited_message"
        else:
            kind = "channel_post" if chat_type == "channel" else "message"
        with self._lock:
            self._state.chat_types[str(chat_id)] = chat_type
            self._state.updates.append({"update_id": next(self._update_ids), kind: message})
        self._wake()
        return int(message["message_id"])

    def set_admin(self, chat_id: int | str, user_id: int, admin: bool = True) -> None:
        with self._lock:
            (self._state.admins.add if admin else self._state.admins.discard)(
                (str(chat_id), user_id)
            )

    def fail_next(self, kind: str, count: int = 1, *, method: str = "sendMessage",
                  retry_after: int = 1, migrate_to: int = -1001234567890,
                  delay: float = 6.0) -> None:
        """The next `count` calls of `method` fail with `kind` (FAULTS or DELIVERED_FAULTS;
        "late" answers after `delay` s, past PTB's 5 s read timeout by default)."""
        assert kind in FAULTS + DELIVERED_FAULTS, kind
        with self._lock:
            self._state.faults.extend(
                Fault(kind, method, retry_after, migrate_to, delay) for _ in range(count)
            )

    def fail_randomly(self, probability: float, kinds: tuple[str, ...] = FAULTS,
                      seed: int = 0) -> None:
        """Each sendMessage fails with `probability`, choosing among `kinds` (seeded)."""
        self._random = random.Random(seed)
        self._fault_probability = probability
        self._fault_kinds = kinds

    def enforce_rate_limits(self, limits: RateLimits | None = None) -> None:
        """Answer 429 with retry_after when a send breaks Telegram's flood limits."""
        self.flood = FloodGate(limits or RateLimits())

    def sent_messages(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [m for m in self._state.sent
                    if chat_id is None or str(m["chat_id"]) == str(chat_id)]

    def chat_actions(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [a for a in self._state.actions
                    if chat_id is None or str(a["chat_id"]) == str(chat_id)]

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [p for m, p in self._state.calls if method is None or m == method]

    def my_commands(self, scope: str = "default", language_code: str = "") -> list[dict[str, Any]]:
        """The menu of one scope for one client language ("" is the default for all others),
        kept apart as Telegram keeps them."""
        with self._lock:
            return list(self._state.commands.get(_menu_key(scope, language_code), []))

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._state.updates)

    async def wait_for_messages(self, chat_id: int | str, count: int = 1,
                                within: float = 10) -> list[dict[str, Any]]:
        """Poll (without blocking the caller's loop) until `count` messages reached a chat."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            sent = self.sent_messages(chat_id)
            if len(sent) >= count:
                return sent
            await asyncio.sleep(0.02)
        raise AssertionError(
            f"expected {count} messages in chat {chat_id}, got {self.sent_messages(chat_id)}"
        )

    # HTTP ----------------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        with self._lock:
            self._state.calls.append((method, params))
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        fault = self._take_fault(method)
        if fault is not None and fault.kind not in DELIVERED_FAULTS:
            return _fault_response(fault)
        response = await handler(params)
        if fault is not None and fault.kind == "malformed":
            return web.Response(status=200, text='{"ok": true, "result": {"message_id": ',
                                content_type="application/json")
        if fault is not None and fault.kind == "late":
            assert self._closed is not None
            with contextlib.suppress(TimeoutError):  # stop() must not wait for it
                await asyncio.wait_for(self._closed.wait(), fault.delay)
        return response

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            for i, fault in enumerate(self._state.faults):
                if fault.method.lower() == method.lower():
                    return self._state.faults.pop(i)
        rng = self._random
        if method == "sendMessage" and rng is not None and rng.random() < self._fault_probability:
            return Fault(rng.choice(self._fault_kinds))
        return None

    def _rate_limited(self, chat_id: str) -> int | None:
        """Seconds to wait if this message breaks a flood limit; call with the lock held."""
        if self.flood is None:
            return None
        kind = self._state.chat_types.get(chat_id)
        is_group = kind != "private" if kind else not chat_id.lstrip("-").isdigit() or (
            int(chat_id) < 0)
        return self.flood.admit(chat_id, is_group)

    # methods -------------------------------------------------------------------------------
    async def _m_getme(self, params: dict[str, Any]) -> web.Response:
        return _ok({"id": self.bot_id, "is_bot": True, "first_name": "Paperbot",
                    "username": self.bot_username, "can_join_groups": True,
                    "can_read_all_group_messages": False, "supports_inline_queries": False})

    async def _m_deletewebhook(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _m_close(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _m_logout(self, params: dict[str, Any]) -> web.Response:
        return _ok(True)

    async def _m_getupdates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates") or None
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if offset:
                    self._state.updates = [
                        u for u in self._state.updates if u["update_id"] >= offset
                    ]
                ready = [u for u in self._state.updates
                         if allowed is None or any(k in u for k in allowed)]
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or self._closing:
                return _ok(ready[:limit])
            assert self._new_update is not None
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), min(remaining, 0.5))

    async def _m_sendmessage(self, params: dict[str, Any]) -> web.Response:
        chat_id = str(params.get("chat_id", ""))
        text = str(params.get("text", ""))
        problem = check_message(text, params.get("parse_mode")) or check_markup(
            params.get("reply_markup"))
        if problem is not None:
            return _error(400, problem)
        with self._lock:
            wait = self._rate_limited(chat_id)
            if wait is not None:
                return _error(429, f"Too Many Requests: retry after {wait}",
                              {"retry_after": wait})
            message_id = next(self._ids)
            record = {**params, "chat_id": chat_id, "message_id": message_id,
                      "at": time.monotonic()}
            self._state.sent.append(record)
        chat_type = self._state.chat_types.get(chat_id, "private")
        return _ok({"message_id": message_id, "date": int(time.time()), "text": text,
                    "chat": {"id": _chat_id_value(chat_id), "type": chat_type}})

    def sent_photos(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Photos sent with sendPhoto (by URL), apart from text messages (issue 15)."""
        with self._lock:
            return [m for m in self._state.photos
                    if chat_id is None or str(m["chat_id"]) == str(chat_id)]

    async def _m_sendphoto(self, params: dict[str, Any]) -> web.Response:
        """Like Telegram: a photo by URL or file id, a caption of at most 1024 characters
        (after entity parsing; ours are plain)."""
        chat_id = str(params.get("chat_id", ""))
        photo = str(params.get("photo") or "")
        caption = str(params.get("caption") or "")
        if not photo:
            return _error(400, "Bad Request: there is no photo in the request")
        if utf16_len(caption) > 1024:
            return _error(400, "Bad Request: message caption is too long")
        if params.get("parse_mode"):
            problem = check_message(caption, params.get("parse_mode"))
            if problem is not None:
                return _error(400, problem)
        with self._lock:
            message_id = next(self._ids)
            self._state.photos.append({**params, "chat_id": chat_id, "message_id": message_id,
                                       "at": time.monotonic()})
        chat_type = self._state.chat_types.get(chat_id, "private")
        return _ok({"message_id": message_id, "date": int(time.time()), "caption": caption,
                    "photo": [{"file_id": "AgAC", "file_unique_id": "AQAC", "width": 40,
                               "height": 20}],
                    "chat": {"id": _chat_id_value(chat_id), "type": chat_type}})

    async def _m_sendchataction(self, params: dict[str, Any]) -> web.Response:
        with self._lock:
            self._state.actions.append({**params, "chat_id": str(params.get("chat_id")),
                                        "at": time.monotonic()})
        return _ok(True)

    async def _m_setmycommands(self, params: dict[str, Any]) -> web.Response:
        scope = (params.get("scope") or {}).get("type", "default")
        key = _menu_key(scope, params.get("language_code") or "")
        with self._lock:
            self._state.commands[key] = list(params.get("commands") or [])
        return _ok(True)

    async def _m_getmycommands(self, params: dict[str, Any]) -> web.Response:
        scope = (params.get("scope") or {}).get("type", "default")
        return _ok(self.my_commands(scope, params.get("language_code") or ""))

    async def _m_deletemycommands(self, params: dict[str, Any]) -> web.Response:
        scope = (params.get("scope") or {}).get("type", "default")
        with self._lock:
            self._state.commands.pop(_menu_key(scope, params.get("language_code") or ""), None)
        return _ok(True)

    async def _m_getchatmember(self, params: dict[str, Any]) -> web.Response:
        chat_id, user_id = str(params.get("chat_id")), int(params.get("user_id") or 0)
        with self._lock:
            admin = (chat_id, user_id) in self._state.admins
        return _ok(_member(user_id, "administrator" if admin else "member"))

    async def _m_getchatadministrators(self, params: dict[str, Any]) -> web.Response:
        chat_id = str(params.get("chat_id"))
        with self._lock:
            ids = [u for c, u in self._state.admins if c == chat_id]
        return _ok([_member(u, "administrator") for u in ids])


def _member(user_id: int, status: str) -> dict[str, Any]:
    member: dict[str, Any] = {
        "status": status, "user": {"id": user_id, "is_bot": False, "first_name": "Ada"}}
    if status == "administrator":
        member.update({k: True for k in (
            "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
            "can_manage_video_chats", "can_restrict_members", "can_promote_members",
            "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
            "can_delete_stories")})
    return member


def _chat_id_value(chat_id: str) -> int | str:
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


async def _params(request: web.Request) -> dict[str, Any]:
    """PTB posts form fields whose non-string values are JSON; clients may post JSON."""
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        return dict(body or {})
    raw: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        raw.update((await request.post()).items())
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in JSON_PARAMS and isinstance(value, str):
            value = json.loads(value)
        elif key in INT_PARAMS and isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        params[key] = value
    return params


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def _fault_response(fault: Fault) -> web.Response:
    if fault.kind == "429":
        return _error(429, f"Too Many Requests: retry after {fault.retry_after}",
                      {"retry_after": fault.retry_after})
    if fault.kind == "403":
        return _error(403, "Forbidden: bot was blocked by the user")
    if fault.kind == "migrate":
        return _error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                      {"migrate_to_chat_id": fault.migrate_to})
    if fault.kind == "parse":
        return _error(400, "Bad Request: can't parse entities: Unsupported start tag \"x\"")
    return web.Response(status=502, text="<html><body>502 Bad Gateway</body></html>",
                        content_type="text/html")


def _menu_key(scope: str, language_code: str) -> str:
    return f"{scope}|{language_code}" if language_code else scope
