"""Exceptions with messages fit to show a person.

`UserError` text is shown as-is; anything else is logged with a reference and the
user sees only "Something went wrong (ref …)".
"""

from __future__ import annotations


class PaperbotError(Exception):
    """Base of every error paperbot raises on purpose."""


class UserError(PaperbotError):
    """Bad input: the message says what is wrong, the hint what would be right."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class ConfigError(PaperbotError):
    """The config file is wrong; the message names the file and the key."""


class UpstreamError(PaperbotError):
    """arXiv, the LLM or a platform failed after our retries."""


class NotYetAnnounced(UpstreamError):
    """arXiv answered with an empty listing on an announcement day: try again later."""


class RateLimited(UpstreamError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RecipientGone(UpstreamError):
    """The destination can no longer receive messages (blocked, removed, deleted)."""


class ChatMoved(UpstreamError):
    """The destination moved (Telegram group → supergroup); retry at `new_chat_id`."""

    def __init__(self, message: str, new_chat_id: str) -> None:
        super().__init__(message)
        self.new_chat_id = new_chat_id


class MessageRejected(UpstreamError):
    """The platform refused this message's content (bad markup, too long)."""


class DeliveryUncertain(UpstreamError):
    """The message may have arrived: the request went out but its answer was lost (a
    timeout) or unreadable. `accepted` is True when the platform said yes (HTTP 200) and
    only the rest of its answer was garbled: the message is there, do not send it again."""

    def __init__(self, message: str, *, accepted: bool) -> None:
        super().__init__(message)
        self.accepted = accepted
