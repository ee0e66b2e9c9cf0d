"""Depth replies posted in a group (the presser never started the bot) are deleted later.

Each is remembered as (chat, message, delete-after) in the store's meta values, so a
restart still deletes what the last run posted. A message Telegram no longer has, or can no
longer delete (older than 48 hours, or the bot left), is forgotten; any other failure is
tried again at the next sweep.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.ports import MetaStore

log = logging.getLogger(__name__)

META_KEY = "telegram:depth_replies"
GIVE_UP = timedelta(hours=48)  # Telegram deletes a bot's group messages up to 48 h old
Entry = tuple[int, int, float]  # chat id, message id, delete after (UTC epoch seconds)


class ExpiringReplies:
    """Remembers depth replies posted in groups and deletes them once `ttl` has passed;
    `ttl` of zero keeps them. `now` is the clock (tests pass a fixed one)."""

    def __init__(self, ttl: timedelta, meta: MetaStore | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.ttl = ttl
        self._meta = meta
        self._memory = "[]"  # without a store the list lives as long as the process
        self._now = now

    @property
    def enabled(self) -> bool:
        return self.ttl > timedelta(0)

    def _load(self) -> list[Entry]:
        raw = self._meta.get_meta(META_KEY) if self._meta is not None else self._memory
        try:
            return [(int(c), int(m), float(t)) for c, m, t in json.loads(raw or "[]")]
        except (ValueError, TypeError):
            log.warning("unreadable list of depth replies to delete; starting afresh")
            return []

    def _save(self, entries: list[Entry]) -> None:
        raw = json.dumps(entries)
        if self._meta is not None:
            self._meta.put_meta(META_KEY, raw)
        else:
            self._memory = raw

    def add(self, chat_id: int, message_ids: Iterable[int]) -> None:
        """Delete these messages of `chat_id` once the ttl has passed."""
        if not self.enabled:
            return
        after = (self._now() + self.ttl).timestamp()
        self._save(self._load() + [(chat_id, m, after) for m in message_ids])

    def due(self) -> list[Entry]:
        now = self._now().timestamp()
        return [e for e in self._load() if e[2] <= now]

    def forget(self, done: Iterable[Entry]) -> None:
        gone = set(done)
        if gone:
            self._save([e for e in self._load() if e not in gone])

    def stale(self, entry: Entry) -> bool:
        """Too old for Telegram to delete: stop trying."""
        return self._now().timestamp() - entry[2] > GIVE_UP.total_seconds()

    async def sweep(self, bot: Bot) -> int:
        """Delete every due message; how many are done with (deleted or gone)."""
        done = []
        for entry in self.due():
            chat_id, message_id, _ = entry
            try:
                await bot.delete_message(chat_id, message_id)
            except (BadRequest, Forbidden) as exc:  # not found, can't be deleted, bot left
                log.info("depth reply %s in chat %s not deleted: %s", message_id, chat_id,
                         exc.message)
            except TelegramError as exc:
                log.warning("deleting depth reply %s in chat %s failed: %s", message_id,
                            chat_id, exc)
                if not self.stale(entry):
                    continue
            done.append(entry)
        self.forget(done)
        return len(done)

    def interval(self) -> float:
        """Seconds between sweeps: often enough for short ttls, at most once a minute."""
        return min(60.0, max(0.5, self.ttl.total_seconds() / 4))

    async def run(self, bot: Bot) -> None:
        """Sweep until cancelled; one failed sweep never stops the next."""
        while True:
            try:
                await self.sweep(bot)
            except Exception:
                log.exception("sweeping depth replies failed; trying again later")
            await asyncio.sleep(self.interval())
