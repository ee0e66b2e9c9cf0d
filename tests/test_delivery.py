"""The dispatcher against the real SQLite store and a scripted Sender (a double of the port)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.delivery import Dispatcher, enqueue_digest
from bot.errors import (
    ChatMoved,
    DeliveryUncertain,
    MessageRejected,
    RateLimited,
    RecipientGone,
    UpstreamError,
)
from bot.models import ChatRef, ChatSettings, Subscription, Topic
from storage.store import SqliteStore

START = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
CHAN = ChatRef("telegram", "@chan", is_private=False)
USER = ChatRef("telegram", "1001")
GROUP = ChatRef("telegram", "-4001", is_private=False)


class Clock:
    def __init__(self) -> None:
        self.at = START

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


class RealClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ScriptedSender:
    """Records what it sent; `faults[chat_id]` holds, per send, an exception to raise
    (None: succeed). Like an adapter it knows its payload's plain version ("plain")."""

    def __init__(self, delay: float = 0) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.calls = 0
        self.faults: dict[str, list[BaseException | None]] = {}
        self.delay = delay
        self.active: dict[str, int] = {}
        self.max_active_per_chat = 0
        self.max_active = 0

    async def send(self, chat: ChatRef, payload: dict[str, Any], *, plain: bool = False) -> str:
        if plain:
            if "plain" not in payload:
                raise MessageRejected("no plain-text version")
            payload = {"text": payload["plain"]}
        self.calls += 1
        self.active[chat.key] = self.active.get(chat.key, 0) + 1
        self.max_active_per_chat = max(self.max_active_per_chat, self.active[chat.key])
        self.max_active = max(self.max_active, sum(self.active.values()))
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            queue = self.faults.get(chat.chat_id)
            fault = queue.pop(0) if queue else None
            if fault is not None:
                raise fault
            self.sent.append((chat.key, payload))
            return str(len(self.sent))
        finally:
            self.active[chat.key] -= 1

    def texts(self, chat: ChatRef) -> list[str]:
        return [p["text"] for k, p in self.sent if k == chat.key]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore.open(str(tmp_path / "delivery.db"))
    yield s
    s.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sender() -> ScriptedSender:
    return ScriptedSender()


def dispatcher(store: SqliteStore, sender: ScriptedSender, clock: Any, **kw: Any) -> Dispatcher:
    kw.setdefault("poll_interval", 0.01)
    return Dispatcher(store, {"telegram": sender}, clock, **kw)


def digest(store: SqliteStore, chat: ChatRef, key: str, n: int, now: datetime) -> int:
    payloads = [{"text": f"{key}#{i}", "parse_mode": "HTML"} for i in range(n)]
    ids = [[f"{key}-p{i}"] for i in range(n)]
    return enqueue_digest(store, chat, key, payloads, ids, now, day=date(2026, 11, 20))


async def run_all(d: Dispatcher, rounds: int = 50) -> None:
    for _ in range(rounds):
        if not await d.run_once():
            return


def test_enqueue_digest_keys_and_idempotence(store: SqliteStore) -> None:
    assert digest(store, CHAN, "2026-11-19|nlp", 3, START) == 3
    assert digest(store, CHAN, "2026-11-19|nlp", 3, START) == 0
    [head] = store.claim_due(START, 60, 10)
    assert head.message.dedupe_key == "telegram:@chan|2026-11-19|nlp|0"
    assert store.last_digest_date(CHAN) == date(2026, 11, 20)
    with pytest.raises(ValueError, match="paper id lists"):
        enqueue_digest(store, CHAN, "x", [{"text": "a"}], [[], []], START)


async def test_sends_every_chat_in_order_and_logs_each_digest(
    store: SqliteStore, sender: ScriptedSender, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    digest(store, CHAN, "d1", 3, clock.now())
    digest(store, CHAN, "d2", 2, clock.now())
    digest(store, USER, "d1", 2, clock.now())
    caplog.set_level(logging.INFO, logger="bot.delivery")
    await run_all(dispatcher(store, sender, clock))
    assert sender.texts(CHAN) == ["d1#0", "d1#1", "d1#2", "d2#0", "d2#1"]
    assert sender.texts(USER) == ["d1#0", "d1#1"]
    assert store.pending_count() == 0
    assert store.delivered_ids(CHAN, ["d1-p2", "d2-p0", "zzz"]) == {"d1-p2", "d2-p0"}
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("delivered")]
    assert sorted(lines) == [
        "delivered digest d1 to telegram:1001 (2 messages)",
        "delivered digest d1 to telegram:@chan (3 messages)",
        "delivered digest d2 to telegram:@chan (2 messages)",
    ]


