"""`paperbot run` and `paperbot digest --post`: adapters, scheduler and dispatcher in one loop.

Startup order matters for "nothing lost on a restart": the dispatcher resumes whatever the
outbox still holds, then destinations whose slot passed while we were down are caught up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Mapping, Sequence
from typing import Any

import adapters
from adapters import PlatformContext
from bot.commands.wiring import make_completer, make_router
from bot.config import Config
from bot.delivery import Dispatcher
from bot.errors import UpstreamError, UserError
from bot.main.app import Parts, build
from bot.models import ChatRef
from bot.ports import Platform, Renderer, Sender
from bot.scheduling import Scheduler, missed_slot
from bot.services.fanout import Destination, FanOut, destinations

log = logging.getLogger("paperbot")



class Service:
    """The running bot: owns the adapters, the scheduler and the dispatcher."""

    def __init__(self, parts: Parts, senders: Mapping[str, Sender]) -> None:
        self.parts = parts
        self.senders = senders
        core = parts.core
        renderers: dict[str, Renderer] = {p: adapters.entry(p).renderer() for p in senders}
        self.fanout = FanOut(parts.store, parts.source, core.digests, renderers, core.clock)
        self.dispatcher = Dispatcher(
            parts.store,
            senders,
            core.clock,
            lease_seconds=parts.config.bot.delivery_lease_seconds,
        )
        self.scheduler = Scheduler(core.clock)
        self._stop = asyncio.Event()
        self._fetching = asyncio.Lock()
        parts.events.listen(self._chat_changed)

    def _dests(self) -> list[Destination]:
        return [
            d
            for d in destinations(self.parts.config, self.parts.store)
            if d.chat.platform in self.senders
        ]

    def schedule_all(self) -> None:
        wanted = {d.chat.key: d for d in self._dests() if not d.paused and d.topics}
        for key in set(self.scheduler.keys()) - set(wanted):
            self.scheduler.remove(key)
        for key, dest in wanted.items():
            self.scheduler.add_daily(key, dest.time, dest.timezone, self._slot_job(key))

    def _chat_changed(self, chat: ChatRef) -> None:
        """Reschedule only this chat: rebuilding every job on each /subscribe is quadratic
        (200 users subscribing at once kept the loop busy for ten seconds)."""
        dest = next((d for d in self._dests() if d.chat.key == chat.key), None)
        if dest is None or dest.paused or not dest.topics:
            self.scheduler.remove(chat.key)
        else:
            self.scheduler.add_daily(chat.key, dest.time, dest.timezone, self._slot_job(chat.key))

    def _slot_job(self, key: str) -> Any:
        async def job() -> None:
            await self.deliver(key)

        return job

    async def fetch(self) -> bool:
        """Fetch the latest announcement once for every destination; True when it is there."""
        dests = self._dests()
        if not dests:
            return True
        try:
            listing = await self.fanout.refresh_listing(dests)
        except UpstreamError as exc:
            log.warning("arXiv listing not fetched: %s", exc)
            return False
        if listing.announced is None:
            log.info("arXiv listing is empty: not announced yet")
            return False
        log.info("arXiv announcement %s: %d papers", listing.announced, len(listing.papers))
        try:
            await self.fanout.catch_up(dests)
        except UpstreamError as exc:
            log.warning("missed announcements not caught up yet: %s", exc)
        return True

    async def deliver(self, key: str) -> int:
        """Plan one destination's digest into the outbox and wake the dispatcher."""
        dests = self._dests()
        dest = next((d for d in dests if d.chat.key == key), None)
        if dest is None:
            return 0
        if not self.fanout.pending_listings(dest, dests):
            # First run, or the topics' categories changed. Slots that fire together wait
            # for one fetch instead of each asking arXiv (200 slots made 400 requests).
            async with self._fetching:
                if not self.fanout.pending_listings(dest, self._dests()):
                    await self.fetch()
        added = await self.fanout.plan(dest, dests)
        if added:
            self.dispatcher.notify()
        return added

    async def catch_up(self) -> None:
        """Deliver now to destinations whose daily slot passed while paperbot was down."""
        store, now = self.parts.store, self.parts.core.clock.now()
        for dest in self._dests():
            last_run = store.last_digest_at(dest.chat)
            if missed_slot(dest.time, dest.timezone, last_run, now) is not None:
                log.info("catching up the missed digest of %s", dest.chat.key)
                await self.deliver(dest.chat.key)

    async def run(self) -> None:
        dispatcher = asyncio.create_task(self.dispatcher.run_forever(self._stop))
        self.schedule_all()
        self.scheduler.add_announcement_fetch(self.fetch)
        self.scheduler.start()
        print("paperbot: ready", flush=True)  # adapters already answer commands
        await self.fetch()
        await self.catch_up()
        await self._stop.wait()
        self.scheduler.shutdown()
        await dispatcher

    def stop(self) -> None:
        self._stop.set()


