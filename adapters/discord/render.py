"""Replies and digests as Discord message payloads (pure: values in, dicts out).

A payload is {"content", "embeds", "allowed_mentions"} with optional "components" (action
rows of buttons) and "file" (an attachment's name, text and type): JSON-serialisable, so the
outbox stores exactly what will be sent. Reply cards are packed into messages on card
boundaries within 10 embeds and 6000 embed characters per message; a digest's full cards
go one a message, each with its buttons; content stays within 2000.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.discord.components import compact_digest, components
from adapters.discord.embeds import EMBED_TOTAL_MAX, card_embed, clip, embed_size, safe
from bot.buttons.keyboards import paper_buttons
from bot.labels import label, notice, quiet_text
from bot.models import Attachment, Digest, PaperCard, Reply
from bot.ranking.reasons import ranking_footer, ranking_header

CONTENT_MAX = 2000
EMBEDS_MAX = 10
NO_MENTIONS: dict[str, Any] = {"parse": []}


def message(content: str = "", embeds: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"content": content, "embeds": list(embeds), "allowed_mentions": dict(NO_MENTIONS)}


def split_content(text: str, limit: int = CONTENT_MAX) -> list[str]:
    """Split on line boundaries (words for a single over-long line) into ≤ limit pieces."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            while cut > 1 and (len(line[:cut]) - len(line[:cut].rstrip("\\"))) % 2:
                cut -= 1  # keep an escape with the character it escapes
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def pack(
    cards: Sequence[PaperCard], lead: str = "", with_notice: bool = True
) -> list[dict[str, Any]]:
    """Cards as messages, as many embeds per message as Discord allows; `lead` goes first.

    `with_notice`: each card carries the machine-generated notice (not in a digest, whose
    header has it)."""
    leads = split_content(lead) if lead.strip() else []
    messages: list[dict[str, Any]] = [message(text) for text in leads[:-1]]
    content = leads[-1] if leads else ""
    embeds: list[dict[str, Any]] = []
    size = 0
    urls: set[str] = set()
    for card in cards:
        url = card.links.abs
        while url in urls:  # Discord merges embeds that share a URL
            url += "#" if "#" not in url else "."
        embed = card_embed(card, url, with_notice)
        if embeds and (len(embeds) >= EMBEDS_MAX or size + embed_size(embed) > EMBED_TOTAL_MAX):
            messages.append(message(content, embeds))
            content, embeds, size, urls = "", [], 0, set()
            embed["url"] = card.links.abs
        embeds.append(embed)
        urls.add(embed["url"])
        size += embed_size(embed)
    if embeds or content:
        messages.append(message(content, embeds))
    return messages


def digest_header(digest: Digest) -> str:
    lang = digest.language
    parts = [f"**{safe(digest.topic)}**"]
    if digest.announced:
        parts.append(f"{label(lang, 'announced')} {digest.announced.isoformat()}")
    ranked = ranking_header(digest)
    if digest.cards:
        parts.append(ranked or f"{len(digest.cards)} {label(lang, 'papers')}")
    lines = [" · ".join(parts)]
    if digest.quiet:
        lines.append(safe(quiet_text(lang, digest.quiet, digest.topic, digest.generated_at)))
    if digest.cards:
        lines.append(f"> {safe(notice(lang))}")
    if digest.omitted and not ranked:
        lines.append(f"*+{digest.omitted} {label(lang, 'omitted')}*")
    if footer := ranking_footer(digest):
        lines.append(f"*{safe(footer)}*")
    return clip("\n".join(line for line in lines if line), CONTENT_MAX)


class DiscordRenderer:
    """bot.ports.Renderer for Discord."""

    def reply(self, reply: Reply) -> list[dict[str, Any]]:
        messages = pack(reply.cards, safe(reply.text)) if (reply.text or reply.cards) else []
        for digest in reply.digests:
            messages += self.digest(digest)
        if reply.image is not None:
            image = reply.image
            embed = {"description": clip(safe(image.caption), 4096), "image": {"url": image.url}}
            messages.append(message("", [embed]))
        if reply.buttons and messages:  # under the reply's last message
            messages[-1]["components"] = components(reply.buttons)
        if reply.attachment is not None:  # uploaded with the last message, or on its own
            if not messages:
                messages.append(message())
            messages[-1]["file"] = file_payload(reply.attachment)
        return messages

    def digest(self, digest: Digest) -> list[dict[str, Any]]:
        header = digest_header(digest)
        if digest.quiet or not digest.cards:
            return [message(header)]
        if digest.style == "compact":
            return compact_digest(digest)
        out = [message(header)]
        for card in digest.cards:  # one a message: components belong to a message
            (body,) = pack([card], with_notice=False)
            body["components"] = components(paper_buttons(card.paper, digest.language))
            out.append(body)
        return out


def file_payload(attachment: Attachment) -> dict[str, str]:
    return {"filename": attachment.filename, "content": attachment.content,
            "mime": attachment.mime}
