"""Markdown (terminal and files) and JSON renderings of cards and digests.

Titles and abstracts carry LaTeX and stray markup (`$x_1$`, `\\emph{}`, `<b>`, `*`): they are
escaped only where Markdown would misread them (markdown_escape.py), so the raw text a
terminal shows is clean and a Markdown viewer shows exactly what arXiv published.
JSON keeps every value raw.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.console.markdown_escape import escape_md, unescape_md
from bot.labels import label, notice, quiet_text, short_authors, status_line
from bot.models import Digest, PaperCard, Reply

__all__ = [
    "card_json",
    "card_markdown",
    "digest_markdown",
    "digests_json",
    "escape_md",
    "reply_markdown",
    "unescape_md",
]


def card_markdown(card: PaperCard, with_notice: bool = True) -> str:
    """One card; a card on its own carries the machine-generated notice (a digest has it in
    its header instead)."""
    p, t = card.paper, card.text
    lang = t.language
    lines = [f"### [{escape_md(p.title)}]({card.links.abs})", ""]
    if t.title_translation:
        lines += [f"*{escape_md(t.title_translation, wrapped=True)}*", ""]
    # Authors and meta share one paragraph: a delimiter in one could pair with the other.
    authors = escape_md(short_authors(p.authors, lang), wrapped=True)
    lines.append(f"**{label(lang, 'authors')}:** {authors}  ")
    meta = f"**{label(lang, 'categories')}:** {escape_md(', '.join(p.categories))}"
    if p.comment:
        meta += f" · **{label(lang, 'comment')}:** {escape_md(p.comment, wrapped=True)}"
    lines += [meta, ""]
    status = status_line(t)
    if status:
        lines += [f"> _{escape_md(status, wrapped=True)}_", ""]
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
    links = (f"[arXiv:{p.id}v{p.version}]({ln.abs}) · [PDF]({ln.pdf}) · "
             f"[papers.cool]({ln.papers_cool})")
    lines += [f"**{label(lang, 'links')}:** {links}", ""]
    if with_notice and t.source != "unavailable":
        lines += [f"> {escape_md(notice(lang))}", ""]
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
    body = [card_markdown(c, with_notice=False) for c in digest.cards]
    tail = [f"_+{digest.omitted} {label(lang, 'omitted')}_", ""] if digest.omitted else []
    return "\n".join(head) + "\n---\n\n".join(body) + "\n".join(tail)


def reply_markdown(reply: Reply) -> str:
    parts = [escape_md(reply.text)] if reply.text else []
    parts += [card_markdown(c) for c in reply.cards]
    parts += [digest_markdown(d) for d in reply.digests]
    return "\n\n".join(parts)


def card_json(card: PaperCard, with_notice: bool = True) -> dict[str, Any]:
    """Raw values; a card on its own carries the notice (a digest's topic has it once)."""
    p, t = card.paper, card.text
    out: dict[str, Any] = {
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
    if with_notice and t.source != "unavailable":
        out["notice"] = notice(t.language)
    return out


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
                "papers": [card_json(c, with_notice=False) for c in d.cards],
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
