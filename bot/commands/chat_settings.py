"""A chat's settings as a command sees them: a chat with none stored yet starts in the
language of the person writing, when paperbot speaks it."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.context import Core
from bot.languages import language_from_locale
from bot.models import ChatRef, ChatSettings, IncomingCommand


def settings_for(core: Core, cmd: IncomingCommand) -> ChatSettings:
    """Stored settings, or the defaults with the user's client language (if supported)."""
    return _settings(core, cmd.chat, cmd.locale)


def chat_language(core: Core, chat: ChatRef, locale: str | None) -> str:
    """The language to speak in `chat`: its setting, else the writer's client locale when
    supported, else `[bot] language` (what adapters use outside commands)."""
    return _settings(core, chat, locale).language


def _settings(core: Core, chat: ChatRef, locale: str | None) -> ChatSettings:
    settings = core.settings(chat)
    if core.store.get_settings(chat) is not None:
        return settings
    language = language_from_locale(locale)
    return replace(settings, language=language) if language else settings
