"""Sending one rendered payload through PTB, with PTB's errors mapped to bot.errors.

The outbox dispatcher decides what a failure means (wait, drop, move, fall back to plain
text, resend once); here we only translate Telegram's answer into the core's vocabulary.
Two answers leave the message's fate open, and say so (DeliveryUncertain): a timeout after
the request went out, and a 200 whose body could not be read (Telegram has the message).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.errors import (
    ChatMoved,
    DeliveryUncertain,
    MessageRejected,
    RateLimited,
    RecipientGone,
    UpstreamError,
)

GONE_MARKERS = ("chat not found", "user is deactivated", "peer_id_invalid")
# Timeouts before the request left: nothing reached Telegram, so a resend is safe.
NOT_SENT = (httpx.ConnectTimeout, httpx.PoolTimeout)


def telegram_chat_id(chat_id: str) -> int | str:
    """"-100123" → -100123; "@channel" stays a username."""
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the type becomes timedelta in 23
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


@contextmanager
def mapped_errors(chat_id: int | str) -> Iterator[None]:
    """Re-raise PTB errors as bot.errors. Order matters: BadRequest is a NetworkError."""
    try:
        yield
    except RetryAfter as exc:
        raise RateLimited(f"Telegram flood limit for chat {chat_id}", retry_seconds(exc)) from exc
    except Forbidden as exc:
        raise RecipientGone(f"Telegram chat {chat_id}: {exc.message}") from exc
    except ChatMigrated as exc:
        raise ChatMoved(
            f"Telegram chat {chat_id} moved to {exc.new_chat_id}", str(exc.new_chat_id)
        ) from exc
    except BadRequest as exc:
        if any(marker in exc.message.lower() for marker in GONE_MARKERS):
            raise RecipientGone(f"Telegram chat {chat_id}: {exc.message}") from exc
        raise MessageRejected(f"Telegram refused a message to {chat_id}: {exc.message}") from exc
    except TimedOut as exc:
        if isinstance(exc.__cause__, NOT_SENT):
            raise UpstreamError(f"Telegram unreachable for chat {chat_id}: {exc.message}") from exc
        raise DeliveryUncertain(
            f"no answer from Telegram sending to {chat_id}: {exc.message}", accepted=False
        ) from exc
    except NetworkError as exc:
        raise UpstreamError(f"Telegram unreachable sending to {chat_id}: {exc.message}") from exc
    except TelegramError as exc:
        # PTB raises a bare TelegramError from the JSON error only for a 2xx answer.
        if type(exc) is TelegramError and isinstance(exc.__cause__, ValueError):
            raise DeliveryUncertain(
                f"Telegram accepted a message to {chat_id} but its answer was unreadable",
                accepted=True,
            ) from exc
        raise UpstreamError(f"Telegram error sending to {chat_id}: {exc.message}") from exc


async def send_payload(
    bot: Bot,
    chat_id: int | str,
    payload: dict[str, Any],
    *,
    plain: bool = False,
    reply_to: int | None = None,
    thread_id: int | None = None,
    max_retries: int | None = None,
) -> Message:
    """Send one renderer payload; `plain` sends the fallback text without parse mode.
    A payload with `reply_markup` carries its inline keyboard (kept in plain text too);
    one with `document` is sent as a file (sendDocument)."""
    if "document" in payload:
        return await _send_document(bot, chat_id, payload, reply_to, thread_id, max_retries)
    if plain and not payload.get("plain"):
        raise MessageRejected("this message has no plain-text version")
    text = payload["plain"] if plain or "text" not in payload else payload["text"]
    parse_mode = None if plain else payload.get("parse_mode")
    extra = _send_options(reply_to, thread_id, max_retries)
    if payload.get("reply_markup"):
        extra["reply_markup"] = InlineKeyboardMarkup.de_json(payload["reply_markup"], bot)
    if payload.get("photo") and not plain:
        return await bot.send_photo(chat_id, payload["photo"], caption=payload.get("caption"),
                                    **extra)
    return await bot.send_message(
        chat_id,
        text,
        parse_mode=parse_mode,
        link_preview_options=LinkPreviewOptions(is_disabled=payload.get("disable_preview", True)),
        **extra,
    )


def _send_options(
    reply_to: int | None, thread_id: int | None, max_retries: int | None
) -> dict[str, Any]:
    """Keyword arguments every send method takes: reply, forum thread, rate-limit retries."""
    extra: dict[str, Any] = {}
    if reply_to is not None:
        extra["reply_to_message_id"] = reply_to
        extra["allow_sending_without_reply"] = True
    if thread_id is not None:
        extra["message_thread_id"] = thread_id
    if max_retries:
        extra["rate_limit_args"] = max_retries
    return extra


async def _send_document(
    bot: Bot,
    chat_id: int | str,
    payload: dict[str, Any],
    reply_to: int | None,
    thread_id: int | None,
    max_retries: int | None,
) -> Message:
    doc = payload["document"]
    extra = _send_options(reply_to, thread_id, max_retries)
    data = InputFile(doc["content"].encode("utf-8"), filename=doc["filename"])
    return await bot.send_document(chat_id, data, **extra)
