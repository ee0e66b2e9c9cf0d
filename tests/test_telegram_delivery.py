"""Digests through the real outbox: Dispatcher + SqliteStore + TelegramAdapter + stand-in.

What the Telegram issue asks of delivery: a long channel digest survives 429s and 502s,
complete, in order, once each, at Telegram's group pace; and a blocked user, a migrated group
and a message Telegram will not parse each end as they should, never looping or vanishing.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.config import TelegramConfig
from adapters.telegram.render import TelegramRenderer
from bot.delivery import Dispatcher, enqueue_digest
from bot.models import (
    CardText,
    ChatRef,
    ChatSettings,
    Digest,
    IncomingCommand,
    Paper,
    PaperCard,
    Reply,
    Subscription,
    Topic,
)
from storage.store import SqliteStore
from tests.fakes.fake_telegram import FakeTelegram, RateLimits
from tests.samples import all_sample_papers

CHANNEL = -1001000000001
USER = 4242
OTHER_USER = 4343
OLD_GROUP = -4001
NEW_GROUP = -1009999
SCALE = 10  # the pacing test runs Telegram's clock ten times faster: 20 per 6 s, 30 per 0.1 s
DAY = date(2026, 11, 20)


class RealClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


async def _ignore(command: IncomingCommand) -> Reply:
    return Reply(text="")


def _papers(count: int) -> list[Paper]:
    """Distinct real sample papers (ids and titles as arXiv gave them)."""
    seen: dict[str, Paper] = {}
    for paper in all_sample_papers():
        if paper.title and paper.id not in seen:
            seen[paper.id] = paper
    papers = list(seen.values())
    assert len(papers) >= count, "the samples hold fewer papers than this test needs"
    return papers[:count]


def _digest(count: int, topic: str = "R1_Reasoning") -> Digest:
    cards = tuple(
        PaperCard(p, CardText(f"Summary of {p.title}.", ("One", "Two", "Three"),
                              f"[zh] {p.title}", None, "llm", "zh", "fake-model"))
        for p in _papers(count)
    )
    return Digest(topic, DAY, "zh", cards, datetime(2026, 11, 20, 12, tzinfo=UTC))


def _enqueue(store: SqliteStore, chat: ChatRef, payloads: list[dict[str, Any]],
             key: str = "2026-11-20|R1_Reasoning") -> None:
    enqueue_digest(store, chat, key, payloads, None, datetime.now(UTC), day=DAY)


def _texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m["text"] for m in fake.sent_messages(chat_id)]


def _row_errors(store: SqliteStore, chat: ChatRef) -> list[tuple[str, str | None]]:
    return [(r["status"], r["last_error"]) for r in store.db.query(
        "SELECT status, last_error FROM outbox WHERE chat_key = ? ORDER BY seq", [chat.key])]


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore.open(str(tmp_path / "outbox.db"))
    yield s
    s.close()


@pytest.fixture
async def adapter(fake: FakeTelegram) -> AsyncIterator[TelegramAdapter]:
    bot = TelegramAdapter(TelegramConfig(base_url=fake.api_url), fake.token, _ignore,
                          poll_timeout=1, overall_period=1 / SCALE, group_period=60 / SCALE,
                          private_period=1 / SCALE)
    await bot.start()
    yield bot
    await bot.stop()


def _dispatcher(store: SqliteStore, adapter: TelegramAdapter) -> Dispatcher:
    return Dispatcher(store, {"telegram": adapter}, RealClock(), lease_seconds=30,
                      poll_interval=0.05, backoff_base=0.05, backoff_max=0.5)


async def test_a_50_paper_channel_digest_arrives_whole_through_429s_and_502s_at_group_pace(
    fake: FakeTelegram, store: SqliteStore, adapter: TelegramAdapter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Time-scaled by SCALE: the bot paces 20 per 6 s and the stand-in enforces 20 per 6 s
    (and 30 per 0.1 s overall); injected 429s still ask for a real second."""
    payloads = TelegramRenderer().digest(_digest(50))
    assert len(payloads) == 51
    fake.fail_randomly(0.25, kinds=("429", "429", "429", "429", "502"), seed=7)
    fake.enforce_rate_limits(RateLimits(time_scale=1 / SCALE))
    channel = ChatRef("telegram", str(CHANNEL), is_private=False)
    _enqueue(store, channel, payloads)

    with caplog.at_level(logging.INFO):
        sent = await _dispatcher(store, adapter).drain(timeout=90)

    assert sent == 51 and store.pending_count() == 0
    assert _texts(fake, CHANNEL) == [p["text"] for p in payloads], "lost, reordered or doubled"
    assert store.digest_counts(channel, "2026-11-20|R1_Reasoning") == {"sent": 51}
    attempts = fake.calls("sendMessage")
    assert len(attempts) - 51 >= 8, "too few injected faults to prove anything"
    assert fake.flood is not None and fake.flood.refused == [], "the bot outran 20 per minute"
    times = [m["at"] for m in fake.sent_messages(CHANNEL)]
    window = 60 / SCALE
    crowded = [i for i in range(len(times) - 20) if times[i + 20] - times[i] < window]
    assert crowded == [], f"21 messages within one scaled minute starting at {crowded}"
    # PTB logs a 502's HTML body as an error (useful when base_url is wrong); nothing else.
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert [e for e in errors if "502 Bad Gateway" not in e] == [], "a retried 429 is no error"
    assert any("rate limited; retrying" in r.getMessage() for r in caplog.records)


