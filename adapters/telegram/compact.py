"""The compact digest in Telegram HTML: ten papers a message with number buttons, and the
inline keyboards every button row becomes (callback_data ≤ 64 bytes, checked by the codec)."""

from __future__ import annotations

from typing import Any

from adapters.telegram.cards import digest_header
from adapters.telegram.markup import BUDGET, Piece, join, link, payload, tag, text, utf16_len
from bot.buttons.compact import PER_MESSAGE, CompactEntry, counts_line, entry, tap_hint
from bot.buttons.keyboards import Rows, number_buttons
from bot.labels import label, notice
from bot.models import Digest


def inline_keyboard(rows: Rows) -> dict[str, Any]:
    """Button rows as Telegram's InlineKeyboardMarkup (JSON): a check marks an active one."""
    keyboard = []
    for row in rows:
        out = []
        for b in row:
            shown = f"{b.label} ✓" if b.active else b.label
            out.append({"text": shown, "url": b.url} if b.url
                       else {"text": shown, "callback_data": b.data})
        keyboard.append(out)
    return {"inline_keyboard": keyboard}


def _entry(e: CompactEntry) -> Piece:
    head = join([tag("b", text(f"{e.number}.")), link(e.url, text(e.title))], " ")
    meta = join([tag("i", text(e.authors)), text(e.categories)], " · ")
    lines = [head, meta]
    if e.tldr:
        lines.append(text(e.tldr))
    if e.reason:
        lines.append(tag("i", text(f"🎯 {e.reason}")))
    return join(lines, "\n")


def _header(digest: Digest) -> Piece:
    lang = digest.language
    title = f"📰 {digest.topic}"
    if digest.announced is not None:
        title += f" · arXiv {label(lang, 'announced')} {digest.announced.isoformat()}"
    return join([tag("b", text(title)), text(counts_line(digest)),
                 tag("i", text(notice(lang)))], "\n")


def compact_digest(digest: Digest, per_message: int = PER_MESSAGE) -> list[dict[str, Any]]:
    """Header and the first papers in one message, then `per_message` papers a message,
    each with its number buttons; a page over Telegram's limit holds fewer papers."""
    if digest.quiet is not None or not digest.cards:
        return [payload(digest_header(digest))]
    cards = list(digest.cards)
    out: list[dict[str, Any]] = []
    start = 0
    while start < len(cards):
        take = min(per_message, len(cards) - start)
        while True:
            chunk = cards[start : start + take]
            blocks = [_header(digest)] if start == 0 else []
            blocks += [_entry(entry(c, n, digest.language))
                       for n, c in enumerate(chunk, start + 1)]
            if start + take == len(cards):
                blocks.append(tag("i", text(tap_hint(digest))))
            piece = join(blocks, "\n\n")
            if utf16_len(piece[1]) <= BUDGET or take == 1:
                break
            take -= 1
        message = payload(piece)
        rows = number_buttons([c.paper for c in chunk], start + 1, digest.language)
        message["reply_markup"] = inline_keyboard(rows)
        out.append(message)
        start += take
    return out
