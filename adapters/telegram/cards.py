"""One Telegram message per paper card, and the digest header.

The parts come in bot.card_view's order; both abstracts sit in expandable quotes. A card
never disappears for being long: the original abstract is shortened first, then the
translated one, the summary and the takeaways, and the card says so with a link to the
full text.
"""

from __future__ import annotations

from dataclasses import replace

from adapters.telegram.markup import (
    Piece,
    join,
    link,
    shorten,
    tag,
    text,
    utf16_len,
)
from bot.card_view import CardView, authors_line, card_view
from bot.labels import label, notice, quiet_text
from bot.models import Digest, PaperCard
from bot.ranking.reasons import ranking_footer, ranking_header

MAX_AUTHORS = 8
# Shortened in this order when a card is over budget (the rest is never cut).
SHRINK_ORDER = ("abstract", "abstract_tr", "summary", "takeaways", "title_tr", "comment")


def _fields(view: CardView) -> dict[str, str]:
    return {
        "comment": view.comment,
        "summary": view.summary,
        "takeaways": "\n".join(f"{i}. {k}" for i, k in enumerate(view.takeaways, 1)),
        "title_tr": view.title_translation,
        "abstract_tr": view.abstract_translation,
        "abstract": view.abstract,
    }


def _head(view: CardView, prefix: str, f: dict[str, str]) -> Piece:
    lines = []
    lines.append(join([text(prefix), tag("b", link(view.links.abs, text(view.title)))]))
    if f["title_tr"]:
        lines.append(tag("b", text(f["title_tr"])))
    if view.authors:
        lines.append(tag("i", text(authors_line(view, MAX_AUTHORS))))
    meta = " · ".join(view.categories)
    if f["comment"]:
        meta = f"{meta} | {f['comment']}" if meta else f["comment"]
    if meta:
        lines.append(text(meta))
    if view.reason:
        lines.append(tag("i", text(f"🎯 {view.reason}")))
    if view.status:
        warn = view.source == "unavailable"
        lines.append(tag("b" if warn else "i", text(f"{'⚠️' if warn else 'ℹ️'} {view.status}")))
    return join(lines, "\n")


def _assemble(view: CardView, prefix: str, f: dict[str, str], cut: str) -> Piece:
    """The card message; `cut` names the label that says what was shortened ("" for none)."""
    lang, links = view.language, view.links
    blocks: list[Piece] = [_head(view, prefix, f)]
    for key, name in (("summary", "summary"), ("takeaways", "takeaways")):
        if f[key]:
            blocks.append(join([tag("b", text(label(lang, name))), text(f[key])], "\n"))
    quotes: list[Piece] = []
    for key, name in (("abstract_tr", "abstract_translation"), ("abstract", "abstract")):
        if f[key]:
            quote = tag("blockquote", text(f[key]), " expandable")
            quotes.append(join([tag("b", text(label(lang, name))), quote], "\n"))
    if quotes:
        blocks.append(join(quotes, "\n"))
    foot = [link(links.abs, text(f"arXiv:{view.version_id}")), link(links.pdf, text("PDF")),
            link(links.html, text("HTML")), link(links.papers_cool, text("papers.cool"))]
    if links.web:
        foot.append(link(links.web, text(label(lang, "web"))))
    footer = join(foot, " · ")
    if cut:
        note = join([text(f"✂️ {label(lang, cut)}: "), link(links.abs, text(links.abs))])
        footer = join([footer, note], "\n")
    blocks.append(footer)
    if view.with_notice:
        blocks.append(tag("i", text(notice(lang))))
    return join(blocks, "\n\n")


def render_card(card: PaperCard, prefix: str, budget: int, with_notice: bool = True) -> Piece:
    """Render a card within `budget` visible UTF-16 units, shortening the long parts.

    `with_notice`: a card sent on its own carries the machine-generated notice (a digest's
    header has it for all its cards)."""
    view = card_view(card, with_notice)
    fields = _fields(view)
    piece = _assemble(view, prefix, fields, cut="")
    if utf16_len(piece[1]) <= budget:
        return piece
    cut_keys: set[str] = set()
    for key in SHRINK_ORDER:
        # measured with the longer note; the one shown may be shorter
        excess = utf16_len(_assemble(view, prefix, fields, "abstract_cut")[1]) - budget
        if excess <= 0:
            break
        keep = utf16_len(fields[key]) - excess
        shorter = shorten(fields[key], keep) if keep >= 40 else ""
        if shorter != fields[key]:
            cut_keys.add(key)
        fields[key] = shorter
    cut = "abstract_cut" if cut_keys == {"abstract"} else "truncated"
    piece = _assemble(view, prefix, fields, cut)
    if utf16_len(piece[1]) <= budget:
        return piece
    # Only a pathological title or author list can get here: cut the title itself.
    excess = utf16_len(piece[1]) - budget
    title = shorten(view.title, max(20, utf16_len(view.title) - excess - 1))
    return _assemble(replace(view, title=title, authors=view.authors[:3]), prefix, fields, cut)


def digest_header(digest: Digest) -> Piece:
    """Topic, announcement date, paper count and the machine-generated notice."""
    lang = digest.language
    title = f"📰 {digest.topic}"
    if digest.announced is not None:
        title += f" · arXiv {label(lang, 'announced')} {digest.announced.isoformat()}"
    lines: list[Piece] = [tag("b", text(title))]
    if digest.quiet is not None:
        lines.append(text(quiet_text(lang, digest.quiet, digest.topic, digest.generated_at)))
    else:
        ranked = ranking_header(digest)
        count = ranked or f"{len(digest.cards)} {label(lang, 'papers')}"
        lines.append(text(count))
        if digest.omitted and not ranked:
            lines.append(text(f"+{digest.omitted} {label(lang, 'omitted')}"))
        lines.append(tag("i", text(notice(lang))))
        if footer := ranking_footer(digest):
            lines.append(tag("i", text(footer)))
    return join(lines, "\n")
