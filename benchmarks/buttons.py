"""Scenario 11: button presses through the real ButtonHandler and a real SqliteStore file.

Part 1: a cached Summary press (decode, paper and card reads, the answer's keyboard) and a 👍
toggle (a write): what a busy group's buttons cost the event-loop thread; target p99 ≤ 10 ms.
Part 2: 1,000 presses spread over 40 papers none of which had a card, with the LLM stand-in
behind the real client: each paper's card is made once (≤ 40 LLM calls for the whole run),
every later press is answered from the cache.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from benchmarks import corpus
from benchmarks.command_path import percentile
from benchmarks.report import Row, at_most, info, progress
from bot.arxiv.source import ArxivClient
from bot.buttons.actions import ButtonHandler
from bot.buttons.payload import Action, Payload, encode
from bot.commands.context import Core
from bot.config import ArxivConfig, Config, LLMConfig
from bot.llm.client import OpenAILLM
from bot.llm.prompts import PROMPT_VERSION
from bot.models import ButtonPress, CardText, ChatRef
from bot.scheduling import SystemClock
from bot.services.cards import CardService
from bot.services.digests import DigestService
from bot.services.papers import PaperService
from bot.services.translations import TranslationService
from storage.store import SqliteStore
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_llm import FakeLLM

NAME = "11 buttons"
WARMUP = 50
GROUP = ChatRef("telegram", "-1001", is_private=False)


async def measure(iterations: int, presses: int, papers_count: int) -> dict[str, float]:

    papers = corpus.papers(papers_count)
    with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as arxiv, FakeLLM() as fake:
        store = SqliteStore.open(str(Path(tmp) / "bench.db"))
        source = ArxivClient(ArxivConfig(api_url=arxiv.api_url, rss_url=arxiv.rss_url))
        llm = OpenAILLM(LLMConfig(base_url=fake.base_url, model="fake-model"), "bench-key")
        try:
            store.upsert_papers(papers)
            cached = papers[0]
            store.put_card(cached.id, cached.version, CardText(
                "A cached summary.", ("One", "Two"), "标题", "摘要", "llm", "zh", llm.model,
            ), PROMPT_VERSION)
            clock = SystemClock()
            cards = CardService(store, llm)
            bot = Config().bot.model_copy(update={"daily_llm_requests_per_user": 10**6,
                                                  "daily_llm_requests_per_chat": 10**6})
            core = Core(Config().model_copy(update={"bot": bot}), store, clock,
                        PaperService(store, source), cards, TranslationService(store, llm),
                        DigestService(store, source, cards, clock))
            handler = ButtonHandler(core, store)
            summary = encode(Payload(Action.SUMMARY, cached.id, cached.version, "zh"))
            up = encode(Payload(Action.UP, cached.id, cached.version, "zh"))
            latencies: list[float] = []
            wrong = 0
            for i in range(WARMUP + iterations):
                data = summary if i % 2 else up
                started = time.perf_counter()
                answer = await handler.handle(ButtonPress(data, GROUP, str(i % 97)))
                elapsed = time.perf_counter() - started
                if i >= WARMUP:
                    latencies.append(elapsed)
                if answer.alert or (data == summary and (
                        answer.reply is None or "A cached summary." not in answer.reply.text)):
                    wrong += 1
            before = fake.count
            rng = random.Random(11)
            rest = papers[1:] if len(papers) > 1 else papers
            for n in range(presses):
                paper = rng.choice(rest)
                action = rng.choice((Action.SUMMARY, Action.ABSTRACT, Action.PICK))
                data = encode(Payload(action, paper.id, paper.version, "zh"))
                answer = await handler.handle(ButtonPress(data, GROUP, str(n % 50)))
                if answer.reply is None:
                    wrong += 1
            calls = fake.count - before
        finally:
            await llm.aclose()
            await source.aclose()
            store.close()
        return {
            "p50": percentile(latencies, 0.50),
            "p99": percentile(latencies, 0.99),
            "llm_calls": calls,
            "uncached": len(rest),
            "wrong": wrong,
            "arxiv": len(arxiv.requests),
        }


async def run(quick: bool) -> list[Row]:
    iterations = 1000 if quick else 5000
    progress(f"{NAME}: {iterations} cached presses, then 1,000 presses on 41 papers")
    found = await measure(iterations, 1000, 41)
    return [
        info(NAME, "p50 latency, cached press", found["p50"] * 1000, "ms"),
        at_most(NAME, "p99 latency, cached press", found["p99"] * 1000, "ms", 10.0,
                label="10 ms"),
        at_most(NAME, "LLM calls per 1,000 presses on 40 uncached papers",
                found["llm_calls"], "", found["uncached"], label="one per paper (40)"),
        at_most(NAME, "wrong answers + arXiv requests", found["wrong"] + found["arxiv"], "", 0,
                label="0"),
    ]
