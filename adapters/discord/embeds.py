"""One paper card as one Discord embed dict, within Discord's embed limits.

Text from arXiv and the LLM is escaped (titles are full of `_`, `*` and LaTeX) and
mentions are neutralised; a card that does not fit is shortened with a link, never dropped.
"""

from __future__ import annotations

import re
from typing import Any

from discord.utils import escape_markdown, escape_mentions

from bot.labels import label, notice, short_authors, status_line
from bot.models import PaperCard

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
COLOR = 0xB31B1B  # arXiv red

_SHORTENED = {"en": "shortened to fit Discord; full text", "zh": "内容过长已截断,全文见"}
_CONT = {"en": "cont.", "zh": "续"}


def _lang_text(table: dict[str, str], language: str) -> str:
    return table.get(language.split("-")[0], table["en"])


def safe(text: str) -> str:
    """Escape Markdown and break mentions, for text Discord renders as Markdown."""
    return escape_mentions(escape_markdown(text.strip()))


def plain(text: str) -> str:
    """Break mentions only, for places Discord shows verbatim (footer, author)."""
    return escape_mentions(text.strip())


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
    parts = chunks(text, FIELD_VALUE_MAX)
    cont = _lang_text(_CONT, language)
    return [
        {"name": name if i == 0 else f"{name} ({cont})", "value": part, "inline": False}
        for i, part in enumerate(parts)
    ]


def _takeaway_fields(items: tuple[str, ...], language: str) -> list[dict[str, Any]]:
    lines = [clip(f"{i}. {safe(t)}", FIELD_VALUE_MAX) for i, t in enumerate(items, 1) if t.strip()]
    values: list[str] = []
    for line in lines:
        if values and len(values[-1]) + 1 + len(line) <= FIELD_VALUE_MAX:
            values[-1] += "\n" + line
        else:
            values.append(line)
    name = label(language, "takeaways")
    cont = _lang_text(_CONT, language)
    return [{"name": name if i == 0 else f"{name} ({cont})", "value": v, "inline": False}
            for i, v in enumerate(values)]


def card_embed(
    card: PaperCard, url: str | None = None, with_notice: bool = True
) -> dict[str, Any]:
    """The embed for one card; `url` overrides the abs link (embeds sharing a URL merge).

    A card on its own carries the machine-generated notice in its footer (a digest's header
    has it for all its cards)."""
    paper, text, links = card.paper, card.text, card.links
    lang = text.language
    description: list[str] = []
    if status := status_line(text):
        description.append(f"*{safe(status)}*")
    if text.title_translation and text.title_translation.strip() != paper.title.strip():
        description.append(f"**{safe(text.title_translation)}**")
    if text.summary.strip():
        description.append(safe(text.summary))
    fields = _takeaway_fields(text.key_takeaways, lang)
    abstract_fields: list[dict[str, Any]] = []
    if text.abstract_translation and text.abstract_translation.strip():
        abstract_fields += _fields(label(lang, "abstract_translation"),
                                   safe(text.abstract_translation), lang)
    if text.source != "llm" and paper.abstract.strip():
        abstract_fields += _fields(label(lang, "abstract"), safe(paper.abstract), lang)
    link_line = f"[abs]({links.abs}) · [PDF]({links.pdf}) · [papers.cool]({links.papers_cool})"
    links_field = {"name": label(lang, "links"), "value": link_line, "inline": False}
    footer = " · ".join(c for c in dict.fromkeys((paper.primary_category, *paper.categories))
                        if c)
    if paper.comment:
        footer += f" · {label(lang, 'comment')}: {paper.comment}"
    embed: dict[str, Any] = {
        "type": "rich",
        "title": clip(safe(re.sub(r"\s+", " ", paper.title)) or paper.id, TITLE_MAX),
        "url": url or links.abs,
        "color": COLOR,
        "description": clip("\n\n".join(description), DESCRIPTION_MAX),
        "fields": fields + abstract_fields + [links_field],
        "footer": {"text": _footer(f"arXiv:{paper.id}v{paper.version} · {footer}",
                                   notice(lang) if with_notice and text.source != "unavailable"
                                   else "")},
    }
    if paper.authors:
        embed["author"] = {"name": clip(plain(short_authors(paper.authors, lang)), AUTHOR_MAX)}
    if not embed["description"]:
        del embed["description"]
    return _fit(embed, lang, links.abs)


def _footer(meta: str, note: str) -> str:
    """Id, categories and comment, then the notice on its own line; only the comment is cut."""
    if not note:
        return clip(plain(meta), FOOTER_MAX)
    return f"{clip(plain(meta), FOOTER_MAX - len(note) - 1)}\n{note}"


def _fit(embed: dict[str, Any], language: str, abs_url: str) -> dict[str, Any]:
    """Shrink an oversized embed: drop trailing content fields, then cut the description,
    and say it was shortened with a link to the full text."""
    note = f"*{_lang_text(_SHORTENED, language)}: [arXiv]({abs_url})*"
    if embed_size(embed) <= EMBED_TOTAL_MAX:
        return embed
    fields = embed["fields"]
    links_field = fields.pop()
    fields.append({"name": "…", "value": note, "inline": False})
    while embed_size(embed) + len(links_field["value"]) + len(links_field["name"]) \
            > EMBED_TOTAL_MAX and len(fields) > 1:
        fields.pop(-2)
    fields.append(links_field)
    overflow = embed_size(embed) - EMBED_TOTAL_MAX
    if overflow > 0 and "description" in embed:
        embed["description"] = clip(embed["description"],
                                    max(len(embed["description"]) - overflow, 1))
    return embed
