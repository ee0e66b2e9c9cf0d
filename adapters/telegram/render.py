"""Telegram HTML for replies and digests: one message per paper, split under 4096 units.

Pure: no PTB import, so the outbox can store exactly what will be sent.
"""

from __future__ import annotations

from typing import Any

from adapters.telegram.cards import digest_header, render_card
from adapters.telegram.compact import compact_digest, inline_keyboard
from adapters.telegram.markup import BUDGET, payload, prefix_within, shorten, text, utf16_len
from bot.buttons.keyboards import paper_buttons
from bot.models import Digest, ImageRef, PaperCard, Reply

CAPTION_MAX = 1024  # Telegram's limit for a photo's caption


def photo(image: ImageRef) -> dict[str, Any]:
    """A sendPhoto payload: the image by URL (Telegram fetches it), a plain caption within
    1024 units, and as plain text the caption and the link (if Telegram cannot fetch it)."""
    caption = shorten(image.caption, CAPTION_MAX)
    return {"photo": image.url, "caption": caption, "plain": f"{caption}\n{image.url}".strip()}


class TelegramRenderer:
    """Implements bot.ports.Renderer for Telegram's HTML parse mode."""

    def reply(self, reply: Reply) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if reply.text.strip():
            body = f"⚠️ {reply.text}" if reply.is_error else reply.text
            out.extend(payload(text(chunk)) for chunk in split_plain(body, BUDGET))
        for card in reply.cards:
            out.append(self.card(card))
        for digest in reply.digests:
            out.extend(self.digest(digest))
        if reply.image is not None:
            out.append(photo(reply.image))
        if reply.buttons and out:  # under the reply's last message
            out[-1]["reply_markup"] = inline_keyboard(reply.buttons)
        if reply.attachment is not None:  # sent as a document after the text
            a = reply.attachment
            out.append({"document": {"filename": a.filename, "content": a.content,
                                     "mime": a.mime}, "text": "", "plain": ""})
        return out

    def digest(self, digest: Digest) -> list[dict[str, Any]]:
        if digest.style == "compact":
            return compact_digest(digest)
        header = payload(digest_header(digest))
        if digest.quiet is not None:
            return [header]
        total = len(digest.cards)
        cards = []
        for i, card in enumerate(digest.cards, 1):
            message = self.card(card, f"[{i}/{total}] ", with_notice=False)  # header has it
            rows = paper_buttons(card.paper, digest.language)
            message["reply_markup"] = inline_keyboard(rows)
            cards.append(message)
        return [header, *cards]

    def card(self, card: PaperCard, prefix: str = "", with_notice: bool = True) -> dict[str, Any]:
        """One card message; a card on its own carries the machine-generated notice."""
        out = payload(render_card(card, prefix, BUDGET, with_notice))
        out["plain"] += f"\n{card.links.abs}"  # plain text loses the links' targets
        return out


def split_plain(body: str, limit: int) -> list[str]:
    """Split plain text under `limit` units at paragraph, line, then word boundaries."""
    chunks: list[str] = []
    rest = body.strip()
    while utf16_len(rest) > limit:
        window = prefix_within(rest, limit)
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep)
            if cut > len(window) // 3:
                break
            cut = -1
        if cut <= 0:
            cut = len(window)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks
