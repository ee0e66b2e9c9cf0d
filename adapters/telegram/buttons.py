"""Button presses on Telegram: a callback_query in, the core's ButtonAnswer out.

The query is always answered (answerCallbackQuery), within Telegram's few seconds: when the
core takes longer (the LLM is making a card) it is answered first and the content follows;
a deep summary's press is answered at once. Depth goes privately to a user who started the
bot, else as a reply in the chat (deleted after `depth_reply_ttl_minutes`); in a private
chat it replaces the pressed card (editMessageText), or follows it when it cannot. Feedback
edits the pressed message's keyboard. A blocked user, a deleted or month-old message, or a
query Telegram no longer knows is logged, never raised.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.error import BadRequest, TelegramError

from adapters.telegram.compact import inline_keyboard
from adapters.telegram.expiry import ExpiringReplies
from adapters.telegram.incoming import chat_ref
from adapters.telegram.render import TelegramRenderer
from adapters.telegram.sender import mapped_errors, send_payload
from bot.buttons.keyboards import Rows
from bot.buttons.payload import Action, decode, is_slow
from bot.errors import RecipientGone, UpstreamError
from bot.models import Button, ButtonAnswer, ButtonPress, Reply
from bot.ports import PressHandler

log = logging.getLogger(__name__)

ANSWER_WITHIN = 2.0  # seconds; Telegram drops a query not answered in about 3 (or 15)


class PressAnswerer:
    """Handles one adapter's callback queries with the core's PressHandler."""

    def __init__(self, bot: Bot, press: PressHandler, renderer: TelegramRenderer,
                 expiry: ExpiringReplies | None = None) -> None:
        """`expiry` deletes depth replies posted in a group later (None: they stay)."""
        self._bot = bot
        self._press = press
        self._renderer = renderer
        self._expiry = expiry

    async def on_query(self, query: CallbackQuery) -> None:
        message = query.message
        if message is None or query.data is None:  # an inline-mode message: not ours
            await self._answer(query, "")
            return
        press = ButtonPress(
            query.data, chat_ref(message.chat), str(query.from_user.id),
            locale=query.from_user.language_code,
        )
        task = asyncio.ensure_future(self._press(press))
        answered = is_slow(query.data)
        if answered:  # a deep summary reads the paper: stop the spinner now
            await self._answer(query, "")
        try:
            answer = await asyncio.wait_for(asyncio.shield(task), ANSWER_WITHIN)
        except TimeoutError:
            if not answered:
                await self._answer(query, "")  # the content follows
            answered = True
            answer = await task
        if not answered:
            await self._answer(query, answer.toast, alert=answer.alert)
        elif answer.toast and answer.reply is None:  # the toast came too late to show
            answer = replace(answer, reply=Reply(text=answer.toast), show="private")
        await self._show(query, message, answer)

    async def _answer(self, query: CallbackQuery, text: str, alert: bool = False) -> None:
        try:
            await query.answer(text[:200] or None, show_alert=alert)
        except TelegramError as exc:  # too old, or already answered
            log.info("could not answer a button press: %s", exc)

    async def _show(self, query: CallbackQuery, message: Any, answer: ButtonAnswer) -> None:
        chat_id = message.chat.id
        if answer.buttons is not None and message.is_accessible:
            rows = keep_back(message, answer.buttons)
            markup = InlineKeyboardMarkup.de_json(inline_keyboard(rows), self._bot)
            try:
                await self._bot.edit_message_reply_markup(
                    chat_id, message.message_id, reply_markup=markup
                )
            except TelegramError as exc:  # deleted, too old, or unchanged
                log.info("could not update buttons in chat %s: %s", chat_id, exc)
        if answer.reply is None:
            return
        if answer.show == "edit" and message.is_accessible and \
                await self._edit(chat_id, message.message_id, answer.reply):
            return
        reply_to = message.message_id if message.is_accessible else None
        thread = message.message_thread_id if isinstance(message, Message) and \
            message.is_topic_message else None
        if answer.show == "private":
            try:
                await self._send(query.from_user.id, answer.reply)
                return
            except RecipientGone:  # never started the bot, or blocked it
                log.info("user %s cannot be written to privately; answering in the chat",
                         query.from_user.id)
            except UpstreamError as exc:
                log.warning("private answer to %s failed: %s", query.from_user.id, exc)
        try:
            sent = await self._send(chat_id, answer.reply, reply_to=reply_to, thread_id=thread)
        except (RecipientGone, UpstreamError) as exc:
            log.warning("could not answer a button press in chat %s: %s", chat_id, exc)
        except Exception:  # one press must never take the adapter down
            log.exception("answering a button press in chat %s failed", chat_id)
        else:
            if answer.show == "private" and self._expiry is not None:
                self._expiry.add(chat_id, sent)

    async def _edit(self, chat_id: int, message_id: int, reply: Reply) -> bool:
        """Replace the pressed message with the reply; False when it must be sent instead
        (it does not fit one message, or the message is gone)."""
        payloads = self._renderer.reply(reply)
        if len(payloads) != 1 or "text" not in payloads[0] or "photo" in payloads[0]:
            return False
        [payload] = payloads
        markup = payload.get("reply_markup")
        try:
            await self._bot.edit_message_text(
                payload["text"], chat_id=chat_id, message_id=message_id,
                parse_mode=payload.get("parse_mode"),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_markup=InlineKeyboardMarkup.de_json(markup, self._bot) if markup else None,
            )
        except BadRequest as exc:
            if "not modified" in exc.message.lower():  # already showing this
                return True
            log.info("could not edit message %s in chat %s (%s); sending it", message_id,
                     chat_id, exc.message)
            return False
        except TelegramError as exc:
            log.warning("editing message %s in chat %s failed: %s", message_id, chat_id, exc)
            return False
        return True

    async def _send(self, chat_id: int, reply: Reply, *, reply_to: int | None = None,
                    thread_id: int | None = None) -> list[int]:
        """Send the reply's messages; their ids."""
        ids = []
        for i, payload in enumerate(self._renderer.reply(reply)):
            with mapped_errors(chat_id):
                sent = await send_payload(self._bot, chat_id, payload,
                                          reply_to=reply_to if i == 0 else None,
                                          thread_id=thread_id)
            ids.append(sent.message_id)
        return ids


def keep_back(message: Any, rows: Rows) -> Rows:
    """New buttons for a message showing a depth view keep its way back to the card."""
    markup = getattr(message, "reply_markup", None)
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            payload = decode(button.callback_data) if button.callback_data else None
            if payload is not None and payload.action is Action.CARD:
                return (*rows, (Button(button.text, data=button.callback_data),))
    return rows
