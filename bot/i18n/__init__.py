"""The message catalogue: every sentence the bot says, per interface language (gettext .po
files under `locales/`, loaded with Babel). See README "Interface languages"."""

from __future__ import annotations

from bot.i18n.catalog import INTERFACE_LANGUAGES, interface_language
from bot.i18n.messages import N_, Message, language_display, tr, trn

__all__ = [
    "INTERFACE_LANGUAGES",
    "N_",
    "Message",
    "interface_language",
    "language_display",
    "tr",
    "trn",
]
