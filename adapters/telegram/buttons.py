"""Button presses on Telegram: a callback_query in, the core's ButtonAnswer out.

The query is always answered (answerCallbackQuery), within Telegram's few seconds: when the
core takes longer (the LLM is making a card) it is answered first and the content follows.
Depth goes privately to a user who started the bot, else as a reply in the chat; feedback
edits the pressed message's keyboard. A blocked user, a deleted or month-old message, or a
query Telegram no longer knows is logged, never raised.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from adapters.telegram.compact import inline_keyboard
from adapters.telegram.incoming import chat_ref
from adapters.telegram.render import TelegramRenderer
from adapters.telegram.sender import mapped_errors, send_payload
from bot.errors import RecipientGone, UpstreamError
from bot.models import ButtonAnswer, ButtonPress, Reply
from bot.ports import PressHandler

log = logging.getLogger(__name__)

ANSWER_WITHIN = 2.0  # seconds; Telegram drops a query not answered in about 3 (or 15)


class PressAnswerer:
    """Handles one adapter's callback queries with the core's PressHandler."""

    def __init__(self, bot: Bot, press: PressHandler, renderer: TelegramRenderer) -> None:
        self._bot = bot
        self._press = press
        self._renderer = renderer

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
        answered = False
        try:
            answer = await asyncio.wait_for(asyncio.shield(task), ANSWER_WITHIN)
        except TimeoutError:
            await self._answer(query, "")  # stop the spinner; the content follows
            answered = True
            answer = await task
        if not answered:
            await self._answer(query, answer.toast, alert=answer.alert)
        await self._show(query, message, answer)

    async def _answer(self, query: CallbackQuery, text: str, alert: bool = False) -> None:
        try:
            await query.answer(text[:200] or None, show_alert=alert)
        except TelegramError as exc:  # too old, or already answered
            log.info("could not answer a button press: %s", exc)

    async def _show(self, query: CallbackQuery, message: Any, answer: ButtonAnswer) -> None:
        chat_id = message.chat.id
        if answer.buttons is not None and message.is_accessible:
            markup = InlineKeyboardMarkup.de_json(inline_keyboard(answer.buttons), self._bot)
            try:
                await self._bot.edit_message_reply_markup(
                    chat_id, message.message_id, reply_markup=markup
                )
            except TelegramError as exc:  # deleted, too old, or unchanged
                log.info("could not update buttons in chat %s: %s", chat_id, exc)
        if answer.reply is None:
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
            await self._send(chat_id, answer.reply, reply_to=reply_to, thread_id=thread)
        except (RecipientGone, UpstreamError) as exc:
            log.warning("could not answer a button press in chat %s: %s", chat_id, exc)
        except Exception:  # one press must never take the adapter down
            log.exception("answering a button press in chat %s failed", chat_id)

    async def _send(self, chat_id: int, reply: Reply, *, reply_to: int | None = None,
                    thread_id: int | None = None) -> None:
        for i, payload in enumerate(self._renderer.reply(reply)):
            with mapped_errors(chat_id):
                await send_payload(self._bot, chat_id, payload,
                                   reply_to=reply_to if i == 0 else None, thread_id=thread_id)


