"""In-memory implementations of the core's ports for unit tests of services and handlers.

They stand in for arXiv and the LLM (ports), never for the code under test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from bot.errors import UpstreamError, UserError
from bot.models import ArxivId, CardText, Digest, Glossary, Paper, Reply
from bot.ports import Listing


@dataclass
class FixedClock:
    at: datetime = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


@dataclass
class StaticSource:
    """An ArxivSource over a fixed set of papers; counts calls like a real client would."""

    known: dict[str, Paper] = field(default_factory=dict)
    announced: date | None = date(2026, 11, 20)
    listed: list[Paper] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    async def listing(self, categories: Sequence[str]) -> Listing:
        self.calls.append("listing")
        papers = tuple(p for p in self.listed if set(p.categories) & set(categories))
        return Listing(tuple(categories), self.announced if papers else None, papers)

    async def papers(self, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        self.calls.append("papers")
        return {i.base: self.known[i.base] for i in ids if i.base in self.known}

    async def lookup(self, requester: str, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        self.calls.append("lookup")
        return {i.base: self.known[i.base] for i in ids if i.base in self.known}

    async def papers_in_window(
        self, categories: Sequence[str], start: datetime, end: datetime
    ) -> list[Paper]:
        return []


@dataclass
class ScriptedLLM:
    """An LLM port that answers deterministically, or fails for chosen paper ids."""

    fail_ids: set[str] = field(default_factory=set)
    calls: int = 0
    glossaries: list[Glossary] = field(default_factory=list)  # one per card asked for
    model: str = "fake-model"
    offline: bool = False

    async def card(self, paper: Paper, language: str, glossary: Glossary = ()) -> CardText:
        self.calls += 1
        self.glossaries.append(glossary)
        if paper.id in self.fail_ids:
            raise UpstreamError(f"LLM failed for {paper.id}")
        return CardText(
            summary=f"[{language}] summary of {paper.title}",
            key_takeaways=tuple(f"takeaway {i}" for i in range(1, 5)),
            title_translation=f"[{language}] {paper.title}",
            abstract_translation=f"[{language}] {paper.abstract}",
            source="llm",
            language=language,
            model=self.model,
        )

    async def translate(self, text: str, language: str) -> str:
        self.calls += 1
        if not text.strip():
            raise UserError("empty")
        return f"[{language}] {text}"


def paper(base: str = "2411.00001", **changes: object) -> Paper:
    base_paper = Paper(
        id=base,
        version=1,
        title=f"A study of $x_1$ & <tags> in {base}",
        authors=("Ada Lovelace", "Alan Turing"),
        abstract="We study reasoning. It works well. Results improve by 3.5 points. "
        "Code is available.",
        categories=("cs.CL", "cs.AI"),
        primary_category="cs.CL",
        comment="12 pages, 3 figures",
        announce_type="new",
        announced=date(2026, 11, 20),
    )
    return replace(base_paper, **changes)  # type: ignore[arg-type]


@dataclass
class AnnouncingSource:
    """An ArxivSource serving one announcement the way arXiv's RSS does (a paper is "new" in
    a feed that holds its primary category, "cross" in others) and earlier papers by
    submission window; notes every request."""

    announced: date | None = None
    listed: list[Paper] = field(default_factory=list)
    submitted: list[Paper] = field(default_factory=list)
    requests: list[tuple[str, ...]] = field(default_factory=list)
    windows: list[tuple[datetime, datetime]] = field(default_factory=list)

    async def listing(self, categories: Sequence[str]) -> Listing:
        cats = tuple(categories)
        self.requests.append(cats)
        papers = tuple(
            replace(p, announce_type="new" if p.primary_category in cats else "cross",
                    announced=self.announced)
            for p in self.listed
            if set(p.categories) & set(cats)
        )
        return Listing(cats, self.announced if papers else None, papers)

    async def papers(self, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        return {}

    async def lookup(self, requester: str, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        return {}

    async def papers_in_window(
        self, categories: Sequence[str], start: datetime, end: datetime
    ) -> list[Paper]:
        self.windows.append((start, end))
        return [
            p
            for p in self.submitted
            if p.published and start <= p.published < end and set(p.categories) & set(categories)
        ]


class ListingRenderer:
    """A Renderer whose digest payload lists what it holds, one message per digest."""

    def reply(self, reply: Reply) -> list[dict[str, Any]]:
        return [{"text": reply.text}]

    def digest(self, digest: Digest) -> list[dict[str, Any]]:
        return [{
            "topic": digest.topic,
            "announced": str(digest.announced),
            "quiet": digest.quiet,
            "ids": [c.paper.id for c in digest.cards],
        }]
