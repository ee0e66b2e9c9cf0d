"""Scenario 5: a cached /summarize through the real Router and a real SqliteStore file.

The paper and its card are stored first, so each command is parsing, permission checks, the
cost guard and store reads: what a busy chat costs the one event-loop thread. The stand-ins
behind it count requests, so an accidental network call shows up as a failed check.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import corpus
from benchmarks.report import Row, at_least, at_most, info, progress
from bot.arxiv.source import ArxivClient
from bot.commands.context import Core
from bot.commands.wiring import make_router
from bot.config import ArxivConfig, Config, LLMConfig
from bot.llm.client import OpenAILLM
from bot.llm.prompts import PROMPT_VERSION
from bot.models import CardText, ChatRef, IncomingCommand
from bot.scheduling import SystemClock
from bot.services.cards import CardService
from bot.services.digests import DigestService
from bot.services.papers import PaperService
from bot.services.translations import TranslationService
from storage.store import SqliteStore
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_llm import FakeLLM

NAME = "5 command path"
WARMUP = 50


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(iterations: int) -> dict[str, float]:
    """Latencies (seconds) of `iterations` cached /summarize commands, plus stand-in counts."""
    paper = corpus.papers(1)[0]
    with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as arxiv, FakeLLM() as fake:
        store = SqliteStore.open(str(Path(tmp) / "bench.db"))
        source = ArxivClient(ArxivConfig(api_url=arxiv.api_url, rss_url=arxiv.rss_url))
        llm = OpenAILLM(LLMConfig(base_url=fake.base_url, model="fake-model"), "bench-key")
        try:
            store.upsert_papers([paper])
            text = CardText("A cached summary.", ("One", "Two", "Three"), "标题", "摘要",
                            "llm", "zh", llm.model)
            store.put_card(paper.id, paper.version, text, PROMPT_VERSION)
            clock = SystemClock()
            cards = CardService(store, llm)
            core = Core(Config(), store, clock, PaperService(store, source), cards,
                        TranslationService(store, llm), DigestService(store, source, cards, clock))
            router = make_router(core)
            command = IncomingCommand("summarize", f"{paper.id} zh",
                                      ChatRef("telegram", "4242"), "4242")
            latencies: list[float] = []
            wrong = 0
            for i in range(WARMUP + iterations):
                started = time.perf_counter()
                reply = await router.handle(command)
                elapsed = time.perf_counter() - started
                if i >= WARMUP:
                    latencies.append(elapsed)
                if reply.is_error or not reply.cards or reply.cards[0].text.summary != text.summary:
                    wrong += 1
        finally:
            await llm.aclose()
            await source.aclose()
            store.close()
        return {
            "p50": percentile(latencies, 0.50),
            "p99": percentile(latencies, 0.99),
            "mean": statistics.fmean(latencies),
            "per_second": len(latencies) / sum(latencies),
            "wrong": wrong,
            "network": len(arxiv.requests) + fake.count,
        }


async def run(quick: bool) -> list[Row]:
    iterations = 2000 if quick else 10_000
    progress(f"{NAME}: {iterations} cached /summarize commands")
    found = await measure(iterations)
    return [
        info(NAME, "p50 latency", found["p50"] * 1000, "ms"),
        at_most(NAME, "p99 latency", found["p99"] * 1000, "ms", 10.0, label="10 ms"),
        at_least(NAME, "commands per second (one core)", found["per_second"], "/s", 1000.0,
                 label="1,000/s"),
        at_most(NAME, "wrong replies + network calls", found["wrong"] + found["network"], "",
                0, label="0"),
    ]
