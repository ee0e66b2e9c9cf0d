"""On-demand lookups by id: fair across requesters, coalesced per request, after the daily fetch.

One user's 200 `/summarize` must not delay another user's one, and twenty users asking at once
must not wait twenty request intervals. So lookups wait in one queue per requester; when the
next request slot opens, ids are taken round-robin across requesters (one each, in turn) into a
single `id_list` request of up to `batch_size` ids. The daily fetch always goes first: while it
is running (`daily()`), no lookup request starts. Spacing stays the shared RequestPacer's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bot.arxiv.pacing import ArxivRejected, RequestPacer, TransientArxivError
from bot.errors import UpstreamError
from bot.models import ArxivId, Paper

log = logging.getLogger(__name__)

Fetch = Callable[[list[str]], Awaitable[list[Paper]]]
"""One `id_list` request (ids as strings, versions kept); no retries, no pacing of its own."""

_BAD_ID = re.compile(r"incorrect id format for (\S+)")
BACKOFF_CAP_SECONDS = 120.0


@dataclass
class _Lookup:
    requester: str
    arxiv_id: ArxivId
    future: asyncio.Future[Paper | None]
    attempts: int = 0


@dataclass
class LookupStats:
    """What the queue has done, for tests and benchmarks."""

    requests: int = 0
    batches: list[list[str]] = field(default_factory=list)


class LookupQueue:
    """Fair, coalescing queue of on-demand id lookups sharing arXiv's pace with the daily fetch.

    `gate` is the lock every arXiv request holds; `fetch` makes one request while it is held.
    """

    def __init__(
        self,
        fetch: Fetch,
        pacer: RequestPacer,
        gate: asyncio.Lock,
        batch_size: int,
        max_attempts: int = 5,
    ) -> None:
        self._fetch = fetch
        self._pacer = pacer
        self._gate = gate
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._pending: dict[str, deque[_Lookup]] = {}
        self._turns: deque[str] = deque()  # requesters in round-robin order
        self._daily = 0
        self._daily_idle = asyncio.Event()
        self._daily_idle.set()
        self._worker: asyncio.Task[None] | None = None
        self.stats = LookupStats()

    @contextlib.asynccontextmanager
    async def daily(self) -> AsyncIterator[None]:
        """Mark daily (scheduled) arXiv work: lookups wait until it is done."""
        self._daily += 1
        self._daily_idle.clear()
        try:
            yield
        finally:
            self._daily -= 1
            if not self._daily:
                self._daily_idle.set()

    async def lookup(self, requester: str, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        """Papers by unversioned base id; ids arXiv does not know are absent."""
        wanted = list({str(i): i for i in ids}.values())
        loop = asyncio.get_running_loop()
        entries = [_Lookup(requester, i, loop.create_future()) for i in wanted]
        for entry in entries:
            self._enqueue(entry)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="arxiv-lookups")
        found = await asyncio.gather(*(e.future for e in entries))
        return {p.id: p for p in found if p is not None}

    @property
    def waiting(self) -> int:
        return sum(len(q) for q in self._pending.values())

    async def aclose(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        self._fail_all(UpstreamError("arXiv lookups stopped: paperbot is shutting down"))

    def _enqueue(self, entry: _Lookup, front: bool = False) -> None:
        queue = self._pending.get(entry.requester)
        if queue is None:
            queue = self._pending[entry.requester] = deque()
            if front:
                self._turns.appendleft(entry.requester)
            else:
                self._turns.append(entry.requester)
        if front:
            queue.appendleft(entry)
        else:
            queue.append(entry)

    def _take(self) -> list[_Lookup]:
        """Up to batch_size live lookups, one per requester per round."""
        batch: list[_Lookup] = []
        while self._turns and len(batch) < self._batch_size:
            who = self._turns.popleft()
            queue = self._pending[who]
            entry = queue.popleft()
            if queue:
                self._turns.append(who)
            else:
                del self._pending[who]
            if not entry.future.done():  # a cancelled command no longer wants it
                batch.append(entry)
        return batch

    async def _run(self) -> None:
        failures = 0
        try:
            while self._pending:
                await self._daily_idle.wait()
                async with self._gate:
                    await self._pacer.until_free()
                    if self._daily:
                        continue  # the daily fetch started meanwhile: it goes first
                    batch = self._take()
                    if not batch:
                        continue
                    retry_after = await self._send(batch)
                if retry_after is None:
                    failures = 0
                else:
                    failures += 1
                    base = max(self._pacer.interval, 0.01) * 2 ** (failures - 1)
                    await self._pacer.sleep(min(BACKOFF_CAP_SECONDS, max(base, retry_after)))
        except BaseException as exc:
            self._fail_all(UpstreamError(f"arXiv lookups failed: {exc}"))
            raise

    async def _send(self, batch: list[_Lookup]) -> float | None:
        """One request for the batch; returns None, or the wait before the next after a fault."""
        ids = list(dict.fromkeys(str(e.arxiv_id) for e in batch))
        self.stats.requests += 1
        self.stats.batches.append(ids)
        try:
            papers = await self._fetch(ids)
        except TransientArxivError as exc:
            self._retry(batch, exc)
            return exc.retry_after or 0.0
        except ArxivRejected as exc:
            bad = set(_BAD_ID.findall(str(exc)))
            log.warning("arXiv rejected id_list (%s); unknown: %s", exc, sorted(bad) or "all")
            for entry in reversed(batch):
                if bad and str(entry.arxiv_id) not in bad:
                    self._enqueue(entry, front=True)
                else:
                    _settle(entry, None)
            return None
        for entry in batch:
            _settle(entry, _match(entry.arxiv_id, papers))
        self._settle_waiting(papers)
        return None

    def _retry(self, batch: list[_Lookup], exc: TransientArxivError) -> None:
        for entry in reversed(batch):
            entry.attempts += 1
            if entry.attempts >= self._max_attempts:
                tries = "1 try" if entry.attempts == 1 else f"{entry.attempts} tries"
                entry.future.set_exception(
                    UpstreamError(f"arXiv lookup of {entry.arxiv_id} failed after {tries}: {exc}")
                )
            else:
                self._enqueue(entry, front=True)
        log.warning("arXiv lookup of %d ids failed (%s); will retry", len(batch), exc)

    def _settle_waiting(self, papers: list[Paper]) -> None:
        """Lookups still queued for a paper this answer holds need no request of their own."""
        for queue in self._pending.values():
            for entry in list(queue):
                if (paper := _match(entry.arxiv_id, papers)) is not None:
                    queue.remove(entry)
                    _settle(entry, paper)
        for who in [w for w, q in self._pending.items() if not q]:
            del self._pending[who]
            self._turns.remove(who)

    def _fail_all(self, exc: Exception) -> None:
        for queue in self._pending.values():
            for entry in queue:
                if not entry.future.done():
                    entry.future.set_exception(exc)
        self._pending.clear()
        self._turns.clear()


def _settle(entry: _Lookup, paper: Paper | None) -> None:
    if not entry.future.done():
        entry.future.set_result(paper)


def _match(wanted: ArxivId, papers: list[Paper]) -> Paper | None:
    """The version asked for, or the newest returned when none was."""
    same = [p for p in papers if p.id == wanted.base]
    if wanted.version is not None:
        return next((p for p in same if p.version == wanted.version), None)
    return max(same, key=lambda p: p.version, default=None)
