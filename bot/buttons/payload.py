"""The callback payload a button sends back: `<action>:<base id>v<version>[:<language>]`.

It carries no secret and names no chat or user: a press acts for whoever pressed it, in the
chat it was pressed in. It fits Telegram's 64-byte `callback_data` and Discord's 100-character
`custom_id`. Decoding is strict: anything that is not exactly what `encode` makes is None,
and the handler answers "this button has expired".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.languages import LANGUAGES

MAX_BYTES = 64  # Telegram's callback_data; Discord's custom_id allows 100 characters


class Action(StrEnum):
    """What a button does; the one-letter values are what the payload carries."""

    SUMMARY = "s"  # summary and numbered takeaways
    ABSTRACT = "a"  # translated and original abstract
    DEEP = "f"  # a deep summary from the full text (issue 15); slow, answered at once
    CARD = "c"  # back from a depth view to the paper's card (edited in place)
    PICK = "n"  # a number in a compact digest: that paper's summary and its buttons
    UP = "u"
    DOWN = "d"
    SAVE = "v"


_NEW = r"\d{4}\.\d{4,5}"
_OLD = r"[a-z]+(?:-[a-z]+)?/\d{7}"
_PAYLOAD = re.compile(
    rf"(?P<action>[a-z]):(?P<base>{_NEW}|{_OLD})v(?P<version>[1-9]\d{{0,2}})"
    r"(?::(?P<lang>[a-z]{2}(?:-[a-z]{2})?))?"
)


@dataclass(frozen=True)
class Payload:
    """A decoded button: the action, the paper at one version, and the language of the
    message the button was on (what cached card it means)."""

    action: Action
    base_id: str
    version: int
    language: str | None = None


def encode(payload: Payload) -> str:
    """The payload as a button carries it; ValueError if it would not decode back."""
    data = f"{payload.action.value}:{payload.base_id}v{payload.version}"
    if payload.language:
        data += f":{payload.language}"
    if decode(data) != payload:
        raise ValueError(f"cannot encode button payload {payload!r}")
    return data


SLOW = frozenset({Action.DEEP})


def is_slow(data: str) -> bool:
    """Whether a press may take long (it reads a paper): the platform answers the press at
    once and the content follows."""
    payload = decode(data)
    return payload is not None and payload.action in SLOW


def decode(data: str) -> Payload | None:
    """The payload, or None for anything forged, garbled, too long or from another scheme."""
    if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    match = _PAYLOAD.fullmatch(data)
    if match is None:
        return None
    try:
        action = Action(match["action"])
    except ValueError:
        return None
    lang = match["lang"]
    if lang is not None and lang not in LANGUAGES:
        return None
    return Payload(action, match["base"], int(match["version"]), lang)
