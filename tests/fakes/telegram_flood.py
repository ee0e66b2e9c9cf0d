"""Telegram's flood limits as the stand-in enforces them: sliding windows per chat kind.

Off unless a test or benchmark asks; `time_scale` < 1 shrinks every window so a benchmark
can exercise a minute-long group limit in a second.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass


@dataclass
class RateLimits:
    overall_per_second: int = 30
    per_group_per_minute: int = 20
    per_private_per_second: int = 1
    time_scale: float = 1.0


class FloodGate:
    """`admit(chat_id, is_group)` records a message, or returns seconds to wait (429)."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._sent: deque[tuple[float, str]] = deque(maxlen=10_000)
        self.refused: list[tuple[float, str]] = []  # (monotonic time, chat id) of each 429

    def admit(self, chat_id: str, is_group: bool) -> int | None:
        now, limits = time.monotonic(), self.limits
        scale = limits.time_scale
        checks = [("*", 1.0 * scale, limits.overall_per_second)]
        if is_group:
            checks.append((chat_id, 60.0 * scale, limits.per_group_per_minute))
        else:
            checks.append((chat_id, 1.0 * scale, limits.per_private_per_second))
        for key, window, cap in checks:
            recent = [t for t, k in self._sent if (key == "*" or k == key) and now - t < window]
            if len(recent) >= cap:
                self.refused.append((now, chat_id))
                return max(1, round(window - (now - recent[0]) + 0.5))
        self._sent.append((now, chat_id))
        return None
