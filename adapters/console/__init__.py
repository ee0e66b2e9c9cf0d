"""The console: the terminal as a chat platform (`paperbot chat`) and the CLI's renderer.

Files: `adapter` (wiring and the read loop), `incoming` (lines → commands), `render`
(pure Markdown and JSON), `sender` (writing payloads), `config` (its `[console]` section).
"""

from __future__ import annotations

from typing import Any

from adapters import PlatformContext, PlatformEntry, register
from adapters.console.config import ConsoleConfig
from bot.ports import Platform, Renderer


def _renderer() -> Renderer:
    from adapters.console.render import ConsoleRenderer

    return ConsoleRenderer()


def _create(section: Any, token: str | None, context: PlatformContext) -> Platform:
    from adapters.console.adapter import ConsolePlatform

    return ConsolePlatform(section or ConsoleConfig(), context.handle, language=context.language)


# Not started by `paperbot run`: the terminal belongs to `paperbot chat`.
register(PlatformEntry("console", ConsoleConfig, _renderer, _create, autostart=False))
