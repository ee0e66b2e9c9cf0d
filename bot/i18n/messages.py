"""Saying a message in a language: `tr(language, msgid, **args)`, plurals with `trn`, and
`Message`, a message id with its arguments to be said later in the reader's language.

Msgids are the English text with `{name}` placeholders (str.format); an argument that is
itself a `Message` (a holiday's name, a language's name) is said in the same language.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.i18n.catalog import interface_language, translations

log = logging.getLogger(__name__)


def N_(msgid: str) -> str:
    """Mark a msgid to be translated later (where it is said), so extraction finds it."""
    return msgid


def _format(language: str, text: str, english: str, args: Mapping[str, object]) -> str:
    values = {k: v.say(language) if isinstance(v, Message) else v for k, v in args.items()}
    for candidate in (text, english):
        try:
            return candidate.format_map(values)
        except (KeyError, IndexError, ValueError, AttributeError):
            # A translator's typo must not lose the reply: say it in English instead.
            log.warning("bad placeholders in the %s text of %r", language, english)
    return english


def tr(language: str, msgid: str, /, **args: object) -> str:
    """`msgid` in `language` (English when the catalogue lacks it), with `args` filled in."""
    text = translations(interface_language(language)).gettext(msgid)
    return _format(language, text, msgid, args)


def trn(language: str, singular: str, plural: str, n: int, /, **args: object) -> str:
    """The plural form for `n` (given to the text as `{n}`), in `language`."""
    text = translations(interface_language(language)).ngettext(singular, plural, n)
    return _format(language, text, singular if n == 1 else plural, {"n": n, **args})


@dataclass(frozen=True)
class Message:
    """A message id and its arguments, said in the reader's language when rendered."""

    msgid: str
    args: Mapping[str, object] = field(default_factory=dict)

    def say(self, language: str) -> str:
        return tr(language, self.msgid, **self.args)

    def __str__(self) -> str:
        return self.say("en")


def language_display(code: str, language: str) -> str:
    """A language's name in the reader's language, from CLDR via Babel ("ja" in zh: 日语)."""
    from babel import Locale, UnknownLocaleError

    from bot.languages import language_name

    reader = _BABEL_LOCALES.get(interface_language(language), "en")
    named = _BABEL_LOCALES.get(code, code.replace("-", "_"))
    try:
        return Locale.parse(named).get_display_name(reader) or language_name(code)
    except (UnknownLocaleError, ValueError):
        return language_name(code)


_BABEL_LOCALES = {"zh": "zh_Hans", "zh-tw": "zh_Hant", "en": "en", "ja": "ja"}
