"""Read-only queries for the web archive: which digests were planned and which cards exist.

Nothing here writes. The site publishes only what the bot delivered or built: the papers
of every outbox digest (`<announced>|<topic>` keys, any chat) and the cached cards.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date

from sqlite_utils import Database

from bot.models import CardText
from storage.cards import card_from_row
from storage.db import rows

_DIGEST_KEY = re.compile(r"^(\d{4}-\d{2}-\d{2})\|(.+)$")


def planned_digests(db: Database) -> dict[tuple[date, str], list[str]]:
    """(announcement day, topic name) → paper ids in the order they were planned, merged
    over every chat that got that digest."""
    found: dict[tuple[date, str], dict[str, None]] = {}
    for row in rows(
        db,
        "SELECT digest_key, paper_ids FROM outbox WHERE digest_key LIKE '____-__-__|%'"
        " ORDER BY id",
    ):
        match = _DIGEST_KEY.match(row["digest_key"])
        ids = json.loads(row["paper_ids"] or "[]")
        if match is None or not ids:
            continue
        key = (date.fromisoformat(match.group(1)), match.group(2))
        found.setdefault(key, {}).update(dict.fromkeys(ids))
    return {key: list(ids) for key, ids in found.items()}


def announcement_days(db: Database) -> list[date]:
    """Every day with a stored announcement, oldest first."""
    return [
        date.fromisoformat(r["announced"])
        for r in rows(db, "SELECT DISTINCT announced FROM announced_categories ORDER BY announced")
    ]


def best_cards(db: Database, base_ids: Sequence[str], language: str) -> dict[str, CardText]:
    """Per paper the card to publish: in `language` if one exists, else in any; of those the
    newest version, then the most recently made."""
    best: dict[str, CardText] = {}
    ids = list(dict.fromkeys(base_ids))
    for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in rows(
            db,
            f"SELECT * FROM cards WHERE base_id IN ({marks})"
            " ORDER BY base_id, language = ? DESC, version DESC, created_at DESC",
            [*chunk, language],
        ):
            if row["base_id"] in best:
                continue
            best[row["base_id"]] = card_from_row(row)
    return best
