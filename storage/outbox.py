"""The outbox: messages decided before they are sent, claimed with a lease, then marked.

Row states: pending → claimed → sent | retry (→ claimed …) | dead. A claimed row whose
lease ran out (the process died mid-send) is due again: at-least-once per row, and the
dispatcher marks a row sent right after the platform answers to keep that window tiny.
Per chat only the head (earliest unsent row) is ever due, so a chat's messages stay in order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from bot.models import ChatRef, OutgoingMessage
from bot.ports import ClaimedMessage
from storage.db import dumps, iso, one, parse_day, parse_dt, rows, transaction

log = logging.getLogger(__name__)

UNSENT = "('pending', 'claimed', 'retry')"

# The head of each chat: its unsent rows ordered by when their digest was enqueued, then seq.
_HEADS = f"""
SELECT id FROM (
    SELECT o.id, o.status, o.next_attempt_at, o.lease_until, o.platform,
           ROW_NUMBER() OVER (
               PARTITION BY o.chat_key ORDER BY d.first_id, o.seq, o.id
           ) AS rank
    FROM outbox o
    JOIN (SELECT chat_key, digest_key, min(id) AS first_id FROM outbox
          WHERE status IN {UNSENT} GROUP BY chat_key, digest_key) d
      ON d.chat_key = o.chat_key AND d.digest_key = o.digest_key
    WHERE o.status IN {UNSENT}
)
WHERE rank = 1 AND {{platforms}}
  AND ((status IN ('pending', 'retry') AND next_attempt_at <= :now)
       OR (status = 'claimed' AND lease_until <= :now))
