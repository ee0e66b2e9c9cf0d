"""The `[console]` config section: the terminal needs no token and no endpoint."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsoleConfig:
    """`paperbot chat` settings: the local user's name in logs and usage counts."""

    user: str = "local"
