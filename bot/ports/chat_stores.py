"""Store roles kept per chat and reader: settings and subscriptions, usage counters,
feedback, and what relevance ranking follows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.models import ChatRef, ChatSettings, Feedback, Signal, Subscription


@dataclass(frozen=True)
class ForgottenChat:
    """What deleting one chat's data removed, for the reply that says so."""

    settings: bool
    subscriptions: int
    queued: int  # digest messages not sent yet


class ChatStore(Protocol):
    """Chats: settings, subscriptions, and whether the platform says the chat is gone."""

    def get_settings(self, chat: ChatRef) -> ChatSettings | None: ...
    def save_settings(self, settings: ChatSettings) -> None: ...
    def subscriptions(self, chat: ChatRef) -> list[Subscription]: ...
    def all_subscriptions(self) -> list[Subscription]: ...
    def add_subscription(self, subscription: Subscription) -> None: ...
    def remove_subscription(self, chat: ChatRef, topic_name: str | None) -> int:
        """Remove one topic (or all when None); returns how many were removed."""
        ...
    def move_chat(self, old: ChatRef, new: ChatRef) -> None: ...
    def forget_chat(self, chat: ChatRef) -> ForgottenChat:
        """Delete all the chat's data, atomically: settings, subscriptions, its outbox rows
        not being sent right now, and its delivery and digest logs."""
        ...
    # a destination the platform says is gone (blocked, kicked): paused until it returns
    def mark_chat_gone(self, chat: ChatRef, reason: str, now: datetime) -> bool:
        """True only the first time, so the event is logged once."""
        ...
    def chat_gone(self, chat: ChatRef) -> str | None: ...
    def clear_chat_gone(self, chat: ChatRef, now: datetime) -> bool: ...


class UsageStore(Protocol):
    """Cost guard: counts per key and day (UTC). Keys name who pays and for what: a user's
    LLM calls (`telegram:7`), a chat's (`chat:telegram:-100`), a user's arXiv lookups
    (`arxiv:telegram:7`); see bot/commands/cost_guard.py."""

    def llm_usage(self, user_key: str, day: date) -> int: ...
    def add_llm_usage(self, user_key: str, day: date, amount: int = 1) -> int:
        """Add `amount` to the key's day; returns the day's new total."""
        ...
    def forget_usage(self, user_key: str) -> int:
        """Delete the user's counters; returns how many days' rows went."""
        ...
    def token_usage(self, user_key: str, day: date) -> int:
        """LLM tokens (prompt + completion, from the API's `usage`) the key spent that day."""
        ...
    def add_token_usage(self, user_key: str, day: date, tokens: int) -> int:
        """Add `tokens` to the key's day; returns the day's new total (issue 15)."""
        ...


class FeedbackStore(Protocol):
    """Readers' 👍, 👎 and Save per (user, chat, paper): what the buttons write, what the
    reading list and relevance ranking read. 👍 and 👎 exclude each other; Save is
    independent of both."""

    def toggle_feedback(self, feedback: Feedback) -> bool:
        """Set the signal, or clear it when already set (a second press); True when it is
        now set. Setting UP clears the same user's DOWN in that chat and vice versa."""
        ...
    def feedback_state(self, user_key: str, chat_key: str, base_id: str) -> set[Signal]:
        """The signals this user has set on this paper in this chat."""
        ...
    def feedback_counts(self, chat_key: str, base_id: str) -> dict[Signal, int]:
        """How many users set each signal on this paper in this chat (absent: none)."""
        ...
    def feedback_for(
        self, *, chat_key: str | None = None, user_key: str | None = None
    ) -> list[Feedback]:
        """Every signal given in a chat, or by a user (in any chat), oldest first."""
        ...
    def saved_papers(self, user_key: str) -> list[Feedback]:
        """The user's reading list: one SAVE per paper (in whichever chat), newest first."""
        ...
    def saves_of(self, base_ids: Sequence[str]) -> list[Feedback]:
        """Every Save on these papers, by any user in any chat, oldest first (issue 12's
        version alerts find who saved a replaced paper with one query)."""
        ...
    def forget_feedback(self, user_key: str) -> int:
        """Delete every signal the user gave; returns how many."""
        ...


class RankingStore(Protocol):
    """What relevance ranking keeps (issue 12): paper embeddings once per (paper, version,
    model) as float32 bytes, each chat's followed authors and seed papers, and which
    version alerts were sent."""

    def get_embeddings(
        self, model: str, keys: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], bytes]: ...
    def put_embeddings(self, model: str, vectors: Mapping[tuple[str, int], bytes]) -> None: ...
    def follow_author(self, chat_key: str, name: str, name_key: str) -> bool:
        """True when newly followed (False: the chat already follows that name key)."""
        ...
    def unfollow_author(self, chat_key: str, name_key: str) -> int: ...
    def followed_authors(self, chat_key: str) -> dict[str, str]:
        """Name key → the name as the chat typed it, in the order followed."""
        ...
    def add_seeds(self, chat_key: str, base_ids: Sequence[str]) -> int:
        """Store seed papers for the chat; returns how many were new."""
        ...
    def seeds(self, chat_key: str) -> list[str]: ...
    def all_follows(self) -> dict[str, dict[str, str]]:
        """Chat key → its followed authors (for version alerts)."""
        ...
    def mark_alert(self, chat_key: str, base_id: str, version: int) -> bool:
        """True only the first time (a version alert goes out once)."""
        ...