ORDER BY next_attempt_at, id
LIMIT :limit
"""


def _platform_filter(platforms: Sequence[str] | None, params: dict) -> str:
    if platforms is None:
        return "1"
    names = {f"p{i}": p for i, p in enumerate(platforms)}
    params.update(names)
    return f"platform IN ({', '.join(':' + k for k in names)})" if names else "0"


def enqueue(db: Database, messages: Sequence[OutgoingMessage], now: datetime) -> int:
    batch = [
        (
            m.dedupe_key,
            m.chat.key,
            m.chat.platform,
            m.chat.chat_id,
            int(m.chat.is_private),
            dumps(m.payload),
            m.digest_key,
            m.seq,
            dumps(list(m.paper_ids)),
            iso(now),
            iso(now),
        )
        for m in messages
    ]
    with transaction(db):
        cursor = db.conn.executemany(
            "INSERT OR IGNORE INTO outbox (dedupe_key, chat_key, platform, chat_id,"
            " is_private, payload, digest_key, seq, paper_ids, status, next_attempt_at,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            batch,
        )
        return max(cursor.rowcount, 0)  # rows really inserted: duplicates count nothing


def _message(row: dict) -> OutgoingMessage:
    return OutgoingMessage(
        dedupe_key=row["dedupe_key"],
        chat=ChatRef(row["platform"], row["chat_id"], bool(row["is_private"])),
        payload=json.loads(row["payload"]),
        digest_key=row["digest_key"],
        seq=row["seq"],
        paper_ids=tuple(json.loads(row["paper_ids"])),
    )


def claim_due(
    db: Database,
    now: datetime,
    lease_seconds: float,
    limit: int,
    platforms: Sequence[str] | None = None,
) -> list[ClaimedMessage]:
    params: dict = {"now": iso(now), "limit": limit}
    sql = _HEADS.format(platforms=_platform_filter(platforms, params))
    lease_until = iso(now + timedelta(seconds=lease_seconds))
    with transaction(db):
        ids = [row_id for (row_id,) in db.execute(sql, params).fetchall()]
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        db.execute(
            "UPDATE outbox SET status = 'claimed', lease_until = ?, attempts = attempts + 1"
            f" WHERE id IN ({marks})",
            [lease_until, *ids],
        )
        found = {r["id"]: r for r in rows(db, f"SELECT * FROM outbox WHERE id IN ({marks})", ids)}
    return [
        ClaimedMessage(i, _message(found[i]), found[i]["attempts"], found[i]["deferrals"])
        for i in ids
    ]


def release_claims(db: Database, now: datetime) -> int:
    """Make every claimed row due at `now`; returns how many. For a run's start, while it
    holds the database's run lock: the claims are then a dead predecessor's, and waiting for
    their leases to lapse would hold those chats back for a whole lease. The claim's attempt
    stays counted: the message may have reached the platform before the crash."""
    cursor = db.execute(
        "UPDATE outbox SET status = 'retry', next_attempt_at = ?, lease_until = NULL,"
        " last_error = 'lease released at restart' WHERE status = 'claimed'",
        [iso(now)],
    )
    if cursor.rowcount:
        log.info("released %d outbox rows claimed before a restart", cursor.rowcount)
    return max(cursor.rowcount, 0)


def mark_sent(db: Database, row_id: int, platform_message_id: str, now: datetime) -> None:
    """Sent, and its papers recorded as delivered to that chat, in one transaction."""
    with transaction(db):
        row = one(db, "SELECT * FROM outbox WHERE id = ?", [row_id])
        if row is None:
            raise KeyError(f"outbox row {row_id} does not exist")
        db.execute(
            "UPDATE outbox SET status = 'sent', platform_message_id = ?, finished_at = ?,"
            " lease_until = NULL, last_error = NULL WHERE id = ?",
            [platform_message_id, iso(now), row_id],
        )
        for paper_id in json.loads(row["paper_ids"]):
            db.execute(
                "INSERT OR IGNORE INTO deliveries (chat_key, paper_id, digest_key, sent_at)"
                " VALUES (?, ?, ?, ?)",
                [row["chat_key"], paper_id, row["digest_key"], iso(now)],
            )
        _complete_digest(db, row["chat_key"], row["digest_key"], now)


def mark_retry(
    db: Database, row_id: int, retry_at: datetime, error: str, count_attempt: bool = True
) -> None:
    """Due again at `retry_at`. count_attempt=False (rate limits, moves) gives the attempt
    back and counts a deferral instead, so waiting politely never exhausts max_attempts."""
    attempts = "attempts" if count_attempt else "max(attempts - 1, 0)"
    deferrals = "deferrals" if count_attempt else "deferrals + 1"
    db.execute(
        f"UPDATE outbox SET status = 'retry', next_attempt_at = ?, last_error = ?,"
        f" lease_until = NULL, attempts = {attempts}, deferrals = {deferrals}"
        f" WHERE id = ? AND status IN {UNSENT}",
        [iso(retry_at), error, row_id],
    )


def mark_dead(db: Database, row_id: int, error: str, now: datetime) -> None:
    with transaction(db):
        row = one(db, "SELECT chat_key, digest_key FROM outbox WHERE id = ?", [row_id])
        db.execute(
            f"UPDATE outbox SET status = 'dead', last_error = ?, finished_at = ?,"
            f" lease_until = NULL WHERE id = ? AND status IN {UNSENT}",
            [error, iso(now), row_id],
        )
        if row is not None:
            _complete_digest(db, row["chat_key"], row["digest_key"], now)


def drop_unsent(db: Database, chat: ChatRef, error: str, now: datetime) -> list[str]:
    """Mark every unsent row of a chat dead (the chat is gone); returns their dedupe keys."""
    with transaction(db):
        found = rows(
            db,
            f"SELECT id, dedupe_key FROM outbox WHERE chat_key = ? AND status IN {UNSENT}"
            " ORDER BY id",
            [chat.key],
        )
        for row in found:
            mark_dead(db, row["id"], error, now)
    return [r["dedupe_key"] for r in found]


def _complete_digest(db: Database, chat_key: str, digest_key: str, now: datetime) -> None:
    if not digest_key:
        return
    left = one(
        db,
        f"SELECT count(*) AS n FROM outbox WHERE chat_key = ? AND digest_key = ?"
        f" AND status IN {UNSENT}",
        [chat_key, digest_key],
    )
    if left and left["n"] == 0:
        db.execute(
            "UPDATE digests SET completed_at = ? WHERE chat_key = ? AND digest_key = ?"
            " AND completed_at IS NULL",
            [iso(now), chat_key, digest_key],
        )


def digest_counts(db: Database, chat: ChatRef, digest_key: str) -> dict[str, int]:
    """Rows of one digest for one chat by status, e.g. {"sent": 11, "dead": 1}."""
    found = rows(
        db,
        "SELECT status, count(*) AS n FROM outbox WHERE chat_key = ? AND digest_key = ?"
        " GROUP BY status",
        [chat.key, digest_key],
    )
    return {r["status"]: r["n"] for r in found}


def pending_count(db: Database, platforms: Sequence[str] | None = None) -> int:
    params: dict = {}
    where = _platform_filter(platforms, params)
    row = one(db, f"SELECT count(*) AS n FROM outbox WHERE status IN {UNSENT} AND {where}", params)
    return row["n"] if row else 0


def next_due_at(db: Database, platforms: Sequence[str] | None = None) -> datetime | None:
    """The earliest instant any chat's head becomes due (for drain's sleep)."""
    params: dict = {"now": "9999", "limit": 1_000_000}
    heads = _HEADS.format(platforms=_platform_filter(platforms, params))
    row = one(
        db,
        "SELECT min(CASE WHEN status = 'claimed' THEN lease_until ELSE next_attempt_at END)"
        f" AS due FROM outbox WHERE id IN ({heads})",
        params,
    )
    return parse_dt(row["due"]) if row else None


def delivered_ids(db: Database, chat: ChatRef, paper_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    ids = list(paper_ids)
    for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(
            r["paper_id"]
            for r in rows(
                db,
                f"SELECT paper_id FROM deliveries WHERE chat_key = ? AND paper_id IN ({marks})",
                [chat.key, *chunk],
            )
        )
    return found


def record_digest(
    db: Database, chat: ChatRef, digest_key: str, day: date, now: datetime
) -> None:
    db.execute(
        "INSERT OR IGNORE INTO digests (chat_key, digest_key, day, enqueued_at)"
        " VALUES (?, ?, ?, ?)",
        [chat.key, digest_key, day.isoformat(), iso(now)],
    )


def last_digest_date(db: Database, chat: ChatRef) -> date | None:
    row = one(db, "SELECT max(day) AS day FROM digests WHERE chat_key = ?", [chat.key])
    return parse_day(row["day"]) if row else None


def last_digest_at(db: Database, chat: ChatRef) -> datetime | None:
    """When the chat's latest digest (or quiet-day notice) was planned: its last served slot."""
    row = one(db, "SELECT max(enqueued_at) AS at FROM digests WHERE chat_key = ?", [chat.key])
    return parse_dt(row["at"]) if row and row["at"] else None


def move_unsent(db: Database, old: ChatRef, new: ChatRef, now: datetime) -> None:
    """Unsent rows follow the chat; dedupe keys are rewritten to the new chat's key.

    A row the new chat already has (same rewritten key) is a duplicate: it dies, logged."""
    prefix = f"{old.key}|"
    with transaction(db):
        for row in rows(
            db,
            f"SELECT id, dedupe_key FROM outbox WHERE chat_key = ? AND status IN {UNSENT}",
            [old.key],
        ):
            key = row["dedupe_key"]
            if key.startswith(prefix):
                key = f"{new.key}|{key[len(prefix):]}"
            cursor = db.execute(
                "UPDATE OR IGNORE outbox SET chat_key = ?, platform = ?, chat_id = ?,"
                " dedupe_key = ? WHERE id = ?",
                [new.key, new.platform, new.chat_id, key, row["id"]],
            )
            if cursor.rowcount == 0:
                log.warning("dropping %s: %s already has it after the chat moved", key, new.key)
                mark_dead(db, row["id"], f"duplicate of {key} after chat moved", now)
