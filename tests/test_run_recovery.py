"""End to end: SIGKILL `paperbot run` in the middle of a fan-out, start it again on the same
database, and every subscriber still ends with every message exactly once.

Telegram has no idempotency key, so one gap is irreducible: a message Telegram accepted whose
row the process had not yet marked sent when it died goes out again. The test kills right
after seeing a message arrive (the worst moment), reads the dead process's outbox, and
allows a repeat only for a message that was in that gap.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.cli_helpers import Process, wait_for
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.telegram_flood import RateLimits
from tests.test_run_subscribers import (
    ABS_ID,
    ANNOUNCED,
    NOW,
    act,
    all_delivered,
    announced_papers,
    assert_exactly_once,
    config_file,
    crowd,
    delivered,
    run_env,
    slot_in,
)


def shifted_now(started: float) -> str:
    """PAPERBOT_NOW for a restart: the first run's clock went on while it ran, and the
    outbox's leases are on that clock."""
    moment = datetime.fromisoformat(NOW) + timedelta(seconds=time.monotonic() - started)
    return moment.isoformat()


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        fake.enforce_rate_limits(RateLimits(overall_per_second=45))  # as in test_run_subscribers
        yield fake


def in_the_gap(db: Path, accepted: list[dict]) -> set[tuple[str, str]]:
    """Messages Telegram accepted whose outbox row the killed process had not marked sent."""
    seen = {(m["chat_id"], m["text"]) for m in accepted}
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT chat_id, payload FROM outbox WHERE status != 'sent'")
        unsent = {(chat, json.loads(payload)["text"]) for chat, payload in rows}
    return seen & unsent


@pytest.mark.e2e
def test_sigkill_mid_fanout_then_restart_sends_each_message_once(
    tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram
) -> None:
    papers = announced_papers()
    fake_arxiv.set_listing(papers, ANNOUNCED)
    members = crowd(60)
    total = sum(len(m.expected(papers)) for m in members)
    config = config_file(tmp_path)
    started = time.monotonic()
    env = run_env(tmp_path, fake_arxiv, fake_llm, telegram,
                  PAPERBOT_BOT_DIGEST_TIME=slot_in(20),
                  PAPERBOT_BOT_DELIVERY_LEASE_SECONDS="6")
    first = Process(["run", "--config", str(config)], env)
    try:
        first.wait_ready()
        act(telegram, members)

        def cards_sent() -> int:
            return sum(len(delivered(telegram, m)) for m in members)

        wait_for(lambda: cards_sent() >= total // 3, 60, "a third of the cards")
        first.stop(signal.SIGKILL)
    finally:
        first.stop(signal.SIGKILL)
    time.sleep(0.3)  # a request the dying process had written out may still land
    before = cards_sent()
    assert 0 < before < total, "the kill did not land in the middle of the fan-out"
    gap = in_the_gap(tmp_path / "paperbot.db", telegram.sent_messages())
    assert len(gap) <= 3, f"{len(gap)} messages between Telegram's answer and mark_sent"

    env["PAPERBOT_NOW"] = shifted_now(started)
    second = Process(["run", "--config", str(config)], env)
    try:
        second.wait_ready()
        wait_for(lambda: all_delivered(telegram, members, papers), 90, "the rest of the fan-out")
        time.sleep(3)  # a resend of a row the first run had sent would arrive now
        sent = [(m["chat_id"], m["text"]) for m in telegram.sent_messages()]
        repeated = {m for m in sent if sent.count(m) > 1}
        assert repeated <= gap, "a message was sent twice outside the accept→mark_sent gap"
        for member in members:
            got = delivered(telegram, member)
            assert set(got) == member.expected(papers), member
        if not gap:
            assert_exactly_once(telegram, members, papers)
        assert not any(ABS_ID.search(ln) for ln in second.stderr if "ERROR" in ln)
        assert second.stop(signal.SIGTERM) == 0
        assert any("stopped; 0 messages wait in the outbox" in ln for ln in second.stderr)
    finally:
        second.stop(signal.SIGKILL)


@pytest.mark.e2e
def test_sigterm_mid_fanout_stops_cleanly_and_the_restart_finishes(
    tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram
) -> None:
    papers = announced_papers()
    fake_arxiv.set_listing(papers, ANNOUNCED)
    members = crowd(20)
    total = sum(len(m.expected(papers)) for m in members)
    config = config_file(tmp_path)
    started = time.monotonic()
    env = run_env(tmp_path, fake_arxiv, fake_llm, telegram,
                  PAPERBOT_BOT_DIGEST_TIME=slot_in(15))
    first = Process(["run", "--config", str(config)], env)
    try:
        first.wait_ready()
        act(telegram, members)
        wait_for(lambda: sum(len(delivered(telegram, m)) for m in members) >= total // 3, 60,
                 "a third of the cards")
        assert first.stop(signal.SIGTERM) == 0
    finally:
        first.stop(signal.SIGKILL)
    waiting = [ln for ln in first.stderr if "messages wait in the outbox" in ln]
    assert len(waiting) == 1 and " 0 messages" not in waiting[0], first.stderr[-5:]

    # A clean stop lets sends in flight finish and be marked: no repeat at all, not even
    # the one a SIGKILL may cause.
    env["PAPERBOT_NOW"] = shifted_now(started)
    second = Process(["run", "--config", str(config)], env)
    try:
        second.wait_ready()
        wait_for(lambda: all_delivered(telegram, members, papers), 60, "the rest of the fan-out")
        time.sleep(2)
        assert_exactly_once(telegram, members, papers)
        assert second.stop(signal.SIGTERM) == 0
    finally:
        second.stop(signal.SIGKILL)
