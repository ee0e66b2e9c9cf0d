"""What /forget deletes and what the retention purge expires: stored /translate texts by
the users who asked for them, usage counters, and everything kept for one chat."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.models import ChatRef
from bot.ports import ForgottenChat
from storage.db import iso, transaction

# A claimed row is being sent right now; its dispatcher finishes it within one lease.
_NOT_IN_FLIGHT = "('pending', 'retry', 'sent', 'dead')"


def add_translation_user(db: Database, key: str, user_key: str) -> None:
    db.execute(
        "INSERT OR IGNORE INTO translation_users (key, user_key)"
        " SELECT key, ? FROM translations WHERE key = ?",
        [user_key, key],
    )


def forget_translations(db: Database, user_key: str) -> int:
    """Delete every stored translation this user asked for (others' copies too: a cache)."""
    with transaction(db):
        return db.execute(
            "DELETE FROM translations WHERE key IN"
            " (SELECT key FROM translation_users WHERE user_key = ?)",
            [user_key],
        ).rowcount


def purge_translations(db: Database, before: datetime) -> int:
    """Delete translations stored before `before`; their users' rows go with them."""
    with transaction(db):
        return db.execute(
            "DELETE FROM translations WHERE created_at < ?", [iso(before)]
        ).rowcount


def forget_usage(db: Database, user_key: str) -> int:
    """The user's LLM counters and their arXiv lookup counters (kept as `arxiv:<user>`)."""
    with transaction(db):
        return db.execute(
            "DELETE FROM llm_usage WHERE user_key IN (?, ?)", [user_key, f"arxiv:{user_key}"]
        ).rowcount


def forget_chat(db: Database, chat: ChatRef) -> ForgottenChat:
    """Settings, subscriptions, queued and sent messages, delivery and digest logs."""
    key = [chat.key]
    with transaction(db):
        subscriptions = db.execute("DELETE FROM subscriptions WHERE chat_key = ?", key).rowcount
        settings = db.execute("DELETE FROM chats WHERE chat_key = ?", key).rowcount
        queued = db.execute(
            "DELETE FROM outbox WHERE chat_key = ? AND status IN ('pending', 'retry')", key
        ).rowcount
        db.execute(f"DELETE FROM outbox WHERE chat_key = ? AND status IN {_NOT_IN_FLIGHT}", key)
        db.execute("DELETE FROM deliveries WHERE chat_key = ?", key)
        db.execute("DELETE FROM digests WHERE chat_key = ?", key)
        for table in ("followed_authors", "seed_papers", "version_alerts"):  # issue 12
            db.execute(f"DELETE FROM {table} WHERE chat_key = ?", key)
    return ForgottenChat(settings=bool(settings), subscriptions=subscriptions, queued=queued)
