"""`paperbot run` and `paperbot digest --post`: adapters, scheduler and dispatcher in one loop.

Startup order matters for "nothing lost on a restart": the dispatcher resumes whatever the
outbox still holds, then destinations whose slot passed while we were down are caught up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import adapters
from adapters import PlatformContext, PlatformEntry
from bot.buttons.actions import ButtonHandler
from bot.commands.wiring import make_chat_language, make_completer, make_router
from bot.config import Config
from bot.delivery import Dispatcher
from bot.errors import ConfigError, PaperbotError, UpstreamError, UserError
from bot.main.app import Parts, build
from bot.models import ChatRef
from bot.ports import Platform, Renderer, Sender
from bot.scheduling import Scheduler
from bot.services.daily import DailyCycle
from bot.services.version_alerts import VersionAlerts

log = logging.getLogger("paperbot")
_IMPORTED = time.monotonic()


def seconds_since_start() -> float:
    """How long ago this process started (Linux: from /proc, to 10 ms), else how long ago
    this module was imported, which misses only the interpreter's own start."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.monotonic() - _IMPORTED

_DAY_SECONDS = 86_400.0


def web_page_url(config: Config) -> Callable[[str], str] | None:
    """With `[web] base_url`, a paper id → its page in the web archive (digest cards link
    to it: the archive publishes every planned digest's papers)."""
    base = str(getattr(config.platform("web"), "base_url", "") or "")
    if not base:
        return None
    from adapters.web.paths import paper_page

    return lambda base_id: base + paper_page(base_id)


class Service:
    """The running bot: wires the daily cycle to the scheduler and the dispatcher."""

    def __init__(self, parts: Parts, senders: Mapping[str, Sender]) -> None:
        self.parts = parts
        core = parts.core
        renderers: dict[str, Renderer] = {p: adapters.entry(p).renderer() for p in senders}
        store = parts.store
        self.cycle = DailyCycle(
            parts.config, store, store, store, parts.source, core.digests, renderers, core.clock,
            web_page=web_page_url(parts.config),
            alerts=VersionAlerts(store, core.clock, parts.config.bot.language),
        )
        self.dispatcher = Dispatcher(
            store, senders, core.clock, lease_seconds=parts.config.bot.delivery_lease_seconds
        )
        self.scheduler = Scheduler(core.clock)
        self._stop = asyncio.Event()
        # Told after a slot planned a digest (the web archive rebuilds then).
        self.after_digest: Callable[[], None] | None = None
        parts.events.listen(self._chat_changed)

    def schedule_all(self) -> None:
        wanted = {d.chat.key: d for d in self.cycle.destinations() if not d.paused and d.topics}
        for key in set(self.scheduler.keys()) - set(wanted):
            self.scheduler.remove(key)
        for key, dest in wanted.items():
            self.scheduler.add_daily(key, dest.time, dest.timezone, self._slot_job(key))

    def _chat_changed(self, chat: ChatRef) -> None:
        """Reschedule only this chat: rebuilding every job on each /subscribe is quadratic
        (200 users subscribing at once kept the loop busy for ten seconds)."""
        dest = self.cycle.destination(chat.key)
        if dest is None or dest.paused or not dest.topics:
            self.scheduler.remove(chat.key)
        else:
            self.scheduler.add_daily(chat.key, dest.time, dest.timezone, self._slot_job(chat.key))

    def _slot_job(self, key: str) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            await self.deliver(key)

        return job

    async def deliver(self, key: str) -> int:
        """One destination's slot: plan its digest into the outbox and wake the dispatcher."""
        added = await self.cycle.serve(key)
        if added:
            self.dispatcher.notify()
            if self.after_digest is not None:
                self.after_digest()
        return added

    async def catch_up(self) -> None:
        """Deliver now to destinations whose daily slot passed while paperbot was down."""
        with self.cycle.one_run():
            for dest in self.cycle.missed_slots():
                log.info("catching up the missed digest of %s", dest.chat.key)
                await self.deliver(dest.chat.key)

    async def run(self) -> None:
        # Only this process may hold leases on this database (the run lock), so any lease
        # still held is a killed predecessor's: take it back now, not when it expires.
        released = self.parts.store.release_claims(self.parts.core.clock.now())
        if released:
            log.warning("resuming %d messages a previous run had claimed", released)
        dispatcher = asyncio.create_task(self.dispatcher.run_forever(self._stop))
        purging = asyncio.create_task(self._expire_translations_daily())
        self.schedule_all()
        self.scheduler.add_announcement_fetch(self.cycle.fetch)
        self.scheduler.start()
        print("paperbot: ready", flush=True)  # adapters already answer commands
        log.warning("paperbot: ready in %.1f s", seconds_since_start())
        await self.cycle.fetch()
        await self.catch_up()
        await self._stop.wait()
        self.scheduler.shutdown()
        await dispatcher
        await purging

    async def _expire_translations_daily(self) -> None:
        """Delete stored /translate texts past their retention: at start, then daily."""
        days = self.parts.config.bot.translation_retention_days
        while not self._stop.is_set():
            before = self.parts.core.clock.now() - timedelta(days=days)
            try:
                expired = self.parts.core.translations.expire(before)
            except Exception:  # the purge must never take the bot down; it retries tomorrow
                log.exception("could not expire old translations")
            else:
                if expired:
                    log.info("deleted %d translations older than %d days", expired, days)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=_DAY_SECONDS)

    def stop(self) -> None:
        self._stop.set()