async def _start_adapters(config: Config, parts: Parts) -> dict[str, Platform]:
    """Build and start every registered platform whose token is set, all at once: start-up
    takes the slowest handshake, not the sum."""
    router = make_router(parts.core)
    context = PlatformContext(router.handle, make_completer(parts.core))
    started: dict[str, Platform] = {}
    for name, entry in adapters.registered().items():
        if not entry.autostart:
            continue
        section = config.platform(name)
        token_env = getattr(section, "token_env", None)
        token = config.secret(token_env) if token_env else None
        if token_env and not token:
            log.warning("%s: skipped because %s is unset", name, token_env)
            continue
        started[name] = entry.create(section, token, context)

    async def start(name: str, platform: Platform) -> None:
        try:
            await platform.start()
            log.warning("%s: started", name)
        except Exception as exc:
            log.error("%s: could not start: %s", name, exc)
            del started[name]

    await asyncio.gather(*(start(n, p) for n, p in list(started.items())))
    return started


async def run(config: Config) -> int:
    async with build(config) as parts:
        platforms = await _start_adapters(config, parts)
        if not platforms:
            wanted = [
                env
                for name, entry in adapters.registered().items()
                if entry.autostart and (env := getattr(config.platform(name), "token_env", None))
            ]
            raise UserError(
                "No platform could start, so there is nothing to run.",
                f"Set {' and/or '.join(wanted)}.",
            )
        service = Service(parts, platforms)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, service.stop)
        try:
            await service.run()
        finally:
            for platform in platforms.values():
                with contextlib.suppress(Exception):
                    await platform.stop()
            log.warning(
                "paperbot: stopped; %d messages wait in the outbox", parts.store.pending_count()
            )
    return 0


async def post_digests(
    config: Config, topic_names: Sequence[str] | None, chats: Sequence[str] | None
) -> int:
    """Deliver the current digest to configured channels now, through the same outbox."""
    channels = [c for c in config.channels if not chats or c.chat in chats]
    if not channels:
        raise UserError("No [[channels]] to post to.", "Add one to the config, or check --channel.")
    async with build(config) as parts:
        platforms = await _start_adapters(config, parts)
        service = Service(parts, platforms)
        wanted = {f"{c.platform}:{c.chat}" for c in channels}
        dests = [d for d in service._dests() if d.chat.key in wanted]
        if topic_names:
            names = {n.casefold() for n in topic_names}
            dests = [
                Destination(
                    d.chat,
                    tuple(t for t in d.topics if t.name.casefold() in names),
                    d.language,
                    d.time,
                    d.timezone,
                    d.quiet_day_notice,
                )
                for d in dests
            ]
        missing = wanted - {d.chat.key for d in dests}
        for key in sorted(missing):
            log.warning("%s: platform not started, nothing posted there", key)
        listing = await service.fanout.refresh_listing(dests) if dests else None
        added = 0
        for dest in dests:
            if listing is not None:
                added += await service.fanout.enqueue(dest, listing)
        sent = await service.dispatcher.drain(timeout=600)
        for platform in platforms.values():
            with contextlib.suppress(Exception):
                await platform.stop()
        pending = parts.store.pending_count()
        print(
            f"paperbot: {added} messages planned, {sent} sent, {pending} still queued", flush=True
        )
        return 0 if pending == 0 else 1
