"""A chat's settings as a command sees them: a chat with none stored yet starts in the
language of the person writing, when paperbot speaks it."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.context import Core
from bot.languages import language_from_locale
from bot.models import ChatSettings, IncomingCommand


def settings_for(core: Core, cmd: IncomingCommand) -> ChatSettings:
    """Stored settings, or the defaults with the user's client language (if supported)."""
    settings = core.settings(cmd.chat)
    if core.store.get_settings(cmd.chat) is not None:
        return settings
    language = language_from_locale(cmd.locale)
    return replace(settings, language=language) if language else settings
