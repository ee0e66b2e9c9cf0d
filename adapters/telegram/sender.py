"""Sending one rendered payload through PTB, with PTB's errors mapped to bot.errors.

The outbox dispatcher decides what a failure means (wait, drop, move, fall back to plain
text); here we only translate Telegram's answer into the core's vocabulary.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from telegram import Bot, LinkPreviewOptions, Message
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

from bot.errors import ChatMoved, MessageRejected, RateLimited, RecipientGone, UpstreamError

GONE_MARKERS = ("chat not found", "user is deactivated", "peer_id_invalid")


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
    except (TimedOut, NetworkError) as exc:
        raise UpstreamError(f"Telegram unreachable sending to {chat_id}: {exc.message}") from exc
    except TelegramError as exc:
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
    """Send one renderer payload; `plain` sends the fallback text without parse mode."""
    text = payload["plain"] if plain else payload["text"]
    parse_mode = None if plain else payload.get("parse_mode")
    extra: dict[str, Any] = {}
    if reply_to is not None:
        extra["reply_to_message_id"] = reply_to
        extra["allow_sending_without_reply"] = True
    if thread_id is not None:
        extra["message_thread_id"] = thread_id
    if max_retries:
        extra["rate_limit_args"] = max_retries
    return await bot.send_message(
        chat_id,
        text,
        parse_mode=parse_mode,
        link_preview_options=LinkPreviewOptions(is_disabled=payload.get("disable_preview", True)),
        **extra,
    )
