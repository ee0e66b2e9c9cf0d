"""Secrets never reach a log: a logging filter that blanks them in every record.

It knows two kinds of secret: the values of the environment variables the config names
(learnt after the config is loaded), and anything shaped like a bot token or API key, so a
key from another source (a proxy URL, a library's error text) is caught too. Attached to
the root handlers it sees every logger's records, third-party ones included.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote

from bot.config import Config

MASK = "[REDACTED]"
# Shorter values are left alone: masking every "test" or "abc" in the log would garble it.
MIN_SECRET_CHARS = 6

TOKEN_SHAPES = re.compile(
    "|".join(
        (
            r"(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}",  # Telegram bot token, also in ".../bot<token>"
            r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}",  # Discord token
            r"\bsk-[A-Za-z0-9_-]{16,}",  # OpenAI-style API keys (sk-…, sk-proj-…)
            r"(?<=Bearer )[A-Za-z0-9._~+/=-]{8,}",  # Authorization headers
        )
    )
)


def configured_secrets(config: Config) -> list[str]:
    """The values of every `*_env` setting (`[llm] api_key_env`, `[telegram] token_env`, …)."""
    sections = [config.bot, config.arxiv, config.llm, *config.platforms.values()]
    found = []
    for section in sections:
        for name in type(section).model_fields:
            if name.endswith("_env") and (value := config.secret(getattr(section, name))):
                found.append(value)
    return found


class SecretRedactor(logging.Filter):
    """Rewrites each record with secrets masked: message, args, exception text and stack.

    The record is changed in place, so every handler after this one sees the masked text.
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._formatter = logging.Formatter()
        self.add_secrets(secrets)

    def add_secret(self, value: str | None) -> None:
        if value is None or len(value.strip()) < MIN_SECRET_CHARS:
            return
        value = value.strip()
        self._secrets.add(value)
        self._secrets.add(quote(value, safe=""))  # as it appears inside a URL

    def add_secrets(self, values: Iterable[str | None]) -> None:
        for value in values:
            self.add_secret(value)

    def redact(self, text: str) -> str:
        # Longest first, so a secret that contains another is masked whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return TOKEN_SHAPES.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, masked
            message = f"{record.msg} {record.args!r}"
        record.msg = self.redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set, so the raw exception is never
            # formatted again; exc_info stays for handlers that inspect it (tests, Sentry).
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(redactor: SecretRedactor, logger: logging.Logger | None = None) -> None:
    """Attach `redactor` to every handler of `logger` (default: root), replacing any
    earlier SecretRedactor so repeated set-ups do not stack filters."""
    for handler in (logger or logging.getLogger()).handlers:
        for old in [f for f in handler.filters if isinstance(f, SecretRedactor)]:
            handler.removeFilter(old)
        handler.addFilter(redactor)
