"""One pace for every request to arXiv, API and RSS alike, plus a record of them.

arXiv asks for at most one request every 3 s on one connection. The API calls run in a worker
thread (the `arxiv` package is synchronous) while RSS is fetched on the event loop, so the pacer
is thread-safe and offers both a blocking and an awaitable wait. aiolimiter cannot serve here:
it only waits on an event loop, and the package's own pacing is per client and not thread-safe.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestRecord:
    kind: str  # "api" or "rss"
    url: str
    started: float  # time.monotonic()


class TransientArxivError(Exception):
    """A failure worth retrying: 5xx, 429, timeout, lost connection, empty or broken page."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ArxivRejected(Exception):
    """arXiv answered with an error feed: retrying the same request cannot help."""


# Our clock starts a request a little before arXiv sees it arrive (connection set-up varies),
# so a gap measured at arXiv can be shorter than ours by that jitter: keep a margin.
ARRIVAL_MARGIN_SECONDS = 0.1


@dataclass
class RequestPacer:
    """Spaces request starts at least `interval` (+ a small margin) apart, across threads.

    The clock and both sleeps can be replaced, so queues built on it test without waiting.
    """

    interval: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    sleep_sync: Callable[[float], None] = time.sleep
    records: list[RequestRecord] = field(default_factory=list)
    _last_start: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _free_in(self) -> float:
        margin = ARRIVAL_MARGIN_SECONDS if self.interval >= 1 else 0.0
        return self._last_start + self.interval + margin - self.clock()

    def _try_start(self, kind: str, url: str) -> float:
        """Record a start now if the interval has passed; else return how long to wait.

        Measured from the previous actual start, so a late wake-up never shortens a gap.
        """
        with self._lock:
            wait = self._free_in()
            if wait > 0:
                return wait
            now = self.clock()
            self._last_start = now
            self.records.append(RequestRecord(kind, url, now))
        log.debug("arXiv %s request: %s", kind, url)
        return 0.0

    def wait_sync(self, kind: str, url: str) -> None:
        while (delay := self._try_start(kind, url)) > 0:
            self.sleep_sync(delay)

    async def wait(self, kind: str, url: str) -> None:
        # A timed wait, not a poll: each sleep lasts exactly until the next free slot.
        while (delay := self._try_start(kind, url)) > 0:
            await self.sleep(delay)

    async def until_free(self) -> None:
        """Wait until a request could start, without taking the slot (for coalescing)."""
        while (delay := self._free_in()) > 0:
            await self.sleep(delay)

    @property
    def requests_made(self) -> int:
        return len(self.records)

    def gaps(self) -> list[float]:
        """Seconds between consecutive request starts, for tests and benchmarks."""
        starts = [r.started for r in self.records]
        return [b - a for a, b in itertools.pairwise(starts)]
