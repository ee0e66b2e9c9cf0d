"""Outbox semantics on the real SQLite store: dedupe, per-chat order, leases, crashes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import ChatRef, OutgoingMessage
from storage.store import SqliteStore

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
A = ChatRef("telegram", "@chan", is_private=False)
B = ChatRef("discord", "42")


def msgs(chat: ChatRef, digest: str, n: int, start: int = 0) -> list[OutgoingMessage]:
    return [
        OutgoingMessage(f"{chat.key}|{digest}|{i}", chat, {"text": f"{digest}#{i}"}, digest, i,
                        (f"{digest}-p{i}",))
        for i in range(start, start + n)
    ]


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqliteStore]:
    path = ":memory:" if request.param == "memory" else str(tmp_path / "outbox.db")
    s = SqliteStore.open(path)
    yield s
    s.close()


def texts(claimed: list) -> list[str]:
    return sorted(c.message.payload["text"] for c in claimed)


def test_enqueue_ignores_duplicates(store: SqliteStore) -> None:
    assert store.enqueue(msgs(A, "d1", 3), NOW) == 3
    assert store.enqueue(msgs(A, "d1", 4), NOW) == 1  # only seq 3 is new
    assert store.pending_count() == 4


def test_one_head_per_chat_in_order(store: SqliteStore) -> None:
    store.enqueue(msgs(A, "d1", 3) + msgs(B, "d1", 2), NOW)
    seen: list[str] = []
    for _ in range(4):
        claimed = store.claim_due(NOW, 60, 10)
        assert len({c.message.chat for c in claimed}) == len(claimed)  # one per chat
        seen += [c.message.payload["text"] for c in claimed if c.message.chat == A]
        for c in claimed:
            store.mark_sent(c.row_id, "id", NOW)
    assert seen == ["d1#0", "d1#1", "d1#2"]
    assert store.claim_due(NOW, 60, 10) == []
    assert store.pending_count() == 0


def test_digest_enqueued_first_goes_first(store: SqliteStore) -> None:
    store.enqueue(msgs(A, "zzz-first", 2), NOW)
    store.enqueue(msgs(A, "aaa-second", 1), NOW)
    order = []
    while claimed := store.claim_due(NOW, 60, 10):
        order += [c.message.payload["text"] for c in claimed]
        store.mark_sent(claimed[0].row_id, "id", NOW)
    assert order == ["zzz-first#0", "zzz-first#1", "aaa-second#0"]


def test_a_waiting_head_blocks_only_its_own_chat(store: SqliteStore) -> None:
    store.enqueue(msgs(A, "d", 2) + msgs(B, "d", 1), NOW)
    claimed = store.claim_due(NOW, 60, 10)
    head_a = next(c for c in claimed if c.message.chat == A)
    store.mark_retry(head_a.row_id, NOW + timedelta(seconds=30), "429")
    for c in claimed:
        if c.message.chat == B:
            store.mark_sent(c.row_id, "id", NOW)
    assert store.claim_due(NOW + timedelta(seconds=29), 60, 10) == []  # A#1 must wait for A#0
    again = store.claim_due(NOW + timedelta(seconds=30), 60, 10)
    assert texts(again) == ["d#0"] and again[0].attempts == 2


def test_dead_rows_do_not_block_the_chat(store: SqliteStore) -> None:
    store.enqueue(msgs(A, "d", 2), NOW)
    [head] = store.claim_due(NOW, 60, 10)
    store.mark_dead(head.row_id, "rejected", NOW)
    assert texts(store.claim_due(NOW, 60, 10)) == ["d#1"]


def test_expired_lease_is_claimed_again(store: SqliteStore) -> None:
    store.enqueue(msgs(A, "d", 1), NOW)
    [first] = store.claim_due(NOW, 10, 10)
    assert first.attempts == 1
    assert store.claim_due(NOW + timedelta(seconds=9), 10, 10) == []  # still leased
    [again] = store.claim_due(NOW + timedelta(seconds=10), 10, 10)
    assert again.row_id == first.row_id and again.attempts == 2


def test_deferred_retry_gives_the_attempt_back(store: SqliteStore) -> None:
    store.enqueue(msgs(A, "d", 1), NOW)
    [c] = store.claim_due(NOW, 60, 10)
    store.mark_retry(c.row_id, NOW, "rate limited", count_attempt=False)
    [c] = store.claim_due(NOW, 60, 10)
    assert (c.attempts, c.deferrals) == (1, 1)


def test_platform_filter_and_next_due(store: SqliteStore) -> None:
    store.enqueue(msgs(A, "d", 1) + msgs(B, "d", 1), NOW)
    assert store.next_due_at(["discord"]) == NOW
    [c] = store.claim_due(NOW, 60, 10, platforms=["discord"])
    assert c.message.chat == B
    store.mark_retry(c.row_id, NOW + timedelta(minutes=5), "503")
    assert store.next_due_at(["discord"]) == NOW + timedelta(minutes=5)
    assert store.pending_count(["discord"]) == 1
    assert store.claim_due(NOW, 60, 10, platforms=[]) == []
    assert store.next_due_at(["console"]) is None


def test_mark_sent_records_deliveries_and_completes_digest(store: SqliteStore) -> None:
    store.enqueue(msgs(A, "d", 2), NOW)
    store.record_digest(A, "d", NOW.date(), NOW)
    while claimed := store.claim_due(NOW, 60, 10):
        store.mark_sent(claimed[0].row_id, "id", NOW)
    assert store.delivered_ids(A, ["d-p0", "d-p1", "x"]) == {"d-p0", "d-p1"}
    assert store.delivered_ids(B, ["d-p0"]) == set()
    assert store.digest_counts(A, "d") == {"sent": 2}
    row = store.db.execute("SELECT completed_at FROM digests").fetchone()
    assert row[0] is not None


def test_drop_unsent_kills_every_queued_row_of_a_chat(store: SqliteStore) -> None:
    store.enqueue(msgs(A, "d1", 2) + msgs(A, "d2", 1) + msgs(B, "d1", 1), NOW)
    dropped = store.drop_unsent(A, "blocked", NOW)
    assert dropped == ["telegram:@chan|d1|0", "telegram:@chan|d1|1", "telegram:@chan|d2|0"]
    assert store.digest_counts(A, "d1") == {"dead": 2}
    assert [c.message.chat for c in store.claim_due(NOW, 60, 10)] == [B]


def test_two_stores_on_one_file_never_claim_the_same_row(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    one, two = SqliteStore.open(path), SqliteStore.open(path)
    chats = [ChatRef("telegram", str(i)) for i in range(20)]
    one.enqueue([m for c in chats for m in msgs(c, "d", 1)], NOW)
    got = one.claim_due(NOW, 60, 7) + two.claim_due(NOW, 60, 100) + one.claim_due(NOW, 60, 100)
    assert sorted(c.row_id for c in got) == sorted({c.row_id for c in got})
    assert len(got) == 20
    one.close()
    two.close()


CRASHER = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime
    from storage.store import SqliteStore
    store = SqliteStore.open(sys.argv[1])
    claimed = store.claim_due(datetime.fromisoformat(sys.argv[2]), 30, 10)
    print(len(claimed), flush=True)
    os._exit(9)  # killed between the platform call and mark_sent
    """
)


