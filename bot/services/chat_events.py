"""Chat events: handlers say a chat changed, the daily schedule listens."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.models import ChatRef

log = logging.getLogger(__name__)


class ChatEventHub:
    """Implements bot.ports.ChatEvents by relaying to listeners.

    Command handlers are built before the scheduler exists (and `paperbot chat` has no
    scheduler at all), so the scheduler subscribes here instead of being passed in.
    """

    def __init__(self) -> None:
        self._listeners: list[Callable[[ChatRef], None]] = []

    def listen(self, listener: Callable[[ChatRef], None]) -> None:
        self._listeners.append(listener)

    def chat_changed(self, chat: ChatRef) -> None:
        for listener in self._listeners:
            try:
                listener(chat)
            except Exception:  # a schedule hiccup must not cost the user their answer
                log.exception("could not follow a change in %s", chat.key)
