"""The daily cycle: fetch the announcement once, plan every destination's digest into the
outbox, and catch up what was missed while paperbot was down.

A digest is rendered and written to the outbox before anything is sent, keyed by
(chat, announcement, topic, seq): a re-run, a restart or a second slot adds nothing. Papers
already delivered to a chat, or matching two of its topics, go out once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import timedelta

from bot import calendar
from bot.config import Config
from bot.delivery import enqueue_digest
from bot.errors import UpstreamError
from bot.models import Digest
from bot.ports import ArxivSource, ChatStore, Clock, Listing, Outbox, PaperStore, Renderer
from bot.ranking.profile import Audience
from bot.scheduling import missed_slot
from bot.services.catch_up import catch_up_floor, missed_announcements
from bot.services.destinations import Destination, destinations
from bot.services.digests import DigestService, union_categories
from bot.services.version_alerts import VersionAlerts

log = logging.getLogger(__name__)


class DailyCycle:
    """Everything the daily digest does between arXiv and the outbox, for the platforms
    that are running (those in `renderers`)."""

    def __init__(
        self,
        config: Config,
        papers: PaperStore,
        chats: ChatStore,
        outbox: Outbox,
        source: ArxivSource,
        digests: DigestService,
        renderers: Mapping[str, Renderer],
        clock: Clock,
        web_page: Callable[[str], str] | None = None,
        alerts: VersionAlerts | None = None,
    ) -> None:
        self._config = config
        self._alerts = alerts  # issue 12: replacements of saved and followed papers
        self._web_page = web_page  # a paper id → its web archive page (`[web] base_url`)
        self._papers = papers
        self._chats = chats
        self._outbox = outbox
        self._source = source
        self._digests = digests
        self._renderers = renderers
        self._clock = clock
        self._fetching = asyncio.Lock()
        self._fetches = 0  # finished fetches: a slot that waited on one does not repeat it

    def destinations(self) -> list[Destination]:
        return [
            d
            for d in destinations(self._config, self._chats)
            if d.chat.platform in self._renderers
        ]

    def destination(self, key: str) -> Destination | None:
        return next((d for d in self.destinations() if d.chat.key == key), None)

    # --- fetching ------------------------------------------------------------------

    async def fetch(self) -> bool:
        """Fetch the latest announcement once for every destination's categories, then
        announcements missed while down; True when the announcement is there."""
        dests = self.destinations()
        if not dests:
            return True
        async with self._fetching:
            return await self._fetch(union_categories([t for d in dests for t in d.topics]), dests)

    async def _fetch(self, categories: Sequence[str], dests: Sequence[Destination]) -> bool:
        self._fetches += 1
        try:
            listing = await self._digests.fetch_categories(categories)
        except UpstreamError as exc:
            log.warning("arXiv listing not fetched: %s", exc)
            return False
        if listing.announced is None:
            log.info("arXiv listing is empty: not announced yet")
            return False
        log.info("arXiv announcement %s: %d papers", listing.announced, len(listing.papers))
        if self._alerts is not None:
            self._version_alerts(listing, dests)
        try:
            await self._catch_up(dests)
        except UpstreamError as exc:
            log.warning("missed announcements not caught up yet: %s", exc)
        return True

    def _version_alerts(self, listing: Listing, dests: Sequence[Destination]) -> None:
        """Alerts for the listing's replacements, into the outbox as soon as it is fetched."""
        assert self._alerts is not None
        found = self._alerts.find(listing, list(self._renderers),
                                  {d.chat.key: d.chat for d in dests},
                                  {d.chat.key: d.language for d in dests})
        if found:
            added = self._alerts.enqueue(found, self._renderers)
            log.info("version alerts: %d found, %d messages added", len(found), added)

    def _missing(self, dests: Sequence[Destination]) -> tuple[str, ...]:
        """Categories not stored for the latest stored announcement (all when none is)."""
        wanted = union_categories([t for d in dests for t in d.topics])
        latest = self._papers.latest_listing(wanted) if wanted else None
        stored = set(latest.categories) if latest is not None else set()
        return tuple(c for c in wanted if c not in stored)

    async def _fetch_missing(self) -> None:
        """Slots that fire together wait for one fetch of what is missing instead of each
        asking arXiv (200 slots made 400 requests); a new category is fetched alone."""
        dests = self.destinations()
        if not self._missing(dests):
            return
        before = self._fetches
        async with self._fetching:
            dests = self.destinations()
            if self._fetches == before and (missing := self._missing(dests)):
                await self._fetch(missing, dests)

    async def _catch_up(self, dests: Sequence[Destination]) -> int:
        """Fetch, through the API by date window, announcements missed while paperbot was
        down: the RSS listing only ever shows the latest one."""
        lasts = [d for d in (self._outbox.last_digest_date(x.chat) for x in dests) if d]
        if not lasts:
            return 0
        categories = union_categories([t for d in dests for t in d.topics])
        fetched = 0
        for moment in missed_announcements(min(lasts), self._clock.now()):
            day = calendar.announcement_date(moment)
            stored = self._papers.get_listing(categories, day)
            missing = [c for c in categories if stored is None or c not in stored.categories]
            if not missing:
                continue
            start, end = calendar.submission_window(moment)
            found = await self._source.papers_in_window(missing, start, end)
            papers = tuple(replace(p, announce_type="new", announced=day) for p in found)
            if papers:
                self._papers.save_listing(Listing(tuple(missing), day, papers))
                fetched += len(papers)
            log.info("caught up the %s announcement: %d papers", day, len(papers))
        return fetched

    # --- planning ------------------------------------------------------------------

    def one_run(self) -> AbstractContextManager[None]:
        """One plan: a paper's card per language is the same for every destination planned
        within it (the first outcome, a fallback included). Slots firing together share it."""
        return self._digests.one_run()

    async def serve(self, key: str) -> int:
        """A destination's slot: everything due for it now, into the outbox (rows added)."""
        await self._fetch_missing()
        dest = self.destination(key)
        if dest is None:
            return 0
        added, planned = 0, set[str]()
        with self.one_run():
            for listing in self.pending_listings(dest):  # a paper in two goes out once
                added += await self.enqueue(dest, listing, planned)
        if not added and self.quiet_day():
            added += self._quiet_notice(dest)
        return added

    def missed_slots(self) -> list[Destination]:
        """Destinations whose daily slot passed while paperbot was down: serve them now."""
        now = self._clock.now()
        return [
            d
            for d in self.destinations()
            if not d.paused
            and d.topics
            and missed_slot(d.time, d.timezone, self._outbox.last_digest_at(d.chat), now)
        ]

    async def post(self, dests: Sequence[Destination]) -> int:
        """The latest announcement for these destinations into the outbox now (`--post`)."""
        if not dests:
            return 0
        listing = await self._digests.fetch_categories(
            union_categories([t for d in dests for t in d.topics])
        )
        with self.one_run():
            return sum([await self.enqueue(d, listing) for d in dests])

    def pending_listings(self, dest: Destination) -> list[Listing]:
        """Stored announcements this destination has not had a digest of, oldest first."""
        latest = self._papers.latest_listing(dest.categories) if dest.categories else None
        if latest is None or latest.announced is None:
            return []
        last = self._outbox.last_digest_date(dest.chat)
        floor = calendar.announcement_date(catch_up_floor(self._clock.now()))
        listings: list[Listing] = []
        day = max(floor, last + timedelta(days=1)) if last else latest.announced
        while day < latest.announced:
            found = self._papers.get_listing(dest.categories, day)
            if found is not None:
                listings.append(found)
            day += timedelta(days=1)
        return [*listings, latest]

    def quiet_day(self) -> bool:
        """No arXiv announcement in the last 24 hours (a weekend or holiday)."""
        now = self._clock.now()
        last = calendar.last_announcement(now)
        return last is None or now - last > timedelta(hours=24)

    def _quiet_notice(self, dest: Destination) -> int:
        renderer = self._renderers.get(dest.chat.platform)
        if renderer is None or not dest.quiet_day_notice or dest.paused:
            return 0
        now = self._clock.now()
        topics = ", ".join(t.name for t in dest.topics) or "arXiv"
        digest = Digest(topics, None, dest.language, (), now, quiet="quiet_day")
        return enqueue_digest(
            self._outbox, dest.chat, f"quiet|{now.date()}", renderer.digest(digest), None, now
        )

    async def enqueue(
        self, dest: Destination, listing: Listing, planned_ids: set[str] | None = None
    ) -> int:
        """Render and persist this destination's digest of `listing`; returns rows added.
        Papers in `planned_ids` are left out, and the ones planned here are added to it."""
        renderer = self._renderers.get(dest.chat.platform)
        if renderer is None or dest.paused or self._chats.chat_gone(dest.chat):
            return 0
        if listing.announced is None or not listing.papers:
            return 0
        planned = {  # a restart or a second slot adds nothing
            t.name
            for t in dest.topics
            if self._outbox.digest_counts(dest.chat, f"{listing.announced}|{t.name}")
        }
        if len(planned) == len(dest.topics):
            return 0
        now = self._clock.now()
        seen = self._outbox.delivered_ids(dest.chat, [p.id for p in listing.papers])
        if planned_ids is None:
            planned_ids = set()
        seen |= planned_ids
        digests = await self._digests.build_many(
            dest.topics, listing, dest.language, exclude=seen, skip=planned,
            audience=Audience(dest.chat.key, dest.chat.is_private),
        )
        added = 0
        for digest in digests:
            if not digest.cards:
                continue
            ids = [c.paper.id for c in digest.cards]
            planned_ids.update(ids)
            if self._web_page is not None:
                digest = digest.with_web_pages(self._web_page)
            payloads = renderer.digest(replace(digest, style=dest.style))
            per_payload: list[list[str]] = [[] for _ in payloads]
            per_payload[-1] = ids  # delivered once the whole digest has gone out
            key = f"{listing.announced}|{digest.topic}"
            added += enqueue_digest(
                self._outbox, dest.chat, key, payloads, per_payload, now, day=listing.announced
            )
            log.info("planned %s for %s: %d papers in %d messages",
                     digest.topic, dest.chat.key, len(ids), len(payloads))
        return added
