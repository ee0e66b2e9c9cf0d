"""ArxivClient: what arXiv announced (one RSS request) plus metadata by id (API batches).

Requests per run grow with categories and new papers, never with topics or users: one RSS
request for all categories, then ceil(papers / batch_size) API requests. At most one request is
in flight and starts are at least `request_interval_seconds` apart, RSS and API together.
On-demand lookups (`lookup`) wait in a fair, coalescing queue behind this daily work.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from bot.arxiv import USER_AGENT
from bot.arxiv.categories import ARCHIVES, CATEGORIES
from bot.arxiv.lookups import LookupQueue
from bot.arxiv.pacing import ArxivRejected, RequestPacer, RequestRecord, TransientArxivError
from bot.config import ArxivConfig
from bot.errors import UpstreamError, UserError
from bot.models import ArxivId, Paper
from bot.ports import Listing

if TYPE_CHECKING:
    from bot.arxiv.api import ArxivApi
    from bot.arxiv.feeds import ListingFeed

log = logging.getLogger(__name__)
T = TypeVar("T")
_BAD_ID = re.compile(r"incorrect id format for (\S+)")


class _Backoff:
    """Exponential from the pacing interval, or longer when arXiv sends Retry-After."""

    def __init__(self, base: float, cap: float = 120.0) -> None:
        self._base, self._cap = base, cap

    def __call__(self, state: RetryCallState) -> float:
        wait = min(self._cap, self._base * 2 ** (state.attempt_number - 1))
        exc = state.outcome.exception() if state.outcome else None
        after = getattr(exc, "retry_after", None) or 0.0
        return min(self._cap, max(wait, after))


class ArxivClient:
    """Implements bot.ports.ArxivSource. Close with `await aclose()` (or `async with`)."""

    def __init__(self, config: ArxivConfig) -> None:
        self._config = config
        self.pacer = RequestPacer(config.request_interval_seconds)
        self._api_client: ArxivApi | None = None
        # The arxiv package is not thread-safe: every API call runs on this one thread.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="arxiv-api")
        self._http = httpx.AsyncClient(
            timeout=config.timeout_seconds,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )
        self._gate = asyncio.Lock()  # one request (or API page) in flight at a time
        self.lookups = LookupQueue(
            self._lookup_request, self.pacer, self._gate, config.batch_size,
            max_attempts=config.max_retries + 1,
        )

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request made so far (kind, url, monotonic start), for benchmarks."""
        return list(self.pacer.records)

    @property
    def requests_made(self) -> int:
        return self.pacer.requests_made

    @property
    def gate(self) -> asyncio.Lock:
        """Held while a request is in flight: other arXiv clients (full text) share it."""
        return self._gate

    async def listing(self, categories: Sequence[str]) -> Listing:
        async with self.lookups.daily():
            return await self._listing(tuple(categories))

    async def _listing(self, cats: tuple[str, ...]) -> Listing:
        if not cats:
            raise UserError("No categories given.", "Name at least one, such as cs.CL.")
        url = listing_url(self._config.rss_url, cats)
        feed = await self._retrying(f"listing {url}", lambda: self._fetch_rss(url))
        if feed.error:  # only arXiv's own "Feed error" reaches here: the categories are wrong
            raise UserError(
                "arXiv rejected the categories {categories}: {error}",
                "Categories look like cs.CL or hep-th.",
                categories=", ".join(cats),
                error=feed.error,
            )
        if not feed.papers:  # weekend, holiday, or not announced yet: the caller decides
            log.info("arXiv listing for %s is empty", "+".join(cats))
            return Listing(cats, None, ())
        meta = await self._metadata([ArxivId(p.id) for p in feed.papers])
        missing = sum(1 for p in feed.papers if p.id not in meta)
        if missing:
            log.info("arXiv API has no metadata yet for %d of %d listed papers", missing,
                     len(feed.papers))
        return Listing(cats, feed.announced, tuple(_merge(p, meta.get(p.id)) for p in feed.papers))

    async def papers(self, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        async with self.lookups.daily():
            return await self._metadata(ids, strict=True)

    async def lookup(self, requester: str, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        """On-demand metadata by id: queued fairly per requester, coalesced, after daily work."""
        return await self.lookups.lookup(requester, ids)

    async def _metadata(self, ids: Sequence[ArxivId], strict: bool = False) -> dict[str, Paper]:
        """Metadata in id_list batches. Unless `strict`, a batch that keeps failing leaves its
        papers out (a listing keeps what RSS gave them, `published` unset) instead of failing
        everything: the listing already holds titles, authors and abstracts."""
        wanted = list({i.base: str(i) for i in ids}.values())
        found: dict[str, Paper] = {}
        size = self._config.batch_size
        for start in range(0, len(wanted), size):
            chunk = wanted[start : start + size]
            try:
                batch = await self._batch(chunk)
            except UpstreamError as exc:
                if strict:
                    raise
                log.warning("arXiv metadata for %d papers unavailable (%s): they keep the "
                            "listing's text until asked for again", len(chunk), exc)
                continue
            for paper in batch:
                found[paper.id] = paper
        return found

    async def papers_in_window(
        self, categories: Sequence[str], start: datetime, end: datetime
    ) -> list[Paper]:
        async with self.lookups.daily():
            return await self._in_window(window_query(categories, start, end), start, end)

    async def _in_window(self, query: str, start: datetime, end: datetime) -> list[Paper]:
        found: dict[str, Paper] = {}
        offset = 0
        while True:
            try:
                page = await self._retrying(
                    f"query from {offset}",
                    functools.partial(self._in_worker, self._page, query, offset),
                )
            except ArxivRejected as exc:
                raise UpstreamError(f"arXiv rejected the query {query}: {exc}") from exc
            for paper in page:
                if paper.published is None or start <= paper.published < end:
                    found.setdefault(paper.id, paper)
            offset += len(page)
            if len(page) < self._api.page_size:
                return list(found.values())

    @property
    def _api(self) -> ArxivApi:
        """Made at the first API request, on the worker thread: the `arxiv` package and
        feedparser take a while to import, which `paperbot run` would otherwise spend
        before it is ready."""
        if self._api_client is None:
            from bot.arxiv.api import ArxivApi

            self._api_client = ArxivApi(
                self._config.api_url, self.pacer, self._config.timeout_seconds,
                self._config.batch_size,
            )
        return self._api_client

    async def aclose(self) -> None:
        await self.lookups.aclose()
        await self._http.aclose()
        if self._api_client is not None:
            self._api_client.close()
        self._worker.shutdown(wait=False)

    async def __aenter__(self) -> ArxivClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _batch(self, ids: list[str]) -> list[Paper]:
        """One id_list batch. An error feed names one bad id: drop it and ask again."""
        while ids:
            try:
                return await self._retrying(
                    f"metadata for {len(ids)} ids",
                    functools.partial(self._in_worker, self._by_ids, list(ids)),
                )
            except ArxivRejected as exc:
                bad = set(_BAD_ID.findall(str(exc))) & set(ids)
                log.warning("arXiv rejected id_list (%s); dropping %s", exc, sorted(bad) or "all")
                if not bad:
                    return []
                ids = [i for i in ids if i not in bad]
        return []

    def _page(self, query: str, offset: int) -> list[Paper]:
        return self._api.page(query, offset)

    def _by_ids(self, ids: list[str]) -> list[Paper]:
        return self._api.by_ids(ids)

    async def _lookup_request(self, ids: list[str]) -> list[Paper]:
        return await self._in_worker(self._by_ids, ids)

    async def _in_worker(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)

    async def _fetch_rss(self, url: str) -> ListingFeed:
        await self.pacer.wait("rss", url)
        try:
            response = await self._http.get(url)
        except httpx.TimeoutException as exc:
            raise TransientArxivError(
                f"no answer within {self._config.timeout_seconds:g} s"
            ) from exc
        except httpx.TransportError as exc:
            raise TransientArxivError(f"connection failed ({exc.__class__.__name__})") from exc
        if response.status_code == 429 or response.status_code >= 500:
            after = response.headers.get("Retry-After", "")
            raise TransientArxivError(
                f"HTTP {response.status_code}", float(after) if after.isdigit() else None
            )
        # feedparser needs seconds for a 2,000-item listing: keep it off the event loop.
        feed = await asyncio.to_thread(_parse_listing, response.content)
        if feed.malformed and response.status_code == 200:
            raise TransientArxivError(feed.error or "malformed listing")
        if response.status_code != 200 and (feed.malformed or not feed.error):
            # A 404 page or a proxy's error is about the URL, never about the categories.
            raise UpstreamError(f"arXiv listing {url} answered HTTP {response.status_code}")
        return feed

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run one request under the gate, retrying transient failures with backoff."""
        attempts = self._config.max_retries + 1

        def warn(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.warning("arXiv %s failed (%s), try %d of %d", what, exc, state.attempt_number,
                        attempts)

        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(TransientArxivError),
                stop=stop_after_attempt(attempts),
                wait=_Backoff(max(self._config.request_interval_seconds, 0.01)),
                before_sleep=warn,
                reraise=True,
            ):
                with attempt:
                    async with self._gate:
                        return await call()
        except TransientArxivError as exc:
            tries = "1 try" if attempts == 1 else f"{attempts} tries"
            raise UpstreamError(f"arXiv {what} failed after {tries}: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover


def _parse_listing(content: bytes) -> ListingFeed:
    from bot.arxiv.feeds import parse_listing  # imports feedparser and lxml, off the loop

    return parse_listing(content)


def _merge(item: Paper, meta: Paper | None) -> Paper:
    """API metadata (comment, full authors, primary category) with the listing's announcement.

    The API lags announcements: when it has nothing, or an older version than the listing, the
    listing's own text is the truth for this announcement.
    """
    if meta is None:
        return item
    if meta.version < item.version:
        return replace(item, primary_category=meta.primary_category or item.primary_category,
                       published=meta.published)
    return replace(meta, announce_type=item.announce_type, announced=item.announced,
                   license=meta.license or item.license)  # the API has no licence


def listing_url(rss_url: str, categories: Sequence[str]) -> str:
    """The listing URL for categories, whether or not the configured base ends with '/'."""
    return f"{rss_url.rstrip('/')}/{'+'.join(categories)}"


def window_query(categories: Sequence[str], start: datetime, end: datetime) -> str:
    """`(cat:a OR cat:b) AND submittedDate:[start TO end)`; a bare archive means all of it."""
    terms = [
        f"cat:{c}.*" if c in ARCHIVES and c not in CATEGORIES else f"cat:{c}" for c in categories
    ]
    last = end - timedelta(minutes=1)  # arXiv's range is inclusive, to the minute
    return (
        f"({' OR '.join(terms)}) AND submittedDate:[{_minute(start)} TO {_minute(last)}]"
    )


def _minute(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M")