async def test_chats_go_out_concurrently_one_message_at_a_time_each(
    store: SqliteStore, clock: Clock
) -> None:
    slow = ScriptedSender(delay=0.05)
    chats = [ChatRef("telegram", str(i)) for i in range(8)]
    for chat in chats:
        digest(store, chat, "d", 2, clock.now())
    loop = asyncio.get_running_loop()
    started = loop.time()
    await run_all(dispatcher(store, slow, clock))
    assert loop.time() - started < 0.05 * 8  # sequential would take 0.8 s
    assert slow.max_active == 8 and slow.max_active_per_chat == 1
    assert all(slow.texts(c) == ["d#0", "d#1"] for c in chats)


async def test_rate_limits_wait_without_using_up_attempts(
    store: SqliteStore, sender: ScriptedSender, clock: Clock
) -> None:
    digest(store, CHAN, "d", 2, clock.now())
    faults: list[BaseException | None] = [RateLimited("429", retry_after=7) for _ in range(5)]
    sender.faults["@chan"] = [*faults, UpstreamError("502")]
    d = dispatcher(store, sender, clock, max_attempts=2, backoff_base=1)
    for _ in range(5):
        assert await d.run_once() == 1
        assert await d.run_once() == 0  # nothing before retry_after, not even the next row
        clock.advance(7)
    await d.run_once()  # the 502 is only the first real failure: retried, not dead
    clock.advance(1)
    await run_all(d)
    assert sender.texts(CHAN) == ["d#0", "d#1"]


