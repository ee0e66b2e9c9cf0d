"""Digests: which papers of an announcement a topic gets, turned into cards.

arXiv is asked once per run for the union of all topics' categories (one RSS request),
so requests grow with categories and new papers, never with topics or readers.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import Digest, Paper, PaperCard, QuietReason, Topic
from bot.ports import ArxivSource, Clock, Listing, PaperStore
from bot.services.cards import CardService, Progress


def union_categories(topics: Sequence[Topic]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for topic in topics:
        for cat in topic.categories:
            seen.setdefault(cat, None)
    return tuple(seen)


def select(topic: Topic, papers: Sequence[Paper], exclude: set[str] | None = None) -> list[Paper]:
    """Papers of the topic in listing order, new before cross-lists, each id once."""
    chosen: dict[str, Paper] = {}
    for paper in papers:
        if paper.id not in chosen and topic.matches(paper) and paper.id not in (exclude or ()):
            chosen[paper.id] = paper
    return sorted(chosen.values(), key=lambda p: p.announce_type == "cross")


class DigestService:
    def __init__(
        self, store: PaperStore, source: ArxivSource, cards: CardService, clock: Clock
    ) -> None:
        self._store = store
        self._source = source
        self._cards = cards
        self._clock = clock

    async def fetch_listing(self, topics: Sequence[Topic]) -> Listing:
        """The latest announcement for all these topics' categories, saved to the store."""
        listing = await self._source.listing(union_categories(topics))
        if listing.papers:
            self._store.upsert_papers(listing.papers)
            self._store.save_listing(listing)
        return listing

    async def build(
        self,
        topic: Topic,
        listing: Listing,
        language: str,
        progress: Progress | None = None,
        exclude: set[str] | None = None,
    ) -> Digest:
        papers = select(topic, listing.papers, exclude)
        kept = papers[: topic.max_papers]
        cards: list[PaperCard] = await self._cards.cards(kept, language, progress)
        quiet: QuietReason | None = None
        if listing.announced is None or not listing.papers:
            quiet = "no_announcement"
        elif not kept:
            quiet = "no_match"
        return Digest(
            topic=topic.name,
            announced=listing.announced,
            language=language,
            cards=tuple(cards),
            generated_at=self._clock.now(),
            quiet=quiet,
            omitted=len(papers) - len(kept),
        )


    def planned(self, topics: Sequence[Topic], listing: Listing) -> int:
        """How many cards `build` will make for these topics (for progress bars)."""
        return sum(min(len(select(t, listing.papers)), t.max_papers) for t in topics)

