"""Tolerant reading of what real LLM providers answer, into clean card text.

Providers wrap JSON in reasoning blocks (`<think>`), markdown fences and prose, number their
lists inside strings and leave trailing commas. Everything here is pure so it can be tested
on recorded answers. Whatever comes out must be fit to show a reader: no reasoning, no
fences, no raw JSON, no markdown emphasis.

Decisions: a card needs a non-empty summary and at least one takeaway. Fewer than
MIN_TAKEAWAYS is accepted (a short card beats paying for a retry); more than MAX_TAKEAWAYS
is trimmed. For a non-English target the abstract translation is required, the title
translation optional; for English both are stored as None.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.languages import normalize_language
from bot.llm.prompts import MAX_TAKEAWAYS
from bot.models import CardText


class BadAnswer(ValueError):
    """The model's answer holds no usable card or translation: worth one retry."""


_THINK_TAGS = "think|thinking|reasoning|reflection"
# Only reasoning that opens the answer is the model's: a tag later on may be the user's own
# text coming back translated, or an abstract quoted in a card.
_LEADING_BLOCK = re.compile(rf"\A\s*<({_THINK_TAGS})>.*?</\1>", re.DOTALL | re.IGNORECASE)
_LEADING_OPEN = re.compile(rf"\A\s*<({_THINK_TAGS})>", re.IGNORECASE)
_THINK_OPEN = re.compile(rf"<({_THINK_TAGS})>", re.IGNORECASE)
_THINK_CLOSE = re.compile(rf"</({_THINK_TAGS})>", re.IGNORECASE)
_FENCE = re.compile(r"```[a-zA-Z0-9_-]*[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•·▪‣]|\(?\d{1,2}[.)、:：]|[①-⑩])\s*")
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
# A single backslash before a LaTeX command is an invalid JSON escape (\alpha), or worse a
# valid one that silently changes the text (\beta → backspace + "eta", \frac, \theta).
# Models write these often; double such backslashes before decoding.
_LATEX_BACKSLASH = re.compile(
    r"(?<!\\)((?:\\\\)*)\\(?="
    r"[bf][A-Za-z]|t[A-Za-z]|u(?![0-9a-fA-F]{4})|[^\"\\/bfnrtu]"
    r"|n(?:abla|u|eq|e|ot|ewline|orm|leq|geq|i)\b|r(?:ho|ight|angle|m|ceil|floor)\b)"
)
_LEFTOVER_MARKUP = re.compile(rf"</?({_THINK_TAGS})>|```[a-zA-Z]*|\*\*", re.IGNORECASE)


def strip_reasoning(text: str, source: str = "") -> str:
    """The answer without the model's leading reasoning block.

    An unterminated leading tag (reasoning cut off) leaves nothing. A closing tag with no
    opening one ends reasoning whose opening tag the provider ate, but only when `source`
    (the text the model was given) has no such tag itself: otherwise it is the user's."""
    head, _tail = _split_reasoning(text, source)
    return head


def _split_reasoning(text: str, source: str = "") -> tuple[str, str]:
    """(answer, text after an unterminated leading tag, kept only as a last resort)."""
    block = _LEADING_BLOCK.match(text)
    if block is not None:
        return text[block.end():].strip(), ""
    opened = _LEADING_OPEN.match(text)
    if opened is not None:
        return "", text[opened.end():].strip()
    close = _THINK_CLOSE.search(text)
    if close is not None and _orphan_close(text, close, source):
        return text[close.end():].strip(), ""
    return text.strip(), ""


def _orphan_close(text: str, close: re.Match[str], source: str) -> bool:
    first_open = _THINK_OPEN.search(text)
    opens_before = first_open is not None and first_open.start() < close.start()
    return not opens_before and _THINK_CLOSE.search(source) is None


def extract_json(text: str) -> dict[str, Any]:
    """The card object in `text`: fenced blocks first, then any `{...}` in the prose.

    Prefers an object that has a "summary" key; raises BadAnswer when there is none. An
    answer after an unterminated `<think>` (some templates never close it) is a last resort.
    """
    head, tail = _split_reasoning(text)
    found: list[dict[str, Any]] = []
    # The whole answer last: a closing tag taken for reasoning's may have been the paper's.
    for body in dict.fromkeys((head, tail, text)):
        for chunk in [m.group(1) for m in _FENCE.finditer(body)] + [body]:
            found.extend(_objects_in(_LATEX_BACKSLASH.sub(r"\1\\\\", chunk)))
            for obj in found:
                card = _as_card(obj)
                if card is not None:
                    return card
    if found:
        raise BadAnswer(f"JSON object without a summary (keys: {', '.join(sorted(found[0]))})")
    raise BadAnswer(f"no JSON object in the answer: {_preview(text)}")


