"""What the core needs of a chat platform: rendering, sending, what it can do, and the
handlers it calls back with commands and button presses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.models import ButtonAnswer, ButtonPress, ChatRef, Digest, IncomingCommand, Reply

CommandHandler = Callable[[IncomingCommand], Awaitable[Reply]]
"""The core's entry point for adapters: a platform-neutral command in, a Reply out."""

PressHandler = Callable[[ButtonPress], Awaitable[ButtonAnswer]]
"""Issue 11: where adapters send a press on one of our buttons; the answer says what to show."""

Completer = Callable[[str, str, ChatRef], list[str]]
"""(kind, typed prefix, chat) → up to 25 suggestions; kind is an ArgSpec.choices value."""


class Renderer(Protocol):
    """Turns core values into platform payloads (JSON-serialisable dicts). Pure: no I/O."""

    def reply(self, reply: Reply) -> list[dict[str, Any]]: ...

    def digest(self, digest: Digest) -> list[dict[str, Any]]: ...


class Sender(Protocol):
    """Sends one rendered payload. Raises RateLimited, RecipientGone, ChatMoved,
    MessageRejected, DeliveryUncertain or UpstreamError; returns the platform's message id.

    `plain=True` asks for the payload without markup (after MessageRejected); a sender that
    cannot make it plain raises MessageRejected without sending."""

    async def send(self, chat: ChatRef, payload: dict[str, Any], *, plain: bool = False) -> str:
        ...


@dataclass(frozen=True)
class Capabilities:
    """What a platform can do, so the core can choose without naming the platform."""

    buttons: bool = False
    edits: bool = False
    threads: bool = False
    direct_messages: bool = True
    max_message_chars: int = 4096
    # False only for the operator's own terminal: their key, their budget.
    metered: bool = True


class Platform(Sender, Protocol):
    """A chat platform as the core sees it: started and stopped by the composition root,
    given rendered payloads to send. Commands reach the core through the CommandHandler
    the platform was built with."""

    @property
    def name(self) -> str: ...

    @property
    def capabilities(self) -> Capabilities: ...

    @property
    def renderer(self) -> Renderer: ...

    async def start(self) -> None:
        """Connect (check the token, register commands); raise on a fatal problem."""
        ...

    async def stop(self) -> None: ...


class ChatEvents(Protocol):
    """Told when a chat's subscriptions or settings change, so its schedule follows."""

    def chat_changed(self, chat: ChatRef) -> None: ...
