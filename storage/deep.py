"""Deep cards and the full texts they were made from (issue 15), as JSON bodies.

Only texts read from HTML or PDF are kept ("abstract only" is asked for again next time,
in case arXiv has the text by then), and only deep cards made from them.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from bot.fulltext.models import DeepCard, Figure, FullText, Section, Takeaway
from storage.db import iso, one, transaction


def _figure(data: dict[str, Any] | None) -> Figure | None:
    return Figure(**data) if data else None


def get_deep_card(
    db: Database, base_id: str, version: int, language: str, model: str, prompt_version: str
) -> DeepCard | None:
    row = one(
        db,
        "SELECT body FROM deep_cards WHERE base_id = ? AND version = ? AND language = ?"
        " AND model = ? AND prompt_version = ?",
        [base_id, version, language, model, prompt_version],
    )
    if row is None:
        return None
    data = json.loads(row["body"])
    data["takeaways"] = tuple(Takeaway(**t) for t in data["takeaways"])
    data["figure"] = _figure(data.get("figure"))
    return DeepCard(**data)


def put_deep_card(
    db: Database, base_id: str, version: int, card: DeepCard, prompt_version: str,
    now: datetime,
) -> bool:
    if card.source == "abstract":
        return False
    db.execute(
        "INSERT OR REPLACE INTO deep_cards (base_id, version, language, model, prompt_version,"
        " body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [base_id, version, card.language, card.model, prompt_version,
         json.dumps(asdict(card), ensure_ascii=False), iso(now)],
    )
    return True


def get_fulltext(db: Database, base_id: str, version: int) -> FullText | None:
    row = one(db, "SELECT body FROM fulltexts WHERE base_id = ? AND version = ?",
              [base_id, version])
    if row is None:
        return None
    data = json.loads(row["body"])
    data["sections"] = tuple(Section(**s) for s in data["sections"])
    data["figure"] = _figure(data.get("figure"))
    return FullText(**data)


def put_fulltext(db: Database, base_id: str, version: int, text: FullText, now: datetime) -> bool:
    if text.source == "abstract":
        return False
    db.execute(
        "INSERT OR REPLACE INTO fulltexts (base_id, version, source, body, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [base_id, version, text.source, json.dumps(asdict(text), ensure_ascii=False), iso(now)],
    )
    return True


def token_usage(db: Database, user_key: str, day: date) -> int:
    row = one(db, "SELECT tokens FROM llm_usage WHERE user_key = ? AND day = ?",
              [user_key, day.isoformat()])
    return int(row["tokens"]) if row else 0


def add_token_usage(db: Database, user_key: str, day: date, tokens: int) -> int:
    with transaction(db):
        db.execute(
            "INSERT INTO llm_usage (user_key, day, count, tokens) VALUES (?, ?, 0, ?)"
            " ON CONFLICT (user_key, day) DO UPDATE SET tokens = tokens + excluded.tokens",
            [user_key, day.isoformat(), tokens],
        )
        return token_usage(db, user_key, day)
