"""Deep cards (issue 15): a paper's full text in, problem, method, results, limitations and
grounded takeaways out, cached per (paper, version, language, model, prompt version).

The full text is read once per paper version and kept; a paper within the token budget is
one LLM request, a longer one a map over its parts and a reduce over their notes. What each
request cost (the API's `usage`) is added to a `Spent` the caller charges to the asker.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.errors import UpstreamError
from bot.fulltext.budget import Plan, plan
from bot.fulltext.models import DeepCard, FullText, Section
from bot.languages import normalize_language
from bot.llm.deep_parsing import DeepAnswer, parse_deep, parse_notes
from bot.llm.deep_prompts import (
    DEEP_PROMPT_VERSION,
    Message,
    deep_messages,
    notes_as_sections,
    notes_messages,
)
from bot.llm.parsing import BadAnswer
from bot.models import Paper
from bot.ports import DeepCardCache, FullTextSource, TextLLM

log = logging.getLogger(__name__)

BAD_ANSWER_ATTEMPTS = 2


@dataclass
class Spent:
    """What a deep card cost so far (mutable: filled in as requests are answered)."""

    calls: int = 0
    tokens: int = 0


class DeepService:
    """Makes deep cards; `completer` is None when no LLM is configured (then unavailable)."""

    def __init__(
        self,
        store: DeepCardCache,
        source: FullTextSource,
        completer: TextLLM | None,
        token_budget: int,
    ) -> None:
        self._store = store
        self._source = source
        self._llm = completer
        self._budget = token_budget
        self._inflight: dict[tuple[str, int, str], asyncio.Future[DeepCard]] = {}

    @property
    def available(self) -> bool:
        return self._llm is not None

    def cached(self, paper: Paper, language: str) -> DeepCard | None:
        if self._llm is None:
            return None
        return self._store.get_deep_card(
            paper.id, paper.version, normalize_language(language), self._llm.model,
            DEEP_PROMPT_VERSION,
        )

    async def shared(
        self, paper: Paper, language: str, make: Callable[[], Awaitable[DeepCard]]
    ) -> DeepCard:
        """`make()` once for concurrent askers of the same deep card: the first asker's
        download and LLM calls (charged to them) serve the others, who pay nothing, as for
        a cached card. An asker who gives up does not cancel the work for the rest."""
        key = (paper.id, paper.version, normalize_language(language))
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(make())
            self._inflight[key] = task
            task.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    def stored_text(self, paper: Paper) -> FullText | None:
        """The full text read before for this version (no arXiv request)."""
        return self._store.get_fulltext(paper.id, paper.version)

    async def fetch_text(self, paper: Paper) -> FullText:
        """Ask arXiv for the text and keep it (an "abstract only" outcome is not kept)."""
        text = await self._source.fetch(paper.id, paper.version)
        self._store.put_fulltext(paper.id, paper.version, text)
        return text

    def plan(self, paper: Paper, text: FullText) -> Plan:
        return plan(_sections(paper, text), self._budget)

    async def make(
        self, paper: Paper, language: str, text: FullText, work: Plan, spent: Spent
    ) -> DeepCard:
        """The deep card by `work`'s requests, each added to `spent`; cached when made from
        the full text. Raises UpstreamError when the LLM fails or keeps answering badly."""
        if self._llm is None:
            raise UpstreamError("no LLM is configured")
        sections = _sections(paper, text)
        given: tuple[Section, ...] = work.parts[0] if work.parts else sections
        if len(work.parts) > 1:
            notes: list[tuple[str, tuple[str, ...]]] = []
            for part in work.parts:
                reply = await self._ask(notes_messages(paper, part), spent)
                try:
                    notes += parse_notes(reply, sections)
                except BadAnswer as exc:
                    log.warning("notes on %s unusable (%s): that part is left out", paper.id, exc)
            given = notes_as_sections(notes)
        code = normalize_language(language)
        answer = await self._final(deep_messages(paper, code, text.source, given), sections,
                                   spent, paper)
        card = DeepCard(
            answer.problem, answer.method, answer.results, answer.limitations,
            answer.takeaways, source=text.source, language=code, model=self._llm.model,
            reason=text.reason, figure=text.figure, page_url=text.page_url,
        )
        self._store.put_deep_card(paper.id, paper.version, card, DEEP_PROMPT_VERSION)
        return card

    async def _final(
        self, messages: list[Message], sections: tuple[Section, ...], spent: Spent, paper: Paper
    ) -> DeepAnswer:
        last: BadAnswer | None = None
        for _attempt in range(BAD_ANSWER_ATTEMPTS):
            answer = await self._ask(messages, spent)
            try:
                return parse_deep(answer, sections)
            except BadAnswer as exc:
                last = exc
                log.warning("bad deep card answer for %s: %s", paper.id, exc)
        raise UpstreamError(f"no usable deep card for {paper.id}: {last}")

    async def _ask(self, messages: list[Message], spent: Spent) -> str:
        assert self._llm is not None
        completion = await self._llm.complete(messages)
        spent.calls += 1
        spent.tokens += completion.tokens
        return completion.text


def _sections(paper: Paper, text: FullText) -> tuple[Section, ...]:
    """The text's sections, or the abstract as the one section when that is all there is."""
    if text.source == "abstract" or not text.sections:
        return (Section("", "Abstract", paper.abstract),)
    return text.sections
