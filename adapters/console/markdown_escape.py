"""Backslash-escape text for Markdown only where a Markdown reader would misread it.

A terminal reader sees the raw Markdown, so every needless backslash is noise: `R1_Reasoning`,
`[…]`, `$x_1$` and URLs stay as they are. Escaped are only what CommonMark (plus GitHub's
tables and strikethrough) would turn into markup: emphasis delimiters that have a partner to
pair with, brackets that would make a link, code backticks, HTML tags and entities,
backslashes before punctuation, and the character that would make a line a block (heading,
list, quote, fence, rule). Every escape is a backslash before ASCII punctuation, so
`unescape_md` undoes it exactly. tests/test_console_render.py checks the result against
markdown-it-py on every real sample.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Bare URLs (GitHub links them): nothing inside one is escaped.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\[\]()`]*[^\s<>\[\]()`\\.,;:!?'\"*_~]")
_SPECIAL = re.compile(r"[\\`<&|]")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# The one character that makes a line a block: ATX heading, quote, bullet, ordered-list
# number's "." or ")", setext underline, thematic break, code fence.
_BLOCK = re.compile(
    r"[ \t]{0,3}(?:(?P<mark>#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t]|$)|[-=]+[ \t]*$"
    r"|[-*_](?:[ \t]*[-*_]){2,}[ \t]*$|`{3}|~{3})|\d{1,9}(?P<num>[.)])(?=[ \t]|$))"
)


@dataclass(frozen=True)
class _Run:
    start: int
    end: int
    char: str
    can_open: bool
    can_close: bool


def unescape_md(text: str) -> str:
    """The text before `escape_md`: CommonMark's unescaping, outside bare URLs."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        parts += [_UNESCAPE.sub(r"\1", text[last : match.start()]), match.group()]
        last = match.end()
    return "".join([*parts, _UNESCAPE.sub(r"\1", text[last:])])


def escape_md(text: str, wrapped: bool = False) -> str:
    """`text` as Markdown that renders as `text`, with as few backslashes as that takes.

    `wrapped`: the text sits between emphasis markers (`*…*`), which any delimiter in it
    could pair with.
    """
    in_url = bytearray(len(text))
    for match in _URL.finditer(text):
        in_url[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    multiline = "\n" in text
    escape = {m.start() for m in _SPECIAL.finditer(text)
              if not in_url[m.start()] and _always(text, m.start(), m.group(), multiline)}
    escape |= _emphasis(text, in_url, wrapped) | _brackets(text, in_url)
    offset = 0
    for line in text.split("\n"):
        block = _BLOCK.match(line)
        if block:
            escape.add(offset + (block.start("mark") if block["mark"] else block.start("num")))
        offset += len(line) + 1
    out, last = [], 0
    for i in sorted(escape):
        out += [text[last:i], "\\"]
        last = i
    return "".join([*out, text[last:]])


def _always(text: str, i: int, char: str, multiline: bool) -> bool:
    after = text[i + 1] if i + 1 < len(text) else None
    if char == "\\":  # before punctuation (or our own markup after the text) it would escape
        return after is None or after in _ASCII_PUNCT
    if char == "`":
        return True
    if char == "<":  # an HTML tag, comment or autolink; "<0.5" and "a < b" are safe
        return after is not None and ((after.isascii() and after.isalpha()) or after in "/!?")
    if char == "&":
        return _ENTITY.match(text, i) is not None
    return char == "|" and multiline  # a table needs a second line


def _kind(char: str) -> str:
    """CommonMark's classes for flanking: space (also the text's edges), punct, or word."""
    if not char or char.isspace():
        return "space"
    if char in _ASCII_PUNCT or unicodedata.category(char)[0] in "PS":
        return "punct"
    return "word"


def _runs(text: str, in_url: bytearray) -> list[_Run]:
    runs = []
    for match in re.finditer(r"\*+|_+|~+", text):
        start, end = match.span()
        if in_url[start]:
            continue
        before, after = _kind(text[start - 1 : start]), _kind(text[end : end + 1])
        left = after != "space" and (after != "punct" or before != "word")
        right = before != "space" and (before != "punct" or after != "word")
        char = match.group()[0]
        if char == "_":  # inside a word "_" neither opens nor closes
            can_open = left and (not right or before == "punct")
            can_close = right and (not left or after == "punct")
        else:
            can_open, can_close = left, right
        runs.append(_Run(start, end, char, can_open, can_close))
    return runs


def _emphasis(text: str, in_url: bytearray, wrapped: bool) -> set[int]:
    """Delimiter runs that could pair with another run of the same character."""
    runs = _runs(text, in_url)
    opener_before: list[bool] = []
    seen: dict[str, bool] = {}
    for run in runs:
        opener_before.append(wrapped or seen.get(run.char, False))
        seen[run.char] = seen.get(run.char, False) or run.can_open
    closer_after: list[bool] = []
    seen = {}
    for run in reversed(runs):
        closer_after.append(wrapped or seen.get(run.char, False))
        seen[run.char] = seen.get(run.char, False) or run.can_close
    closer_after.reverse()
    escaped: set[int] = set()
    for run, before, after in zip(runs, opener_before, closer_after, strict=True):
        if (run.can_close and before) or (run.can_open and after):
            escaped.update(range(run.start, run.end))
    return escaped


def _brackets(text: str, in_url: bytearray) -> set[int]:
    """Brackets that could make a link: unmatched ones, and pairs followed by "(", "[" or ":".

    Matched pairs otherwise stay: `[…]` without a definition is plain text, and link text
    (our titles) may hold balanced brackets.
    """
    escaped: set[int] = set()
    opened: list[int] = []
    pairs: list[tuple[int, int]] = []
    for match in re.finditer(r"[\[\]]", text):
        i, char = match.start(), match.group()
        if in_url[i]:
            continue
        if char == "[":
            opened.append(i)
        elif char == "]":
            if opened:
                pairs.append((opened.pop(), i))
            else:
                escaped.add(i)
    escaped.update(opened)
    for start, end in pairs:
        if text[end + 1 : end + 2] in ("(", "[", ":"):
            escaped.update((start, end))
    return escaped
