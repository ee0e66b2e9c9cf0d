"""Turning a command's argument text into words, with errors a person can act on."""

from __future__ import annotations

import shlex

from bot.commands.specs import CommandSpec
from bot.errors import UserError
from bot.languages import is_language, normalize_language


def split_words(text: str) -> list[str]:
    """Shell-like split so "chain of thought" stays one phrase; curly quotes count too."""
    normalised = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    try:
        return shlex.split(normalised)
    except ValueError:
        raise UserError(
            "A quote is not closed.", 'Close phrases like "chain of thought".'
        ) from None


def usage_error(spec: CommandSpec, problem: str) -> UserError:
    return UserError(problem, f"Usage: {spec.usage}")


def split_trailing_language(text: str) -> tuple[str, str | None]:
    """`"some text zh"` → `("some text", "zh")` when the last word is a language code."""
    head, _, last = text.rstrip().rpartition(" ")
    if head.strip() and is_language(last):
        return head.strip(), normalize_language(last)
    return text.strip(), None


def language_arg(word: str | None, default: str) -> str:
    return normalize_language(word) if word else default
