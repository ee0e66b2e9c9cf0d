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
from typing import Any

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.config import TelegramConfig
from adapters.telegram.render import TelegramRenderer
from benchmarks import corpus
from benchmarks.report import Row, at_least, at_most, info, progress
from bot.delivery import Dispatcher, enqueue_digest
from bot.errors import RateLimited
from bot.models import CardText, ChatRef, IncomingCommand, PaperCard, Reply
from bot.scheduling import SystemClock
from storage.store import SqliteStore
from tests.fakes.fake_telegram import FakeTelegram, RateLimits

NAME = "4 fan-out"
MESSAGES = 5
OVERALL = 30.0  # Telegram: messages per second, all chats together
PER_CHAT = 1.0  # Telegram: messages per second to one private chat


class Timeline:
    """Wraps the real adapter's send to note when each chat's attempts start and how they
    end, so each 429 can be traced to the limit it hit (per chat, or overall)."""

    def __init__(self, sender: TelegramAdapter) -> None:
        self._sender = sender
        self.events: list[tuple[float, str, bool]] = []  # (start, chat id, accepted)

    async def send(self, chat: ChatRef, payload: dict[str, Any], *, plain: bool = False) -> str:
        started = time.monotonic()
        try:
            message_id = await self._sender.send(chat, payload, plain=plain)
        except RateLimited:
            self.events.append((started, chat.chat_id, False))
            raise
        self.events.append((started, chat.chat_id, True))
        return message_id

    def refusals(self) -> tuple[int, int]:
        """429s that followed an accepted message to the same chat within 1 s, and the rest."""
        last_ok: dict[str, float] = {}
        per_chat = other = 0
        for started, chat, accepted in sorted(self.events):
            if accepted:
                last_ok[chat] = started
            elif started - last_ok.get(chat, float("-inf")) < 1.0 / PER_CHAT:
                per_chat += 1
            else:
                other += 1
        return per_chat, other


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
        timeline = Timeline(adapter)
        dispatcher = Dispatcher(store, {"telegram": timeline}, SystemClock())
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
    per_chat, overall = timeline.refusals()
    return [
        at_least(NAME, "sustained send rate", rate, "msg/s", limit, 0.9, "enforced limit",
                 note=f"{total} messages in {wall:.1f} s; scaled from 1,000 × 5 (≥ 167 s at "
                      "30/s) to fit 2 min; limits are Telegram's own"),
        at_most(NAME, "messages lost", lost, "", 0, label="0",
                note=f"dispatcher sent {sent}; {left} rows left in the outbox"),
        at_most(NAME, "messages duplicated", duplicated, "", 0, label="0"),
        at_most(NAME, "429 answers / requests", 100 * refused / max(attempts, 1), "%", 1.0,
                label="1 %", note=f"{refused} of {attempts} sendMessage requests"),
        info(NAME, "429s within 1 s of the chat's last message", per_chat, "",
             note=f"the other {overall} came from the overall 30/s window"),
        info(NAME, "wall time", wall, "s", total / limit),
    ]
