"""The web archive: every digest the bot delivered or built, as static pages and feeds.

Not a chat: nobody sends it commands and `[[channels]]` cannot name it. It is registered
for its `[web]` section and its renderer (a card as an HTML fragment, the same template as
the pages); `paperbot site` builds the pages and `paperbot run` serves them when
`[web] listen` is set. Files: `config`, `archive` (what to publish, from the store),
`pages` and `feeds` (rendering), `site` (writing changed files), `server` (aiohttp).
"""

from __future__ import annotations

from typing import Any

from adapters import PlatformContext, PlatformEntry, register
from adapters.web.config import WebConfig
from bot.errors import ConfigError
from bot.ports import Platform, Renderer


def _renderer() -> Renderer:
    from adapters.web.render import WebRenderer

    return WebRenderer()


def _create(section: Any, token: str | None, context: PlatformContext) -> Platform:
    raise ConfigError("web: the archive publishes pages; it is not a chat platform to start")


def _no_chat(chat: str) -> str:
    raise ValueError(
        "the web archive is not a chat: it publishes every configured topic by itself "
        "(see [web]); remove this [[channels]] entry"
    )


register(PlatformEntry("web", WebConfig, _renderer, _create, check_chat=_no_chat,
                       autostart=False))
