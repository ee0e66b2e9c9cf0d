"""Buttons on the Bot API stand-in (issue 11): callback_query updates, answerCallbackQuery,
editMessageText (validated like sendMessage), editMessageReplyMarkup, deleteMessage and
sendDocument, with inline keyboards checked as
Telegram checks them (rows of buttons, each with text and exactly one of callback_data of
1-64 bytes or an http(s)/tg url; at most 8 a row, 100 in all)."""

from __future__ import annotations

import itertools
import time
from typing import Any

from aiohttp import web

from tests.fakes.telegram_html import check_message

MAX_ROW = 8
MAX_BUTTONS = 100


def check_markup(markup: Any) -> str | None:
    """What Telegram would say about this reply_markup, or None when it is valid."""
    if markup is None:
        return None
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return "Bad Request: can't parse inline keyboard button: InlineKeyboardMarkup"
    if sum(len(r) for r in rows) > MAX_BUTTONS or any(len(r) > MAX_ROW for r in rows):
        return "Bad Request: BUTTONS_TOO_MUCH"
    for button in (b for r in rows for b in r):
        if not isinstance(button, dict) or not str(button.get("text", "")).strip():
            return "Bad Request: BUTTON_TEXT_INVALID"
        data, url = button.get("callback_data"), button.get("url")
        if (data is None) == (url is None):
            return "Bad Request: can't parse inline keyboard button: exactly one field"
        if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
            return "Bad Request: BUTTON_DATA_INVALID"
        if url is not None and not str(url).startswith(("https://", "http://", "tg://")):
            return "Bad Request: BUTTON_URL_INVALID"
    return None


