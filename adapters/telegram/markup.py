"""Telegram HTML building blocks: each piece is an (html, visible text) pair.

Keeping the visible text beside the markup gives the exact length Telegram measures after
entity parsing, and the plain-text fallback for free.
"""

from __future__ import annotations

from typing import Any

MAX_UNITS = 4096
BUDGET = 4000  # headroom under Telegram's limit for counting quirks
ELLIPSIS = "…"

Piece = tuple[str, str]  # (html, visible text)


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (emoji count as two)."""
    return len(text.encode("utf-16-le")) // 2


def prefix_within(value: str, units: int) -> str:
    """The longest prefix of `value` within `units` UTF-16 units, never half an emoji."""
    return value.encode("utf-16-le")[: 2 * max(0, units)].decode("utf-16-le", errors="ignore")


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_attr(text: str) -> str:
    return esc(text).replace('"', "&quot;")


def text(value: str) -> Piece:
    return esc(value), value


def tag(name: str, inner: Piece, attrs: str = "") -> Piece:
    return f"<{name}{attrs}>{inner[0]}</{name}>", inner[1]


def link(url: str, inner: Piece) -> Piece:
    return tag("a", inner, f' href="{esc_attr(url)}"')


def join(pieces: list[Piece], sep: str = "") -> Piece:
    return esc(sep).join(p[0] for p in pieces), sep.join(p[1] for p in pieces)


def payload(piece: Piece) -> dict[str, Any]:
    return {"text": piece[0], "parse_mode": "HTML", "plain": piece[1], "disable_preview": True}


def shorten(value: str, units: int) -> str:
    """Cut `value` to at most `units` UTF-16 units, at a word boundary, ending in "…"."""
    if utf16_len(value) <= units:
        return value
    if units <= 1:
        return ELLIPSIS if units == 1 else ""
    cut = prefix_within(value, units - 1)
    space = cut.rfind(" ")
    if space > len(cut) * 0.7:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS
