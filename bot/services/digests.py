"""Digests: which papers of an announcement a topic gets, turned into cards.

arXiv is asked once per run for the union of all topics' categories (one RSS request),
so requests grow with categories and new papers, never with topics or readers. A paper that
matches several of a reader's topics goes out once, under the first (`assign`).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace

from bot.errors import UpstreamError
from bot.models import ArxivId, Digest, Paper, PaperCard, QuietReason, Reason, Topic
from bot.ports import ArxivSource, Clock, Listing, PaperStore, RankingStore
from bot.ranking.profile import Audience
from bot.ranking.rank import Ranker
from bot.services.cards import CardService, Progress

log = logging.getLogger(__name__)


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
        self,
        store: PaperStore,
        source: ArxivSource,
        cards: CardService,
        clock: Clock,
        ranker: Ranker | None = None,
        seeds: RankingStore | None = None,
    ) -> None:
        self._store = store
        self._source = source
        self._cards = cards
        self._clock = clock
        self._ranker = ranker
        self._seeds = seeds
        self._asked: set[str] = set()  # seed ids looked up once per process

    @property
    def ranker(self) -> Ranker | None:
        return self._ranker

    async def _ensure_seeds(self, topics: Sequence[Topic], audience: Audience) -> None:
        """Fetch seed papers the store does not have yet (once each), to rank against."""
        wanted = [s for t in topics for s in t.seed_papers]
        if self._seeds is not None:
            wanted += self._seeds.seeds(audience.chat_key)
        missing = [s for s in dict.fromkeys(wanted)
                   if s not in self._asked and self._store.get_paper(s) is None]
        if not missing:
            return
        self._asked.update(missing)
        try:
            found = await self._source.papers([ArxivId(s) for s in missing])
        except UpstreamError as exc:
            log.warning("seed papers not fetched: %s", exc)
            return
        if found:
            self._store.upsert_papers(list(found.values()))

    async def ranked_assign(
        self,
        topics: Sequence[Topic],
        papers: Sequence[Paper],
        audience: Audience,
        exclude: Collection[str] = (),
    ) -> list[tuple[Topic, list[tuple[Paper, Reason]], int]]:
        """`assign`, but each topic's matching papers (and followed authors' papers in its
        categories) ranked for the audience before its max_papers are kept."""
        assert self._ranker is not None
        await self._ensure_seeds(topics, audience)
        seen = set(exclude)
        out: list[tuple[Topic, list[tuple[Paper, Reason]], int]] = []
        for topic in topics:
            matching = select(topic, papers, seen)
            ids = {p.id for p in matching}
            extra = self._ranker.by_followed(topic, papers, audience, seen | ids)
            candidates = [*matching, *extra]
            kept = await self._ranker.rank(topic, candidates, audience, topic.max_papers)
            seen.update(r.paper.id for r in kept)
            out.append((topic, [(r.paper, r.reason) for r in kept], len(candidates)))
        return out

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
        audience: Audience | None = None,
    ) -> list[Digest]:
        """One digest per topic, each paper in at most one of them (the first it matches).

        Topics named in `skip` (already planned) still claim their papers but get no digest.
        With a ranker and an `audience`, each topic's papers are ranked for it first and
        every card carries its reason.
        """
        digests: list[Digest] = []
        plan: list[tuple[Topic, list[tuple[Paper, Reason | None]], int]]
        ranked = self._ranker is not None and audience is not None
        if ranked and audience is not None:
            plan = [(t, list(k), n) for t, k, n in
                    await self.ranked_assign(topics, listing.papers, audience, exclude)]
        else:
            plan = [(t, [(p, None) for p in kept], len(kept) + omitted)
                    for t, kept, omitted in assign(topics, listing.papers, exclude)]
        for topic, chosen, matched in plan:
            if topic.name in skip:
                continue
            kept = [p for p, _ in chosen]
            reasons = {p.id: r for p, r in chosen}
            omitted = matched - len(kept)
            with self._cards.one_run():
                cards: list[PaperCard] = [
                    replace(c, reason=reasons.get(c.paper.id))
                    for c in await self._cards.cards(kept, language, progress, topic.glossary)
                ]
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
                    matched=matched if ranked else 0,
                    ranked_by=self._ranker.ranked_by if ranked and self._ranker else None,
                )
            )
        return digests

    def planned(self, topics: Sequence[Topic], listing: Listing) -> int:
        """How many cards `build_many` will make for these topics (for progress bars)."""
        return sum(len(kept) for _, kept, _ in assign(topics, listing.papers))
