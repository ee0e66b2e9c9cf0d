"""`SqliteStore`: the one implementation of `bot.ports.Store`.

It only routes calls to the table modules; each method is one short transaction. Use it
from the thread that opened it (the asyncio loop's thread).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime

from sqlite_utils import Database

from bot.fulltext.models import DeepCard, FullText
from bot.models import (
    CardText,
    ChatRef,
    ChatSettings,
    Feedback,
    OutgoingMessage,
    Paper,
    Signal,
    Subscription,
)
from bot.ports import ClaimedMessage, ForgottenChat, Listing
from storage import (
    archive,
    cards,
    deep,
    feedback,
    meta,
    outbox,
    papers,
    privacy,
    ranking,
    subscriptions,
)
from storage.db import open_database, transaction


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SqliteStore:
    def __init__(self, db: Database, now: Callable[[], datetime] = _utcnow) -> None:
        self.db = db
        self._now = now

    @classmethod
    def open(cls, path: str, now: Callable[[], datetime] = _utcnow) -> SqliteStore:
        """Open and migrate `path` (":memory:" for a throwaway store)."""
        return cls(open_database(path), now)

    def close(self) -> None:
        self.db.close()

    # papers and announcements
    def upsert_papers(self, items: Sequence[Paper], latest: bool = True) -> None:
        papers.upsert_papers(self.db, items, self._now(), latest)

    def get_paper(self, base_id: str, version: int | None = None) -> Paper | None:
        return papers.get_paper(self.db, base_id, version)

    def save_listing(self, listing: Listing) -> None:
        papers.save_listing(self.db, listing, self._now())

    def get_listing(self, categories: Sequence[str], announced: date) -> Listing | None:
        return papers.get_listing(self.db, categories, announced)

    def latest_listing(self, categories: Sequence[str]) -> Listing | None:
        return papers.latest_listing(self.db, categories)

    # cards and translations
    def get_card(
        self, base_id: str, version: int, language: str, model: str, prompt_version: str
    ) -> CardText | None:
        return cards.get_card(self.db, base_id, version, language, model, prompt_version)

    def put_card(self, base_id: str, version: int, card: CardText, prompt_version: str) -> None:
        cards.put_card(self.db, base_id, version, card, prompt_version, self._now())

    def get_translation(self, key: str) -> str | None:
        return cards.get_translation(self.db, key)

    def put_translation(self, key: str, text: str, user_key: str | None = None) -> None:
        with transaction(self.db):
            cards.put_translation(self.db, key, text, self._now())
            if user_key is not None:
                privacy.add_translation_user(self.db, key, user_key)

    def add_translation_user(self, key: str, user_key: str) -> None:
        privacy.add_translation_user(self.db, key, user_key)

    def forget_translations(self, user_key: str) -> int:
        return privacy.forget_translations(self.db, user_key)

    def purge_translations(self, before: datetime) -> int:
        return privacy.purge_translations(self.db, before)

    # chats, settings and subscriptions
    def get_settings(self, chat: ChatRef) -> ChatSettings | None:
        return subscriptions.get_settings(self.db, chat)

    def save_settings(self, settings: ChatSettings) -> None:
        subscriptions.save_settings(self.db, settings, self._now())

    def subscriptions(self, chat: ChatRef) -> list[Subscription]:
        return subscriptions.subscriptions(self.db, chat)

    def all_subscriptions(self) -> list[Subscription]:
        return subscriptions.subscriptions(self.db, None)

    def add_subscription(self, subscription: Subscription) -> None:
        subscriptions.add_subscription(self.db, subscription, self._now())

    def remove_subscription(self, chat: ChatRef, topic_name: str | None) -> int:
        return subscriptions.remove_subscription(self.db, chat, topic_name)

    def move_chat(self, old: ChatRef, new: ChatRef) -> None:
        """Settings, subscriptions, deliveries, digests and unsent outbox rows, atomically."""
        now = self._now()
        with transaction(self.db):
            subscriptions.move_chat(self.db, old, new, now)
            outbox.move_unsent(self.db, old, new, now)

    def forget_chat(self, chat: ChatRef) -> ForgottenChat:
        return privacy.forget_chat(self.db, chat)

    def mark_chat_gone(self, chat: ChatRef, reason: str, now: datetime) -> bool:
        return subscriptions.mark_chat_gone(self.db, chat, reason, now)

    def chat_gone(self, chat: ChatRef) -> str | None:
        return subscriptions.chat_gone(self.db, chat)

    def clear_chat_gone(self, chat: ChatRef, now: datetime) -> bool:
        return subscriptions.clear_chat_gone(self.db, chat, now)

    # deliveries and the digest log
    def delivered_ids(self, chat: ChatRef, paper_ids: Sequence[str]) -> set[str]:
        return outbox.delivered_ids(self.db, chat, paper_ids)

    def last_digest_date(self, chat: ChatRef) -> date | None:
        return outbox.last_digest_date(self.db, chat)

    def last_digest_at(self, chat: ChatRef) -> datetime | None:
        return outbox.last_digest_at(self.db, chat)

    def record_digest(self, chat: ChatRef, digest_key: str, day: date, now: datetime) -> None:
        outbox.record_digest(self.db, chat, digest_key, day, now)

    def digest_counts(self, chat: ChatRef, digest_key: str) -> dict[str, int]:
        return outbox.digest_counts(self.db, chat, digest_key)

    # the outbox
    def enqueue(self, messages: Sequence[OutgoingMessage], now: datetime) -> int:
        return outbox.enqueue(self.db, messages, now)

    def claim_due(
        self,
        now: datetime,
        lease_seconds: float,
        limit: int,
        platforms: Sequence[str] | None = None,
    ) -> list[ClaimedMessage]:
        return outbox.claim_due(self.db, now, lease_seconds, limit, platforms)

    def release_claims(self, now: datetime) -> int:
        return outbox.release_claims(self.db, now)

    def mark_sent(self, row_id: int, platform_message_id: str, now: datetime) -> None:
        outbox.mark_sent(self.db, row_id, platform_message_id, now)

    def mark_retry(
        self, row_id: int, retry_at: datetime, error: str, count_attempt: bool = True
    ) -> None:
        outbox.mark_retry(self.db, row_id, retry_at, error, count_attempt)

    def mark_dead(self, row_id: int, error: str, now: datetime) -> None:
        outbox.mark_dead(self.db, row_id, error, now)

    def drop_unsent(self, chat: ChatRef, error: str, now: datetime) -> list[str]:
        return outbox.drop_unsent(self.db, chat, error, now)

    def pending_count(self, platforms: Sequence[str] | None = None) -> int:
        return outbox.pending_count(self.db, platforms)

    def next_due_at(self, platforms: Sequence[str] | None = None) -> datetime | None:
        return outbox.next_due_at(self.db, platforms)

    # the web archive (read-only)
    def planned_digests(self) -> dict[tuple[date, str], list[str]]:
        return archive.planned_digests(self.db)

    def announcement_days(self) -> list[date]:
        return archive.announcement_days(self.db)

    def best_cards(self, base_ids: Sequence[str], language: str) -> dict[str, CardText]:
        return archive.best_cards(self.db, base_ids, language)

    # named values kept across runs
    def get_meta(self, key: str) -> str | None:
        return meta.get_meta(self.db, key)

    def put_meta(self, key: str, value: str) -> None:
        meta.put_meta(self.db, key, value, self._now())

    # cost guard
    def llm_usage(self, user_key: str, day: date) -> int:
        row = self.db.execute(
            "SELECT count FROM llm_usage WHERE user_key = ? AND day = ?",
            [user_key, day.isoformat()],
        ).fetchone()
        return int(row[0]) if row else 0

    def add_llm_usage(self, user_key: str, day: date, amount: int = 1) -> int:
        """Count `amount` on-demand calls for the key; returns the day's new total."""
        with transaction(self.db):
            self.db.execute(
                "INSERT INTO llm_usage (user_key, day, count) VALUES (?, ?, ?)"
                " ON CONFLICT (user_key, day) DO UPDATE SET count = count + excluded.count",
                [user_key, day.isoformat(), amount],
            )
            return self.llm_usage(user_key, day)

    def forget_usage(self, user_key: str) -> int:
        return privacy.forget_usage(self.db, user_key)

    def token_usage(self, user_key: str, day: date) -> int:
        return deep.token_usage(self.db, user_key, day)

    def add_token_usage(self, user_key: str, day: date, tokens: int) -> int:
        return deep.add_token_usage(self.db, user_key, day, tokens)

    # deep cards and full texts (issue 15)
    def get_deep_card(
        self, base_id: str, version: int, language: str, model: str, prompt_version: str
    ) -> DeepCard | None:
        return deep.get_deep_card(self.db, base_id, version, language, model, prompt_version)

    def put_deep_card(
        self, base_id: str, version: int, card: DeepCard, prompt_version: str
    ) -> None:
        deep.put_deep_card(self.db, base_id, version, card, prompt_version, self._now())

    def get_fulltext(self, base_id: str, version: int) -> FullText | None:
        return deep.get_fulltext(self.db, base_id, version)

    def put_fulltext(self, base_id: str, version: int, text: FullText) -> None:
        deep.put_fulltext(self.db, base_id, version, text, self._now())

    # readers' feedback (buttons) and reading lists
    def toggle_feedback(self, item: Feedback) -> bool:
        return feedback.toggle_feedback(self.db, item)

    def feedback_state(self, user_key: str, chat_key: str, base_id: str) -> set[Signal]:
        return feedback.feedback_state(self.db, user_key, chat_key, base_id)

    def feedback_counts(self, chat_key: str, base_id: str) -> dict[Signal, int]:
        return feedback.feedback_counts(self.db, chat_key, base_id)

    def feedback_for(
        self, *, chat_key: str | None = None, user_key: str | None = None
    ) -> list[Feedback]:
        return feedback.feedback_for(self.db, chat_key, user_key)

    def saved_papers(self, user_key: str) -> list[Feedback]:
        return feedback.saved_papers(self.db, user_key)

    def saves_of(self, base_ids: Sequence[str]) -> list[Feedback]:
        return feedback.saves_of(self.db, base_ids)

    def forget_feedback(self, user_key: str) -> int:
        return feedback.forget_feedback(self.db, user_key)

    # relevance ranking: embeddings, followed authors, seed papers, version alerts
    def get_embeddings(
        self, model: str, keys: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], bytes]:
        return ranking.get_embeddings(self.db, model, keys)

    def put_embeddings(self, model: str, vectors: Mapping[tuple[str, int], bytes]) -> None:
        ranking.put_embeddings(self.db, model, vectors)

    def follow_author(self, chat_key: str, name: str, name_key: str) -> bool:
        return ranking.follow_author(self.db, chat_key, name, name_key, self._now())

    def unfollow_author(self, chat_key: str, name_key: str) -> int:
        return ranking.unfollow_author(self.db, chat_key, name_key)

    def followed_authors(self, chat_key: str) -> dict[str, str]:
        return ranking.followed_authors(self.db, chat_key)

    def all_follows(self) -> dict[str, dict[str, str]]:
        return ranking.all_follows(self.db)

    def add_seeds(self, chat_key: str, base_ids: Sequence[str]) -> int:
        return ranking.add_seeds(self.db, chat_key, base_ids, self._now())

    def seeds(self, chat_key: str) -> list[str]:
        return ranking.seeds(self.db, chat_key)

    def mark_alert(self, chat_key: str, base_id: str, version: int) -> bool:
        return ranking.mark_alert(self.db, chat_key, base_id, version)
