"""The compact digest: several papers a message, one entry each (number, linked title,
first author "et al.", categories, a one-line TL;DR in the reader's language), with a row
of number buttons that opens a paper. Renderers mark these values up and split pages at
their own limits; the entry lengths here keep 10 papers well inside every platform's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.card_view import one_line
from bot.i18n import N_, tr
from bot.models import Digest, PaperCard
from bot.ranking.reasons import ranking_footer, ranking_header, reason_line

PER_MESSAGE = 10  # 40 papers in 4 messages; two rows of number buttons
TITLE_CHARS = 120
TLDR_CHARS = 140
REASON_CHARS = 120
CATEGORIES = 3

MATCHED = N_("{shown} of {matched} matching papers")
TAP = N_("Tap a number for the summary, abstract, PDF and 👍/👎/Save.")

_SENTENCE = re.compile(r"(.+?[.!?。！？])(?:\s|$)")


@dataclass(frozen=True)
class CompactEntry:
    """One paper's line in a compact digest, as plain text pieces."""

    number: int
    title: str
    url: str
    authors: str
    categories: str
    tldr: str
    reason: str = ""  # why a ranked digest chose it ("matches: GRPO · close to …")


def clip(text: str, limit: int) -> str:
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.6 else cut).rstrip() + "…"


def tldr(card: PaperCard) -> str:
    """The card's TL;DR, else the first sentence of its summary, else of the abstract."""
    text = card.text
    source = text.tldr or text.summary or text.abstract_translation or card.paper.abstract
    if not text.tldr:
        match = _SENTENCE.match(one_line(source))
        source = match.group(1) if match else source
    return clip(source, TLDR_CHARS)


def entry(card: PaperCard, number: int, language: str = "en") -> CompactEntry:
    paper = card.paper
    authors = paper.authors[0] if paper.authors else ""
    if len(paper.authors) > 1:
        authors += " et al."
    cats = " · ".join(paper.categories[:CATEGORIES])
    return CompactEntry(number, clip(paper.title, TITLE_CHARS), paper.links.abs,
                        clip(authors, 60), cats, tldr(card),
                        clip(reason_line(language, card.reason), REASON_CHARS))


def pages(digest: Digest, per_message: int = PER_MESSAGE) -> list[list[CompactEntry]]:
    """The digest's entries, `per_message` to a page, numbered across pages."""
    entries = [entry(c, n, digest.language) for n, c in enumerate(digest.cards, 1)]
    return [entries[i : i + per_message] for i in range(0, len(entries), per_message)]


def counts_line(digest: Digest) -> str:
    """"10 of 12 matching papers": what was shown of what matched (and, ranked, how)."""
    if ranked := ranking_header(digest):
        return ranked
    shown = len(digest.cards)
    return tr(digest.language, MATCHED, shown=shown, matched=shown + digest.omitted)


def tap_hint(digest: Digest) -> str:
    """The closing line: how to open a paper, and how the digest was ranked if by keywords."""
    hint = tr(digest.language, TAP)
    footer = ranking_footer(digest)
    return f"{footer}\n{hint}" if footer else hint
