"""End to end: a platform that rejects the bot token (Telegram's getMe answers 401) is one
clear line and a non-zero exit, never "0 planned, 0 sent" and exit 0; `paperbot run` keeps
running on the platforms that did start."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import Process, paperbot
from tests.fakes.fake_discord import FakeDiscord
from tests.fakes.fake_telegram import FakeTelegram
from tests.test_digest_post import ONE, _config
from tests.test_run_subscribers import ANNOUNCED, announced_papers, config_file, run_env

WRONG = "424242:not-the-token"
REJECTED = "telegram: could not start: the bot token in $TELEGRAM_BOT_TOKEN was rejected"


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def _said(stderr: str) -> list[str]:
    """stderr without the notice that an unconfigured platform was skipped."""
    return [ln for ln in stderr.splitlines() if ln.strip() and "skipped because" not in ln]


@pytest.mark.e2e
def test_post_with_a_rejected_token_exits_2_with_one_line(
    tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram
) -> None:
    fake_arxiv.set_listing(announced_papers(), ANNOUNCED)
    env = run_env(tmp_path, fake_arxiv, fake_llm, telegram, TELEGRAM_BOT_TOKEN=WRONG)
    done = paperbot("digest", "--post", "--channel", str(ONE), "--config",
                    str(_config(tmp_path)), env=env)
    assert done.returncode == 2, done.stderr
    assert _said(done.stderr) == [f"paperbot: config error: {REJECTED} by Telegram "
                                  "(Unauthorized)"], done.stderr
    assert "planned" not in done.stdout
    assert WRONG not in done.stderr + done.stdout
    assert telegram.calls("sendMessage") == []
    assert fake_llm.count == 0, "no cards are made for a post that cannot go out"


@pytest.mark.e2e
def test_run_with_every_token_rejected_exits_2_with_one_line(
    tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram
) -> None:
    env = run_env(tmp_path, fake_arxiv, fake_llm, telegram, TELEGRAM_BOT_TOKEN=WRONG)
    done = paperbot("run", "--config", str(config_file(tmp_path)), env=env, timeout=60)
    assert done.returncode == 2, done.stderr
    [line] = _said(done.stderr)
    assert line.startswith(f"paperbot: config error: {REJECTED}"), done.stderr
    assert "ready" not in done.stdout


@pytest.mark.e2e
def test_run_keeps_going_on_the_platform_that_started(
    tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram
) -> None:
    discord = FakeDiscord().start()
    try:
        env = run_env(tmp_path, fake_arxiv, fake_llm, telegram, TELEGRAM_BOT_TOKEN=WRONG)
        env.update(DISCORD_BOT_TOKEN=discord.token, PAPERBOT_DISCORD_API_BASE=discord.api_base,
                   PAPERBOT_DISCORD_GATEWAY_URL=discord.gateway_url)
        bot = Process(["run", "--config", str(config_file(tmp_path))], env)
        try:
            bot.wait_ready()
            errors = [ln for ln in bot.stderr if " ERROR " in ln]
            assert len(errors) == 1, bot.stderr
            assert REJECTED in errors[0] and errors[0].endswith("running on discord only")
            assert bot.stop(signal.SIGTERM) == 0, bot.stderr
        finally:
            bot.stop(signal.SIGKILL)
    finally:
        discord.stop()
