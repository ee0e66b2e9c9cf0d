"""One parser per argument kind: the text a person typed (or a platform option) in, a typed
value out, or a UserError saying what is wrong with it.

Every kind has a length cap, checked before any parsing, and every kind but free text is
read without invisible and bidi-control characters, so none of them is ever echoed back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.arxiv.ids import find_arxiv_id, looks_like_arxiv_id, parse_arxiv_id
from bot.commands.specs import BY_NAME, ArgKind, CommandSpec
from bot.errors import UserError
from bot.invisible import strip_invisible
from bot.languages import normalize_language
from bot.local_time import parse_time, parse_timezone
from bot.models import ArxivId, Topic
from bot.ranking.authors import MAX_NAME_CHARS, parse_author
from bot.services.subscriptions import parse_topic_spec
from bot.services.translations import MAX_TRANSLATE_CHARS

MAX_CHARS: Mapping[ArgKind, int] = {
    ArgKind.ARXIV_ID: 200,  # a link with its query string
    ArgKind.PAPER_OR_TEXT: MAX_TRANSLATE_CHARS,
    ArgKind.LANGUAGE: 20,
    ArgKind.TIME: 16,
    ArgKind.TIMEZONE: 64,  # the longest IANA name is 32
    ArgKind.TOPIC_SPEC: 300,  # a few categories and keywords
    ArgKind.SUBSCRIBED_TOPIC: 300,
    ArgKind.SETTING: 20,
    ArgKind.COMMAND: 40,
    ArgKind.DEPTH: 20,
    ArgKind.EXPORT_FORMAT: 20,
    ArgKind.DIGEST_STYLE: 20,
    ArgKind.AUTHOR: MAX_NAME_CHARS,
    ArgKind.ARXIV_IDS: 400,  # ten ids with links
}
"""The longest value each kind takes, in characters; longer is refused before parsing.
(A SETTING_VALUE is capped by the kind of its setting.)"""


@dataclass(frozen=True)
class ParseContext:
    """What some parsers need to know: the configured topics and the default categories."""

    topics: Sequence[Topic] = ()
    default_categories: Sequence[str] = ()


class Setting(StrEnum):
    """A /settings key, with the kind of value it takes."""

    LANGUAGE = "lang"
    TIME = "time"
    TIMEZONE = "timezone"
    STYLE = "style"  # issue 11: compact or full digests

    @property
    def value_kind(self) -> ArgKind:
        return _SETTING_KINDS[self]

    @property
    def example(self) -> str:
        return _SETTING_EXAMPLES[self]


_SETTING_KINDS = {
    Setting.LANGUAGE: ArgKind.LANGUAGE,
    Setting.TIME: ArgKind.TIME,
    Setting.TIMEZONE: ArgKind.TIMEZONE,
    Setting.STYLE: ArgKind.DIGEST_STYLE,
}
_SETTING_EXAMPLES = {
    Setting.LANGUAGE: "en", Setting.TIME: "08:30", Setting.TIMEZONE: "Asia/Shanghai",
    Setting.STYLE: "compact",
}
_SETTING_ALIASES = {"language": Setting.LANGUAGE, "tz": Setting.TIMEZONE}


def parse_setting(text: str) -> Setting:
    key = text.strip().lower()
    setting = _SETTING_ALIASES.get(key) or next((s for s in Setting if s.value == key), None)
    if setting is None:
        raise UserError(
            "Unknown setting '{setting}'.", "Use lang, time, timezone or style.",
            setting=text.strip()[:20],
        )
    return setting


def parse_command_name(text: str) -> CommandSpec:
    name = text.strip().lstrip("/").lower()
    spec = BY_NAME.get(name)
    if spec is None:
        raise UserError(
            "There is no command /{command}.", "Send /help for the list.", command=name[:32]
        )
    return spec


FULL = "full"


def parse_depth(text: str) -> str:
    """`full` (a deep summary from the full text); issue 15."""
    if text.strip().casefold() not in (FULL, "deep"):
        raise UserError("'{word}' is not an option here.", "Use full for a deep summary.",
                        word=text.strip()[:20])
    return FULL


def parse_export_format(text: str) -> str:
    """The one export format there is (issue 11): "bibtex" (or "bib")."""
    if text.strip().lower().lstrip(".") in ("bibtex", "bib"):
        return "bibtex"
    raise UserError("Unknown format '{format}'.", "Use /export bibtex.", format=text.strip()[:20])


def parse_digest_style(text: str) -> str:
    """"compact" (several papers a message, with buttons) or "full" (a card each)."""
    value = text.strip().lower()
    if value in ("compact", "full"):
        return value
    raise UserError("Unknown style '{style}'.", "Use compact or full.", style=text.strip()[:20])


def parse_paper_or_text(text: str) -> ArxivId | str:
    """A lone arXiv id or link is a paper; anything else is text to translate as it is.

    A lone word meant as an id but not a valid one (`9999.99999`) is an error, not text."""
    stripped = text.strip()
    if len(stripped.split()) == 1:
        found = find_arxiv_id(stripped)
        if found is not None:
            return found
    if looks_like_arxiv_id(stripped):  # also `arXiv: 2502.11190`, two words
        return parse_arxiv_id(stripped)
    return stripped


MAX_SEEDS = 10


def parse_arxiv_ids(text: str) -> tuple[ArxivId, ...]:
    """Ids or links separated by spaces or commas, each once, at most MAX_SEEDS."""
    words = [w for w in text.replace(",", " ").split() if w]
    if len(words) > MAX_SEEDS:
        raise UserError("Give at most {limit} papers at a time.", limit=MAX_SEEDS)
    return tuple(dict.fromkeys(parse_arxiv_id(w) for w in words))


@dataclass(frozen=True)
class TopicChoice:
    """What /unsubscribe was given: 'all', a topic's name, or its spec typed again."""

    text: str
    parsed: Topic | None  # the topic the text names, when it is a valid spec

    @property
    def everything(self) -> bool:
        return self.text.casefold() == "all"


