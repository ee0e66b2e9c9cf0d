"""Paper cards: cached forever per (paper, version, language, model, prompt version).

One paper never fails a digest: when the LLM fails, the card says "summary unavailable"
and keeps the title, abstract and links. Concurrent requests for the same card share one
LLM call, so a paper is summarised once per language however many readers ask at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from bot.errors import UpstreamError, UserError
from bot.llm.prompts import PROMPT_VERSION
from bot.models import CardText, Paper, PaperCard
from bot.ports import LLM, CardCache

log = logging.getLogger(__name__)

Progress = Callable[[PaperCard], None]


class CardService:
    def __init__(self, store: CardCache, llm: LLM) -> None:
        self._store = store
        self._llm = llm
        self._inflight: dict[tuple[str, int, str], asyncio.Task[CardText]] = {}

    @property
    def offline(self) -> bool:
        return self._llm.offline

    def cached(self, paper: Paper, language: str) -> CardText | None:
        if self._llm.offline:
            return None
        return self._store.get_card(
            paper.id, paper.version, language, self._llm.model, PROMPT_VERSION
        )

    def needs_llm_call(self, paper: Paper, language: str) -> bool:
        """True when making this card would spend an LLM call (for the cost guard)."""
        return not self._llm.offline and self.cached(paper, language) is None

    async def card(self, paper: Paper, language: str) -> PaperCard:
        return PaperCard(paper, await self._text(paper, language))

    async def cards(
        self, papers: Sequence[Paper], language: str, progress: Progress | None = None
    ) -> list[PaperCard]:
        """All cards, in the papers' order; the LLM client bounds concurrency itself."""

        async def one(paper: Paper) -> PaperCard:
            card = await self.card(paper, language)
            if progress is not None:
                progress(card)
            return card

        return list(await asyncio.gather(*(one(p) for p in papers)))

    async def _text(self, paper: Paper, language: str) -> CardText:
        cached = self.cached(paper, language)
        if cached is not None:
            return cached
        key = (paper.id, paper.version, language)
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._generate(paper, language))
            self._inflight[key] = task
            task.add_done_callback(lambda _t: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    async def _generate(self, paper: Paper, language: str) -> CardText:
        try:
            text = await self._llm.card(paper, language)
        except (UpstreamError, UserError) as exc:
            log.warning(
                "card for %sv%d (%s) unavailable: %s", paper.id, paper.version, language, exc
            )
            return unavailable(language, self._llm.model)
        if text.source == "llm":
            self._store.put_card(paper.id, paper.version, text, PROMPT_VERSION)
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
