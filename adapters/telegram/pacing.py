"""Pacing sends under Telegram's flood limits, on PTB's AIORateLimiter.

Two changes to its defaults, both found against the stand-in's sliding windows:
- buckets of one, so sends are evenly spaced. The default bucket (20 per 60 s) lets a group
  take 20 messages at once and then one every 3 s: 39 in the first minute, which Telegram's
  20/min answers with 429s;
- only messages are paced. Typing indicators and admin look-ups carry a chat_id too, and
  pacing them made a group's reply wait a full 3 s slot behind its own "typing…".
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

PACE_MARGIN = 1.05  # space sends 5% wider than the limit: network jitter must not break it
UNPACED = frozenset({"sendChatAction"})


def is_message(endpoint: str) -> bool:
    """Telegram's flood limits count messages: send*, copy*, forward*."""
    return endpoint.startswith(("send", "copy", "forward")) and endpoint not in UNPACED


class MessagePacer(AIORateLimiter):
    """AIORateLimiter with evenly spaced sends; rates default to Telegram's limits."""

    __slots__ = ()

    def __init__(
        self,
        overall_rate: float = 30,
        overall_period: float = 1.0,
        group_rate: float = 20,
        group_period: float = 60.0,
        max_retries: int = 0,
    ) -> None:
        super().__init__(
            overall_max_rate=1,
            overall_time_period=overall_period / overall_rate * PACE_MARGIN,
            group_max_rate=1,
            group_time_period=group_period / group_rate * PACE_MARGIN,
            max_retries=max_retries,
        )

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if not is_message(endpoint):
            return await callback(*args, **kwargs)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
