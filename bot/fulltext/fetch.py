"""Fetching a paper's full text from arXiv: its HTML, else (404) its PDF, within a size cap.

The same politeness as every other arXiv request: the shared pacer (one start every
`request_interval_seconds`), the shared gate (one request in flight, so one connection),
and retries with backoff on 5xx, 429, timeouts and lost connections. A body over
`fulltext_max_bytes` is not read to the end: the deep card is then "abstract only".
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Literal

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from bot.arxiv import USER_AGENT
from bot.arxiv.pacing import RequestPacer, TransientArxivError
from bot.config import ArxivConfig
from bot.config_models import ARXIV_MIN_INTERVAL, is_arxiv_host
from bot.errors import UpstreamError
from bot.fulltext.models import FullText

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Body:
    """One answer: its status and bytes; `too_large` when the cap stopped the reading."""

    status: int
    content: bytes = b""
    too_large: bool = False


class FullTextFetcher:
    """Reads one paper version's full text; arXiv is asked at most twice (HTML, then PDF)."""

    def __init__(self, config: ArxivConfig, pacer: RequestPacer, gate: asyncio.Lock) -> None:
        self._config = config
        self._pacer = pacer
        self._gate = gate
        # The shared interval may be short for stand-ins on other hosts; arXiv's own hosts
        # still get 3 s between full-text requests (the config check covers api/rss only).
        self._floor: RequestPacer | None = None
        urls = (config.html_base_url, config.pdf_base_url)
        if config.request_interval_seconds < ARXIV_MIN_INTERVAL and any(map(is_arxiv_host, urls)):
            self._floor = RequestPacer(ARXIV_MIN_INTERVAL)
        self._http = httpx.AsyncClient(
            timeout=config.timeout_seconds,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
            limits=httpx.Limits(max_connections=1),
        )

    def html_url(self, base_id: str, version: int) -> str:
        return f"{self._config.html_base_url.rstrip('/')}/{base_id}v{version}"

    def pdf_url(self, base_id: str, version: int) -> str:
        return f"{self._config.pdf_base_url.rstrip('/')}/{base_id}v{version}"

    async def fetch(self, base_id: str, version: int) -> FullText:
        """The HTML's sections, the PDF's when there is no HTML, or "abstract only" and why.
        Raises UpstreamError when arXiv keeps failing."""
        page = self.html_url(base_id, version)
        html = await self._get("html", page)
        if html.too_large:
            return FullText.abstract_only("too_large", page)
        if html.status == 200:
            return await asyncio.to_thread(_read_html, html.content, page)
        if html.status not in (404, 410):
            raise UpstreamError(f"arXiv HTML {page} answered HTTP {html.status}")
        pdf = await self._get("pdf", self.pdf_url(base_id, version))
        if pdf.too_large:
            return FullText.abstract_only("too_large")
        if pdf.status != 200:
            return FullText.abstract_only("no_full_text")
        return await asyncio.to_thread(_read_pdf, pdf.content)

    async def _get(self, kind: Literal["html", "pdf"], url: str) -> Body:
        attempts = self._config.max_retries + 1
        base = max(self._config.request_interval_seconds, 0.01)
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(TransientArxivError),
                stop=stop_after_attempt(attempts),
                wait=wait_exponential(multiplier=base, max=120),
                reraise=True,
            ):
                with attempt:
                    async with self._gate:
                        if self._floor is not None and is_arxiv_host(url):
                            await self._floor.wait(kind, url)
                        await self._pacer.wait(kind, url)
                        return await self._read(url)
        except TransientArxivError as exc:
            raise UpstreamError(f"arXiv {kind} {url} failed after {attempts} tries: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def _read(self, url: str) -> Body:
        cap = self._config.fulltext_max_bytes
        try:
            async with self._http.stream("GET", url) as response:
                if response.status_code == 429 or response.status_code >= 500:
                    after = response.headers.get("Retry-After", "")
                    raise TransientArxivError(f"HTTP {response.status_code}",
                                              float(after) if after.isdigit() else None)
                if response.status_code != 200:
                    return Body(response.status_code)
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > cap:
                    log.info("%s is %s bytes, over the %d cap", url, length, cap)
                    return Body(200, too_large=True)
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > cap:
                        log.info("%s is over the %d byte cap", url, cap)
                        return Body(200, too_large=True)
                    chunks.append(chunk)
                return Body(200, b"".join(chunks))
        except httpx.TimeoutException as exc:
            seconds = self._config.timeout_seconds
            raise TransientArxivError(f"no answer within {seconds:g} s") from exc
        except httpx.TransportError as exc:
            raise TransientArxivError(f"connection failed ({exc.__class__.__name__})") from exc

    async def aclose(self) -> None:
        await self._http.aclose()


def _read_html(content: bytes, page: str) -> FullText:
    # lxml and pypdf are imported here, off the loop and never before a paper is read:
    # `paperbot run` starts without them.
    from bot.fulltext.html_sections import read_html

    return read_html(content, page)


def _read_pdf(content: bytes) -> FullText:
    from bot.fulltext.pdf_text import read_pdf

    return read_pdf(content)
