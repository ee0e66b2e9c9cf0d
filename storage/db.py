"""Open the SQLite database the way every part of paperbot expects it.

WAL lets the CLI read while the bot writes; the busy timeout makes a second process wait
instead of failing; writes go through `transaction()` so nothing is ever half written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlite_utils import Database

from storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


def open_database(path: str) -> Database:
    """Open (creating if needed) and migrate; ":memory:" gives a private in-memory DB.

    The connection belongs to the calling thread (sqlite3's check_same_thread).
    """
    if path != ":memory:":
        _create_private(path)
    db = Database(path)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if path != ":memory:":
        db.enable_wal()
        # In WAL mode NORMAL survives a process crash; only power loss can drop the last commits.
        db.execute("PRAGMA synchronous = NORMAL")
    pending = [m.name for m in MIGRATIONS.pending(db)]
    if pending:
        log.info("applying database migrations to %s: %s", path, ", ".join(pending))
        MIGRATIONS.apply(db)
    return db


def _create_private(path: str) -> None:
    """Create the file owner-only (0600) before SQLite does: it holds who subscribed to
    what, and SQLite gives the -wal and -shm files the main file's permissions."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """All-or-nothing writes. BEGIN IMMEDIATE takes the write lock up front, so a
    read-then-write (claiming outbox rows) cannot race another process; nested use is a
    savepoint."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def iso(moment: datetime) -> str:
    """A sortable UTC string: every stored instant has the same shape, so `<=` in SQL works."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: paperbot stores only aware UTC instants")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else iso(moment)


def parse_dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def day_str(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def parse_day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def rows(db: Database, sql: str, params: dict[str, Any] | list[Any] | None = None) -> list[dict]:
    """Read rows as dicts (a thin wrapper so readers never leave a cursor open)."""
    return list(db.query(sql, params))


def one(db: Database, sql: str, params: dict[str, Any] | list[Any] | None = None) -> dict | None:
    found = rows(db, sql, params)
    return found[0] if found else None
