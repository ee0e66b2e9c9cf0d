"""Telegram's HTML parse mode, checked strictly: what the Bot API would refuse, we refuse.

Used by FakeTelegram for every sendMessage and directly by render tests (fast, no HTTP).
Stricter than Telegram where Telegram is lenient (a bare ">" or "&" is an error here), so
a renderer that passes here passes there.
"""

from __future__ import annotations

import html
import re

MAX_MESSAGE_UNITS = 4096
ALLOWED = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "blockquote", "tg-spoiler", "span", "tg-emoji",
}
NO_NESTING_INSIDE = {"pre", "code"}
TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)"
    r"\s*>"
)
ATTR_RE = re.compile(r"([a-zA-Z_:-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
PLAIN_RE = re.compile(r"[^<&>]+")
ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


class EntityError(ValueError):
    """The message text would be refused with "can't parse entities"."""


def utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def _offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _attrs(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in ATTR_RE.findall(raw):
        if value[:1] in "\"'":
            value = value[1:-1]
        out[name.lower()] = html.unescape(value) if "&" in value else value
    return out


def _check_start(name: str, attrs: dict[str, str], stack: list[str], where: int) -> None:
    if name not in ALLOWED:
        raise EntityError(f'Unsupported start tag "{name}" at byte offset {where}')
    if stack and stack[-1] in NO_NESTING_INSIDE and not (stack[-1] == "pre" and name == "code"):
        raise EntityError(f'Entity "{name}" can\'t be nested inside "{stack[-1]}"')
    if name == "blockquote" and "blockquote" in stack:
        raise EntityError("Blockquote entities can't be nested")
    if name == "a" and not attrs.get("href", "").strip():
        raise EntityError(f"Empty or missing href in <a> at byte offset {where}")
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityError(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
    if name == "blockquote" and set(attrs) - {"expandable"}:
        raise EntityError(f"Unsupported blockquote attribute at byte offset {where}")


def parse_html(source: str) -> str:
    """Return the visible text of `source`, or raise EntityError as Telegram would."""
    visible: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "<":
            m = TAG_RE.match(source, i)
            if m is None:
                where = _offset(source, i)
                raise EntityError(f"Unexpected end of name token at byte offset {where}")
            closing, name, raw = m.group(1) == "/", m.group(2).lower(), m.group(3)
            if closing:
                if not stack:
                    raise EntityError(f'Unexpected end tag at byte offset {_offset(source, i)}')
                if stack[-1] != name:
                    raise EntityError(
                        f"Unmatched end tag at byte offset {_offset(source, i)}, "
                        f'expected "</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                _check_start(name, _attrs(raw), stack, _offset(source, i))
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = ENTITY_RE.match(source, i)
            if m is None:
                raise EntityError(f"Unknown entity at byte offset {_offset(source, i)}")
            decoded = html.unescape(m.group(0))
            if decoded == m.group(0) or any(0xD800 <= ord(c) <= 0xDFFF for c in decoded):
                raise EntityError(f"Invalid entity at byte offset {_offset(source, i)}")
            visible.append(decoded)
            i = m.end()
        elif ch == ">":
            raise EntityError(f"Unescaped '>' at byte offset {_offset(source, i)}")
        else:
            run = PLAIN_RE.match(source, i)  # a run of text at once: long cards stay fast
            assert run is not None
            visible.append(run.group())
            i = run.end()
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(visible)


def check_message(text: str, parse_mode: str | None) -> str | None:
    """The Bot API's error description for this sendMessage text, or None if accepted."""
    if parse_mode is not None and parse_mode.upper() == "HTML":
        try:
            visible = parse_html(text)
        except EntityError as exc:
            return f"Bad Request: can't parse entities: {exc}"
    elif parse_mode is not None:
        return f"Bad Request: unsupported parse_mode {parse_mode!r} in this stand-in"
    else:
        visible = text
    visible = visible.strip()
    if not visible:
        return "Bad Request: message text is empty"
    if utf16_len(visible) > MAX_MESSAGE_UNITS:
        return "Bad Request: message is too long"
    return None
