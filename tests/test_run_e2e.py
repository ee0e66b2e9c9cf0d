"""End to end: the real `paperbot run` process with Telegram, arXiv and LLM stand-ins,
driven the way a user would drive it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import Process, listing_papers, slot_in, stand_in_env, wait_for
from tests.conftest import ROOT
from tests.fakes.fake_telegram import FakeTelegram

CHANNEL = -1001000000001
USER = 4242
TZ = "Asia/Shanghai"


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def _config(tmp_path: Path, channel_time: str) -> Path:
    path = tmp_path / "paperbot.toml"
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    path.write_text(
        example
        + f"""
[[channels]]
platform = "telegram"
chat = "{CHANNEL}"
topics = ["R1_Reasoning"]
time = "{channel_time}"
timezone = "{TZ}"
language = "zh"
""",
        encoding="utf-8",
    )
    return path


def _env(tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram) -> dict[str, str]:
    env = stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True)
    env.update(
        TELEGRAM_BOT_TOKEN=telegram.token,
        PAPERBOT_TELEGRAM_BASE_URL=telegram.api_url,
        PAPERBOT_BOT_DELIVERY_LEASE_SECONDS="2",
    )
    env.pop("DISCORD_BOT_TOKEN", None)
    return env


def _texts(telegram: FakeTelegram, chat: int) -> list[str]:
    return [m["text"] for m in telegram.sent_messages(chat)]


def test_user_session_and_channel_digest(tmp_path: Path, fake_arxiv, fake_llm, telegram) -> None:
    papers = listing_papers()
    fake_arxiv.set_listing(papers)
    config = _config(tmp_path, slot_in(25))
    bot = Process(["run", "--config", str(config)], _env(tmp_path, fake_arxiv, fake_llm, telegram))
    try:
        bot.wait_ready()
        assert any("telegram: started" in line for line in bot.stderr)
        assert any("discord: skipped because DISCORD_BOT_TOKEN is unset" in ln for ln in bot.stderr)
        menu = {c["command"] for c in telegram.my_commands()}
        assert {"summarize", "translate", "subscribe", "help"} <= menu

        telegram.user_sends(USER, "/start", language_code="zh-hans")  # a Chinese client
        wait_for(lambda: _texts(telegram, USER), 20, "a reply to /start")
        assert "paperbot" in _texts(telegram, USER)[0]

        telegram.user_sends(USER, "/summarize 1706.03762", language_code="zh-hans")
        card = wait_for(
            lambda: [t for t in _texts(telegram, USER) if "Attention" in t],
            30,
            "the /summarize card",
        )
        assert "[zh]" in card[0] and "papers.cool/arxiv/1706.03762" in card[0]
        assert telegram.chat_actions(USER), "no typing indicator while the card was made"

        telegram.user_sends(USER, "/translate en", reply_to="这是一个测试")
        wait_for(
            lambda: [t for t in _texts(telegram, USER) if "[en] 这是一个测试" in t],
            30,
            "the translation of the replied message",
        )

        telegram.user_sends(USER, "/summarise 1706.03762")
        wait_for(
            lambda: [t for t in _texts(telegram, USER) if "Did you mean /summarize" in t],
            20,
            "a did-you-mean reply",
        )

        channel = wait_for(  # compact in a channel (issue 11): papers share messages
            lambda: len(_texts(telegram, CHANNEL)) >= 1 and _texts(telegram, CHANNEL),
            60,
            "the channel digest",
        )
        assert "R1_Reasoning" in channel[0]  # header first
        time.sleep(3)  # let the rest of the digest arrive
        sent = _texts(telegram, CHANNEL)
        ids = [t for t in sent if "arxiv.org/abs/" in t]
        assert len(ids) == len(set(ids)), "a card was posted twice"
        assert bot.stop() == 0
    finally:
        bot.stop(signal.SIGKILL)


def test_run_without_tokens_says_why(tmp_path: Path, fake_arxiv) -> None:
    env = stand_in_env(tmp_path, fake_arxiv)
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(ROOT / "config.example.toml")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "telegram: skipped because TELEGRAM_BOT_TOKEN is unset" in result.stderr
    assert re.search(r"Set (TELEGRAM|DISCORD)_BOT_TOKEN and/or (TELEGRAM|DISCORD)_BOT_TOKEN",
                     result.stderr)


if os.name != "posix":  # signals and process groups are POSIX-only
    pytestmark = pytest.mark.skip(reason="needs POSIX signals")
