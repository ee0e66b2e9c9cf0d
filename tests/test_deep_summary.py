"""Issue 15 through the real composition (bot.main.app.build) and the router, against the
arXiv and LLM stand-ins: deep cards from HTML and PDF, "abstract only" said plainly, the
size cap, caching (counted at the stand-ins), licences and figures, tokens and /usage."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from bot.commands.router import Router
from bot.commands.wiring import make_router
from bot.main.app import Parts
from bot.models import ChatRef, IncomingCommand, Reply
from storage.store import SqliteStore
from tests.e2e_setup import fulltext_parts
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_fulltext import (
    ERROR_PAGE,
    HTML_ARXIV,
    HTML_CC_BY,
    PDF_ONLY,
    SECTION_LABELS,
    TOO_LARGE,
    fixture_papers,
)
from tests.fakes.fake_llm import FakeLLM

PRIVATE = ChatRef("telegram", "42", is_private=True)


@pytest.fixture(scope="module")
def stand_ins() -> Iterator[tuple[FakeArxiv, FakeLLM]]:
    with FakeArxiv() as arxiv, FakeLLM() as llm:
        arxiv.add_papers(fixture_papers())
        yield arxiv, llm


@dataclass
class Bot:
    parts: Parts
    router: Router
    arxiv: FakeArxiv
    llm: FakeLLM

    async def send(self, text: str, chat: ChatRef = PRIVATE, metered: bool = True) -> Reply:
        name, _, args = text.lstrip("/").partition(" ")
        return await self.router.handle(IncomingCommand(
            name, args, chat, "7", locale="en", metered=metered))

    @property
    def store(self) -> SqliteStore:
        return self.parts.store


@pytest.fixture
async def bot(
    stand_ins: tuple[FakeArxiv, FakeLLM], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Bot]:
    arxiv, llm = stand_ins
    arxiv.requests.clear()
    llm.reset()
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    async with fulltext_parts(arxiv, llm, fulltext_max_bytes=100_000) as parts:
        yield Bot(parts, make_router(parts.core), arxiv, llm)


async def test_html_paper_gets_a_deep_card_grounded_in_its_sections(bot: Bot) -> None:
    reply = await bot.send(f"/summarize {HTML_CC_BY} full")
    assert not reply.is_error, reply.text
    assert "Source: from the full text (HTML)" in reply.text
    takeaways = [line for line in reply.text.splitlines() if line[:2] in {"1.", "2.", "3."}]
    assert takeaways and all(any(f"({label})" in t for label in SECTION_LABELS)
                             for t in takeaways)
    assert "Main results: [en] 44.1 ROUGE-L" in reply.text
    assert [r.kind for r in bot.arxiv.fulltext_requests()] == ["html"]
    [request] = bot.llm.requests
    assert "=== §3.2 Results ===" in request.messages[1]["content"]


async def test_second_ask_makes_no_llm_call_and_no_arxiv_request(bot: Bot) -> None:
    first = await bot.send(f"/summarize {HTML_CC_BY} full")
    arxiv_before, llm_before = len(bot.arxiv.requests), bot.llm.count
    second = await bot.send(f"/summarize {HTML_CC_BY} full")
    assert second.text == first.text
    assert (len(bot.arxiv.requests), bot.llm.count) == (arxiv_before, llm_before)
    # Another language: the text is kept, so arXiv is not asked again; the LLM is.
    await bot.send(f"/summarize {HTML_CC_BY} full zh")
    assert len(bot.arxiv.requests) == arxiv_before
    assert bot.llm.count == llm_before + 1


async def test_concurrent_askers_share_one_download_and_one_llm_call(bot: Bot) -> None:
    import asyncio

    other = ChatRef("telegram", "43", is_private=True)
    first, second = await asyncio.gather(
        bot.send(f"/summarize {HTML_ARXIV} full"), bot.send(f"/summarize {HTML_ARXIV} full", other)
    )
    assert first.text == second.text and "Source: from the full text (HTML)" in first.text
    assert [r.kind for r in bot.arxiv.fulltext_requests()] == ["html"]
    assert bot.llm.count == 1


async def test_cc_by_paper_gets_its_figure_as_an_image(bot: Bot) -> None:
    reply = await bot.send(f"/summarize {HTML_CC_BY} full")
    assert reply.image is not None
    assert reply.image.url == f"{bot.arxiv.html_base_url}/{HTML_CC_BY}v1/routing.png"
    assert reply.image.caption.startswith("Figure 1: Tokens are routed")
    assert "creativecommons.org/licenses/by/4.0" in reply.image.caption
    assert "Figures:" not in reply.text


async def test_arxiv_licence_paper_gets_a_figures_link_never_an_image(bot: Bot) -> None:
    reply = await bot.send(f"/summarize {HTML_ARXIV} full")
    assert reply.image is None
    assert f"Figures: {bot.arxiv.html_base_url}/{HTML_ARXIV}v1" in reply.text


async def test_no_html_falls_back_to_the_pdf(bot: Bot) -> None:
    reply = await bot.send(f"/summarize {PDF_ONLY} full")
    assert "Source: from the PDF" in reply.text
    assert [r.kind for r in bot.arxiv.fulltext_requests()] == ["html", "pdf"]
    assert "(§3.2 Results)" in reply.text or "(§1 Introduction)" in reply.text
    assert reply.image is None  # a PDF gives no figure to send


async def test_an_error_page_is_abstract_only_said_plainly(bot: Bot) -> None:
    reply = await bot.send(f"/summarize {ERROR_PAGE} full")
    assert "Source: abstract only. arXiv's HTML version of this paper is an error page" \
        in reply.text
    assert "(Abstract)" in reply.text and "§" not in reply.text
    assert "=== Abstract ===" in bot.llm.requests[-1].messages[1]["content"]
    # Not cached: the next ask tries arXiv again.
    before = len(bot.arxiv.requests)
    await bot.send(f"/summarize {ERROR_PAGE} full")
    assert len(bot.arxiv.requests) == before + 1


async def test_a_paper_over_the_size_cap_is_abstract_only(bot: Bot) -> None:
    reply = await bot.send(f"/summarize {TOO_LARGE} full")
    assert "Source: abstract only. The full text is larger than the configured limit" \
        in reply.text
    assert [r.kind for r in bot.arxiv.fulltext_requests()] == ["html"]


async def test_a_long_paper_is_map_reduced_and_charged_what_it_cost(bot: Bot) -> None:
    deep = bot.parts.core.deep
    assert deep is not None
    deep._budget = 1_300  # 100 tokens of text per part: several parts
    reply = await bot.send(f"/summarize {HTML_CC_BY} full")
    assert not reply.is_error, reply.text
    calls = bot.llm.count
    assert calls > 2
    notes, final = bot.llm.requests[:-1], bot.llm.requests[-1]
    assert all(r.messages[0]["content"].startswith("SECTION NOTES") for r in notes)
    assert final.messages[0]["content"].startswith("DEEP SUMMARY")
    usage = (await bot.send("/usage")).text
    day = bot.parts.core.clock.now().date()
    tokens = bot.store.token_usage("telegram:7", day)
    assert tokens > 0
    assert f"LLM calls: {calls} of 30" in usage
    assert f"LLM tokens: {tokens:,}" in usage
    assert "arXiv lookups: 1 of 50" in usage


async def test_summarize_without_full_is_the_usual_card_and_bad_words_are_refused(
    bot: Bot,
) -> None:
    reply = await bot.send(f"/summarize {HTML_CC_BY} en")
    assert reply.cards and not bot.arxiv.fulltext_requests()
    bad = await bot.send(f"/summarize {HTML_CC_BY} xx")
    assert bad.is_error and "xx" in bad.text
    both = await bot.send(f"/summarize {HTML_CC_BY} full ja")
    assert not both.is_error and "[ja]" in both.text
