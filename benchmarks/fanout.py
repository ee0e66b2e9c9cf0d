"""Scenario 4: fan-out of private digests through the Telegram stand-in at Telegram's limits.

Rows are enqueued into a real SqliteStore outbox, then the real Dispatcher drains them through
the real TelegramAdapter.send (PTB with its AIORateLimiter) to FakeTelegram, which enforces
30 msg/s overall, 1 msg/s per private chat and 20/min per group, answering 429 + retry_after.

The adapter's limiter is fixed at Telegram's real rates, so the limits cannot be scaled
without changing product code; the workload is scaled instead (see SUBSCRIBERS) to keep the
run within two minutes. Loss and duplication are counted at the stand-in.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.render import TelegramRenderer
from benchmarks import corpus
from benchmarks.report import Row, at_least, at_most, info, progress
from bot.config import TelegramConfig
from bot.delivery import Dispatcher, enqueue_digest
from bot.models import CardText, ChatRef, IncomingCommand, PaperCard, Reply
from bot.scheduling import SystemClock
from storage.store import SqliteStore
from tests.fakes.fake_telegram import FakeTelegram, RateLimits

NAME = "4 fan-out"
MESSAGES = 5
OVERALL = 30.0  # Telegram: messages per second, all chats together
PER_CHAT = 1.0  # Telegram: messages per second to one private chat


async def _ignore(_command: IncomingCommand) -> Reply:
    return Reply()


def payloads() -> list[dict[str, object]]:
    """Five real rendered cards: HTML the stand-in validates like Telegram."""
    renderer = TelegramRenderer()
    out: list[dict[str, object]] = []
    for paper in corpus.papers(MESSAGES):
        text = CardText(f"Summary of {paper.title}.", ("One", "Two", "Three"),
                        f"[zh] {paper.title}", None, "llm", "zh", "fake-model")
        out.append(renderer.card(PaperCard(paper, text)))
    return out


async def run(quick: bool) -> list[Row]:
    subscribers = 60 if quick else 600
    total = subscribers * MESSAGES
    limit = min(OVERALL, subscribers * PER_CHAT)
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram() as fake:
        fake.enforce_rate_limits(RateLimits())
        store = SqliteStore.open(str(Path(tmp) / "bench.db"))
        now = datetime.now(UTC)
        bodies = payloads()
        for i in range(subscribers):
            chat = ChatRef("telegram", str(500_000 + i))
            enqueue_digest(store, chat, "2026-09-24|bench", bodies, None, now)
        adapter = TelegramAdapter(TelegramConfig(base_url=fake.api_url), fake.token, _ignore,
                                  poll_timeout=1)
        await adapter.start()
        dispatcher = Dispatcher(store, {"telegram": adapter}, SystemClock())
        progress(f"{NAME}: {subscribers} private chats × {MESSAGES} messages = {total}, "
                 f"limit {limit:g}/s (expect ~{total / limit:.0f} s)")
        try:
            started = time.perf_counter()
            sent = await dispatcher.drain(timeout=600)
            wall = time.perf_counter() - started
        finally:
            await adapter.stop()
            left = store.pending_count()
            store.close()
        received = Counter((m["chat_id"], m["text"]) for m in fake.sent_messages())
        attempts = len(fake.calls("sendMessage"))
    expected = {(str(500_000 + i), str(b["text"])) for i in range(subscribers) for b in bodies}
    lost = len(expected - set(received))
    duplicated = sum(n - 1 for n in received.values() if n > 1)
    refused = attempts - sum(received.values())
    rate = sum(received.values()) / wall
    return [
        at_least(NAME, "sustained send rate", rate, "msg/s", limit, 0.9, "enforced limit",
                 note=f"{total} messages in {wall:.1f} s; scaled from 1,000 × 5 (≥ 167 s at "
                      "30/s) to fit 2 min; limits are Telegram's own"),
        at_most(NAME, "messages lost", lost, "", 0, label="0",
                note=f"dispatcher sent {sent}; {left} rows left in the outbox"),
        at_most(NAME, "messages duplicated", duplicated, "", 0, label="0"),
        at_most(NAME, "429 answers / requests", 100 * refused / max(attempts, 1), "%", 1.0,
                label="1 %", note=f"{refused} of {attempts} sendMessage requests"),
        info(NAME, "wall time", wall, "s", total / limit),
    ]