def _as_card(obj: dict[str, Any]) -> dict[str, Any] | None:
    """`obj` with normalised keys if it (or one object inside it) has a summary."""
    keys = {_key(k): v for k, v in obj.items()}
    if "summary" in keys:
        return keys
    inner = [v for v in obj.values() if isinstance(v, dict)]
    return _as_card(inner[0]) if len(inner) == 1 else None


def _key(name: str) -> str:
    """"keyTakeaways", "Key Takeaways", "key-takeaways" → "key_takeaways"."""
    snake = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[\s\-]+", "_", snake).lower()


def _objects_in(chunk: str) -> list[dict[str, Any]]:
    decoder = json.JSONDecoder(strict=False)  # raw newlines inside strings are common
    out: list[dict[str, Any]] = []
    pos = chunk.find("{")
    while pos != -1:
        obj, end = _decode_at(decoder, chunk, pos)
        if isinstance(obj, dict):
            out.append(obj)
            pos = chunk.find("{", end)
        else:
            pos = chunk.find("{", pos + 1)
    return out


def _decode_at(decoder: json.JSONDecoder, chunk: str, pos: int) -> tuple[Any, int]:
    try:
        return decoder.raw_decode(chunk, pos)
    except json.JSONDecodeError:
        pass
    # Trailing commas are the commonest near-miss; removing them is cheap. The object's
    # end is unknown, so retry on the rest of the chunk up to its last closing brace.
    end = chunk.rfind("}")
    if end <= pos:
        return None, pos
    fixed = _TRAILING_COMMA.sub(r"\1", chunk[pos:end + 1])
    try:
        obj, used = decoder.raw_decode(fixed)
    except json.JSONDecodeError:
        return None, pos
    return obj, end + 1 if used == len(fixed) else pos + 1


def parse_card(text: str, language: str, model: str = "") -> CardText:
    """Turn a raw completion into CardText(source="llm"), or raise BadAnswer."""
    data = extract_json(text)
    code = normalize_language(language)
    summary = clean_text(_as_text(data.get("summary")))
    if not summary:
        raise BadAnswer("empty summary")
    if _looks_like_json(summary):
        raise BadAnswer("summary is itself JSON")
    takeaways = _takeaways(data.get("key_takeaways", data.get("takeaways")))
    if not takeaways:
        raise BadAnswer("no key takeaways")
    title_tr: str | None = None
    abstract_tr: str | None = None
    if code != "en":
        title_tr = clean_text(_as_text(data.get("title_translation"))) or None
        abstract_tr = clean_text(_as_text(data.get("abstract_translation"))) or None
        if abstract_tr is None:
            raise BadAnswer("missing abstract_translation")
    return CardText(
        summary=summary,
        key_takeaways=takeaways,
        title_translation=title_tr,
        abstract_translation=abstract_tr,
        source="llm",
        language=code,
        model=model,
        tldr=" ".join(clean_text(_as_text(data.get("tldr"))).split()),  # optional: "" if absent
    )


def clean_translation(text: str, source: str = "") -> str:
    """A /translate answer as plain text: the model's leading reasoning removed, and a fence
    wrapping the whole answer unless `source` (the text translated) was fenced itself.
    Markup inside is the user's text translated, so it stays."""
    body = strip_reasoning(text, source)
    fenced = _FENCE.fullmatch(body)
    if fenced and not source.lstrip().startswith("```"):
        body = fenced.group(1)
    body = body.strip()
    if not body:
        raise BadAnswer(f"empty translation: {_preview(text)}")
    return body


def clean_text(text: str) -> str:
    """Remove markdown emphasis and stray reasoning/fence markup, keep LaTeX."""
    text = _EMPHASIS.sub(r"\1", text)
    text = _LEFTOVER_MARKUP.sub("", text)
    return "\n".join(line.strip() for line in text.strip().splitlines()).strip()


def _takeaways(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[Any] = _split_list(value)
    elif isinstance(value, list):
        items = value
    else:
        return ()
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):  # {"point": "..."} and similar
            item = next((v for v in item.values() if isinstance(v, str)), "")
        line = _LIST_MARKER.sub("", clean_text(_as_text(item))).strip()
        if line and line not in out and not _looks_like_json(line):
            out.append(line)
    return tuple(out[:MAX_TAKEAWAYS])


def _split_list(text: str) -> list[str]:
    """A numbered or bulleted list given as one string: "1. a\n2. b" or "1. a 2. b"."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > 1:
        return lines
    parts = re.split(r"(?:^|\s)(?=\(?\d{1,2}[.)]\s)|\s*[;；]\s*", text)
    return [p for p in parts if p.strip()]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_as_text(v) for v in value)
    return str(value)


def _looks_like_json(text: str) -> bool:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True


def _preview(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[:limit] + "…")
