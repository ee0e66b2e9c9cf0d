"""Markdown (terminal and files) and JSON renderings of cards and digests.

Titles and abstracts carry LaTeX and stray markup (`$x_1$`, `\\emph{}`, `<`, `*`): Markdown
escaping keeps them literal, so what a reader sees is exactly what arXiv published.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.labels import label, notice, quiet_text, short_authors, status_line
from bot.models import Digest, PaperCard, Reply

# Only what changes meaning mid-line: brackets (links), emphasis, code, HTML, tables, ~~.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def escape_md(text: str) -> str:
    """Backslash-escape Markdown punctuation so text renders literally."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def unescape_md(text: str) -> str:
    return re.sub(r"\\([\\`*_\[\]<>|~])", r"\1", text)


def card_markdown(card: PaperCard) -> str:
    p, t = card.paper, card.text
    lang = t.language
    lines = [f"### [{escape_md(p.title)}]({card.links.abs})", ""]
    if t.title_translation:
        lines += [f"*{escape_md(t.title_translation)}*", ""]
    lines.append(f"**{label(lang, 'authors')}:** {escape_md(short_authors(p.authors, lang))}  ")
    meta = f"**{label(lang, 'categories')}:** {escape_md(', '.join(p.categories))}"
    if p.comment:
        meta += f" · **{label(lang, 'comment')}:** {escape_md(p.comment)}"
    lines += [meta, ""]
    status = status_line(t)
    if status:
        lines += [f"> _{escape_md(status)}_", ""]
    if t.summary:
        lines += [f"**{label(lang, 'summary')}:** {escape_md(t.summary)}", ""]
    if t.key_takeaways:
        lines.append(f"**{label(lang, 'takeaways')}:**")
        lines += [f"{i}. {escape_md(k)}" for i, k in enumerate(t.key_takeaways, 1)]
        lines.append("")
    if t.abstract_translation:
        lines += [
            f"**{label(lang, 'abstract_translation')}:** {escape_md(t.abstract_translation)}",
            "",
        ]
    if t.source != "llm":
        lines += [f"**{label(lang, 'abstract')}:** {escape_md(p.abstract)}", ""]
    ln = card.links
    links = f"[abs]({ln.abs}) · [PDF]({ln.pdf}) · [papers.cool]({ln.papers_cool})"
    lines += [f"**{label(lang, 'links')}:** {links}", ""]
    return "\n".join(lines)


def digest_markdown(digest: Digest) -> str:
    lang = digest.language
    when = digest.announced.isoformat() if digest.announced else "-"
    head = [
        f"## {escape_md(digest.topic)} · {when} · {len(digest.cards)} {label(lang, 'papers')}",
        "",
        f"> {escape_md(notice(lang))}",
        "",
    ]
    if digest.quiet:
        head += [escape_md(quiet_text(lang, digest.quiet, digest.topic)), ""]
    body = [card_markdown(c) for c in digest.cards]
    tail = [f"_+{digest.omitted} {label(lang, 'omitted')}_", ""] if digest.omitted else []
    return "\n".join(head) + "\n---\n\n".join(body) + "\n".join(tail)


def reply_markdown(reply: Reply) -> str:
    parts = [escape_md(reply.text)] if reply.text else []
    parts += [card_markdown(c) for c in reply.cards]
    parts += [digest_markdown(d) for d in reply.digests]
    return "\n\n".join(parts)


def card_json(card: PaperCard) -> dict[str, Any]:
    p, t = card.paper, card.text
    return {
        "id": p.id,
        "version": p.version,
        "title": p.title,
        "authors": list(p.authors),
        "categories": list(p.categories),
        "primary_category": p.primary_category,
        "comment": p.comment,
        "announce_type": p.announce_type,
        "abstract": p.abstract,
        "summary": t.summary or None,
        "key_takeaways": list(t.key_takeaways),
        "title_translation": t.title_translation,
        "abstract_translation": t.abstract_translation,
        "summary_source": t.source,
        "language": t.language,
        "links": {
            "abs": card.links.abs,
            "pdf": card.links.pdf,
            "papers_cool": card.links.papers_cool,
        },
    }


def digests_json(digests: Sequence[Digest], generated_at: datetime) -> dict[str, Any]:
    return {
        "generated_at": generated_at.isoformat(),
        "topics": [
            {
                "name": d.topic,
                "announced": d.announced.isoformat() if d.announced else None,
                "language": d.language,
                "notice": notice(d.language),
                "quiet_reason": quiet_text(d.language, d.quiet, d.topic) if d.quiet else None,
                "omitted": d.omitted,
                "papers": [card_json(c) for c in d.cards],
            }
            for d in digests
        ],
    }


class ConsoleRenderer:
    """bot.ports.Renderer for a terminal: one Markdown payload per reply or digest."""

    def reply(self, reply: Reply) -> list[dict[str, Any]]:
        text = reply_markdown(reply)
        return [{"text": text}] if text.strip() else []

    def digest(self, digest: Digest) -> list[dict[str, Any]]:
        return [{"text": digest_markdown(digest)}]