async def test_endless_rate_limits_are_capped(
    store: SqliteStore, sender: ScriptedSender, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    digest(store, CHAN, "d", 1, clock.now())
    sender.faults["@chan"] = [RateLimited("429", retry_after=0) for _ in range(10)]
    await run_all(dispatcher(store, sender, clock, max_deferrals=3))
    assert sender.calls == 4 and sender.sent == []
    assert store.digest_counts(CHAN, "d") == {"dead": 1}
    assert "rate limited 4 times" in caplog.text


async def test_upstream_errors_back_off_then_give_up_loudly(
    store: SqliteStore, sender: ScriptedSender, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    digest(store, CHAN, "d", 2, clock.now())
    sender.faults["@chan"] = [UpstreamError("502 Bad Gateway") for _ in range(3)]
    d = dispatcher(store, sender, clock, max_attempts=3, backoff_base=10)
    assert await d.run_once() == 1
    due = store.next_due_at()
    assert due is not None and 7.5 <= (due - clock.now()).total_seconds() <= 10
    clock.advance(10)
    assert await d.run_once() == 1
    due = store.next_due_at()
    assert due is not None and 15 <= (due - clock.now()).total_seconds() <= 20
    clock.advance(20)
    assert await d.run_once() == 1  # third failure: dead, and the next row is free to go
    await run_all(d)
    assert sender.texts(CHAN) == ["d#1"]
    assert store.digest_counts(CHAN, "d") == {"dead": 1, "sent": 1}
    assert "giving up on telegram:@chan|d|0 to telegram:@chan: gave up after 3 attempts: " \
           "502 Bad Gateway" in caplog.text
    assert "digest d to telegram:@chan: 1 of 2 messages delivered, 1 failed" in caplog.text


async def test_a_bug_in_a_sender_is_retried_not_fatal(
    store: SqliteStore, sender: ScriptedSender, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    digest(store, CHAN, "d", 1, clock.now())
    sender.faults["@chan"] = [KeyError("chat_id")]
    d = dispatcher(store, sender, clock, backoff_base=1)
    await d.run_once()
    clock.advance(1)
    await run_all(d)
    assert sender.texts(CHAN) == ["d#0"]
    assert "bug while sending" in caplog.text


async def test_a_hanging_send_is_cut_off_resent_once_then_given_up(
    store: SqliteStore, clock: Clock
) -> None:
    """A send cut off mid-flight may have reached the platform: one more try, no third."""
    hanging = ScriptedSender(delay=5)
    digest(store, CHAN, "d", 1, clock.now())
    d = Dispatcher(store, {"telegram": hanging}, clock, lease_seconds=0.1, backoff_base=1)
    assert await asyncio.wait_for(d.run_once(), 2) == 1
    assert hanging.calls == 2
    [row] = store.db.execute("SELECT status, last_error FROM outbox").fetchall()
    assert row[0] == "dead" and "took longer than" in row[1] and "may have arrived" in row[1]
    clock.advance(3600)
    await run_all(d)
    assert hanging.calls == 2


async def test_an_accepted_send_with_an_unreadable_answer_is_settled_not_repeated(
    store: SqliteStore, sender: ScriptedSender, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    digest(store, CHAN, "d", 2, clock.now())
    sender.faults["@chan"] = [DeliveryUncertain("garbled 200", accepted=True)]
    d = dispatcher(store, sender, clock)
    await run_all(d)
    clock.advance(3600)
    await run_all(d)
    assert sender.calls == 2 and sender.texts(CHAN) == ["d#1"]  # d#0 arrived, unread
    assert store.digest_counts(CHAN, "d") == {"sent": 2}
    assert store.delivered_ids(CHAN, ["d-p0"]) == {"d-p0"}
    assert (d.sent, d.unconfirmed, d.possibly_duplicated) == (2, 1, 0)
    assert "counted as sent, not sent again" in caplog.text


async def test_a_lost_answer_is_resent_once_and_counted_as_possibly_duplicated(
    store: SqliteStore, sender: ScriptedSender, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    digest(store, CHAN, "d", 2, clock.now())
    sender.faults["@chan"] = [DeliveryUncertain("read timeout", accepted=False)]
    d = dispatcher(store, sender, clock)
    await run_all(d)
    assert sender.calls == 3 and sender.texts(CHAN) == ["d#0", "d#1"]
    assert store.digest_counts(CHAN, "d") == {"sent": 2}
    assert (d.sent, d.possibly_duplicated, d.unconfirmed) == (2, 1, 0)
    assert "possibly duplicated" in caplog.text


async def test_two_lost_answers_give_up_without_a_third_copy(
    store: SqliteStore, sender: ScriptedSender, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    digest(store, CHAN, "d", 1, clock.now())
    sender.faults["@chan"] = [DeliveryUncertain("read timeout", accepted=False)] * 2
    d = dispatcher(store, sender, clock)
    await run_all(d)
    clock.advance(3600)
    await run_all(d)
    assert sender.calls == 2
    assert store.digest_counts(CHAN, "d") == {"dead": 1}
    assert "it may have arrived" in caplog.text


async def test_a_gone_chat_is_paused_once_and_its_queue_dropped(
    store: SqliteStore, sender: ScriptedSender, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    store.save_settings(ChatSettings(USER, "zh", "09:00", "Asia/Shanghai"))
    digest(store, USER, "d1", 2, clock.now())
    digest(store, USER, "d2", 1, clock.now())
    digest(store, CHAN, "d1", 1, clock.now())
    sender.faults["1001"] = [RecipientGone("Forbidden: bot was blocked by the user")] * 2
    d = dispatcher(store, sender, clock)
    await run_all(d)
    assert sender.texts(CHAN) == ["d1#0"] and sender.texts(USER) == []
    assert store.chat_gone(USER) == "Forbidden: bot was blocked by the user"
    assert store.get_settings(USER).paused is True  # type: ignore[union-attr]
    assert store.digest_counts(USER, "d1") == {"dead": 2}
    assert "dropped 3 queued messages for telegram:1001" in caplog.text
    # a later digest for the gone chat is dropped without a send, and logged
    digest(store, USER, "d3", 1, clock.now())
    await run_all(d)
    assert sender.calls == 2
    assert "giving up on telegram:1001|d3|0" in caplog.text
    gone_lines = [r for r in caplog.records if "can no longer receive" in r.getMessage()]
    assert len(gone_lines) == 1 and gone_lines[0].levelno == logging.WARNING


async def test_a_moved_chat_takes_its_queue_and_settings_along(
    store: SqliteStore, sender: ScriptedSender, clock: Clock
) -> None:
    store.save_settings(ChatSettings(GROUP, "en", "09:00", "UTC"))
    store.add_subscription(Subscription(GROUP, Topic("nlp", ("cs.CL",))))
    digest(store, GROUP, "d", 3, clock.now())
    sender.faults["-4001"] = [ChatMoved("group upgraded", new_chat_id="-1004001")]
    await run_all(dispatcher(store, sender, clock, max_attempts=1))
    new = ChatRef("telegram", "-1004001", is_private=False)
    assert sender.texts(new) == ["d#0", "d#1", "d#2"]
    assert store.get_settings(new).language == "en"  # type: ignore[union-attr]
    assert [s.chat for s in store.subscriptions(new)] == [new]
    assert store.delivered_ids(new, ["d-p0", "d-p2"]) == {"d-p0", "d-p2"}
    assert store.digest_counts(new, "d") == {"sent": 3}


async def test_rejected_markup_falls_back_to_plain_text_once(
    store: SqliteStore, sender: ScriptedSender, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    enqueue_digest(store, CHAN, "d", [
        {"text": "<b>bad", "parse_mode": "HTML", "plain": "bad"},
        {"text": "<i>also bad", "parse_mode": "HTML"},
        {"text": "<u>worse", "parse_mode": "HTML", "plain": "worse"},
    ], None, clock.now())
    rejected = MessageRejected("can't parse entities")
    # sends: #0 rich ✗, #0 plain ✓, #1 rich ✗ (no plain: the sender refuses unsent),
    # #2 rich ✗, #2 plain ✗
    sender.faults["@chan"] = [rejected, None, rejected, rejected, rejected]
    await run_all(dispatcher(store, sender, clock))
    assert sender.sent == [("telegram:@chan", {"text": "bad"})]
    assert sender.calls == 5  # never a loop
    assert store.digest_counts(CHAN, "d") == {"sent": 1, "dead": 2}
    assert "rejected by telegram: can't parse entities" in caplog.text
    assert "as plain text: can't parse entities" in caplog.text
    assert "as plain text: no plain-text version" in caplog.text


async def test_rows_of_other_platforms_wait_for_their_sender(
    store: SqliteStore, sender: ScriptedSender, clock: Clock
) -> None:
    digest(store, ChatRef("discord", "42"), "d", 1, clock.now())
    digest(store, CHAN, "d", 1, clock.now())
    await run_all(dispatcher(store, sender, clock))
    assert sender.texts(CHAN) == ["d#0"]
    assert store.pending_count() == 1 and store.pending_count(["telegram"]) == 0


async def test_drain_waits_for_short_retries_and_reports_sent(
    store: SqliteStore, sender: ScriptedSender
) -> None:
    digest(store, CHAN, "d", 2, datetime.now(UTC))
    sender.faults["@chan"] = [RateLimited("429", retry_after=0.05), UpstreamError("503")]
    d = dispatcher(store, sender, RealClock(), backoff_base=0.05)
    assert await d.drain(timeout=5) == 2
    assert sender.texts(CHAN) == ["d#0", "d#1"]


async def test_drain_gives_up_at_its_horizon(store: SqliteStore, sender: ScriptedSender) -> None:
    digest(store, CHAN, "d", 1, datetime.now(UTC))
    sender.faults["@chan"] = [RateLimited("429", retry_after=60)]
    d = dispatcher(store, sender, RealClock())
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await d.drain(timeout=1) == 0
    assert loop.time() - started < 0.5  # the retry is beyond the horizon: no pointless wait
    assert store.pending_count() == 1


async def test_run_forever_wakes_on_notify_and_stops(
    store: SqliteStore, sender: ScriptedSender
) -> None:
    d = dispatcher(store, sender, RealClock(), poll_interval=30)
    stop = asyncio.Event()
    task = asyncio.create_task(d.run_forever(stop))
    await asyncio.sleep(0.05)
    digest(store, CHAN, "d", 2, datetime.now(UTC))
    d.notify()
    for _ in range(100):
        if len(sender.sent) == 2:
            break
        await asyncio.sleep(0.01)
    assert sender.texts(CHAN) == ["d#0", "d#1"]
    stop.set()
    await asyncio.wait_for(task, 1)


async def test_killed_mid_send_resends_once_after_the_lease(
    tmp_path: Path, clock: Clock
) -> None:
    """The process dies after the platform got the message but before mark_sent."""
    path = str(tmp_path / "crash.db")
    first = SqliteStore.open(path)
    digest(first, CHAN, "d", 2, clock.now())
    hanging = ScriptedSender(delay=10)
    run = asyncio.create_task(dispatcher(first, hanging, clock, lease_seconds=30).run_once())
    await asyncio.sleep(0.05)
    run.cancel()  # the kill: the row stays claimed, nothing marked
    with pytest.raises(asyncio.CancelledError):
        await run
    first.close()

    store, sender = SqliteStore.open(path), ScriptedSender()
    d = dispatcher(store, sender, clock, lease_seconds=30)
    assert await d.run_once() == 0  # the dead process's lease still holds
    clock.advance(30)
    await run_all(d)
    assert sender.texts(CHAN) == ["d#0", "d#1"]
    clock.advance(3600)
    await run_all(d)
    assert sender.texts(CHAN) == ["d#0", "d#1"]  # marked: never again
    store.close()
