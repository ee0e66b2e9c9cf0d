"""Tables of relevance ranking (bot.ports.RankingStore): embeddings, followed authors, seed
papers and sent version alerts.

Embeddings are float32 bytes keyed by (paper, version, model): a paper is embedded once
per version and model, whichever topic, chat or run asks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlite_utils import Database

from storage.db import iso, rows, transaction

_CHUNK = 400  # SQLite's bound-parameter limit is well above 2 × this


def get_embeddings(
    db: Database, model: str, keys: Sequence[tuple[str, int]]
) -> dict[tuple[str, int], bytes]:
    found: dict[tuple[str, int], bytes] = {}
    wanted = set(keys)
    ids = sorted({base for base, _ in wanted})
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        marks = ", ".join("?" * len(part))
        for row in rows(
            db,
            f"SELECT base_id, version, vector FROM embeddings WHERE model = ?"
            f" AND base_id IN ({marks})",
            [model, *part],
        ):
            key = (row["base_id"], int(row["version"]))
            if key in wanted:
                found[key] = bytes(row["vector"])
    return found


def put_embeddings(db: Database, model: str, vectors: Mapping[tuple[str, int], bytes]) -> None:
    with transaction(db):
        db.conn.executemany(
            "INSERT OR IGNORE INTO embeddings (base_id, version, model, vector)"
            " VALUES (?, ?, ?, ?)",
            [(base, version, model, blob) for (base, version), blob in vectors.items()],
        )


def follow_author(db: Database, chat_key: str, name: str, name_key: str, now: datetime) -> bool:
    cursor = db.execute(
        "INSERT OR IGNORE INTO followed_authors (chat_key, name_key, name, at)"
        " VALUES (?, ?, ?, ?)",
        [chat_key, name_key, name, iso(now)],
    )
    return cursor.rowcount > 0


def unfollow_author(db: Database, chat_key: str, name_key: str) -> int:
    cursor = db.execute(
        "DELETE FROM followed_authors WHERE chat_key = ? AND name_key = ?", [chat_key, name_key]
    )
    return cursor.rowcount


def followed_authors(db: Database, chat_key: str) -> dict[str, str]:
    found = rows(
        db,
        "SELECT name_key, name FROM followed_authors WHERE chat_key = ? ORDER BY at, rowid",
        [chat_key],
    )
    return {row["name_key"]: row["name"] for row in found}


def all_follows(db: Database) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in rows(db, "SELECT chat_key, name_key, name FROM followed_authors ORDER BY rowid"):
        out.setdefault(row["chat_key"], {})[row["name_key"]] = row["name"]
    return out


def add_seeds(db: Database, chat_key: str, base_ids: Sequence[str], now: datetime) -> int:
    added = 0
    with transaction(db):
        for base_id in base_ids:
            cursor = db.execute(
                "INSERT OR IGNORE INTO seed_papers (chat_key, base_id, at) VALUES (?, ?, ?)",
                [chat_key, base_id, iso(now)],
            )
            added += cursor.rowcount
    return added


def seeds(db: Database, chat_key: str) -> list[str]:
    found = rows(
        db, "SELECT base_id FROM seed_papers WHERE chat_key = ? ORDER BY at, rowid", [chat_key]
    )
    return [row["base_id"] for row in found]


def mark_alert(db: Database, chat_key: str, base_id: str, version: int) -> bool:
    cursor = db.execute(
        "INSERT OR IGNORE INTO version_alerts (chat_key, base_id, version) VALUES (?, ?, ?)",
        [chat_key, base_id, version],
    )
    return cursor.rowcount > 0
