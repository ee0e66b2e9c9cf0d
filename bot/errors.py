"""Exceptions with messages fit to show a person.

A `UserError` carries message ids and their arguments (bot.i18n), said in the reader's
language where it is shown; anything else is logged with a reference and the user sees only
"Something went wrong (ref …)".
"""

from __future__ import annotations

from bot.i18n import Message, tr


class PaperbotError(Exception):
    """Base of every error paperbot raises on purpose."""


class UserError(PaperbotError):
    """Bad input: the message says what is wrong, the hint what would be right.

    Both are msgids (English text with `{name}` placeholders) filled from `params`; `label`
    names the argument at fault and `usage` is the command's usage line, both shown as-is.
    `message`, `hint` and `str()` are the English text (logs, the CLI); `say(language)` is
    what a reader sees."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        /,
        *,
        label: str | None = None,
        usage: str | None = None,
        **params: object,
    ) -> None:
        super().__init__(message)
        self.msgid = message
        self.hint_id = hint
        self.params = params
        self.label = label
        self.usage = usage

    @property
    def message(self) -> str:
        return Message(self.msgid, self.params).say("en")

    @property
    def hint(self) -> str | None:
        return Message(self.hint_id, self.params).say("en") if self.hint_id else None

    def with_usage(self, label: str | None, usage: str) -> UserError:
        """The same error, naming the argument at fault and showing the command's usage."""
        return UserError(self.msgid, self.hint_id, label=label, usage=usage, **self.params)

    def say(self, language: str) -> str:
        """The error as the reader sees it, in `language`."""
        text = Message(self.msgid, self.params).say(language)
        if self.label:
            text = f"{self.label}: {text}"
        if self.hint_id:
            text = f"{text} {Message(self.hint_id, self.params).say(language)}"
        if self.usage:
            text = f"{text} {tr(language, 'Usage: {usage}', usage=self.usage)}"
        return text

    def __str__(self) -> str:
        return self.say("en")


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