def test_a_killed_process_leaves_a_row_that_is_sent_exactly_once_more(tmp_path: Path) -> None:
    path = str(tmp_path / "crash.db")
    first = SqliteStore.open(path)
    first.enqueue(msgs(A, "d", 2), NOW)
    first.close()
    proc = subprocess.run([sys.executable, "-c", CRASHER, path, NOW.isoformat()],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 9 and proc.stdout.strip() == "1", proc.stderr
    store = SqliteStore.open(path)
    assert store.claim_due(NOW + timedelta(seconds=29), 30, 10) == []  # lease still held
    [again] = store.claim_due(NOW + timedelta(seconds=30), 30, 10)
    assert again.message.payload == {"text": "d#0"} and again.attempts == 2
    store.mark_sent(again.row_id, "m0", NOW)
    store.mark_sent(again.row_id, "m0", NOW)  # a repeated mark changes nothing
    later = NOW + timedelta(hours=1)
    [nxt] = store.claim_due(later, 30, 10)
    assert nxt.message.payload == {"text": "d#1"}
    store.mark_sent(nxt.row_id, "m1", later)
    assert store.claim_due(later + timedelta(hours=1), 30, 10) == []
    assert store.digest_counts(A, "d") == {"sent": 2}
    assert store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 2
    store.close()


def test_concurrent_claimers_in_threads_split_the_work(tmp_path: Path) -> None:
    """Two processes' worth of claimers (one connection per thread) race on one file."""
    path = str(tmp_path / "race.db")
    setup = SqliteStore.open(path)
    chats = [ChatRef("telegram", str(i)) for i in range(300)]
    setup.enqueue([m for c in chats for m in msgs(c, "d", 1)], NOW)
    setup.close()
    claimed: list[int] = []
    errors: list[BaseException] = []

    def claimer() -> None:
        store = SqliteStore.open(path)
        try:
            while batch := store.claim_due(NOW, 60, 3):
                claimed.extend(c.row_id for c in batch)
        except BaseException as exc:  # surfaced below: "database is locked" would land here
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(claimed) == 300 and len(set(claimed)) == 300


def test_release_claims_makes_a_dead_runs_claims_due_at_once(store: SqliteStore) -> None:
    """A restart after SIGKILL must not wait out the dead run's leases."""
    store.enqueue(msgs(A, "d1", 2) + msgs(B, "d1", 1), NOW)
    claimed = store.claim_due(NOW, 60, 10)
    assert len(claimed) == 2
    store.mark_sent(next(c.row_id for c in claimed if c.message.chat == B), "id", NOW)
    later = NOW + timedelta(seconds=1)
    assert store.claim_due(later, 60, 10) == []  # the lease still holds
    assert store.release_claims(later) == 1  # only A's claimed head; B's row was sent
    [again] = store.claim_due(later, 60, 10)
    assert again.message.payload["text"] == "d1#0"
    assert again.attempts == 2  # the lost attempt stays counted: it may have gone out
    assert store.release_claims(later) == 1 and store.release_claims(later) == 0
    assert store.pending_count() == 2
