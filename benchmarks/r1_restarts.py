"""Scenario R1: SIGKILL the real `paperbot run` at random points of a fan-out, restart it on the
same database each time, and count what the recipients got.

The outbox is filled the way a planned digest leaves it (500 rows: 100 private chats × 5 real
rendered cards) and the real `paperbot run` process drains it through FakeTelegram, which
enforces Telegram's own limits. At each of 10 seeded random message counts the process is
killed; the next one starts only once the old one is gone (one run per database), and the
time from that restart to the first message Telegram accepts is measured.

Telegram has no idempotency key: a message accepted by Telegram whose row the killed process
had not yet marked sent is sent again. The outbox is read after each kill to tell such
repeats (the accept → mark_sent gap) from any other.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.fanout import payloads
from benchmarks.report import Row, at_most, info, progress
from bot.delivery import enqueue_digest
from bot.models import ChatRef
from storage.store import SqliteStore
from tests.cli_helpers import stand_in_env
from tests.conftest import ROOT
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_telegram import FakeTelegram, RateLimits

NAME = "R1 SIGKILL restarts"
FIRST_CHAT = 800_000
CONFIG = '[llm]\nmodel = "fake-model"\n'
SEED = 7


def with_bytecode_cache(env: dict[str, str], tmp: Path) -> dict[str, str]:
    """A bytecode cache under `tmp`, as production has with `UV_COMPILE_BYTECODE=1`: the
    first start fills it. (Scenario 6 measures starts without one.)"""
    out = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**out, "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}


def spawn(env: dict[str, str], config: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                                env=env, cwd=ROOT, stdout=sink, stderr=sink)


async def until(condition: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not within {within:.0f} s")
        await asyncio.sleep(0.02)


async def sent_or_exited(fake: FakeTelegram, count: int, proc: subprocess.Popen[bytes],
                         what: str) -> None:
    """Until Telegram has accepted `count` messages; raise if the process died first."""
    await until(lambda: len(fake.sent_messages()) >= count or proc.poll() is not None, 120,
                what)
    if proc.poll() is not None:
        raise RuntimeError(f"paperbot run exited {proc.returncode} before {what}")


def in_the_gap(db: Path, accepted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Messages Telegram accepted whose row is not marked sent: the next run sends them."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT chat_id, payload FROM outbox WHERE status != 'sent'")
        unsent = {(chat, json.loads(payload)["text"]) for chat, payload in rows}
    return accepted & unsent


async def run(quick: bool) -> list[Row]:
    chats, kills = (20, 3) if quick else (100, 10)
    bodies = payloads()
    total = chats * len(bodies)
    points = sorted(random.Random(SEED).sample(range(1, total - 10), kills))
    with tempfile.TemporaryDirectory() as tmp_dir, FakeArxiv() as arxiv, FakeTelegram() as fake:
        tmp = Path(tmp_dir)
        fake.enforce_rate_limits(RateLimits())
        db = tmp / "paperbot.db"
        store = SqliteStore.open(str(db))
        now = datetime.now(UTC)
        for i in range(chats):
            enqueue_digest(store, ChatRef("telegram", str(FIRST_CHAT + i)), "bench|r1", bodies,
                           None, now)
        store.close()
        config = tmp / "paperbot.toml"
        config.write_text(CONFIG, encoding="utf-8")
        env = stand_in_env(tmp, arxiv)
        env.pop("DISCORD_BOT_TOKEN", None)
        env.update(TELEGRAM_BOT_TOKEN=fake.token, PAPERBOT_TELEGRAM_BASE_URL=fake.api_url)
        env = with_bytecode_cache(env, tmp)
        log = tmp / "paperbot.log"
        progress(f"{NAME}: {total} messages to {chats} private chats, SIGKILL after "
                 f"{', '.join(map(str, points))} accepted")

        first_send: list[float] = []
        gap: set[tuple[str, str]] = set()
        proc = spawn(env, config, log)
        started = time.monotonic()
        try:
            for n, point in enumerate(points):
                await sent_or_exited(fake, point, proc, f"message {point}")
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)  # the run lock is the kernel's: gone with the process
                sent = {(m["chat_id"], m["text"]) for m in fake.sent_messages()}
                gap |= in_the_gap(db, sent)
                before = len(fake.sent_messages())
                proc = spawn(env, config, log)
                restarted = time.monotonic()
                await sent_or_exited(fake, before + 1, proc, f"a send after restart {n + 1}")
                first = min(m["at"] for m in fake.sent_messages()[before:])
                first_send.append(first - restarted)
            expected = {(str(FIRST_CHAT + i), str(b["text"])) for i in range(chats)
                        for b in bodies}
            await until(lambda: expected <= {(m["chat_id"], m["text"])
                                             for m in fake.sent_messages()}, 300, "every message")
            await asyncio.sleep(2)  # a repeat of a row already sent would arrive now
            wall = time.monotonic() - started
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        check = SqliteStore.open(str(db))
        left = check.pending_count()
        check.close()
        received = Counter((m["chat_id"], m["text"]) for m in fake.sent_messages())
    lost = len(expected - set(received))
    repeats = {m: n - 1 for m, n in received.items() if n > 1}
    outside = sum(n for m, n in repeats.items() if m not in gap)
    slowest = max(first_send)
    ideal = max(total / 30, len(bodies) / 1.0)
    return [
        at_most(NAME, "messages lost", lost, "", 0, label="0",
                note=f"{kills} SIGKILLs after {', '.join(map(str, points))} accepted; "
                     f"{left} rows left in the outbox"),
        at_most(NAME, "messages duplicated", sum(repeats.values()), "", 0, label="0",
                note=f"{len(gap)} messages were in the accept → mark_sent gap at a kill "
                     "(Telegram has no idempotency key)"),
        at_most(NAME, "duplicated outside that gap", outside, "", 0, label="0",
                note="a repeat of a row the killed run had marked sent, or of a released lease"),
        at_most(NAME, "restart to first send (slowest)", slowest, "s", 5.0,
                note="spawn of the new process to Telegram accepting its first message; "
                     f"median {statistics.median(first_send):.2f} s over {kills} restarts"),
        info(NAME, "wall time", wall, "s", ideal,
             note=f"{total} messages with {kills} restarts; ideal is Telegram's limits "
                  f"without restarts (30/s overall, 1/s per chat)"),
    ]
