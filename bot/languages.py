"""Language codes paperbot accepts, with the names used in prompts and replies."""

from __future__ import annotations

import difflib

from bot.errors import UserError
from bot.i18n import N_

LANGUAGES: dict[str, str] = {
    "zh": "Simplified Chinese",
    "zh-tw": "Traditional Chinese",
    "en": "English",
    "ja": "Japanese",
    "ko": "Korean",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "ru": "Russian",
    "uk": "Ukrainian",
    "pl": "Polish",
    "nl": "Dutch",
    "tr": "Turkish",
    "ar": "Arabic",
    "fa": "Persian",
    "he": "Hebrew",
    "hi": "Hindi",
    "vi": "Vietnamese",
    "id": "Indonesian",
    "th": "Thai",
}

_ALIASES = {
    "cn": "zh", "zh-cn": "zh", "zh-hans": "zh", "zh_cn": "zh", "chinese": "zh",
    "zh-hant": "zh-tw", "zh_tw": "zh-tw", "zh-hk": "zh-tw",
    "english": "en", "en-us": "en", "en-gb": "en", "jp": "ja", "japanese": "ja",
    "kr": "ko", "korean": "ko", "german": "de", "french": "fr", "spanish": "es",
    "russian": "ru", "pt-br": "pt",
}


def normalize_language(code: str) -> str:
    """Return the canonical code for `code`, or raise UserError naming close ones."""
    key = code.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key in LANGUAGES:
        return key
    close = difflib.get_close_matches(key, list(LANGUAGES), n=3, cutoff=0.5)
    raise UserError(
        "'{value}' is not a language I know.",
        N_("Did you mean {options}?") if close else N_("Known codes: {known}."),
        value=code.strip()[:20],
        options=", ".join(close),
        known=", ".join(LANGUAGES),
    )


def language_from_locale(locale: str | None) -> str | None:
    """A client's locale (Telegram `zh-hans`, Discord `pt-BR`) as a supported code, or None."""
    if not locale or not locale.strip():
        return None
    subtags = locale.strip().replace("_", "-").split("-")
    for n in range(len(subtags), 0, -1):  # zh-Hant-TW, then zh-Hant, then zh
        candidate = "-".join(subtags[:n])
        if is_language(candidate):
            return normalize_language(candidate)
    return None


def is_language(code: str) -> bool:
    try:
        normalize_language(code)
    except UserError:
        return False
    return True


def language_name(code: str) -> str:
    return LANGUAGES[normalize_language(code)]