class Platforms(dict[str, Platform]):
    """The platforms that started, by name; `failed` says why the others with a token did
    not."""

    def __init__(self) -> None:
        super().__init__()
        self.failed: dict[str, Exception] = {}

    def failure(self, names: Iterable[str] | None = None) -> PaperbotError:
        """One line naming each failed platform: a rejected token is a config problem
        (exit 2), anything else upstream (exit 1)."""
        chosen = [n for n in (names if names is not None else self.failed) if n in self.failed]
        text = "; ".join(f"{n}: could not start: {self.failed[n]}" for n in chosen)
        if any(isinstance(self.failed[n], ConfigError) for n in chosen):
            return ConfigError(text)
        return UpstreamError(text)

    def log_failures(self) -> None:
        running = ", ".join(self) or "nothing"
        for name, exc in self.failed.items():
            log.error("%s: could not start: %s; running on %s only", name, exc, running)

    async def stop(self) -> None:
        for platform in self.values():
            with contextlib.suppress(Exception):
                await platform.stop()


async def _start_adapters(config: Config, parts: Parts) -> Platforms:
    """Build and start every registered platform whose token is set, all at once: start-up
    takes the slowest handshake, not the sum. Failures are returned, not logged, so the
    caller says it once."""
    router = make_router(parts.core)
    context = PlatformContext(router.handle, make_completer(parts.core), parts.store,
                              make_chat_language(parts.core),
                              press=ButtonHandler(parts.core, parts.store).handle)
    platforms = Platforms()

    async def start(name: str, entry: PlatformEntry, section: Any, token: str | None) -> None:
        try:
            # Building imports the platform's SDK, while the platforms built before this
            # one already wait on their handshakes.
            platform = entry.create(section, token, context)
            await platform.start()
        except Exception as exc:
            log.debug("%s: start failed", name, exc_info=True)  # -vv: the SDK's own error
            platforms.failed[name] = exc
            return
        platforms[name] = platform
        log.warning("%s: started", name)

    starts = []
    for name, entry in adapters.registered().items():
        if not entry.autostart:
            continue
        section = config.platform(name)
        token_env = getattr(section, "token_env", None)
        token = config.secret(token_env) if token_env else None
        if token_env and not token:
            log.warning("%s: skipped because %s is unset", name, token_env)
            continue
        starts.append(start(name, entry, section, token))
    await asyncio.gather(*starts)
    return platforms


async def run(config: Config) -> int:
    async with build(config) as parts:
        platforms = await _start_adapters(config, parts)
        if not platforms:
            if platforms.failed:
                raise platforms.failure()
            wanted = [
                env
                for name, entry in adapters.registered().items()
                if entry.autostart and (env := getattr(config.platform(name), "token_env", None))
            ]
            raise UserError(
                "No platform could start, so there is nothing to run.",
                f"Set {' and/or '.join(wanted)}.",
            )
        platforms.log_failures()
        service = Service(parts, platforms)
        web = None
        if getattr(config.platform("web"), "listen", ""):
            from bot.main.web import start_web  # jinja2 and feedgen load only when serving

            web = await start_web(parts)
        if web is not None:
            service.after_digest = web.digest_planned
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, service.stop)
        try:
            await service.run()
        finally:
            if web is not None:
                await web.stop()
            await platforms.stop()
            log.warning(
                "paperbot: stopped; %d messages wait in the outbox", parts.store.pending_count()
            )
    return 0


async def post_digests(
    config: Config, topic_names: Sequence[str] | None, chats: Sequence[str] | None
) -> int:
    """Deliver the current digest to configured channels now, through the same outbox.

    A channel whose platform failed to start (a rejected token) makes the exit non-zero;
    with none of the channels' platforms running, nothing is planned."""
    channels = [c for c in config.channels if not chats or c.chat in chats]
    if not channels:
        raise UserError("No [[channels]] to post to.", "Add one to the config, or check --channel.")
    async with build(config) as parts:
        platforms = await _start_adapters(config, parts)
        posting = {c.platform for c in channels}
        failed = sorted(posting & set(platforms.failed))
        if not posting & set(platforms):
            await platforms.stop()
            if failed:
                raise platforms.failure(failed)
            envs = sorted({getattr(config.platform(p), "token_env", p) for p in posting})
            raise UserError("No platform of these channels is running.", f"Set {', '.join(envs)}.")
        service = Service(parts, platforms)
        wanted = {f"{c.platform}:{c.chat}" for c in channels}
        dests = [d for d in service.cycle.destinations() if d.chat.key in wanted]
        if topic_names:
            names = {n.casefold() for n in topic_names}
            dests = [
                replace(d, topics=tuple(t for t in d.topics if t.name.casefold() in names))
                for d in dests
            ]
        missing = wanted - {d.chat.key for d in dests}
        for key in sorted(k for k in missing if k.split(":", 1)[0] not in platforms.failed):
            log.warning("%s: platform not started, nothing posted there", key)
        try:
            added = await service.cycle.post(dests)
            sent = await service.dispatcher.drain(timeout=600)
        finally:
            await platforms.stop()
        pending = parts.store.pending_count()
        print(
            f"paperbot: {added} messages planned, {sent} sent, {pending} still queued", flush=True
        )
        if failed:
            error = platforms.failure(failed)
            log.error("%s", error)
            return 2 if isinstance(error, ConfigError) else 1
        return 0 if pending == 0 else 1
