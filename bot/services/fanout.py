"""Who gets which papers: destinations, and turning a listing into their outbox rows.

A digest is rendered and written to the outbox before anything is sent, keyed by
(chat, announcement, topic, seq): a re-run, a restart or a second slot adds nothing.
Papers already delivered to a chat, or matching two of its topics, go out once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot import calendar
from bot.config import Config
from bot.delivery import enqueue_digest
from bot.models import ChatRef, Digest, Topic
from bot.ports import ArxivSource, Clock, Listing, Renderer, Store
from bot.services.digests import DigestService, union_categories

log = logging.getLogger(__name__)

CATCH_UP_DAYS = 3


@dataclass(frozen=True)
class Destination:
    """A chat that receives a daily digest: a configured channel or a subscriber."""

    chat: ChatRef
    topics: tuple[Topic, ...]
    language: str
    time: str
    timezone: str
    quiet_day_notice: bool
    paused: bool = False


def destinations(config: Config, store: Store) -> list[Destination]:
    """Configured channels first, then every chat with subscriptions (merged per chat)."""
    found: dict[str, Destination] = {}
    for channel in config.channels:
        chat = ChatRef(channel.platform, channel.chat, is_private=False)  # type: ignore[arg-type]
        topics = tuple(t for name in channel.topics if (t := config.topic(name)) is not None)
        found[chat.key] = Destination(
            chat, topics, channel.language, channel.time, channel.timezone, channel.quiet_day_notice
        )
    by_chat: dict[str, list[Topic]] = {}
    chats: dict[str, ChatRef] = {}
    for sub in store.all_subscriptions():
        by_chat.setdefault(sub.chat.key, []).append(sub.topic)
        chats[sub.chat.key] = sub.chat
    for key, subscribed in by_chat.items():
        chat = chats[key]
        settings = store.get_settings(chat)
        language = settings.language if settings else config.bot.language
        time = settings.delivery_time if settings else config.bot.digest_time
        tz = settings.timezone if settings else config.bot.timezone
        quiet = settings.quiet_day_notice if settings else chat.is_private
        paused = settings.paused if settings else False
        if key in found:  # a configured channel that also subscribed by command
            base = found[key]
            merged = base.topics + tuple(t for t in subscribed if t not in base.topics)
            found[key] = Destination(
                base.chat,
                merged,
                base.language,
                base.time,
                base.timezone,
                base.quiet_day_notice,
                paused,
            )
        else:
            found[key] = Destination(chat, tuple(subscribed), language, time, tz, quiet, paused)
    return list(found.values())


def all_topics(dests: Sequence[Destination]) -> list[Topic]:
    seen: dict[tuple[str, ...], Topic] = {}
    for dest in dests:
        for topic in dest.topics:
            seen.setdefault(topic.categories, topic)
    return list(seen.values())


class FanOut:
    def __init__(
        self,
        store: Store,
        source: ArxivSource,
        digests: DigestService,
        renderers: Mapping[str, Renderer],
        clock: Clock,
    ) -> None:
        self._store = store
        self._source = source
        self._digests = digests
        self._renderers = renderers
        self._clock = clock

    async def refresh_listing(self, dests: Sequence[Destination]) -> Listing:
        """One arXiv listing request for the categories of every destination."""
        return await self._digests.fetch_listing(all_topics(dests))

    async def catch_up(self, dests: Sequence[Destination]) -> int:
        """Fetch, through the API by date window, announcements missed while paperbot was
        down (up to CATCH_UP_DAYS): the RSS listing only ever shows the latest one."""
        now = self._clock.now()
        lasts = [d for d in (self._store.last_digest_date(x.chat) for x in dests) if d]
        if not lasts:
            return 0
        since = max(calendar.announcement_for(min(lasts)), catch_up_floor(now))
        missed = calendar.announcements_between(since, now)[:-1]  # the last one is the RSS
        categories = union_categories(all_topics(dests))
        fetched = 0
        for moment in missed:
            day = calendar.announcement_date(moment)
            if self._store.get_listing(categories, day) is not None:
                continue
            start, end = calendar.submission_window(moment)
            found = await self._source.papers_in_window(categories, start, end)
            papers = tuple(replace(p, announce_type="new", announced=day) for p in found)
            if papers:
                self._store.upsert_papers(papers)
                self._store.save_listing(Listing(categories, day, papers))
                fetched += len(papers)
            log.info("caught up the %s announcement: %d papers", day, len(papers))
        return fetched

    def pending_listings(self, dest: Destination, dests: Sequence[Destination]) -> list[Listing]:
        """Stored announcements this destination has not had a digest of, oldest first."""
        categories = union_categories(all_topics(dests))
        latest = self._store.latest_listing(categories)
        if latest is None or latest.announced is None:
            return []
        last = self._store.last_digest_date(dest.chat)
        floor = calendar.announcement_date(catch_up_floor(self._clock.now()))
        listings: list[Listing] = []
        day = max(floor, last + timedelta(days=1)) if last else latest.announced
        while day < latest.announced:
            found = self._store.get_listing(categories, day)
            if found is not None:
                listings.append(found)
            day += timedelta(days=1)
        return [*listings, latest]

    def quiet_day(self) -> bool:
        """No arXiv announcement in the last 24 hours (a weekend or holiday)."""
        now = self._clock.now()
        last = calendar.last_announcement(now)
        return last is None or now - last > timedelta(hours=24)

    async def plan(self, dest: Destination, dests: Sequence[Destination]) -> int:
        """Everything due for this destination now, into the outbox; returns rows added."""
        added = 0
        for listing in self.pending_listings(dest, dests):
            added += await self.enqueue(dest, listing)
        if not added and self.quiet_day():
            added += self._quiet_notice(dest)
        return added

    def _quiet_notice(self, dest: Destination) -> int:
        renderer = self._renderers.get(dest.chat.platform)
        if renderer is None or not dest.quiet_day_notice or dest.paused:
            return 0
        now = self._clock.now()
        digest = Digest(
            ", ".join(t.name for t in dest.topics) or "arXiv",
            None,
            dest.language,
            (),
            now,
            quiet="quiet_day",
        )
        return enqueue_digest(
            self._store, dest.chat, f"quiet|{now.date()}", renderer.digest(digest), None, now
        )

    async def enqueue(self, dest: Destination, listing: Listing) -> int:
        """Render and persist this destination's digest of `listing`; returns rows added."""
        renderer = self._renderers.get(dest.chat.platform)
        if renderer is None or dest.paused or self._store.chat_gone(dest.chat):
            return 0
        if listing.announced is None or not listing.papers:
            return 0
        now = self._clock.now()
        sent = self._store.delivered_ids(dest.chat, [p.id for p in listing.papers])
        seen = set(sent)
        added = 0
        for topic in dest.topics:
            key = f"{listing.announced}|{topic.name}"
            if self._store.digest_counts(dest.chat, key):
                continue  # already planned: a restart or a second slot adds nothing
            digest = await self._digests.build(topic, listing, dest.language, exclude=seen)
            if not digest.cards:
                continue
            ids = [c.paper.id for c in digest.cards]
            seen.update(ids)
            payloads = renderer.digest(digest)
            per_payload: list[list[str]] = [[] for _ in payloads]
            per_payload[-1] = ids  # delivered once the whole digest has gone out
            added += enqueue_digest(
                self._store, dest.chat, key, payloads, per_payload, now, day=listing.announced
            )
            log.info(
                "planned %s for %s: %d papers in %d messages",
                topic.name,
                dest.chat.key,
                len(ids),
                len(payloads),
            )
        return added


def catch_up_floor(now: datetime) -> datetime:
    """Just before the CATCH_UP_DAYS-th announcement ahead of the latest one.

    Counted in announcements, not days: a Monday morning in Asia is 3 days and an hour after
    Thursday evening's announcement, so a 3-day floor always lost it over a weekend.
    """
    moment = calendar.last_announcement(now) or now
    for _ in range(CATCH_UP_DAYS):
        moment = calendar.last_announcement(moment - timedelta(microseconds=1)) or moment
    return moment - timedelta(microseconds=1)
