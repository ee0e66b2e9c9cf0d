"""Discord: discord.py on the shared loop, slash commands, embeds.

Files: `adapter` (wiring and lifecycle), `incoming` (slash commands → core commands),
`render` and `embeds` (pure embed payloads), `sender` (sends and error mapping), `config`.
"""

from __future__ import annotations

from typing import Any

from adapters import PlatformContext, PlatformEntry, register
from adapters.discord.config import DiscordConfig
from bot.ports import Platform, Renderer


def _renderer() -> Renderer:
    from adapters.discord.render import DiscordRenderer

    return DiscordRenderer()


def _create(section: Any, token: str | None, context: PlatformContext) -> Platform:
    from adapters.discord.adapter import DiscordAdapter

    if not token:
        raise ValueError("discord needs a bot token")
    return DiscordAdapter(section, token, context.handle, context.complete,
                          meta=context.meta, language=context.language, press=context.press)


def _check_chat(chat: str) -> str:
    if not chat.isdigit():
        raise ValueError(f"a Discord channel id is a number, got {chat!r}")
    return chat


register(PlatformEntry("discord", DiscordConfig, _renderer, _create, _check_chat))
