"""Paper cards: cached forever per (paper, version, language, model, prompt version).

One paper never fails a digest: when the LLM fails, the card says "summary unavailable"
and keeps the title, abstract and links. Concurrent requests for the same card share one
LLM call, so a paper is summarised once per language however many readers ask at once.
Within a run (`one_run`), the first outcome is kept: a paper is never a fallback card for
one topic or reader and a full card for another because the LLM recovered in between.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from bot.errors import UpstreamError, UserError
from bot.llm.prompts import card_version
from bot.models import CardText, Glossary, Paper, PaperCard
from bot.ports import LLM, CardCache

log = logging.getLogger(__name__)

Progress = Callable[[PaperCard], None]


CardKey = tuple[str, int, str, Glossary]  # (paper id, version, language, glossary)


class CardService:
    """Makes cards, caching the LLM's and sharing one call between concurrent askers."""

    def __init__(self, store: CardCache, llm: LLM) -> None:
        self._store = store
        self._llm = llm
        self._inflight: dict[CardKey, asyncio.Task[CardText]] = {}
        self._runs = 0  # open `one_run` scopes (slots firing together overlap)
        self._outcomes: dict[CardKey, CardText] = {}

    @contextmanager
    def one_run(self) -> Iterator[None]:
        """Within this scope each (paper, version, language) keeps its first outcome, a
        fallback card included; overlapping scopes share it until the last one ends."""
        self._runs += 1
        try:
            yield
        finally:
            self._runs -= 1
            if not self._runs:
                self._outcomes.clear()

    @property
    def offline(self) -> bool:
        return self._llm.offline

    def cached(self, paper: Paper, language: str, glossary: Glossary = ()) -> CardText | None:
        if self._llm.offline:
            return None
        return self._store.get_card(
            paper.id, paper.version, language, self._llm.model, card_version(glossary)
        )

    def needs_llm_call(self, paper: Paper, language: str) -> bool:
        """True when making this card would spend an LLM call (for the cost guard)."""
        return not self._llm.offline and self.cached(paper, language) is None

    async def card(self, paper: Paper, language: str) -> PaperCard:
        """One card for a reader who asked (/summarize): a failure is retried next time,
        even within a run."""
        return PaperCard(paper, await self._text(paper, language, (), in_run=False))

    async def cards(
        self,
        papers: Sequence[Paper],
        language: str,
        progress: Progress | None = None,
        glossary: Glossary = (),
    ) -> list[PaperCard]:
        """All cards, in the papers' order, with the topic's glossary; the LLM client bounds
        concurrency itself. Within `one_run`, a card already made in this run is reused."""

        async def one(paper: Paper) -> PaperCard:
            card = PaperCard(paper, await self._text(paper, language, glossary, in_run=True))
            if progress is not None:
                progress(card)
            return card

        return list(await asyncio.gather(*(one(p) for p in papers)))

    async def _text(
        self, paper: Paper, language: str, glossary: Glossary, *, in_run: bool
    ) -> CardText:
        key = (paper.id, paper.version, language, glossary)
        in_run = in_run and self._runs > 0
        if in_run and key in self._outcomes:
            return self._outcomes[key]
        cached = self.cached(paper, language, glossary)
        if cached is not None:
            return cached
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._generate(paper, language, glossary))
            self._inflight[key] = task
            task.add_done_callback(lambda _t: self._inflight.pop(key, None))
        text = await asyncio.shield(task)
        if in_run:
            text = self._outcomes.setdefault(key, text)
        return text

    async def _generate(self, paper: Paper, language: str, glossary: Glossary) -> CardText:
        try:
            text = await self._llm.card(paper, language, glossary)
        except (UpstreamError, UserError) as exc:
            log.warning(
                "card for %sv%d (%s) unavailable: %s", paper.id, paper.version, language, exc
            )
            return unavailable(language, self._llm.model)
        if text.source == "llm":
            self._store.put_card(paper.id, paper.version, text, card_version(glossary))
        return text


def unavailable(language: str, model: str = "") -> CardText:
    return CardText(
        summary="",
        key_takeaways=(),
        title_translation=None,
        abstract_translation=None,
        source="unavailable",
        language=language,
        model=model,
    )
