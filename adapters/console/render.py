"""Markdown (terminal and files) and JSON renderings of cards and digests.

Titles and abstracts carry TeX and stray markup (`$x_1$`, `\\emph{}`, `<b>`, `*`): the TeX
becomes Unicode (bot.tex), and the rest is escaped only where Markdown would misread it
(markdown_escape.py), so the raw text a terminal shows is clean and a Markdown viewer shows
what arXiv published. JSON keeps every value raw, TeX included.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.console.markdown_escape import escape_md, unescape_md
from bot.card_view import authors_line, card_view
from bot.labels import label, notice, quiet_text
from bot.models import Digest, PaperCard, Reply
from bot.ranking.reasons import ranking_footer, ranking_header

MAX_AUTHORS = 10

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
    """One card, parts in bot.card_view's order with TeX as Unicode; a card on its own
    carries the machine-generated notice (a digest has it in its header instead)."""
    v = card_view(card, with_notice)
    lang = v.language
    lines = [f"### [{escape_md(v.title)}]({v.links.abs})", ""]
    if v.title_translation:
        lines += [f"*{escape_md(v.title_translation, wrapped=True)}*", ""]
    # Authors and meta share one paragraph: a delimiter in one could pair with the other.
    authors = escape_md(authors_line(v, MAX_AUTHORS), wrapped=True)
    lines.append(f"**{label(lang, 'authors')}:** {authors}  ")
    meta = f"**{label(lang, 'categories')}:** {escape_md(', '.join(v.categories))}"
    if v.comment:
        meta += f" · **{label(lang, 'comment')}:** {escape_md(v.comment, wrapped=True)}"
    lines += [meta, ""]
    if v.reason:
        lines += [f"🎯 _{escape_md(v.reason, wrapped=True)}_", ""]
    if v.status:
        lines += [f"> _{escape_md(v.status, wrapped=True)}_", ""]
    if v.summary:
        lines += [f"**{label(lang, 'summary')}:** {escape_md(v.summary)}", ""]
    if v.takeaways:
        lines.append(f"**{label(lang, 'takeaways')}:**")
        lines += [f"{i}. {escape_md(k)}" for i, k in enumerate(v.takeaways, 1)]
        lines.append("")
    for text, name in ((v.abstract_translation, "abstract_translation"),
                       (v.abstract, "abstract")):
        if text:
            lines += [f"**{label(lang, name)}:** {escape_md(text)}", ""]
    ln = v.links
    links = (f"[arXiv:{v.version_id}]({ln.abs}) · [PDF]({ln.pdf}) · [HTML]({ln.html}) · "
             f"[papers.cool]({ln.papers_cool})")
    if ln.web:
        links += f" · [{escape_md(label(lang, 'web'))}]({ln.web})"
    lines += [f"**{label(lang, 'links')}:** {links}", ""]
    if v.with_notice:
        lines += [f"> {escape_md(notice(lang))}", ""]
    return "\n".join(lines)


def digest_markdown(digest: Digest) -> str:
    lang = digest.language
    when = digest.announced.isoformat() if digest.announced else "-"
    ranked = ranking_header(digest)
    count = ranked or f"{len(digest.cards)} {label(lang, 'papers')}"
    head = [f"## {escape_md(digest.topic)} · {when} · {escape_md(count)}", "",
            f"> {escape_md(notice(lang))}", ""]
    if footer := ranking_footer(digest):
        head += [f"_{escape_md(footer, wrapped=True)}_", ""]
    if digest.quiet:
        head += [escape_md(quiet_text(lang, digest.quiet, digest.topic, digest.generated_at)), ""]
    body = [card_markdown(c, with_notice=False) for c in digest.cards]
    shown_omitted = digest.omitted and not ranked
    tail = [f"_+{digest.omitted} {label(lang, 'omitted')}_", ""] if shown_omitted else []
    return "\n".join(head) + "\n---\n\n".join(body) + "\n".join(tail)


def reply_markdown(reply: Reply) -> str:
    parts = [escape_md(reply.text)] if reply.text else []
    parts += [card_markdown(c) for c in reply.cards]
    parts += [digest_markdown(d) for d in reply.digests]
    if reply.image is not None:  # a terminal shows no images: the link and the caption
        parts.append(escape_md(f"🖼 {reply.image.url}\n{reply.image.caption}".strip()))
    if reply.attachment is not None:  # a terminal shows the file's text (a .bib export)
        parts.append(f"```\n{reply.attachment.content.rstrip()}\n```")
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
            "html": card.links.html,
            "papers_cool": card.links.papers_cool,
            **({"web": card.links.web} if card.links.web else {}),
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
                "quiet_reason": (
                    quiet_text(d.language, d.quiet, d.topic, d.generated_at) if d.quiet else None
                ),
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
