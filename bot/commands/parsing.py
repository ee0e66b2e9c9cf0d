"""Telegram-style argument text split once into the raw value of each named argument.

Shell-like: quoted phrases ("chain of thought", curly quotes too) stay one word. An argument
that takes the rest of the line gets the text exactly as typed, so free text and topic specs
keep their own quotes and spacing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.arxiv.ids import looks_like_arxiv_id
from bot.commands.specs import ArgKind, ArgSpec, CommandSpec
from bot.errors import UserError
from bot.invisible import strip_invisible

# One character for one, so positions in the normalised text are positions in the original.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"',
                         "‘": "'", "’": "'"})
# A word is a run of quoted phrases and bare characters; an unclosed quote is a character.
_WORD = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s"']+|["'])+""")
_PIECE = re.compile(r""""([^"]*)"|'([^']*)'|([^"']+|["'])""")


@dataclass(frozen=True)
class Word:
    """One word of the argument text, unquoted, with where it stands in the text."""

    value: str
    start: int
    end: int


def split_words(text: str) -> list[Word]:
    normalised = text.translate(_QUOTES)
    words = []
    for match in _WORD.finditer(normalised):
        value = "".join(
            next(g for g in piece.groups() if g is not None)
            for piece in _PIECE.finditer(match.group(0))
        )
        words.append(Word(value, match.start(), match.end()))
    return words


def usage_error(
    spec: CommandSpec, problem: str, arg: ArgSpec | str | None = None, **args: object
) -> UserError:
    """An error that names the argument (when there is one) and shows the usage line;
    `problem` is a msgid filled from `args`."""
    name = arg.name if isinstance(arg, ArgSpec) else arg
    return UserError(problem, label=name, usage=spec.usage, **args)


def _skippable(arg: ArgSpec, positional: tuple[ArgSpec, ...]) -> bool:
    """An optional argument followed by another optional one may be left out (issue 15)."""
    later = positional[positional.index(arg) + 1:]
    return not arg.required and not arg.from_reply and any(not a.required for a in later)


def assign_words(
    spec: CommandSpec, text: str, can_reply: bool, accepts: Callable[[ArgKind, str], bool]
) -> dict[str, str]:
    """The raw text of each argument given, by name.

    An argument a replied-to message can stand in for is skipped when the word is not of its
    kind. Optional arguments after a `rest` one (`/translate <text...> [lang]`) are taken from
    the end when the last word is of their kind, even if nothing is left for the rest
    (`/translate ja` asks for the text unless it replies to a message); and whatever follows
    a lone paper id is theirs, so `/translate 1706.03762 xx` says xx is no language instead
    of translating the line as text.
    """
    remaining = split_words(text)
    args = spec.args
    rest_at = next((i for i, a in enumerate(args) if a.rest), len(args))
    raw: dict[str, str] = {}
    for arg in args[:rest_at]:
        if not remaining:
            break
        if arg.from_reply and can_reply and not accepts(arg.kind, remaining[0].value):
            continue  # `/summarize zh` as a reply: the reply gives the id, "zh" is the lang
        if _skippable(arg, args[:rest_at]) and not accepts(arg.kind, remaining[0].value):
            continue  # `/summarize 1706.03762 zh`: "zh" is no [full], it is the [lang]
        raw[arg.name] = remaining.pop(0).value
    if rest_at == len(args):
        if remaining:
            extra = strip_invisible(text[remaining[0].start:]).strip()
            raise usage_error(spec, "Too many arguments: '{extra}'.", extra=extra[:40])
        return raw
    rest = args[rest_at]
    for arg in reversed(args[rest_at + 1:]):
        if not remaining:
            break
        after_paper = (
            rest.kind is ArgKind.PAPER_OR_TEXT
            and len(remaining) == 2
            and (accepts(ArgKind.ARXIV_ID, remaining[0].value)
                 or looks_like_arxiv_id(remaining[0].value))
        )
        if after_paper or accepts(arg.kind, remaining[-1].value):
            raw[arg.name] = remaining.pop().value
    if remaining:
        raw[rest.name] = text[remaining[0].start : remaining[-1].end]
    return raw
