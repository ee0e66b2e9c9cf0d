"""Cached LLM output: cards per (paper, version, language, model, prompt) and translations.

Cards are cached forever: the key names everything that could change the text.
Translations of users' text expire (storage.privacy purges them). An "unavailable"
card is a failure placeholder, never cached, so the next request tries the LLM again.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.models import CardText
from storage.db import dumps, iso, one

log = logging.getLogger(__name__)


def get_card(
    db: Database, base_id: str, version: int, language: str, model: str, prompt_version: str
) -> CardText | None:
    row = one(
        db,
        "SELECT * FROM cards WHERE base_id = ? AND version = ? AND language = ?"
        " AND model = ? AND prompt_version = ?",
        [base_id, version, language, model, prompt_version],
    )
    return None if row is None else card_from_row(row)


def card_from_row(row: dict[str, Any]) -> CardText:
    """A `cards` table row as the core's CardText."""
    return CardText(
        summary=row["summary"],
        key_takeaways=tuple(json.loads(row["key_takeaways"])),
        title_translation=row["title_translation"],
        abstract_translation=row["abstract_translation"],
        source=row["source"],
        language=row["language"],
        model=row["model"],
        tldr=row.get("tldr") or "",
    )


def put_card(
    db: Database, base_id: str, version: int, card: CardText, prompt_version: str, now: datetime
) -> bool:
    """Store a card; returns False (and stores nothing) for an "unavailable" placeholder."""
    if card.source == "unavailable":
        log.debug("not caching unavailable card for %sv%d (%s)", base_id, version, card.language)
        return False
    db.execute(
        "INSERT OR REPLACE INTO cards (base_id, version, language, model, prompt_version,"
        " summary, key_takeaways, title_translation, abstract_translation, source, created_at,"
        " tldr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            base_id,
            version,
            card.language,
            card.model,
            prompt_version,
            card.summary,
            dumps(list(card.key_takeaways)),
            card.title_translation,
            card.abstract_translation,
            card.source,
            iso(now),
            card.tldr,
        ],
    )
    return True


def get_translation(db: Database, key: str) -> str | None:
    row = one(db, "SELECT text FROM translations WHERE key = ?", [key])
    return None if row is None else row["text"]


def put_translation(db: Database, key: str, text: str, now: datetime) -> None:
    # An upsert, not INSERT OR REPLACE: replacing would drop the row's users by cascade.
    db.execute(
        "INSERT INTO translations (key, text, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET text = excluded.text, created_at = excluded.created_at",
        [key, text, iso(now)],
    )
