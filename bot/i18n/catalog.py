"""The gettext catalogues: one `messages.po` per interface language under `locales/`.

The .po files are read with Babel and compiled in memory to gettext's `GNUTranslations` the
first time a language is used, so a fresh clone and the wheel need no build step; English is
the source language (msgids are the English text) and every catalogue falls back to it.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"

INTERFACE_LANGUAGES: dict[str, str] = {"zh": "zh", "zh-tw": "zh_TW", "en": "en", "ja": "ja"}
"""Our language code → the catalogue's locale directory (Babel/gettext locale identifiers)."""


def po_path(language: str) -> Path:
    return LOCALES / INTERFACE_LANGUAGES[language] / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def interface_language(language: str | None) -> str:
    """The catalogue to speak for a chat language or client locale ("zh-Hant-TW" → "zh-tw",
    "ja-JP" → "ja"), else English (cards may be in Korean; the interface then is English)."""
    from bot.languages import language_from_locale  # bot.languages needs bot.errors first

    code = (language or "").strip().lower().replace("_", "-")
    if code in INTERFACE_LANGUAGES:
        return code
    known = language_from_locale(code)
    return known if known in INTERFACE_LANGUAGES else "en"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of one interface language, English as its fallback."""
    from babel.messages.mofile import write_mo  # Babel loads only when the bot first speaks
    from babel.messages.pofile import read_po

    code = interface_language(language)
    with po_path(code).open("rb") as fp:
        catalog = read_po(fp, locale=INTERFACE_LANGUAGES[code], domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    compiled = gettext.GNUTranslations(buffer)
    compiled.add_fallback(gettext.NullTranslations())
    return compiled
