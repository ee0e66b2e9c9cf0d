"""A card's parts in the order every renderer shows them, with TeX already as Unicode.

Telegram, Discord and the terminal differ in markup and limits, not in what a card says or
in which order: title, its translation, authors, categories and comment, summary, numbered
takeaways, translated abstract, original abstract, links, the machine-generated notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.labels import label, status_line
from bot.models import Links, PaperCard, SummarySource
from bot.ranking.reasons import reason_line
from bot.tex import tex_to_text

# arXiv asks for abstracts in English, so its metadata is the original in English.
PAPER_LANGUAGE = "en"
MAX_AUTHORS = 20  # collaborations list thousands; no card shows more than this
PARTS = (
    "title", "title_translation", "authors", "meta", "summary", "takeaways",
    "abstract_translation", "abstract", "links", "notice",
)
"""The order of a card's parts on every platform (tests check each renderer against it)."""


def one_line(value: str) -> str:
    """Titles arrive hard-wrapped with two-space continuations: make them one line."""
    return " ".join(value.split())


def paragraphs(value: str) -> str:
    """Join hard-wrapped lines, keep blank-line paragraph breaks."""
    parts = re.split(r"\n\s*\n", value.strip())
    return "\n\n".join(one_line(p) for p in parts if p.strip())


def authors_line(view: CardView, keep: int) -> str:
    """The first `keep` authors, then how many more ("… +32 more")."""
    shown = ", ".join(view.authors[:keep])
    more = view.author_count - min(keep, len(view.authors))
    return f"{shown} … +{more} {label(view.language, 'more_authors')}" if more > 0 else shown


def _same(a: str, b: str) -> bool:
    return one_line(a).casefold() == one_line(b).casefold()


@dataclass(frozen=True)
class CardView:
    """What one card shows, part by part; empty strings are parts the card leaves out.

    Text is plain Unicode (TeX converted, whitespace tidied), not yet escaped for a platform.
    """

    title: str
    title_translation: str
    authors: tuple[str, ...]  # the first MAX_AUTHORS of them
    author_count: int
    categories: tuple[str, ...]  # primary first
    comment: str
    source: SummarySource
    status: str  # says the card is offline or unavailable; "" for an LLM card
    summary: str
    takeaways: tuple[str, ...]
    abstract_translation: str
    abstract: str
    links: Links
    version_id: str  # "2502.11190v2"
    language: str
    with_notice: bool  # a card on its own; a digest's header carries it for its cards
    reason: str = ""  # why a ranked digest shows it (bot.ranking.reasons), in the language


@lru_cache(maxsize=1024)  # a digest card is rendered for each platform and each chat
def card_view(card: PaperCard, with_notice: bool = True) -> CardView:
    """The parts of `card`; a reader of the paper's own language gets no translations."""
    paper, text = card.paper, card.text
    translated = text.language.lower().split("-")[0].split("_")[0] != PAPER_LANGUAGE
    title_tr = text.title_translation or ""
    abstract_tr = text.abstract_translation or ""
    if not translated or _same(title_tr, paper.title):
        title_tr = ""
    if not translated or _same(abstract_tr, paper.abstract):
        abstract_tr = ""
    llm_text = text.source != "unavailable"
    cats = (paper.primary_category, *paper.categories)
    return CardView(
        title=one_line(tex_to_text(paper.title)),
        title_translation=one_line(tex_to_text(title_tr)),
        authors=tuple(one_line(tex_to_text(a)) for a in paper.authors[:MAX_AUTHORS]),
        author_count=len(paper.authors),
        categories=tuple(c for c in dict.fromkeys(cats) if c),
        comment=one_line(tex_to_text(paper.comment or "")),
        source=text.source,
        status=status_line(text) or "",
        summary=paragraphs(tex_to_text(text.summary)) if llm_text else "",
        takeaways=tuple(one_line(tex_to_text(k)) for k in text.key_takeaways if k.strip())
        if llm_text else (),
        abstract_translation=paragraphs(tex_to_text(abstract_tr)),
        abstract=paragraphs(tex_to_text(paper.abstract)),
        links=card.links,
        version_id=f"{paper.id}v{paper.version}",
        language=text.language,
        with_notice=with_notice and llm_text,
        reason=reason_line(text.language, card.reason),
    )
