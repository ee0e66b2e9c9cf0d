"""Secrets never reach a log: the filter on its own, and the real process whose token
Telegram rejects."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import adapters
from bot.config import load_config
from bot.redaction import MASK, SecretRedactor, configured_secrets, install
from tests.cli_helpers import paperbot
from tests.conftest import ROOT
from tests.fakes.fake_telegram import FakeTelegram

TELEGRAM = "7012345678:AAHk3d9Qw-ZxY_8pLmNoPqRsTuVwXyZ0123"
DISCORD = "MTE5ODc2NTQzMjEwOTg3NjU0Mw.GhJkLm.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab"
OPENAI = "sk-proj-Abc123Def456Ghi789Jkl0"
CONFIGURED = "plain-looking-secret"  # no token shape: only the config can name it


@pytest.fixture
def captured() -> Iterator[tuple[io.StringIO, SecretRedactor]]:
    """A handler on a private root-like logger tree, with the redactor installed on it."""
    stream = io.StringIO()
    root = logging.getLogger("redaction-test")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    redactor = SecretRedactor()
    install(redactor, root)
    try:
        yield stream, redactor
    finally:
        root.removeHandler(handler)


def test_token_shapes_are_masked_in_message_and_args(
    captured: tuple[io.StringIO, SecretRedactor],
) -> None:
    stream, _ = captured
    log = logging.getLogger("redaction-test.telegram.ext")  # a third-party child logger
    log.warning("The token `%s` was rejected by the server.", TELEGRAM)
    log.error("discord %s, openai %s", DISCORD, OPENAI)
    log.info("headers: %r", {"Authorization": "Bearer abcdefgh12345678.xyz"})
    log.info("%(url)s", {"url": f"https://api.telegram.org/bot{TELEGRAM}/getMe"})
    out = stream.getvalue()
    for secret in (TELEGRAM, TELEGRAM.split(":")[1], DISCORD, OPENAI, "abcdefgh12345678"):
        assert secret not in out
    assert out.count(MASK) == 5
    assert "was rejected by the server" in out and "api.telegram.org/bot" in out


def test_configured_secrets_are_masked_in_tracebacks_and_stacks(
    captured: tuple[io.StringIO, SecretRedactor],
) -> None:
    stream, redactor = captured
    log = logging.getLogger("redaction-test.anything")
    log.warning("before it is known: %s", CONFIGURED)
    redactor.add_secret(CONFIGURED)
    redactor.add_secret("abc")  # too short to mask without garbling the log
    log.info("abc is left alone")
    try:
        raise RuntimeError(f"login failed for {CONFIGURED}")
    except RuntimeError:
        log.exception("could not start: %s", CONFIGURED, stack_info=True)
    out = stream.getvalue()
    assert out.count(CONFIGURED) == 1  # only the line logged before the filter learnt it
    assert "RuntimeError: login failed for [REDACTED]" in out
    assert "Traceback" in out and "Stack (most recent call last)" in out
    assert "abc is left alone" in out


def test_a_record_with_broken_arguments_is_still_masked(
    captured: tuple[io.StringIO, SecretRedactor],
) -> None:
    stream, _ = captured
    logging.getLogger("redaction-test").warning("%s and %s", TELEGRAM)
    assert TELEGRAM not in stream.getvalue() and MASK in stream.getvalue()


def test_configured_secrets_are_every_env_the_config_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "llm-key-value")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "tg-token-value")
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "dc-token-value")
    platforms = {n: (e.section, e.check_chat) for n, e in adapters.registered().items()}
    config = load_config(None, env={}, platforms=platforms)
    assert sorted(configured_secrets(config)) == [
        "dc-token-value", "llm-key-value", "tg-token-value"]
    monkeypatch.delenv("DISCORD_BOT_TOKEN")
    assert "dc-token-value" not in configured_secrets(config)


@pytest.mark.e2e
@pytest.mark.skipif(os.name != "posix", reason="needs a POSIX process")
def test_a_rejected_telegram_token_never_reaches_the_log(tmp_path: Path) -> None:
    """The real `paperbot run`: Telegram answers getMe with 401 and PTB's error quotes
    the token. Not token-shaped on purpose, so only the config-learnt secret can hide it."""
    wrong = "424242:wrong-but-still-secret"
    with FakeTelegram() as telegram:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
        for name in ("DISCORD_BOT_TOKEN", "OPENAI_API_KEY"):
            env.pop(name, None)
        env.update(
            TELEGRAM_BOT_TOKEN=wrong,
            PAPERBOT_TELEGRAM_BASE_URL=telegram.api_url,
            PAPERBOT_BOT_DATABASE=str(tmp_path / "paperbot.db"),
            PAPERBOT_ARXIV_API_URL="http://127.0.0.1:9/api",
            PAPERBOT_ARXIV_RSS_URL="http://127.0.0.1:9/rss",
        )
        done = paperbot("-vv", "run", "--config", str(ROOT / "config.example.toml"), env=env,
                        timeout=60)
    assert done.returncode == 2, done.stderr
    assert "telegram: could not start" in done.stderr and "was rejected" in done.stderr
    assert wrong not in done.stderr and "wrong-but-still-secret" not in done.stderr
    assert wrong not in done.stdout
    assert MASK in done.stderr