class TelegramButtons:
    """Mixed into FakeTelegram: needs its `_lock`, `_state`, `_update_ids` and `_wake`."""

    _query_ids = itertools.count(1)

    def _button_log(self) -> dict[str, Any]:
        log = getattr(self, "_buttons", None)
        if log is None:
            log = self._buttons = {"queries": {}, "answers": [], "edits": [], "documents": []}
        return log

    # test controls ------------------------------------------------------------------------
    def user_presses(self, message: dict[str, Any], data: str, *, user_id: int = 42,
                     language_code: str = "en", inaccessible: bool = False) -> str:
        """Queue a press on a button of `message` (a sent record); returns the query id."""
        chat_id = str(message["chat_id"])
        chat_type = self._state.chat_types.get(chat_id) or (  # type: ignore[attr-defined]
            "private" if int(chat_id) > 0 else "supergroup")
        chat: dict[str, Any] = {"id": int(chat_id), "type": chat_type}
        if chat_type != "private":
            chat["title"] = f"chat {chat_id}"
        shown: dict[str, Any] = {"message_id": message["message_id"], "chat": chat}
        if inaccessible:
            shown["date"] = 0  # Telegram's InaccessibleMessage: too old to be shown
        else:
            shown.update(date=int(time.time()), text=message.get("text", ""),
                         **({"reply_markup": message["reply_markup"]}
                            if message.get("reply_markup") else {}))
        query_id = str(next(self._query_ids))
        query = {"id": query_id, "chat_instance": f"ci{chat_id}", "data": data,
                 "from": {"id": user_id, "is_bot": False, "first_name": "Ada",
                          "language_code": language_code},
                 "message": shown}
        with self._lock:  # type: ignore[attr-defined]
            self._button_log()["queries"][query_id] = time.monotonic()
            self._state.updates.append(  # type: ignore[attr-defined]
                {"update_id": next(self._update_ids), "callback_query": query})  # type: ignore[attr-defined]
        self._wake()  # type: ignore[attr-defined]
        return query_id

    def query_answers(self, query_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:  # type: ignore[attr-defined]
            return [a for a in self._button_log()["answers"]
                    if query_id is None or a["callback_query_id"] == query_id]

    def edits(self) -> list[dict[str, Any]]:
        with self._lock:  # type: ignore[attr-defined]
            return list(self._button_log()["edits"])

    def documents(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        with self._lock:  # type: ignore[attr-defined]
            return [d for d in self._button_log()["documents"]
                    if chat_id is None or d["chat_id"] == str(chat_id)]

    # methods ------------------------------------------------------------------------------
    async def _m_answercallbackquery(self, params: dict[str, Any]) -> web.Response:
        query_id = str(params.get("callback_query_id", ""))
        with self._lock:  # type: ignore[attr-defined]
            log = self._button_log()
            pressed = log["queries"].get(query_id)
            answered = any(a["callback_query_id"] == query_id for a in log["answers"])
            if pressed is None or answered or time.monotonic() - pressed > 15:
                return _bad("query is too old and response timeout expired or query ID is "
                            "invalid")
            log["answers"].append({**params, "callback_query_id": query_id,
                                   "after": time.monotonic() - pressed})
        return web.json_response({"ok": True, "result": True})

    def _find(self, params: dict[str, Any]) -> dict[str, Any] | None:
        chat_id, message_id = str(params.get("chat_id")), params.get("message_id")
        for sent in self._state.sent:  # type: ignore[attr-defined]
            if sent["chat_id"] == chat_id and sent["message_id"] == message_id:
                return sent  # type: ignore[no-any-return]
        return None

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> web.Response:
        problem = check_markup(params.get("reply_markup"))
        if problem is not None:
            return _bad(problem.removeprefix("Bad Request: "))
        with self._lock:  # type: ignore[attr-defined]
            sent = self._find(params)
            if sent is None:
                return _bad("message to edit not found")
            if sent.get("reply_markup") == params.get("reply_markup"):
                return _bad("message is not modified: specified new message content and "
                            "reply markup are exactly the same")
            sent["reply_markup"] = params.get("reply_markup")
            self._button_log()["edits"].append({**params, "chat_id": str(params["chat_id"])})
            return _message(sent)

    async def _m_editmessagetext(self, params: dict[str, Any]) -> web.Response:
        """Like Telegram: the new text is checked as sendMessage's is (parse mode, 4096
        units), the keyboard as a keyboard, and an edit that changes nothing is refused."""
        text = str(params.get("text", ""))
        problem = check_message(text, params.get("parse_mode")) or check_markup(
            params.get("reply_markup"))
        if problem is not None:
            return _bad(problem.removeprefix("Bad Request: "))
        with self._lock:  # type: ignore[attr-defined]
            sent = self._find(params)
            if sent is None:
                return _bad("message to edit not found")
            if sent.get("text") == text and sent.get("reply_markup") == params.get(
                    "reply_markup"):
                return _bad("message is not modified: specified new message content and "
                            "reply markup are exactly the same")
            sent.update(text=text, parse_mode=params.get("parse_mode"),
                        reply_markup=params.get("reply_markup"))
            self._button_log()["edits"].append({**params, "chat_id": str(params["chat_id"])})
            return _message(sent)

    async def _m_deletemessage(self, params: dict[str, Any]) -> web.Response:
        """The message leaves the chat (and `sent_messages`); a second delete is refused."""
        with self._lock:  # type: ignore[attr-defined]
            sent = self._find(params)
            if sent is None:
                return _bad("message to delete not found")
            self._state.sent.remove(sent)  # type: ignore[attr-defined]
            self._button_log().setdefault("deleted", []).append(sent)
        return web.json_response({"ok": True, "result": True})

    def deleted(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Messages removed with deleteMessage."""
        with self._lock:  # type: ignore[attr-defined]
            return [d for d in self._button_log().get("deleted", [])
                    if chat_id is None or d["chat_id"] == str(chat_id)]

    async def _m_senddocument(self, params: dict[str, Any]) -> web.Response:
        field = params.get("document")
        content = field.file.read() if hasattr(field, "file") else str(field).encode()
        name = getattr(field, "filename", "") or ""
        with self._lock:  # type: ignore[attr-defined]
            message_id = next(self._ids)  # type: ignore[attr-defined]
            record = {"chat_id": str(params.get("chat_id")), "message_id": message_id,
                      "filename": name, "content": content, "caption": params.get("caption")}
            self._button_log()["documents"].append(record)
        return web.json_response({"ok": True, "result": {
            "message_id": message_id, "date": int(time.time()),
            "chat": {"id": int(record["chat_id"]), "type": "private"},
            "document": {"file_id": f"doc{message_id}", "file_unique_id": f"u{message_id}",
                         "file_name": name}}})


def _bad(description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": 400,
                              "description": f"Bad Request: {description}"}, status=400)


def _message(sent: dict[str, Any]) -> web.Response:
    return web.json_response({"ok": True, "result": {
        "message_id": sent["message_id"], "date": int(time.time()), "text": sent.get("text", ""),
        "chat": {"id": int(sent["chat_id"]), "type": "supergroup"}}})
