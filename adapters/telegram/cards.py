"""One Telegram message per paper card, and the digest header.

A card never disappears for being long: the translated abstract is shortened first, then
the original abstract, the summary and the takeaways, and the card links to the full text.
"""

from __future__ import annotations

from dataclasses import replace

from adapters.telegram.markup import (
    ELLIPSIS,
    Piece,
    join,
    link,
    one_line,
    paragraphs,
    shorten,
    tag,
    text,
    utf16_len,
)
from bot.labels import label, notice, quiet_text
from bot.models import Digest, PaperCard

MAX_AUTHORS = 8
# Shortened in this order when a card is over budget (the rest is never cut).
SHRINK_ORDER = ("abstract_tr", "abstract", "summary", "takeaways", "title_tr", "comment")


def authors_line(authors: tuple[str, ...], lang: str) -> str:
    shown = ", ".join(one_line(a) for a in authors[:MAX_AUTHORS])
    more = len(authors) - MAX_AUTHORS
    return f"{shown} {ELLIPSIS} +{more} {label(lang, 'more_authors')}" if more > 0 else shown


def _fields(card: PaperCard) -> dict[str, str]:
    t = card.text
    takeaways = "\n".join(
        f"{i}. {one_line(k)}" for i, k in enumerate((k for k in t.key_takeaways if k.strip()), 1)
    )
    unavailable = t.source == "unavailable"
    return {
        "comment": one_line(card.paper.comment or ""),
        "summary": "" if unavailable else paragraphs(t.summary),
        "takeaways": "" if unavailable else takeaways,
        "title_tr": one_line(t.title_translation or ""),
        "abstract_tr": paragraphs(t.abstract_translation or ""),
        "abstract": paragraphs(card.paper.abstract) if unavailable else "",
    }


def _assemble(
    card: PaperCard, prefix: str, f: dict[str, str], cut: bool, with_notice: bool
) -> Piece:
    lang = card.text.language
    paper, links = card.paper, card.links
    head = join([text(prefix), tag("b", link(links.abs, text(one_line(paper.title))))])
    lines: list[Piece] = [head]
    if paper.authors:
        lines.append(tag("i", text(authors_line(paper.authors, lang))))
    cats = [paper.primary_category] + [c for c in paper.categories if c != paper.primary_category]
    meta = " · ".join(c for c in cats if c)
    if f["comment"]:
        meta = f"{meta} | {f['comment']}" if meta else f["comment"]
    if meta:
        lines.append(text(meta))
    if card.text.source == "offline":
        lines.append(tag("i", text(f"ℹ️ {label(lang, 'offline')}")))
    elif card.text.source == "unavailable":
        lines.append(tag("b", text(f"⚠️ {label(lang, 'unavailable')}")))
    blocks: list[Piece] = [join(lines, "\n")]
    if f["summary"]:
        blocks.append(join([tag("b", text(label(lang, "summary"))), text(f["summary"])], "\n"))
    if f["takeaways"]:
        blocks.append(
            join([tag("b", text(label(lang, "takeaways"))), text(f["takeaways"])], "\n")
        )
    if f["title_tr"]:
        blocks.append(join([tag("b", text(label(lang, "title") + ":")), text(f["title_tr"])], " "))
    for key, name in (("abstract_tr", "abstract_translation"), ("abstract", "abstract")):
        if f[key]:
            quote = tag("blockquote", text(f[key]), " expandable")
            blocks.append(join([tag("b", text(label(lang, name))), quote], "\n"))
    foot = [link(links.abs, text(f"arXiv:{paper.id}v{paper.version}")),
            link(links.pdf, text("PDF")), link(links.papers_cool, text("papers.cool"))]
    footer = join(foot, " · ")
    if cut:
        note = join([text(f"✂️ {label(lang, 'truncated')}: "), link(links.abs, text(links.abs))])
        footer = join([footer, note], "\n")
    blocks.append(footer)
    if with_notice and card.text.source != "unavailable":
        blocks.append(tag("i", text(notice(lang))))
    return join(blocks, "\n\n")


def render_card(card: PaperCard, prefix: str, budget: int, with_notice: bool = True) -> Piece:
    """Render a card within `budget` visible UTF-16 units, shortening the long parts.

    `with_notice`: a card sent on its own carries the machine-generated notice (a digest's
    header has it for all its cards)."""
    fields = _fields(card)
    piece = _assemble(card, prefix, fields, cut=False, with_notice=with_notice)
    if utf16_len(piece[1]) <= budget:
        return piece
    for key in SHRINK_ORDER:
        piece = _assemble(card, prefix, fields, cut=True, with_notice=with_notice)
        excess = utf16_len(piece[1]) - budget
        if excess <= 0:
            return piece
        keep = utf16_len(fields[key]) - excess
        fields[key] = shorten(fields[key], keep) if keep >= 40 else ""
    piece = _assemble(card, prefix, fields, cut=True, with_notice=with_notice)
    if utf16_len(piece[1]) <= budget:
        return piece
    # Only a pathological title or author list can get here: cut the title itself.
    excess = utf16_len(piece[1]) - budget
    title = one_line(card.paper.title)
    short_paper = replace(
        card.paper,
        title=shorten(title, max(20, utf16_len(title) - excess - 1)),
        authors=card.paper.authors[:3],
    )
    return _assemble(PaperCard(short_paper, card.text), prefix, fields, cut=True,
                     with_notice=with_notice)


def digest_header(digest: Digest) -> Piece:
    """Topic, announcement date, paper count and the machine-generated notice."""
    lang = digest.language
    title = f"📰 {digest.topic}"
    if digest.announced is not None:
        title += f" · arXiv {label(lang, 'announced')} {digest.announced.isoformat()}"
    lines: list[Piece] = [tag("b", text(title))]
    if digest.quiet is not None:
        lines.append(text(quiet_text(lang, digest.quiet, digest.topic)))
    else:
        count = f"{len(digest.cards)} {label(lang, 'papers')}"
        lines.append(text(count))
        if digest.omitted:
            lines.append(text(f"+{digest.omitted} {label(lang, 'omitted')}"))
        lines.append(tag("i", text(notice(lang))))
    return join(lines, "\n")
