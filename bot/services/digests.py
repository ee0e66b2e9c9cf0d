"""Digests: which papers of an announcement a topic gets, turned into cards.

arXiv is asked once per run for the union of all topics' categories (one RSS request),
so requests grow with categories and new papers, never with topics or readers. A paper that
matches several of a reader's topics goes out once, under the first (`assign`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager

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
    # Cross-lists relative to the topic (primary elsewhere) come after its own papers.
    return sorted(chosen.values(), key=lambda p: p.primary_category not in topic.categories)


def assign(
    topics: Sequence[Topic], papers: Sequence[Paper], exclude: Collection[str] = ()
) -> list[tuple[Topic, list[Paper], int]]:
    """Each topic's papers (up to its max_papers) and how many it left out; a paper shown
    under an earlier topic is not shown again under a later one."""
    seen = set(exclude)
    assigned: list[tuple[Topic, list[Paper], int]] = []
    for topic in topics:
        matching = select(topic, papers, seen)
        kept = matching[: topic.max_papers]
        seen.update(p.id for p in kept)
        assigned.append((topic, kept, len(matching) - len(kept)))
    return assigned


class DigestService:
    """Fetches announcements and turns them into per-topic digests of cards."""

    def __init__(
        self, store: PaperStore, source: ArxivSource, cards: CardService, clock: Clock
    ) -> None:
        self._store = store
        self._source = source
        self._cards = cards
        self._clock = clock

    def one_run(self) -> AbstractContextManager[None]:
        """A scope in which each paper keeps its first card per language (CardService)."""
        return self._cards.one_run()

    def stored_listing(self, topics: Sequence[Topic]) -> Listing | None:
        """The latest stored announcement for these topics' categories; no arXiv request."""
        return self._store.latest_listing(union_categories(topics))

    async def fetch_listing(self, topics: Sequence[Topic]) -> Listing:
        """The latest announcement for all these topics' categories, saved to the store."""
        return await self.fetch_categories(union_categories(topics))

    async def fetch_categories(self, categories: Sequence[str]) -> Listing:
        """The latest announcement of these categories (one RSS request), saved to the store."""
        listing = await self._source.listing(categories)
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
        [digest] = await self.build_many([topic], listing, language, progress, exclude or ())
        return digest

    async def build_many(
        self,
        topics: Sequence[Topic],
        listing: Listing,
        language: str,
        progress: Progress | None = None,
        exclude: Collection[str] = (),
        skip: Collection[str] = (),
    ) -> list[Digest]:
        """One digest per topic, each paper in at most one of them (the first it matches).

        Topics named in `skip` (already planned) still claim their papers but get no digest.
        """
        digests: list[Digest] = []
        for topic, kept, omitted in assign(topics, listing.papers, exclude):
            if topic.name in skip:
                continue
            with self._cards.one_run():
                cards: list[PaperCard] = await self._cards.cards(
                    kept, language, progress, topic.glossary
                )
            quiet: QuietReason | None = None
            if listing.announced is None or not listing.papers:
                quiet = "no_announcement"
            elif not kept:
                quiet = "no_match"
            digests.append(
                Digest(
                    topic=topic.name,
                    announced=listing.announced,
                    language=language,
                    cards=tuple(cards),
                    generated_at=self._clock.now(),
                    quiet=quiet,
                    omitted=omitted,
                )
            )
        return digests

    def planned(self, topics: Sequence[Topic], listing: Listing) -> int:
        """How many cards `build_many` will make for these topics (for progress bars)."""
        return sum(len(kept) for _, kept, _ in assign(topics, listing.papers))
