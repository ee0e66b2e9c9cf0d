"""The arXiv API through the `arxiv` package, made strict enough for a bot that runs unattended.

The package (4.x) is synchronous, has no HTTP timeout, paces per client without a lock, retries
immediately, drops error entries and turns a malformed 200 into an empty result. So its HTTP
session gets a transport adapter that paces with the shared RequestPacer, sets a timeout and
checks each answer before the package sees it: 5xx/429, timeouts, broken bodies and arXiv's
"empty page although totalResults > 0" become TransientArxivError (the caller retries), error
feeds become ArxivRejected. Every call must run on one worker thread (see source.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import arxiv
import requests
from requests.adapters import HTTPAdapter

from bot.arxiv import USER_AGENT
from bot.arxiv.feeds import api_envelope, papers_from_results
from bot.arxiv.pacing import ArxivRejected, RequestPacer, TransientArxivError
from bot.models import Paper

log = logging.getLogger(__name__)


class _CheckedAdapter(HTTPAdapter):
    """Paces, times out and validates every HTTP request the `arxiv` package makes."""

    def __init__(self, pacer: RequestPacer, timeout: float) -> None:
        super().__init__(max_retries=0)
        self._pacer = pacer
        self._timeout = timeout

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs["timeout"] = self._timeout
        request.headers["User-Agent"] = USER_AGENT
        self._pacer.wait_sync("api", request.url or "")
        try:
            response = super().send(request, *args, **kwargs)
        except requests.Timeout as exc:
            raise TransientArxivError(f"no answer within {self._timeout:g} s") from exc
        except requests.ConnectionError as exc:
            raise TransientArxivError(f"connection failed ({exc.__class__.__name__})") from exc
        _check(response)
        return response


def _check(response: requests.Response) -> None:
    status = response.status_code
    if status == 429 or status >= 500:
        raise TransientArxivError(f"HTTP {status}", _retry_after(response.headers))
    envelope = api_envelope(response.content)
    if envelope.error and not envelope.malformed:
        raise ArxivRejected(envelope.error)
    if status != 200:
        raise ArxivRejected(f"HTTP {status}")
    if envelope.malformed:
        raise TransientArxivError(envelope.error or "malformed response")
    if envelope.entries == 0 and envelope.total_results > envelope.start_index:
        raise TransientArxivError(
            f"empty page although totalResults={envelope.total_results}"
        )


def _retry_after(headers: Mapping[str, str]) -> float | None:
    try:
        return float(headers.get("Retry-After", ""))
    except ValueError:
        return None


class ArxivApi:
    """Synchronous API calls returning Papers; call only from one thread at a time."""

    def __init__(self, api_url: str, pacer: RequestPacer, timeout: float, page_size: int) -> None:
        self.page_size = page_size
        # The package's own pacing and retries are off: the adapter and the caller own them.
        self._client = arxiv.Client(page_size=page_size, delay_seconds=0, num_retries=0)
        self._client.query_url_format = f"{api_url}?{{}}"
        session = self._client._session  # the package exposes no other way to set a timeout
        session.mount("http://", _CheckedAdapter(pacer, timeout))
        session.mount("https://", _CheckedAdapter(pacer, timeout))

    def by_ids(self, ids: list[str]) -> list[Paper]:
        """One `id_list` request; ids arXiv does not know are simply absent."""
        search = arxiv.Search(id_list=ids, max_results=len(ids))
        return list(papers_from_results(self._client.results(search)))

    def page(self, query: str, start: int) -> list[Paper]:
        """Up to `page_size` results of a query from `start`, oldest submission first."""
        search = arxiv.Search(
            query=query,
            max_results=start + self.page_size,
            sort_by=arxiv.SortCriterion.SubmittedDate,
            sort_order=arxiv.SortOrder.Ascending,
        )
        return list(papers_from_results(self._client.results(search, offset=start)))

    def close(self) -> None:
        self._client._session.close()
