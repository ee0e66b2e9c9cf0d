"""Telegram: python-telegram-bot on the shared loop, HTML cards, paced sends.

Files: `adapter` (wiring and lifecycle), `incoming` (updates → commands), `render`, `cards`
and `markup` (pure HTML), `sender` (sends and error mapping), `pacing` (flood limits).
"""

from __future__ import annotations

import re
from typing import Any

from adapters import PlatformContext, PlatformEntry, register
from adapters.telegram.config import TelegramConfig
from bot.ports import Platform, Renderer


def _renderer() -> Renderer:
    from adapters.telegram.render import TelegramRenderer

    return TelegramRenderer()


def _create(section: Any, token: str | None, context: PlatformContext) -> Platform:
    from adapters.telegram.adapter import TelegramAdapter

    if not token:
        raise ValueError("telegram needs a bot token")
    return TelegramAdapter(section, token, context.handle, meta=context.meta,
                           language=context.language, press=context.press)


def _check_chat(chat: str) -> str:
    if not (re.match(r"^-?\d+$", chat) or re.match(r"^@\w{4,}$", chat)):
        raise ValueError('expected "@channelname" or a numeric chat id')
    return chat


register(PlatformEntry("telegram", TelegramConfig, _renderer, _create, _check_chat))
