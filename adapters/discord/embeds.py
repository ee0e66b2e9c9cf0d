"""One paper card as one Discord embed dict, within Discord's embed limits.

Text from arXiv and the LLM has its TeX as Unicode, is escaped (titles are full of `_` and
`*`) and has mentions neutralised; a card that does not fit is shortened with a link, never
dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from discord.utils import escape_markdown, escape_mentions

from bot.card_view import CardView, authors_line, card_view
from bot.labels import label, notice
from bot.models import PaperCard

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
COLOR = 0xB31B1B  # arXiv red

FIELDS_MAX = 25
MAX_AUTHORS = 10
# Cut in this order when a card is over Discord's limits (the rest is never cut).
SHRINK_ORDER = ("abstract", "abstract_tr", "takeaways", "summary")


def safe(text: str) -> str:
    """Escape Markdown and break mentions, for text Discord renders as Markdown."""
    return escape_mentions(escape_markdown(text.strip()))


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut on a word boundary with an ellipsis; never leaves a
    dangling escape backslash."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.7:
        cut = cut[:space]
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut.rstrip() + "…"


def chunks(text: str, limit: int) -> list[str]:
    """Split on sentence or word boundaries into pieces of at most `limit` characters."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind(". "), window.rfind("。"), window.rfind("\n"))
        if cut < limit * 0.5:
            cut = window.rfind(" ")
        if cut < limit * 0.5:
            cut = limit - 1
        cut += 1
        while cut > 1 and (len(rest[:cut]) - len(rest[:cut].rstrip("\\"))) % 2:
            cut -= 1  # keep an escape with the character it escapes
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6000 per embed and per message."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    size += len(embed.get("author", {}).get("name", ""))
    return size + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))


def _fields(name: str, text: str, language: str) -> list[dict[str, Any]]:
    cont = label(language, "continued")
    return [
        {"name": name if i == 0 else f"{name} ({cont})", "value": part, "inline": False}
        for i, part in enumerate(chunks(text, FIELD_VALUE_MAX))
    ]


def _description(view: CardView, summary: str, safe: Callable[[str], str]) -> str:
    lines: list[str] = []
    if view.title_translation:
        lines.append(f"**{safe(view.title_translation)}**")
    if view.authors:
        lines.append(f"*{safe(authors_line(view, MAX_AUTHORS))}*")
    meta = " · ".join(view.categories)
    if view.comment:
        meta = f"{meta} | {view.comment}" if meta else view.comment
    if meta:
        lines.append(safe(meta))
    if view.reason:
        lines.append(f"🎯 *{safe(view.reason)}*")
    if view.status:
        lines.append(f"*{safe(view.status)}*")
    head = "\n".join(lines)
    if not summary:
        return head
    body = f"**{label(view.language, 'summary')}**\n{safe(summary)}"
    return f"{head}\n\n{body}" if head else body


def _build(view: CardView, url: str, parts: dict[str, str], cut: str,
           safe: Callable[[str], str] = safe) -> dict[str, Any]:
    lang, links = view.language, view.links
    fields: list[dict[str, Any]] = []
    for key, name in (("takeaways", "takeaways"), ("abstract_tr", "abstract_translation"),
                      ("abstract", "abstract")):
        if parts[key]:
            fields += _fields(label(lang, name), safe(parts[key]), lang)
    link_line = (f"[arXiv:{view.version_id}]({links.abs}) · [PDF]({links.pdf}) · "
                 f"[HTML]({links.html}) · [papers.cool]({links.papers_cool})")
    if links.web:
        link_line += f" · [{safe(label(lang, 'web'))}]({links.web})"
    if cut:
        link_line += f"\n✂️ *{safe(label(lang, cut))}: [arXiv]({links.abs})*"
    fields.append({"name": label(lang, "links"), "value": link_line, "inline": False})
    embed: dict[str, Any] = {
        "type": "rich",
        "title": clip(safe(view.title) or view.version_id, TITLE_MAX),
        "url": url,
        "color": COLOR,
        "description": _description(view, parts["summary"], safe),
        "fields": fields,
    }
    if view.with_notice:
        embed["footer"] = {"text": clip(notice(lang), FOOTER_MAX)}
    if not embed["description"]:
        del embed["description"]
    return embed


def _fits(embed: dict[str, Any]) -> bool:
    return (embed_size(embed) <= EMBED_TOTAL_MAX and len(embed["fields"]) <= FIELDS_MAX
            and len(embed.get("description", "")) <= DESCRIPTION_MAX)


def card_embed(
    card: PaperCard, url: str | None = None, with_notice: bool = True
) -> dict[str, Any]:
    """The embed for one card; `url` overrides the abs link (embeds sharing a URL merge).

    Parts come in bot.card_view's order: what Discord has no place for in the title goes
    first in the description, the abstracts in fields. A card on its own carries the
    machine-generated notice in its footer (a digest's header has it for all its cards).
    Over Discord's limits the original abstract is cut first, then the translated one, the
    takeaways and the summary, and the card says so."""
    view = card_view(card, with_notice)
    parts = {
        "summary": view.summary,
        "takeaways": "\n".join(f"{i}. {t}" for i, t in enumerate(view.takeaways, 1)),
        "abstract_tr": view.abstract_translation,
        "abstract": view.abstract,
    }
    url = url or view.links.abs
    escape = lru_cache(maxsize=32)(safe)  # a card is rebuilt while it is fitted

    def build(cut: str) -> dict[str, Any]:
        return _build(view, url, parts, cut, escape)

    embed = build("")
    cut_keys: set[str] = set()
    while len(embed.get("description", "")) > DESCRIPTION_MAX and parts["summary"]:
        over = len(embed["description"]) - DESCRIPTION_MAX
        parts["summary"] = clip(parts["summary"], max(len(parts["summary"]) - over, 1))
        cut_keys.add("summary")
        embed = build("truncated")
    for key in SHRINK_ORDER:
        while not _fits(embed) and parts[key]:
            excess = max(embed_size(embed) - EMBED_TOTAL_MAX, 0) + 40  # room for the note
            if len(embed["fields"]) > FIELDS_MAX:
                excess = max(excess, FIELD_VALUE_MAX)
            keep = len(parts[key]) - excess
            parts[key] = clip(parts[key], keep) if keep >= 40 else ""
            cut_keys.add(key)
            embed = build("abstract_cut" if cut_keys == {"abstract"} else "truncated")
    if "description" in embed:  # only a pathological title translation or comment is left
        embed["description"] = clip(embed["description"], DESCRIPTION_MAX)
    return embed
