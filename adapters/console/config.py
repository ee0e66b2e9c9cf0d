"""`[console]`: the terminal needs no token and no endpoint."""

from __future__ import annotations

from bot.config import Section


class ConsoleConfig(Section):
    """The `[console]` table for `paperbot chat`: the local user's id in usage counts."""

    user: str = "local"
