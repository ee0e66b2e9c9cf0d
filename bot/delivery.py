"""Delivery: digests become outbox rows first; a dispatcher then sends what is due.

A payload is the platform's own dict, opaque here. Two second tries never multiply copies:
when the platform rejects the markup (MessageRejected) the dispatcher asks the same sender
for the plain-text version once (`send(..., plain=True)`); when a send's answer is lost
(DeliveryUncertain, a timeout) it sends once more and counts the message as possibly
duplicated. An answer that said "accepted" but could not be read settles the row as sent.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from bot.errors import (
    ChatMoved,
    DeliveryUncertain,
    MessageRejected,
    RateLimited,
    RecipientGone,
    UpstreamError,
)
from bot.models import ChatRef, OutgoingMessage
from bot.ports import ChatStore, ClaimedMessage, Clock, Outbox, Sender

log = logging.getLogger(__name__)

UNSENT = ("pending", "claimed", "retry")


class DeliveryStore(Outbox, ChatStore, Protocol):
    """The roles the dispatcher needs: the outbox, and chats to pause or move."""


def enqueue_digest(
    store: Outbox,
    chat: ChatRef,
    digest_key: str,
    payloads: Sequence[dict[str, Any]],
    paper_ids_per_payload: Sequence[Sequence[str]] | None,
    now: datetime,
    *,
    day: date | None = None,
) -> int:
    """Persist one digest for one chat as ordered outbox rows; returns rows newly added.

    Dedupe keys are `chat|digest|seq`, so enqueueing the same digest again (a restart, a
    catch-up run) adds nothing. `day` is the chat's local date of the digest (default: UTC).
    """
    ids = paper_ids_per_payload or [() for _ in payloads]
    if len(ids) != len(payloads):
        raise ValueError(f"{len(payloads)} payloads but {len(ids)} paper id lists")
    messages = [
        OutgoingMessage(
            dedupe_key=f"{chat.key}|{digest_key}|{seq}",
            chat=chat,
            payload=payload,
            digest_key=digest_key,
            seq=seq,
            paper_ids=tuple(paper_ids),
        )
        for seq, (payload, paper_ids) in enumerate(zip(payloads, ids, strict=True))
    ]
    added = store.enqueue(messages, now)
    # After the rows: a crash in between re-enqueues (a no-op) rather than skipping the day.
    store.record_digest(chat, digest_key, day or now.date(), now)
    return added


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


class Dispatcher:
    """Sends due outbox rows: chats concurrently, each chat's rows strictly in order."""

    def __init__(
        self,
        store: DeliveryStore,
        senders: Mapping[str, Sender],
        clock: Clock,
        *,
        lease_seconds: float = 60,
        batch: int = 50,
        max_attempts: int = 8,
        poll_interval: float = 0.5,
        backoff_base: float = 2.0,
        backoff_max: float = 900.0,
        max_deferrals: int = 50,
    ) -> None:
        self._store = store
        self._senders = dict(senders)
        self._clock = clock
        self._lease = lease_seconds
        self._batch = batch
        self._max_attempts = max_attempts
        self._poll = poll_interval
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._max_deferrals = max_deferrals
        # A send that outlives its lease could be claimed again elsewhere: stop it first.
        # A claim's further sends (resend, plain text) share what is left of the lease.
        self._send_timeout = lease_seconds / 2
        self._wake = asyncio.Event()
        # Since start, for the CLI's summary line and the delivery report:
        self.sent = 0
        self.possibly_duplicated = 0  # resent after a lost answer: may have arrived twice
        self.unconfirmed = 0  # accepted, but the answer was unreadable: counted as sent

    @property
    def platforms(self) -> list[str]:
        return list(self._senders)

    def notify(self) -> None:
        """Wake `run_forever` now (call after enqueueing) instead of at the next poll."""
        self._wake.set()

    async def run_once(self) -> int:
        """Claim and handle what is due now; returns how many rows were handled."""
        claimed = self._store.claim_due(
            self._clock.now(), self._lease, self._batch, self.platforms
        )
        results = await asyncio.gather(*(self._deliver(c) for c in claimed),
                                       return_exceptions=True)
        for c, result in zip(claimed, results, strict=True):
            if isinstance(result, Exception):  # e.g. the DB stayed locked: the lease expires
                log.error("could not settle %s", c.message.dedupe_key, exc_info=result)
        return len(claimed)

    async def run_forever(self, stop: asyncio.Event) -> None:
        log.info("dispatcher started for %s", ", ".join(self.platforms) or "no platforms")
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("dispatcher pass failed; trying again in %.1fs", self._poll)
                handled = 0
            if not handled:
                await self._idle(stop)

    async def _idle(self, stop: asyncio.Event) -> None:
        self._wake.clear()
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=self._poll, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def drain(self, timeout: float) -> int:  # noqa: ASYNC109 (a retry horizon)
        """Send everything due, waiting for retries that fall within `timeout` seconds.

        For `paperbot digest --post`. Returns how many messages were sent; what is left is
        `store.pending_count()`.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        sent_before = self.sent
        while loop.time() < deadline:
            if await self.run_once():
                continue
            due = self._store.next_due_at(self.platforms)
            if due is None:
                break
            wait = (due - self._clock.now()).total_seconds()
            if wait > deadline - loop.time():
                break
            await asyncio.sleep(min(max(wait, 0.005), self._poll))
        left = self._store.pending_count(self.platforms)
        if left:
            log.warning("%d messages still queued after %.0fs; they go out on the next run",
                        left, timeout)
        return self.sent - sent_before

    async def _deliver(self, claimed: ClaimedMessage) -> None:
        message = claimed.message
        gone = self._store.chat_gone(message.chat)
        if gone is not None:
            self._dead(claimed, f"{message.chat.key} is gone: {gone}")
            return
        try:
            message_id = await self._attempt(claimed)
        except Exception as exc:
            self._failed(claimed, exc)
            return
        # Mark at once: between the platform's answer and this line a crash means a resend.
        self._store.mark_sent(claimed.row_id, message_id, self._clock.now())
        self.sent += 1
        self._finished(claimed)

    async def _attempt(self, claimed: ClaimedMessage) -> str:
        chat, payload = claimed.message.chat, claimed.message.payload
        deadline = asyncio.get_running_loop().time() + self._lease * 0.9
        try:
            return await self._settled(claimed, payload, False, deadline)
        except MessageRejected as exc:
            log.warning("%s rejected a message (%s); sending it as plain text", chat.key, exc)
            try:
                return await self._settled(claimed, payload, True, deadline)
            except MessageRejected as again:
                raise MessageRejected(f"{exc}; as plain text: {again}") from again

    async def _settled(self, claimed: ClaimedMessage, payload: dict[str, Any],
                       plain: bool, deadline: float) -> str:
        """One send whose outcome is known: a lost answer is followed by one resend."""
        chat, key = claimed.message.chat, claimed.message.dedupe_key
        try:
            return await self._send(chat, payload, plain, deadline)
        except DeliveryUncertain as exc:
            if exc.accepted:
                return self._unconfirmed(key, chat, exc)
            log.warning("no answer sending %s to %s (%s); sending once more: it may arrive "
                        "twice", key, chat.key, _reason(exc))
            first = exc
        try:
            message_id = await self._send(chat, payload, plain, deadline)
        except DeliveryUncertain as again:
            if again.accepted:
                return self._unconfirmed(key, chat, again)
            raise DeliveryUncertain(f"{_reason(first)}; again: {_reason(again)}",
                                    accepted=False) from again
        self.possibly_duplicated += 1
        log.warning("sent %s to %s after a lost answer: possibly duplicated", key, chat.key)
        return message_id

    def _unconfirmed(self, key: str, chat: ChatRef, exc: DeliveryUncertain) -> str:
        self.unconfirmed += 1
        log.warning("%s accepted %s but its answer was unreadable (%s); counted as sent, "
                    "not sent again", chat.key, key, _reason(exc))
        return ""

    async def _send(self, chat: ChatRef, payload: dict[str, Any], plain: bool,
                    deadline: float) -> str:
        """`deadline` (loop time) keeps all of a claim's sends within its lease."""
        sender = self._senders[chat.platform]
        budget = min(self._send_timeout, deadline - asyncio.get_running_loop().time())
        if budget <= 0:
            raise UpstreamError(f"no time left in the lease to send to {chat.key}")
        try:
            return await asyncio.wait_for(sender.send(chat, payload, plain=plain), budget)
        except TimeoutError:
            raise DeliveryUncertain(
                f"sending to {chat.key} took longer than {budget:.1f}s", accepted=False
            ) from None

    def _failed(self, claimed: ClaimedMessage, exc: Exception) -> None:
        chat, now = claimed.message.chat, self._clock.now()
        if isinstance(exc, RateLimited):
            if claimed.deferrals >= self._max_deferrals:
                self._dead(claimed, f"rate limited {claimed.deferrals + 1} times: {_reason(exc)}")
                return
            retry_at = now + timedelta(seconds=max(exc.retry_after, 0))
            log.info("%s rate limited; retrying in %.1fs", chat.key, exc.retry_after)
            self._store.mark_retry(claimed.row_id, retry_at, _reason(exc), count_attempt=False)
        elif isinstance(exc, RecipientGone):
            self._gone(claimed, _reason(exc))
        elif isinstance(exc, ChatMoved) and exc.new_chat_id != chat.chat_id:
            self._moved(claimed, ChatRef(chat.platform, exc.new_chat_id, chat.is_private))
        elif isinstance(exc, MessageRejected):
            self._dead(claimed, f"rejected by {chat.platform}: {_reason(exc)}")
        elif isinstance(exc, DeliveryUncertain):
            self._dead(claimed, f"no answer from {chat.platform} twice, so not sent a third "
                                f"time; it may have arrived: {_reason(exc)}")
        else:
            if not isinstance(exc, UpstreamError):
                log.error("bug while sending %s", claimed.message.dedupe_key, exc_info=exc)
            if claimed.attempts >= self._max_attempts:
                self._dead(claimed, f"gave up after {claimed.attempts} attempts: {_reason(exc)}")
                return
            delay = self.backoff(claimed.attempts)
            log.warning("sending %s to %s failed (%s); retry %d/%d in %.1fs",
                        claimed.message.dedupe_key, chat.key, _reason(exc), claimed.attempts,
                        self._max_attempts, delay)
            self._store.mark_retry(claimed.row_id, now + timedelta(seconds=delay), _reason(exc))

    def backoff(self, attempts: int) -> float:
        """Exponential with jitter (so chats that failed together do not retry together)."""
        delay = min(self._backoff_max, self._backoff_base * 2 ** max(attempts - 1, 0))
        return delay * random.uniform(0.75, 1.0)

    def _gone(self, claimed: ClaimedMessage, reason: str) -> None:
        chat, now = claimed.message.chat, self._clock.now()
        if self._store.mark_chat_gone(chat, reason, now):
            log.warning("%s can no longer receive messages (%s): paused", chat.key, reason)
        dropped = self._store.drop_unsent(chat, f"{chat.key} is gone: {reason}", now)
        if dropped:
            log.warning("dropped %d queued messages for %s (%s): %s",
                        len(dropped), chat.key, reason, ", ".join(dropped))
        self._finished(claimed)

    def _moved(self, claimed: ClaimedMessage, new: ChatRef) -> None:
        old = claimed.message.chat
        if claimed.deferrals >= self._max_deferrals:
            self._dead(claimed, f"{old.key} keeps moving (last to {new.key})")
            return
        log.warning("%s moved to %s: moving its settings, subscriptions and queue", old.key,
                    new.key)
        self._store.move_chat(old, new)
        self._store.mark_retry(
            claimed.row_id, self._clock.now(), f"chat moved to {new.key}", count_attempt=False
        )

    def _dead(self, claimed: ClaimedMessage, reason: str) -> None:
        message = claimed.message
        log.error("giving up on %s to %s: %s", message.dedupe_key, message.chat.key, reason)
        self._store.mark_dead(claimed.row_id, reason, self._clock.now())
        self._finished(claimed)

    def _finished(self, claimed: ClaimedMessage) -> None:
        """One readable line when the last row of a digest is settled."""
        message = claimed.message
        if not message.digest_key:
            return
        counts = self._store.digest_counts(message.chat, message.digest_key)
        if any(counts.get(status) for status in UNSENT):
            return
        sent, total = counts.get("sent", 0), sum(counts.values())
        if sent == total:
            log.info("delivered digest %s to %s (%d messages)", message.digest_key,
                     message.chat.key, total)
        else:
            log.warning("digest %s to %s: %d of %d messages delivered, %d failed",
                        message.digest_key, message.chat.key, sent, total, total - sent)
