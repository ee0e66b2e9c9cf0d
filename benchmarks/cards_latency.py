"""Scenario 1: a 30-paper digest while every LLM answer takes 1 s.

The real OpenAILLM (max_concurrency 8) talks to FakeLLM over HTTP; DigestService builds the
digest from a listing fetched by the real ArxivClient. With 8 calls in flight the floor is
ceil(30 / 8) = 4 rounds of 1 s; the issue's 30 / 8 = 3.75 s would need perfect packing, which
8-wide rounds of equal-length calls cannot reach. Both are reported.
"""

from __future__ import annotations

import math
import time

from benchmarks import corpus
from benchmarks.report import Row, at_most, info, progress
from bot.arxiv.source import ArxivClient
from bot.config import ArxivConfig, LLMConfig
from bot.llm.client import OpenAILLM
from bot.scheduling import SystemClock
from bot.services.cards import CardService
from bot.services.digests import DigestService
from storage.store import SqliteStore
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_llm import FakeLLM

NAME = "1 cards under LLM latency"
PAPERS = 30
CONCURRENCY = 8
LATENCY = 1.0


async def run(quick: bool) -> list[Row]:
    listing_papers = corpus.papers(PAPERS)
    with FakeArxiv() as arxiv, FakeLLM() as fake:
        corpus.serve(arxiv, listing_papers)
        fake.always("delay", delay=LATENCY)
        store = SqliteStore.open(":memory:")
        source = ArxivClient(ArxivConfig(api_url=arxiv.api_url, rss_url=arxiv.rss_url,
                                         request_interval_seconds=0.01))
        llm = OpenAILLM(LLMConfig(base_url=fake.base_url, model="fake-model",
                                  max_concurrency=CONCURRENCY), "bench-key")
        try:
            digests = DigestService(store, source, CardService(store, llm), SystemClock())
            listing = await digests.fetch_listing([corpus.TOPIC])
            progress(f"{NAME}: {len(listing.papers)} papers, {LATENCY:g} s per LLM answer")
            started = time.perf_counter()
            digest = await digests.build(corpus.TOPIC, listing, "zh")
            wall = time.perf_counter() - started
        finally:
            await llm.aclose()
            await source.aclose()
            store.close()
        made = sum(1 for c in digest.cards if c.text.source == "llm")
    rounds = math.ceil(PAPERS / CONCURRENCY) * LATENCY
    packed = PAPERS / CONCURRENCY * LATENCY
    note = "" if made == PAPERS else f"only {made} of {PAPERS} cards came from the LLM"
    return [
        at_most(NAME, "digest wall time vs ceil(30/8)×1 s", wall, "s", rounds, 1.25, "ideal",
                note=note),
        at_most(NAME, "digest wall time vs 30/8×1 s", wall, "s", packed, 1.25, "ideal",
                note="30/8 = 3.75 s assumes fractional rounds; 8-wide rounds need 4 s"),
        at_most(NAME, "LLM requests in flight (max)", fake.max_in_flight, "", CONCURRENCY),
        info(NAME, "LLM calls", fake.count, "", PAPERS),
    ]
