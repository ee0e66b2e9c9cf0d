"""Chats, their settings, the "gone" state, and their topic subscriptions.

"Gone" is separate from the user's own pause: the platform told us the bot was blocked
or removed, so nothing should be sent until the chat talks to us again.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from sqlite_utils import Database

from bot.models import ChatRef, ChatSettings, Subscription, Topic
from storage.db import dumps, iso, one, rows, transaction


def _chat(row: dict) -> ChatRef:
    return ChatRef(row["platform"], row["chat_id"], bool(row["is_private"]))


def _ensure_chat(db: Database, chat: ChatRef, now: datetime) -> None:
    db.execute(
        "INSERT OR IGNORE INTO chats (chat_key, platform, chat_id, is_private, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [chat.key, chat.platform, chat.chat_id, int(chat.is_private), iso(now)],
    )


def get_settings(db: Database, chat: ChatRef) -> ChatSettings | None:
    row = one(db, "SELECT * FROM chats WHERE chat_key = ?", [chat.key])
    if row is None or row["language"] is None:
        return None
    return ChatSettings(
        chat=_chat(row),
        language=row["language"],
        delivery_time=row["delivery_time"],
        timezone=row["timezone"],
        paused=bool(row["paused"]) or row["gone_reason"] is not None,
        quiet_day_notice=bool(row["quiet_day_notice"]),
        style=row["digest_style"] if row["digest_style"] in ("full", "compact") else None,
    )


def save_settings(db: Database, settings: ChatSettings, now: datetime) -> None:
    chat = settings.chat
    with transaction(db):
        _ensure_chat(db, chat, now)
        db.execute(
            "UPDATE chats SET is_private = ?, language = ?, delivery_time = ?, timezone = ?,"
            " paused = ?, quiet_day_notice = ?, digest_style = ?, updated_at = ?"
            " WHERE chat_key = ?",
            [
                int(chat.is_private),
                settings.language,
                settings.delivery_time,
                settings.timezone,
                int(settings.paused),
                int(settings.quiet_day_notice),
                settings.style,
                iso(now),
                chat.key,
            ],
        )


def mark_chat_gone(db: Database, chat: ChatRef, reason: str, now: datetime) -> bool:
    """Returns True only the first time, so the caller logs the event once."""
    with transaction(db):
        _ensure_chat(db, chat, now)
        cursor = db.execute(
            "UPDATE chats SET gone_reason = ?, gone_at = ?, updated_at = ?"
            " WHERE chat_key = ? AND gone_reason IS NULL",
            [reason, iso(now), iso(now), chat.key],
        )
        return cursor.rowcount > 0


def chat_gone(db: Database, chat: ChatRef) -> str | None:
    row = one(db, "SELECT gone_reason FROM chats WHERE chat_key = ?", [chat.key])
    return None if row is None else row["gone_reason"]


def clear_chat_gone(db: Database, chat: ChatRef, now: datetime) -> bool:
    cursor = db.execute(
        "UPDATE chats SET gone_reason = NULL, gone_at = NULL, updated_at = ?"
        " WHERE chat_key = ? AND gone_reason IS NOT NULL",
        [iso(now), chat.key],
    )
    return cursor.rowcount > 0


def _subscription(row: dict) -> Subscription:
    data = json.loads(row["topic"])
    for name in ("categories", "keywords", "exclude_keywords", "seed_papers"):
        data[name] = tuple(data.get(name, ()))
    data["glossary"] = tuple((term, said) for term, said in data.get("glossary", ()))
    return Subscription(chat=_chat(row), topic=Topic(**data))


def subscriptions(db: Database, chat: ChatRef | None) -> list[Subscription]:
    if chat is None:
        found = rows(db, "SELECT * FROM subscriptions ORDER BY chat_key, id")
    else:
        found = rows(db, "SELECT * FROM subscriptions WHERE chat_key = ? ORDER BY id", [chat.key])
    return [_subscription(r) for r in found]


def add_subscription(db: Database, sub: Subscription, now: datetime) -> None:
    """One subscription per chat and topic name (case-insensitive); re-adding updates it."""
    chat, topic = sub.chat, sub.topic
    with transaction(db):
        _ensure_chat(db, chat, now)
        db.execute(
            "INSERT INTO subscriptions (chat_key, platform, chat_id, is_private, topic_name,"
            " topic_folded, topic, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_key, topic_folded)"
            " DO UPDATE SET topic = excluded.topic, topic_name = excluded.topic_name",
            [
                chat.key,
                chat.platform,
                chat.chat_id,
                int(chat.is_private),
                topic.name,
                topic.name.casefold(),
                dumps(asdict(topic)),
                iso(now),
            ],
        )


def remove_subscription(db: Database, chat: ChatRef, topic_name: str | None) -> int:
    if topic_name is None:
        cursor = db.execute("DELETE FROM subscriptions WHERE chat_key = ?", [chat.key])
    else:
        cursor = db.execute(
            "DELETE FROM subscriptions WHERE chat_key = ? AND topic_folded = ?",
            [chat.key, topic_name.casefold()],
        )
    return cursor.rowcount


def move_chat(db: Database, old: ChatRef, new: ChatRef, now: datetime) -> None:
    """Telegram group → supergroup: everything the old id had now belongs to the new id.

    Rows the new id already has win; the old duplicates are dropped.
    """
    if old.key == new.key:
        return
    keyed = {"old": old.key, "new": new.key}
    with transaction(db):
        if one(db, "SELECT 1 AS x FROM chats WHERE chat_key = :new", keyed):
            db.execute("DELETE FROM chats WHERE chat_key = :old", keyed)
        else:
            db.execute(
                "UPDATE chats SET chat_key = :new, platform = :platform, chat_id = :chat_id,"
                " updated_at = :now WHERE chat_key = :old",
                {**keyed, "platform": new.platform, "chat_id": new.chat_id, "now": iso(now)},
            )
        for table in ("subscriptions", "deliveries", "digests"):
            db.execute(f"UPDATE OR IGNORE {table} SET chat_key = :new WHERE chat_key = :old", keyed)
            db.execute(f"DELETE FROM {table} WHERE chat_key = :old", keyed)
        db.execute(
            "UPDATE subscriptions SET platform = ?, chat_id = ? WHERE chat_key = ?",
            [new.platform, new.chat_id, new.key],
        )
