"""Where the core gets what it posts: arXiv listings and metadata, full texts, LLM cards,
embeddings, and the time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.fulltext.models import FullText
from bot.models import ArxivId, CardText, Glossary, Paper


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


@dataclass(frozen=True)
class Listing:
    """What arXiv announced for some categories on one announcement day."""

    categories: tuple[str, ...]
    announced: date | None  # None: nothing announced (weekend, holiday) or not yet
    papers: tuple[Paper, ...]


class ArxivSource(Protocol):
    async def listing(self, categories: Sequence[str]) -> Listing:
        """The latest announcement for these categories (one RSS request), with metadata."""
        ...

    async def papers(self, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        """Metadata by id (API `id_list` batches), keyed by unversioned base id."""
        ...

    async def lookup(self, requester: str, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        """`papers` for an on-demand command: queued fairly per requester and coalesced with
        other requesters' lookups, after scheduled work."""
        ...

    async def papers_in_window(
        self, categories: Sequence[str], start: datetime, end: datetime
    ) -> list[Paper]:
        """Papers first submitted in [start, end), for catch-up after downtime."""
        ...


class LLM(Protocol):
    @property
    def model(self) -> str: ...

    @property
    def offline(self) -> bool:
        """True when no LLM is configured and answers come from the extractive fallback."""
        ...

    async def card(self, paper: Paper, language: str, glossary: Glossary = ()) -> CardText:
        """Summary, takeaways and translations of one paper, rendering the glossary's terms
        as it says; raises UpstreamError."""
        ...

    async def translate(self, text: str, language: str) -> str: ...


@dataclass(frozen=True)
class Completion:
    """One LLM answer and what it cost, from the API's `usage` (issue 15)."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class TextLLM(Protocol):
    """An LLM asked with prepared messages (deep cards); raises UpstreamError, RateLimited."""

    @property
    def model(self) -> str: ...

    async def complete(self, messages: list[dict[str, str]]) -> Completion: ...


class FullTextSource(Protocol):
    """A paper version's full text from arXiv (HTML, else PDF), or "abstract only" and why;
    raises UpstreamError when arXiv keeps failing (bot.fulltext.fetch)."""

    async def fetch(self, base_id: str, version: int) -> FullText: ...


class Embedder(Protocol):
    """An embedding endpoint (OpenAI-compatible `/v1/embeddings`); raises UpstreamError."""

    @property
    def model(self) -> str: ...

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order (the implementation batches the requests)."""
        ...
