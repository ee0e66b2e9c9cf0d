"""The outbox role: messages persisted before they are sent, and what each chat received."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.models import ChatRef, OutgoingMessage


@dataclass(frozen=True)
class ClaimedMessage:
    row_id: int
    message: OutgoingMessage
    attempts: int
    deferrals: int = 0  # retries that did not count as attempts (rate limits, chat moves)


class Outbox(Protocol):
    """Intent persisted before side effects, and the record of what each chat received."""

    def enqueue(self, messages: Sequence[OutgoingMessage], now: datetime) -> int:
        """Insert messages; rows whose dedupe_key exists are ignored. Returns rows added."""
        ...
    def claim_due(
        self,
        now: datetime,
        lease_seconds: float,
        limit: int,
        platforms: Sequence[str] | None = None,
    ) -> list[ClaimedMessage]:
        """Lease due rows: per chat only its earliest unsent row; None = every platform."""
        ...
    def release_claims(self, now: datetime) -> int:
        """Make every claimed row due now (a run's start, under the run lock: the claims
        are a dead predecessor's); returns how many were released."""
        ...
    def mark_sent(self, row_id: int, platform_message_id: str, now: datetime) -> None: ...
    def mark_retry(
        self, row_id: int, retry_at: datetime, error: str, count_attempt: bool = True
    ) -> None: ...
    def mark_dead(self, row_id: int, error: str, now: datetime) -> None: ...
    def pending_count(self, platforms: Sequence[str] | None = None) -> int: ...
    def next_due_at(self, platforms: Sequence[str] | None = None) -> datetime | None:
        """When the earliest unsent row becomes due (None: nothing unsent)."""
        ...
    def drop_unsent(self, chat: ChatRef, error: str, now: datetime) -> list[str]:
        """Mark every unsent row of the chat dead; returns their dedupe keys."""
        ...
    def digest_counts(self, chat: ChatRef, digest_key: str) -> dict[str, int]:
        """Outbox rows of one digest for one chat by status ("sent", "dead", "pending", …)."""
        ...
    def record_digest(self, chat: ChatRef, digest_key: str, day: date, now: datetime) -> None:
        """Log that a digest for `day` (the chat's local date) was enqueued."""
        ...
    def delivered_ids(self, chat: ChatRef, paper_ids: Sequence[str]) -> set[str]: ...
    def last_digest_date(self, chat: ChatRef) -> date | None:
        """The announcement date of the chat's latest digest."""
        ...
    def last_digest_at(self, chat: ChatRef) -> datetime | None:
        """When the chat was last served (digest or quiet notice planned): its last slot run."""
        ...
