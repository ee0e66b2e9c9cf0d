"""Buttons on the Discord stand-in (issue 11): MESSAGE_COMPONENT interactions (type 3) over
the gateway; interaction callbacks 4–7 with the ephemeral flag (64); follow-up webhooks and
PATCH @original; component limits checked as Discord checks them (≤ 5 action rows of ≤ 5
buttons, custom_id 1–100 characters, label ≤ 80, link buttons style 5 with a url and no
custom_id, other buttons a custom_id); file uploads as multipart/form-data (payload_json
plus files[n]) on channel messages, callbacks and follow-ups. Each press records whether and
how fast it was acknowledged (Discord forgets an interaction not answered in 3 s)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

MAX_ROWS = 5
MAX_ROW_BUTTONS = 5
LABEL_MAX = 80
CUSTOM_ID_MAX = 100
LINK = 5


def _error(errors: dict[str, Any], path: tuple[str, ...], code: str, message: str) -> None:
    node = errors
    for part in path:
        node = node.setdefault(part, {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def validate_components(rows: Any) -> dict[str, Any]:
    """Discord's `errors` tree for a message's components; empty when it would accept them."""
    errors: dict[str, Any] = {}
    if rows is None:
        return errors
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        _error(errors, ("components",), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        return errors
    for i, row in enumerate(rows):
        where = ("components", str(i))
        buttons = row.get("components") if isinstance(row, dict) else None
        if not isinstance(row, dict) or row.get("type") != 1 or not isinstance(buttons, list):
            _error(errors, where, "UNION_TYPE_CHOICES", "Value of field \"type\" must be 1.")
            continue
        if not 1 <= len(buttons) <= MAX_ROW_BUTTONS:
            _error(errors, (*where, "components"), "BASE_TYPE_BAD_LENGTH",
                   "Must be between 1 and 5 in length.")
        for j, b in enumerate(buttons):
            at = (*where, "components", str(j))
            label = str(b.get("label") or "")
            if b.get("type") != 2:
                _error(errors, at, "UNION_TYPE_CHOICES", "Value of field \"type\" must be 2.")
            if len(label) > LABEL_MAX:
                _error(errors, (*at, "label"), "BASE_TYPE_MAX_LENGTH",
                       "Must be 80 or fewer in length.")
            if not label and not b.get("emoji"):
                _error(errors, at, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A label is required.")
            custom_id, url = b.get("custom_id"), b.get("url")
            if b.get("style") == LINK:
                if not url or custom_id is not None:
                    _error(errors, at, "BUTTON_COMPONENT_INVALID_URL",
                           "A link button needs a url and no custom_id.")
                elif not str(url).startswith(("http://", "https://", "discord://")):
                    _error(errors, (*at, "url"), "URL_TYPE_INVALID_URL",
                           "Not a well formed URL.")
            else:
                if url is not None:
                    _error(errors, (*at, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED",
                           "Only link buttons may have a url.")
                if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= CUSTOM_ID_MAX:
                    _error(errors, (*at, "custom_id"), "BASE_TYPE_BAD_LENGTH",
                           "Must be between 1 and 100 in length.")
    return errors


async def read_body(request: web.Request) -> Any:
    """A JSON body, or a multipart one as its payload_json with `files`: [{filename,
    content}] added (how discord.py uploads attachments)."""
    if not request.can_read_body:
        return None
    if not request.content_type.startswith("multipart/"):
        return await request.json()
    body: dict[str, Any] = {}
    files: list[dict[str, Any]] = []
    reader = await request.multipart()
    async for part in reader:
        if part.name == "payload_json":
            body = json.loads(await part.text())  # type: ignore[union-attr]
        else:
            files.append({"field": part.name, "filename": part.filename,  # type: ignore[union-attr]
                          "content": bytes(await part.read())})  # type: ignore[union-attr]
    body["files"] = files
    return body


@dataclass
class Posted:
    """A message the bot has in a channel: its id and its body as last sent or edited."""

    id: str
    channel_id: str
    body: dict[str, Any]
    deleted: bool = False
    interaction: str = ""  # the interaction this message answered, if it is a response


class DiscordComponents:
    """Mixed into FakeDiscord: needs its `server`, `invocations`, `snowflake`, `_dispatch`,
    `_user_obj`, `_channel_obj` and `_message_obj`."""

    def _posted(self) -> dict[str, Posted]:
        store = getattr(self, "_posted_store", None)
        if store is None:
            store = self._posted_store = {}
        return store

    # test controls ------------------------------------------------------------------------
    def posted(self, channel_id: str) -> list[Posted]:
        """The bot's own messages in a channel (not answers to interactions), in order, with
        their current components."""
        return [p for p in self._posted().values()
                if p.channel_id == channel_id and not p.interaction]

    def responses(self, inv: Any) -> list[Posted]:
        """The messages that answered an interaction (its response and follow-ups)."""
        return [p for p in self._posted().values() if p.interaction == inv.id]

    def delete_message(self, message_id: str) -> None:
        self._posted()[message_id].deleted = True

    def press(self, message: Posted, custom_id: str, *, user_id: str, guild: bool = True,
              locale: str = "en-US", known: bool = True) -> Any:
        """A user presses the button `custom_id` under `message`: INTERACTION_CREATE type 3.
        `known=False` sends an interaction Discord has already forgotten (10062 on reply)."""
        from tests.fakes.fake_discord import GUILD_ID, Invocation

        inv = Invocation(self, self.snowflake(), f"token-{self.snowflake()}")  # type: ignore[attr-defined, arg-type]
        inv.message_id = message.id
        if known:
            self.invocations[inv.id] = inv  # type: ignore[attr-defined]
        user = self._user_obj(user_id)  # type: ignore[attr-defined]
        shown = self._message_obj(message.channel_id, message.body)  # type: ignore[attr-defined]
        shown["id"] = message.id
        data: dict[str, Any] = {
            "id": inv.id, "application_id": shown["author"]["id"], "type": 3,
            "token": inv.token, "version": 1, "locale": locale, "entitlements": [],
            "attachment_size_limit": 10 << 20, "app_permissions": str((1 << 40) - 1),
            "channel_id": message.channel_id, "message": shown,
            "data": {"custom_id": custom_id, "component_type": 2},
        }
        if guild:
            data.update(
                guild_id=GUILD_ID, context=0, guild_locale="en-US",
                channel=self._channel_obj(message.channel_id),  # type: ignore[attr-defined]
                member={"user": user, "roles": [], "joined_at": shown["timestamp"],
                        "deaf": False, "mute": False, "flags": 0, "permissions": "0"},
            )
        else:
            data.update(context=1, user=user,
                        channel={"id": message.channel_id, "type": 1, "recipients": [user]})
        self.server.call(self._dispatch("INTERACTION_CREATE", data))  # type: ignore[attr-defined]
        return inv

    # hooks the REST handlers call --------------------------------------------------------
    def _remember(self, message_id: str, channel_id: str, body: dict[str, Any],
                  interaction: str = "") -> None:
        self._posted()[message_id] = Posted(message_id, channel_id, dict(body),
                                            interaction=interaction)

    def _component_callback(self, inv: Any, body: dict[str, Any]) -> web.Response | None:
        """Types 6 (deferred update) and 7 (update the pressed message); None for others."""
        kind = body.get("type")
        pressed = self._posted().get(inv.message_id)
        if kind not in (6, 7):
            return None
        if pressed is None:
            return _json({"message": "This interaction is not on a message", "code": 50035},
                         400)
        if kind == 7:
            data = body.get("data") or {}
            errors = validate_components(data.get("components"))
            if errors:
                return _json({"message": "Invalid Form Body", "code": 50035,
                              "errors": {"data": errors}}, 400)
            if pressed.deleted:
                return _json({"message": "Unknown Message", "code": 10008}, 404)
            pressed.body.update(data)
        inv.callbacks.append(body)
        self._acked(inv)
        resource: dict[str, Any] = {"type": kind}  # what `?with_response=true` answers
        if kind == 7 and pressed is not None:
            resource["message"] = self._message_obj(  # type: ignore[attr-defined]
                pressed.channel_id, pressed.body) | {"id": pressed.id}
        return _json({"interaction": {"id": inv.id, "type": 3}, "resource": resource})

    def _edit_pressed(self, inv: Any, body: dict[str, Any]) -> web.Response | None:
        """PATCH @original after a type 6 or 7 edits the pressed message itself."""
        if not inv.callbacks or inv.callbacks[0].get("type") not in (6, 7):
            return None
        pressed = self._posted().get(inv.message_id)
        if pressed is None or pressed.deleted:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        pressed.body.update({k: v for k, v in body.items() if k != "files"})
        inv.followups.append({"method": "PATCH", **body})
        out = self._message_obj(pressed.channel_id, pressed.body)  # type: ignore[attr-defined]
        out["id"] = pressed.id
        return _json(out)

    @staticmethod
    def _acked(inv: Any) -> None:
        if inv.acked_after is None:
            inv.acked_after = time.monotonic() - inv.sent_at


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(),
                        headers={"Content-Type": "application/json"})
