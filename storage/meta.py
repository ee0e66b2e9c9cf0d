"""The `meta` table: small named values the bot keeps across runs (bot.ports.MetaStore).

Keys are namespaced by their owner, e.g. "commands:telegram:<bot id>"; values are short
strings (hashes, versions). Nothing here is needed to serve a user: losing a row only
costs redoing what it recorded.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from storage.db import iso, one, transaction


def get_meta(db: Database, key: str) -> str | None:
    row = one(db, "SELECT value FROM meta WHERE key = ?", [key])
    return None if row is None else str(row["value"])


def put_meta(db: Database, key: str, value: str, now: datetime) -> None:
    """Set (or replace) one value."""
    with transaction(db):
        db.execute(
            "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            [key, value, iso(now)],
        )
