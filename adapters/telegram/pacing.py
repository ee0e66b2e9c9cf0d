"""Pacing sends under Telegram's flood limits, on PTB's AIORateLimiter.

Three changes to its defaults, each found against the stand-in's sliding windows:
- buckets of one, so sends are evenly spaced. The default bucket (20 per 60 s) lets a group
  take 20 messages at once and then one every 3 s: 39 in the first minute, which Telegram's
  20/min answers with 429s;
- private chats are paced too (about 1 message/s each): a /digest reply of ten cards used
  to go out at once, and every 429 it drew halts all of PTB's requests for retry_after;
- only messages are paced. Typing indicators and admin look-ups carry a chat_id too, and
  pacing them made a group's reply wait a full 3 s slot behind its own "typing…".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

PACE_MARGIN = 1.05  # space sends 5% wider than the limit: network jitter must not break it
UNPACED = frozenset({"sendChatAction"})
MAX_IDLE_CHATS = 512


def is_message(endpoint: str) -> bool:
    """Telegram's flood limits count messages: send*, copy*, forward*."""
    return endpoint.startswith(("send", "copy", "forward")) and endpoint not in UNPACED


def private_chat(data: dict[str, Any]) -> int | None:
    """A user's chat id (positive); groups, channels and @usernames are PTB's own business."""
    try:
        chat_id = int(data.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return chat_id if chat_id > 0 else None


class _UnretriedRateLimit(logging.Filter):
    """PTB logs each 429 it was told not to retry as an error with a traceback; the outbox
    retries those itself (and logs it), so that record is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Rate limit hit after maximum of 0 retries")


_PTB_LOG = logging.getLogger("telegram.ext.AIORateLimiter")
_QUIET = _UnretriedRateLimit()


class MessagePacer(AIORateLimiter):
    """AIORateLimiter with evenly spaced sends; rates default to Telegram's limits."""

    __slots__ = ("_private_last", "_private_period")

    def __init__(
        self,
        overall_rate: float = 30,
        overall_period: float = 1.0,
        group_rate: float = 20,
        group_period: float = 60.0,
        max_retries: int = 0,
        *,
        private_rate: float = 1,
        private_period: float = 1.0,
    ) -> None:
        super().__init__(
            overall_max_rate=1,
            overall_time_period=overall_period / overall_rate * PACE_MARGIN,
            group_max_rate=1,
            group_time_period=group_period / group_rate * PACE_MARGIN,
            max_retries=max_retries,
        )
        self._private_period = private_period / private_rate * PACE_MARGIN
        self._private_last: dict[int, float] = {}  # loop time of each user's latest send
        if _QUIET not in _PTB_LOG.filters:
            _PTB_LOG.addFilter(_QUIET)

    def _private_slot(self, chat_id: int) -> float:
        """Reserve this user's next send time; returns seconds to wait for it.

        Taken right before the request goes out, after the overall pace: spacing taken any
        earlier is lost while the request waits its overall turn."""
        now = asyncio.get_running_loop().time()
        last = self._private_last
        if len(last) > MAX_IDLE_CHATS:  # forget users whose last send is long past
            for key in [k for k, t in last.items() if t < now - self._private_period]:
                del last[key]
        at = max(now, last.get(chat_id, now - self._private_period) + self._private_period)
        last[chat_id] = at
        return at - now

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
        chat_id = private_chat(data)
        if chat_id is None:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

        async def spaced(*call_args: Any, **call_kwargs: Any) -> Any:
            await asyncio.sleep(self._private_slot(chat_id))
            return await callback(*call_args, **call_kwargs)

        return await super().process_request(
            spaced, args, kwargs, endpoint, data, rate_limit_args
        )
