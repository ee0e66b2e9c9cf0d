"""Scenario 9: relevance ranking. 2,000 announced papers ranked for 1,000 destinations on one
core, by keywords (BM25 fallback) and by embeddings (the LLM stand-in's `/v1/embeddings`).

Destinations share five topics; each has ten 👍 of its own and every tenth follows an author,
so every profile differs. Measured: wall time of ranking every destination once the
announcement is stored, the memory it adds (peak RSS), and the embedding requests and texts
per run (a second run over the same database must ask for none).
"""

from __future__ import annotations

import asyncio
import resource
import time
from datetime import UTC, datetime

from benchmarks.corpus import papers as corpus
from benchmarks.report import Row, at_most, info, progress
from bot.config_models import LLMConfig
from bot.models import Feedback, Signal, Topic
from bot.ranking.authors import name_key
from bot.ranking.embeddings import OpenAIEmbedder, PaperVectors
from bot.ranking.profile import Audience
from bot.ranking.rank import Ranker
from storage.store import SqliteStore
from tests.fakes.fake_llm import FakeLLM

NAME = "9 relevance ranking"
LIMIT_SECONDS = 2.0
AT = datetime(2026, 9, 24, 12, tzinfo=UTC)
TOPICS = tuple(
    Topic(f"t{i}", ("cs.AI", "cs.LG", "cs.CL"), keywords=kw, description=desc, max_papers=30)
    for i, (kw, desc) in enumerate([
        (("reasoning", "chain of thought"), "reasoning in language models"),
        (("agents",), "LLM agents that plan and use tools"),
        (("diffusion",), "diffusion models for images and video"),
        (("robot", "manipulation"), "robot learning and manipulation"),
        ((), "efficient training and inference of large models"),
    ])
)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _rank_all(store: SqliteStore, ranker: Ranker, papers: list, dests: int) -> float:
    started = time.perf_counter()
    for d in range(dests):
        topic = TOPICS[d % len(TOPICS)]
        await ranker.rank(topic, papers, Audience(f"telegram:{d}"), topic.max_papers)
    return time.perf_counter() - started


def _setup(count: int, dests: int) -> tuple[SqliteStore, list]:
    papers = corpus(count)
    store = SqliteStore.open(":memory:", now=lambda: AT)
    store.upsert_papers(papers)
    for d in range(dests):
        chat = f"telegram:{d}"
        for k in range(10):
            liked = papers[(d * 37 + k * 11) % len(papers)]
            store.toggle_feedback(Feedback(f"u{d}", chat, liked.id, 1, Signal.UP, AT))
        if d % 10 == 0:
            author = papers[d % len(papers)].authors[0]
            store.follow_author(chat, author, name_key(author))
    return store, papers


async def run(quick: bool) -> list[Row]:
    count, dests = (500, 100) if quick else (2000, 1000)
    progress(f"{NAME}: {count} papers × {dests} destinations")
    rows: list[Row] = []
    size = f"{count}×{dests}"
    store, papers = _setup(count, dests)
    rss = _rss_mb()
    lexical = Ranker(PaperVectors(store, store, None), store, store)
    wall = await _rank_all(store, lexical, papers, dests)
    rows.append(at_most(NAME, f"rank {size}, keywords (BM25)", round(wall, 3), "s",
                        LIMIT_SECONDS, note=f"+{_rss_mb() - rss:.0f} MB peak RSS"))
    with FakeLLM() as fake:
        config = LLMConfig(base_url=fake.base_url, embedding_model="fake-embed")
        for run_no in (1, 2):  # the second run: a new process over the same database
            embedder = OpenAIEmbedder(config, "bench-key")
            ranker = Ranker(PaperVectors(store, store, embedder), store, store)
            before_calls, before_texts = fake.embeddings.calls, len(fake.embeddings.inputs)
            await ranker.rank(TOPICS[0], papers, Audience("warm-up"))  # embeds the listing
            rss = _rss_mb()
            wall = await _rank_all(store, ranker, papers, dests)
            await embedder.aclose()
            calls = fake.embeddings.calls - before_calls
            texts = len(fake.embeddings.inputs) - before_texts
            if run_no == 1:
                rows.append(at_most(NAME, f"rank {size}, embeddings", round(wall, 3), "s",
                                    LIMIT_SECONDS, note=f"+{_rss_mb() - rss:.0f} MB peak RSS"))
            rows.append(at_most(NAME, f"embedding texts, run {run_no}", texts, "",
                                count + len(TOPICS) if run_no == 1 else 0,
                                label="papers + topics" if run_no == 1 else "none",
                                note=f"{calls} requests of ≤ {config.embedding_batch_size}"))
    rows.append(info(NAME, "peak RSS of the process", round(_rss_mb(), 0), "MB"))
    return rows


if __name__ == "__main__":  # python -m benchmarks.ranking
    for row in asyncio.run(run(False)):
        print(row)
