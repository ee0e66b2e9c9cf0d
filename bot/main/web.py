"""Wiring the web archive: `paperbot site` builds it once; `paperbot run` serves it when
`[web] listen` is set and rebuilds it after each digest is planned.

Building runs in a worker thread with its own connection to the database (WAL lets it read
while the bot writes), so commands keep being answered meanwhile: reading a large archive
takes about a second, rendering and writing it several.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from adapters.web.archive import collect
from adapters.web.config import WebConfig
from adapters.web.pages import SiteOptions, SiteRenderer
from adapters.web.server import SiteServer
from adapters.web.site import BuildReport, write_files
from bot.config import Config
from bot.main.app import Parts, open_store
from storage.store import SqliteStore

log = logging.getLogger("paperbot")

COALESCE_SECONDS = 2.0  # slots firing together make one rebuild, not one each


def web_config(config: Config) -> WebConfig:
    section = config.platform("web")
    return section if isinstance(section, WebConfig) else WebConfig()


async def build_site(parts: Parts, out: Path | str) -> BuildReport:
    """Read the archive from the store, render and write it, all off the loop."""
    config = parts.config
    web = web_config(config)
    language = web.language or config.bot.language
    options = SiteOptions(web.title, web.base_url, web.feed_entries)

    def render(store: SqliteStore) -> BuildReport:
        renderer = SiteRenderer(collect(config.topics, store, store, language), options)
        return write_files(Path(out).expanduser(), renderer.files())

    if config.bot.database == ":memory:":  # a private database has only the loop's connection
        return render(parts.store)

    def in_thread() -> BuildReport:
        store = open_store(config.bot.database)  # sqlite connections stay in their thread
        try:
            return render(store)
        finally:
            store.close()

    return await asyncio.to_thread(in_thread)


class WebPublisher:
    """Serves `[web] output` on `[web] listen` and rebuilds it when told a digest was
    planned (and once at start)."""

    def __init__(self, parts: Parts, web: WebConfig) -> None:
        self.parts = parts
        self.out = Path(web.output).expanduser()
        host, port = web.host_port or ("127.0.0.1", 0)
        self.server = SiteServer(self.out, host, port)
        self._wanted = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.builds = 0

    async def start(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        await self.server.start()  # last run's pages are served while the first build runs
        self._task = asyncio.create_task(self._rebuild_forever())
        self.digest_planned()

    def digest_planned(self) -> None:
        self._wanted.set()

    async def _rebuild_forever(self) -> None:
        while True:
            await self._wanted.wait()
            if self.builds:  # the first build (at start) has nothing to wait for
                await asyncio.sleep(COALESCE_SECONDS)
            self._wanted.clear()
            try:
                report = await build_site(self.parts, self.out)
            except Exception:  # a failed rebuild keeps the old pages; the next digest retries
                log.exception("web: could not rebuild the site in %s", self.out)
            else:
                log.info("web: rebuilt %s: %s", self.out, report.summary())
            self.builds += 1

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.server.stop()


async def start_web(parts: Parts) -> WebPublisher | None:
    """Serve the archive when `[web] listen` is set; with it unset nothing listens."""
    web = web_config(parts.config)
    if web.host_port is None:
        return None
    publisher = WebPublisher(parts, web)
    await publisher.start()
    return publisher
