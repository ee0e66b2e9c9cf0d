"""Scenario 7: one user floods `/summarize` with 200 unstored ids; another asks once.

Through the real Router, SqliteStore file and ArxivClient against the arXiv and LLM stand-ins,
at arXiv's real 3 s interval (nothing is scaled down). The second user asks 1 s after the
flood, so the flood's first request is already out. Run twice: with the default budgets
(the flood is cut off before arXiv is asked) and with budgets raised out of the way (only the
fair, coalescing lookup queue protects the second user). Before the queue and the budgets the
second user waited 612 s and the flood made 201 arXiv requests.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from benchmarks import corpus
from benchmarks.report import Row, at_most, info, progress
from bot.arxiv.source import ArxivClient
from bot.commands.context import Core
from bot.commands.wiring import make_router
from bot.config import ArxivConfig, Config, LLMConfig
from bot.llm.client import OpenAILLM
from bot.models import ChatRef, IncomingCommand
from bot.scheduling import SystemClock
from bot.services.cards import CardService
from bot.services.digests import DigestService
from bot.services.papers import PaperService
from bot.services.translations import TranslationService
from storage.store import SqliteStore
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_llm import FakeLLM

NAME = "7 abuse"
FLOOD = 200
INTERVAL = 3.0  # arXiv's own: the target holds without scaling
SECOND_USER_AFTER = 1.0


def _command(paper_id: str, user: str) -> IncomingCommand:
    return IncomingCommand("summarize", f"{paper_id} en", ChatRef("telegram", user), user)


async def measure(budgets: dict[str, int]) -> dict[str, float]:
    """The second user's wait and what the flood cost, under these `[bot]` budgets."""
    papers = corpus.papers(FLOOD + 1)
    with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as arxiv, FakeLLM() as fake:
        arxiv.add_papers(papers)
        store = SqliteStore.open(str(Path(tmp) / "bench.db"))
        source = ArxivClient(ArxivConfig(api_url=arxiv.api_url, rss_url=arxiv.rss_url,
                                         request_interval_seconds=INTERVAL))
        llm = OpenAILLM(LLMConfig(base_url=fake.base_url, model="fake-model"), "bench-key")
        try:
            config = Config()
            config = config.model_copy(update={"bot": config.bot.model_copy(update=budgets)})
            clock = SystemClock()
            cards = CardService(store, llm)
            core = Core(config, store, clock, PaperService(store, source), cards,
                        TranslationService(store, llm), DigestService(store, source, cards, clock))
            router = make_router(core)
            started = time.perf_counter()
            flood = [asyncio.create_task(router.handle(_command(p.id, "1001")))
                     for p in papers[:FLOOD]]
            await asyncio.sleep(SECOND_USER_AFTER)
            asked = time.perf_counter()
            second = await router.handle(_command(papers[FLOOD].id, "2002"))
            waited = time.perf_counter() - asked
            replies = await asyncio.gather(*flood)
            elapsed = time.perf_counter() - started
        finally:
            await llm.aclose()
            await source.aclose()
            store.close()
        return {
            "wait": waited,
            "second_ok": float(not second.is_error and bool(second.cards)),
            "arxiv": float(len(arxiv.requests)),
            "ids": float(sum(len(r.query.get("id_list", "").split(","))
                             for r in arxiv.api_requests())),
            "refused": float(sum(r.is_error for r in replies)),
            "llm": float(fake.count),
            "elapsed": elapsed,
        }


async def run(quick: bool) -> list[Row]:
    rows: list[Row] = []
    runs = [
        ("default budgets", {}),
        ("budgets off", {"daily_arxiv_lookups_per_user": 100_000,
                         "daily_llm_requests_per_user": 100_000}),
    ]
    for label, budgets in runs:
        progress(f"{NAME}: {FLOOD} /summarize from one user + 1 from another ({label})")
        found = await measure(budgets)
        note = f"{label}; arXiv interval {INTERVAL:g} s (not scaled)"
        if not found["second_ok"]:
            note += "; the second user's reply was an error"
        rows += [
            at_most(NAME, f"second user's wait ({label})", found["wait"], "s", 10.0,
                    label="10 s", note=note),
            info(NAME, f"arXiv requests for {FLOOD + 1} lookups ({label})", found["arxiv"], ""),
            info(NAME, f"ids asked of arXiv ({label})", found["ids"], ""),
            info(NAME, f"flood commands refused ({label})", found["refused"], ""),
            info(NAME, f"LLM calls ({label})", found["llm"], ""),
        ]
    return rows
