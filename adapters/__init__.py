"""The platform registry: every adapter package registers itself here by name.

A platform is a folder under `adapters/` whose `__init__` calls `register()` with its config
section, a pure renderer and a factory. The composition root (`bot/main/`) asks the registry
which platforms exist; nothing in `bot/` names one. Registering imports no SDK: factories
import python-telegram-bot or discord.py only when that platform actually starts.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.languages import language_from_locale
from bot.models import ChatRef
from bot.ports import CommandHandler, Completer, MetaStore, Platform, PressHandler, Renderer

ChatLanguage = Callable[[ChatRef, str | None], str]
"""The interface language of a chat, given the writer's client locale (if known)."""


def locale_language(chat: ChatRef, locale: str | None) -> str:
    """Without the core's chat settings: the client's locale when supported, else English."""
    return language_from_locale(locale) or "en"


@dataclass(frozen=True)
class PlatformContext:
    """What the core gives a platform when it is built: where commands go, where it may keep
    small values across runs (None: nothing is kept), and what language a chat speaks (for
    what the adapter says itself: hints, last-resort errors)."""

    handle: CommandHandler
    complete: Completer
    meta: MetaStore | None = None
    language: ChatLanguage = locale_language
    press: PressHandler | None = None  # button presses (issue 11); None: no buttons


def _any_chat(chat: str) -> str:
    return chat


@dataclass(frozen=True)
class PlatformEntry:
    """One registered platform.

    `section` is the type of its config section (`[telegram]`), `renderer` builds the pure
    renderer (no SDK import), `create(section, token, context)` the live platform.
    `check_chat` validates a `[[channels]] chat` value and raises ValueError saying why.
    `autostart`: `paperbot run` starts it when its token is set (the console never).
    """

    name: str
    section: type[Any]
    renderer: Callable[[], Renderer]
    create: Callable[[Any, str | None, PlatformContext], Platform]
    check_chat: Callable[[str], str] = _any_chat
    autostart: bool = True


_REGISTRY: dict[str, PlatformEntry] = {}
_discovered = False


def register(entry: PlatformEntry) -> PlatformEntry:
    """Add a platform; registering the same name twice replaces it (tests re-register)."""
    _REGISTRY[entry.name] = entry
    return entry


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def discover() -> dict[str, PlatformEntry]:
    """Import every adapter package so it registers itself; returns the registry."""
    global _discovered
    _discovered = True
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg:
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(_REGISTRY)


def entry(name: str) -> PlatformEntry:
    if name not in _REGISTRY and not _discovered:
        discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise KeyError(f"unknown platform {name!r} (known: {known})") from None


def registered() -> dict[str, PlatformEntry]:
    return dict(_REGISTRY) if _discovered else discover()
