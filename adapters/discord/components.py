"""The core's button rows as Discord message components, and a compact digest as embeds.

Components are plain JSON (action rows of buttons) so the outbox stores exactly what is
sent; `sender.RawView` hands them to discord.py unchanged. Limits are Discord's: at most 5
action rows of 5 buttons, labels ≤ 80 characters, `custom_id` 1–100 characters, link buttons
(style 5) carry a url and no custom_id.
"""

from __future__ import annotations

from typing import Any

from adapters.discord.embeds import COLOR, DESCRIPTION_MAX, EMBED_TOTAL_MAX, clip, safe
from bot.buttons.compact import PER_MESSAGE, CompactEntry, counts_line, entry, tap_hint
from bot.buttons.keyboards import Rows, number_buttons
from bot.labels import label, notice
from bot.models import Digest

ACTION_ROW = 1
BUTTON = 2
PRIMARY, SECONDARY, SUCCESS, LINK = 1, 2, 3, 5
MAX_ROWS = 5
MAX_ROW_BUTTONS = 5
LABEL_MAX = 80
CUSTOM_ID_MAX = 100
CONTENT_MAX = 2000


def components(rows: Rows) -> list[dict[str, Any]]:
    """Button rows as action rows: an active signal is green with a check; rows beyond
    Discord's five, buttons beyond five a row and payloads over 100 characters are dropped
    (the core keeps within them; this only guards a message from being refused)."""
    out: list[dict[str, Any]] = []
    for row in rows[:MAX_ROWS]:
        buttons: list[dict[str, Any]] = []
        for b in row[:MAX_ROW_BUTTONS]:
            shown = clip(f"{b.label} ✓" if b.active else b.label, LABEL_MAX) or "?"
            if b.url:
                buttons.append({"type": BUTTON, "style": LINK, "label": shown, "url": b.url})
            elif 0 < len(b.data) <= CUSTOM_ID_MAX:
                style = SUCCESS if b.active else (PRIMARY if b.label.isdigit() else SECONDARY)
                buttons.append({"type": BUTTON, "style": style, "label": shown,
                                "custom_id": b.data})
        if buttons:
            out.append({"type": ACTION_ROW, "components": buttons})
    return out


def _entry(e: CompactEntry) -> str:
    head = f"**{e.number}.** [{safe(e.title)}]({e.url})"
    meta = " · ".join(p for p in (f"*{safe(e.authors)}*" if e.authors else "",
                                  safe(e.categories)) if p)
    reason = f"🎯 *{safe(e.reason)}*" if e.reason else ""
    return "\n".join(p for p in (head, meta, safe(e.tldr), reason) if p)


def compact_header(digest: Digest) -> str:
    """Topic and announcement date, what was shown of what matched, and the notice."""
    lang = digest.language
    title = f"**{safe(digest.topic)}**"
    if digest.announced is not None:
        title += f" · arXiv {label(lang, 'announced')} {digest.announced.isoformat()}"
    lines = [title, safe(counts_line(digest)), f"> {safe(notice(lang))}"]
    return clip("\n".join(lines), CONTENT_MAX)


def _page_embed(description: str, footer: str) -> dict[str, Any]:
    embed: dict[str, Any] = {"description": description, "color": COLOR}
    if footer:
        embed["footer"] = {"text": footer}
    return embed


def compact_digest(digest: Digest, per_message: int = PER_MESSAGE) -> list[dict[str, Any]]:
    """The header and the first papers in one message, then `per_message` papers a message:
    one embed listing the entries, and number buttons under it. A page whose entries would
    pass an embed's 4096 characters holds fewer papers."""
    cards = list(digest.cards)
    out: list[dict[str, Any]] = []
    start = 0
    hint = clip(tap_hint(digest), 2048)
    while start < len(cards):
        texts: list[str] = []
        for n, card in enumerate(cards[start : start + per_message], start + 1):
            text = clip(_entry(entry(card, n, digest.language)), DESCRIPTION_MAX)
            if texts and len("\n\n".join([*texts, text])) + len(hint) > min(
                    DESCRIPTION_MAX, EMBED_TOTAL_MAX):
                break
            texts.append(text)
        chunk = cards[start : start + len(texts)]
        last = start + len(texts) == len(cards)
        embed = _page_embed("\n\n".join(texts), hint if last else "")
        body = {"content": compact_header(digest) if start == 0 else "", "embeds": [embed],
                "allowed_mentions": {"parse": []}}
        rows = number_buttons([c.paper for c in chunk], start + 1, digest.language)
        body["components"] = components(rows)
        out.append(body)
        start += len(texts)
    return out