async def test_a_blocked_user_is_paused_once_and_never_tried_again(
    fake: FakeTelegram, store: SqliteStore, adapter: TelegramAdapter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocked, other = ChatRef("telegram", str(USER)), ChatRef("telegram", str(OTHER_USER))
    payloads = TelegramRenderer().digest(_digest(3))
    _enqueue(store, blocked, payloads)
    fake.fail_next("403")
    dispatcher = _dispatcher(store, adapter)
    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        await dispatcher.drain(timeout=20)
        _enqueue(store, blocked, payloads, key="2026-11-21|R1_Reasoning")  # the next day
        _enqueue(store, other, payloads)
        await dispatcher.drain(timeout=20)

    assert _texts(fake, OTHER_USER) == [p["text"] for p in payloads]
    assert _texts(fake, USER) == []
    tried = [c for c in fake.calls("sendMessage") if str(c["chat_id"]) == str(USER)]
    assert len(tried) == 1, "a paused chat was tried again"
    assert "blocked by the user" in (store.chat_gone(blocked) or "")
    paused = [r for r in caplog.records if "can no longer receive messages" in r.getMessage()]
    assert len(paused) == 1 and paused[0].levelno == logging.WARNING
    rows = _row_errors(store, blocked)
    assert len(rows) == 8 and {status for status, _ in rows} == {"dead"}, "4 + 4 rows, none sent"
    assert all("blocked" in (error or "") for _, error in rows), "a dropped row says why"
    assert store.pending_count() == 0


async def test_a_migrated_group_moves_with_its_settings_and_gets_the_message(
    fake: FakeTelegram, store: SqliteStore, adapter: TelegramAdapter
) -> None:
    old = ChatRef("telegram", str(OLD_GROUP), is_private=False)
    new = ChatRef("telegram", str(NEW_GROUP), is_private=False)
    store.save_settings(ChatSettings(old, "zh", "09:00", "Asia/Shanghai"))
    store.add_subscription(Subscription(old, Topic("R1_Reasoning", ("cs.AI",))))
    payloads = TelegramRenderer().digest(_digest(3))
    _enqueue(store, old, payloads)
    fake.fail_next("migrate", migrate_to=NEW_GROUP)

    assert await _dispatcher(store, adapter).drain(timeout=20) == 4

    assert _texts(fake, NEW_GROUP) == [p["text"] for p in payloads]
    assert _texts(fake, OLD_GROUP) == []
    assert [s.topic.name for s in store.subscriptions(new)] == ["R1_Reasoning"]
    assert store.subscriptions(old) == []
    moved = store.get_settings(new)
    assert moved is not None and (moved.language, moved.timezone) == ("zh", "Asia/Shanghai")
    assert store.get_settings(old) is None
    assert store.digest_counts(new, "2026-11-20|R1_Reasoning") == {"sent": 4}


async def test_a_message_telegram_cannot_parse_goes_again_as_plain_text(
    fake: FakeTelegram, store: SqliteStore, adapter: TelegramAdapter
) -> None:
    chat = ChatRef("telegram", str(CHANNEL), is_private=False)
    payloads = TelegramRenderer().digest(_digest(2))
    payloads[1] = {**payloads[1], "text": "<b>unclosed & raw " + payloads[1]["text"]}
    _enqueue(store, chat, payloads)

    assert await _dispatcher(store, adapter).drain(timeout=20) == 3

    sent = fake.sent_messages(CHANNEL)
    assert [m["text"] for m in sent] == [payloads[0]["text"], payloads[1]["plain"],
                                         payloads[2]["text"]]
    assert "parse_mode" not in sent[1] and sent[2]["parse_mode"] == "HTML"
    assert "arxiv.org/abs/" in sent[1]["text"], "the plain text lost the paper's link"
    assert len(fake.calls("sendMessage")) == 4


async def test_a_message_refused_twice_is_recorded_as_failed_and_the_rest_go_on(
    fake: FakeTelegram, store: SqliteStore, adapter: TelegramAdapter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    chat = ChatRef("telegram", str(CHANNEL), is_private=False)
    payloads = TelegramRenderer().digest(_digest(2))
    no_plain = {k: v for k, v in payloads[2].items() if k != "plain"}
    payloads[2] = {**no_plain, "text": "<i>bad"}  # no plain variant: nothing to fall back to
    _enqueue(store, chat, payloads)
    fake.fail_next("parse", count=2)  # the header, as HTML and then as plain text

    with caplog.at_level(logging.ERROR, logger="bot.delivery"):
        sent = await _dispatcher(store, adapter).drain(timeout=20)

    assert sent == 1 and _texts(fake, CHANNEL) == [payloads[1]["text"]]
    assert len(fake.calls("sendMessage")) == 2 + 1 + 1, "a refused message was retried again"
    rows = _row_errors(store, chat)
    assert [status for status, _ in rows] == ["dead", "sent", "dead"]
    first, last = (rows[0][1] or "").lower(), (rows[2][1] or "").lower()
    assert "can't parse entities" in first and "as plain text" in first
    assert "can't parse entities" in last
    logged = [r.getMessage() for r in caplog.records if "giving up on" in r.getMessage()]
    assert len(logged) == 2 and all("rejected by telegram" in m for m in logged)
    assert store.pending_count() == 0


async def test_a_message_telegram_took_but_answered_garbled_is_not_sent_again(
    fake: FakeTelegram, store: SqliteStore, adapter: TelegramAdapter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Was: a 200 with an unreadable body counted as a failure and was resent with every
    retry (14 copies in 5 minutes)."""
    chat = ChatRef("telegram", str(CHANNEL), is_private=False)
    payloads = TelegramRenderer().digest(_digest(2))
    _enqueue(store, chat, payloads)
    fake.fail_next("malformed")
    dispatcher = _dispatcher(store, adapter)

    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        assert await dispatcher.drain(timeout=20) == 3

    assert _texts(fake, CHANNEL) == [p["text"] for p in payloads], "a message was doubled"
    assert len(fake.calls("sendMessage")) == 3
    assert [status for status, _ in _row_errors(store, chat)] == ["sent"] * 3
    assert (dispatcher.unconfirmed, dispatcher.possibly_duplicated) == (1, 0)
    assert "counted as sent, not sent again" in caplog.text


async def test_a_late_answer_is_resent_once_and_counted_as_possibly_duplicated(
    fake: FakeTelegram, store: SqliteStore, adapter: TelegramAdapter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The answer comes after PTB's 5 s read timeout: Telegram has the message, we cannot
    know it, so it goes once more and the report says so."""
    chat = ChatRef("telegram", str(CHANNEL), is_private=False)
    payloads = TelegramRenderer().digest(_digest(1))
    _enqueue(store, chat, payloads)
    fake.fail_next("late")
    dispatcher = _dispatcher(store, adapter)

    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        assert await dispatcher.drain(timeout=30) == 2

    texts = [p["text"] for p in payloads]
    assert _texts(fake, CHANNEL) == [texts[0], *texts], "resent more than once"
    assert [status for status, _ in _row_errors(store, chat)] == ["sent", "sent"]
    assert (dispatcher.possibly_duplicated, dispatcher.unconfirmed) == (1, 0)
    assert "possibly duplicated" in caplog.text
