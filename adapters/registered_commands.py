"""Registering a bot's commands only when they changed.

Telegram's menu (`setMyCommands`, three scopes) and Discord's slash commands (`tree.sync()`)
used to be sent at every start: round trips before the bot is ready, and Discord limits
how often commands may be replaced. A hash of what was registered is kept per platform and
bot identity (bot.ports.MetaStore); a start whose table hashes the same skips the calls.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot.ports import MetaStore


def table_hash(table: Any) -> str:
    """A stable hash of a JSON-serialisable command table (key order does not matter)."""
    text = json.dumps(table, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class RegisteredCommands:
    """What one bot last registered on one platform: `unchanged` says whether `table` is
    it; `remember()` records `table` once the platform accepted all of it.

    Without a MetaStore (adapter tests, one-off tools) every start registers."""

    def __init__(self, meta: MetaStore | None, platform: str, identity: str,
                 table: Any) -> None:
        self._meta = meta
        self.key = f"commands:{platform}:{identity}"
        self.hash = table_hash(table)

    @property
    def unchanged(self) -> bool:
        return self._meta is not None and self._meta.get_meta(self.key) == self.hash

    def remember(self) -> None:
        if self._meta is not None:
            self._meta.put_meta(self.key, self.hash)
