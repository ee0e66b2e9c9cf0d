"""Scenario 2: LLM cost of one digest fanned out to many subscribers in two languages.

Subscribers live in a real SqliteStore file; DailyCycle renders each one's digest into the outbox
exactly as `paperbot run` does. Calls are counted at FakeLLM, so nothing inside the process can
under-count them. The re-run opens the store again with fresh services (a restart): the card
cache must make it free, and the outbox dedupe keys must make it add nothing.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from adapters.telegram.render import TelegramRenderer
from benchmarks import corpus
from benchmarks.report import Row, at_most, info, progress
from bot.arxiv.source import ArxivClient
from bot.config import ArxivConfig, Config, LLMConfig
from bot.llm.client import OpenAILLM
from bot.models import ChatRef, ChatSettings, Subscription
from bot.scheduling import SystemClock
from bot.services.cards import CardService
from bot.services.daily import DailyCycle
from bot.services.digests import DigestService
from storage.store import SqliteStore
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_llm import FakeLLM

NAME = "2 LLM cost"
PAPERS = 30
LANGUAGES = ("zh", "en")


def subscribe(store: SqliteStore, count: int) -> None:
    for i in range(count):
        chat = ChatRef("telegram", str(100_000 + i))
        store.save_settings(ChatSettings(chat, LANGUAGES[i % 2], "10:00", "Asia/Shanghai"))
        store.add_subscription(Subscription(chat, corpus.TOPIC))


async def plan_all(db: Path, arxiv: FakeArxiv, llm_url: str) -> tuple[int, float]:
    """One daily planning pass over every destination; returns (rows added, seconds)."""
    store = SqliteStore.open(str(db))
    source = ArxivClient(ArxivConfig(api_url=arxiv.api_url, rss_url=arxiv.rss_url,
                                     request_interval_seconds=0.01))
    llm = OpenAILLM(LLMConfig(base_url=llm_url, model="fake-model"), "bench-key")
    clock = SystemClock()
    try:
        digests = DigestService(store, source, CardService(store, llm), clock)
        cycle = DailyCycle(Config(), store, store, store, source, digests,
                           {"telegram": TelegramRenderer()}, clock)
        started = time.perf_counter()
        added = await cycle.post(cycle.destinations())
        return added, time.perf_counter() - started
    finally:
        await llm.aclose()
        await source.aclose()
        store.close()


async def run(quick: bool) -> list[Row]:
    subscribers = 100 if quick else 1000
    with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as arxiv, FakeLLM() as fake:
        corpus.serve(arxiv, corpus.papers(PAPERS))
        db = Path(tmp) / "bench.db"
        store = SqliteStore.open(str(db))
        subscribe(store, subscribers)
        store.close()
        progress(f"{NAME}: planning {PAPERS} papers for {subscribers} subscribers in "
                 f"{len(LANGUAGES)} languages")
        rows_first, first_s = await plan_all(db, arxiv, fake.base_url)
        calls_first = fake.count
        progress(f"{NAME}: first run {calls_first} LLM calls, {rows_first} outbox rows, "
                 f"{first_s:.1f} s; re-running")
        rows_again, again_s = await plan_all(db, arxiv, fake.base_url)
        calls_again = fake.count - calls_first
    ideal = PAPERS * len(LANGUAGES)
    return [
        at_most(NAME, f"LLM calls, {subscribers} subscribers", calls_first, "", ideal,
                label="papers × languages"),
        at_most(NAME, "LLM calls added by a re-run", calls_again, "", 0, label="0"),
        at_most(NAME, "outbox rows added by a re-run", rows_again, "", 0, label="0"),
        info(NAME, "outbox rows, first run", rows_first, "",
             note=f"{rows_first / subscribers:g} messages per subscriber; planning took "
                  f"{first_s:.1f} s first, {again_s:.1f} s re-run"),
    ]