def parse_topic_choice(text: str, ctx: ParseContext) -> TopicChoice:
    name = _unquoted(text)
    if not name:
        raise UserError("Which topic?", "Send /subscriptions to see yours.")
    try:
        parsed: Topic | None = parse_topic_spec(name, ctx.topics, ctx.default_categories)
    except UserError:
        parsed = None
    return TopicChoice(name, parsed)


def _unquoted(text: str) -> str:
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
        return stripped[1:-1].strip()
    return stripped


def clean(kind: ArgKind, text: str) -> str:
    """`text` without the invisible characters this kind never holds (free text keeps
    only the joiners emoji and some scripts need)."""
    return strip_invisible(text, keep_joiners=kind is ArgKind.PAPER_OR_TEXT).strip()


def parse_value(kind: ArgKind, text: str, ctx: ParseContext) -> object:
    """Check `text` against the kind's length cap, clean it and parse it."""
    limit = MAX_CHARS[kind]
    if len(text.strip()) > limit:
        raise UserError(
            "{length} characters is too long; the most is {limit}.",
            "Split it into shorter parts." if kind is ArgKind.PAPER_OR_TEXT else None,
            length=f"{len(text.strip()):,}",
            limit=f"{limit:,}",
        )
    return PARSERS[kind](clean(kind, text), ctx)


Parser = Callable[[str, ParseContext], object]

PARSERS: Mapping[ArgKind, Parser] = {
    ArgKind.ARXIV_ID: lambda text, _: parse_arxiv_id(text),
    ArgKind.PAPER_OR_TEXT: lambda text, _: parse_paper_or_text(text),
    ArgKind.LANGUAGE: lambda text, _: normalize_language(text),
    ArgKind.TIME: lambda text, _: parse_time(text),
    ArgKind.TIMEZONE: lambda text, _: parse_timezone(_unquoted(text)),
    ArgKind.TOPIC_SPEC: lambda text, ctx: parse_topic_spec(
        text, ctx.topics, ctx.default_categories
    ),
    ArgKind.SUBSCRIBED_TOPIC: parse_topic_choice,
    ArgKind.SETTING: lambda text, _: parse_setting(text),
    ArgKind.COMMAND: lambda text, _: parse_command_name(text),
    ArgKind.DEPTH: lambda text, _: parse_depth(text),
    ArgKind.EXPORT_FORMAT: lambda text, _: parse_export_format(text),
    ArgKind.DIGEST_STYLE: lambda text, _: parse_digest_style(text),
    ArgKind.AUTHOR: lambda text, _: parse_author(text),
    ArgKind.ARXIV_IDS: lambda text, _: parse_arxiv_ids(text),
}
"""SETTING_VALUE has no parser of its own: it takes the parser of its setting's kind."""


def from_reply(kind: ArgKind, replied: str) -> str | None:
    """The part of a replied-to message that stands in for an argument of this kind."""
    if kind is ArgKind.ARXIV_ID:
        found = find_arxiv_id(replied)
        return str(found) if found else None
    return replied.strip() or None


def accepts(kind: ArgKind, text: str, ctx: ParseContext) -> bool:
    """Whether `text` parses as `kind` (to tell a trailing `[lang]` from free text)."""
    try:
        parse_value(kind, text, ctx)
    except UserError:
        return False
    return True
