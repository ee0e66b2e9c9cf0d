"""Version alerts end to end (issue 12 item 6) through the real `paperbot run` on the
Telegram and Discord stand-ins: a reader saves a paper from the channel digest; the next
announcement carries its v2 (the API batch gives the new comment); the saver gets one DM
line saying what changed; a restart does not repeat it."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.cli_helpers import Process, listing_papers, stand_in_env, wait_for
from tests.e2e_setup import channel_config, platform_env, start_run
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_discord import CHANNEL_ID, FakeDiscord
from tests.fakes.fake_telegram import FakeTelegram
from tests.test_buttons_e2e import _buttons as _tg_buttons
from tests.test_discord_buttons_e2e import USER as DISCORD_USER
from tests.test_discord_buttons_e2e import _buttons as _dc_buttons
from tests.test_discord_buttons_e2e import _depth, _toggle

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals"),
]

TG_CHANNEL = -1001000000078
TG_USER = 5152
NEW_COMMENT = "Accepted at ICLR 2026"


def _start(tmp_path: Path, env: dict[str, str], platform: str, chat: str,
           seconds: float) -> Process:
    return start_run(channel_config(tmp_path, platform, chat, seconds), env)


def _announce_v2(fake_arxiv: FakeArxiv, paper_id: str) -> str:
    """The next announcement lists the paper's v2 as a replacement; how the line starts."""
    v1 = next(p for p in listing_papers() if p.id == paper_id)
    v2 = replace(v1, version=2, comment=NEW_COMMENT, announce_type="replace")
    fake_arxiv.add_papers([v2])  # the API batch knows v2 and its comment
    fake_arxiv.set_listing([v2], announced=date(2026, 9, 25))
    return f"{paper_id}({v1.title[:40]}"


def _alert_lines(texts: list[str], paper_id: str) -> list[str]:
    return [t for t in texts if t.startswith(paper_id) and "有新版本(v2)" in t]


def _restart_repeats_nothing(tmp_path: Path, env: dict[str, str], fake_arxiv: FakeArxiv,
                             start: Callable[[], Process], alerts: Callable[[], list[str]]
                             ) -> None:
    rss = len([r for r in fake_arxiv.requests if r.kind == "rss"])
    bot = start()
    try:
        wait_for(lambda: len([r for r in fake_arxiv.requests if r.kind == "rss"]) > rss, 20,
                 "the listing fetched again after the restart")
        time.sleep(2.5)  # the dispatcher polls every 0.5 s
        assert len(alerts()) == 1, alerts()
        assert bot.stop() == 0
    finally:
        bot.stop(signal.SIGKILL)


def test_telegram_saver_gets_one_dm_line_for_v2(tmp_path: Path, fake_arxiv, fake_llm) -> None:
    fake_arxiv.set_listing(listing_papers())
    with FakeTelegram() as telegram:
        env = platform_env(stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True), telegram)

        def start() -> Process:
            return _start(tmp_path, env, "telegram", str(TG_CHANNEL), 8)

        def alerts() -> list[str]:
            return _alert_lines([m["text"] for m in telegram.sent_messages(TG_USER)], paper_id)

        bot = start()
        try:
            telegram.user_sends(TG_USER, "/start", user_id=TG_USER)
            digest = wait_for(lambda: [m for m in telegram.sent_messages(TG_CHANNEL)
                                       if _tg_buttons(m)], 60, "the compact channel digest")
            number = _tg_buttons(digest[0])[2]["callback_data"]
            paper_id = number.split(":")[1].rsplit("v", 1)[0]
            query = telegram.user_presses(digest[0], number, user_id=TG_USER)
            wait_for(lambda: telegram.query_answers(query), 10, "the number press answered")
            depth = wait_for(lambda: [m for m in telegram.sent_messages(TG_USER)
                                      if "Key Takeaways" in m["text"]], 15, "the card")[-1]
            save = next(b for b in _tg_buttons(depth) if "Save" in b["text"])
            query = telegram.user_presses(depth, save["callback_data"], user_id=TG_USER)
            wait_for(lambda: telegram.query_answers(query), 10, "the Save press answered")
            assert bot.stop() == 0
            assert not alerts()

            start_of_line = _announce_v2(fake_arxiv, paper_id)
            bot = start()
            [line] = wait_for(alerts, 30, "the version alert in the saver's private chat")
            assert line.startswith(start_of_line)  # in the bot's default language, Chinese
            assert line.endswith(f"有新版本(v2):备注更新为「{NEW_COMMENT}」 · 标题未变 · 摘要未变")
            assert bot.stop() == 0
            _restart_repeats_nothing(tmp_path, env, fake_arxiv, start, alerts)
        finally:
            bot.stop(signal.SIGKILL)


def test_discord_saver_gets_one_dm_line_for_v2(tmp_path: Path, fake_arxiv, fake_llm) -> None:
    fake_arxiv.set_listing(listing_papers())
    discord = FakeDiscord().start()
    discord.users.add(DISCORD_USER)  # Discord knows the user, so a DM can be opened
    env = platform_env(stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True), discord=discord)
    dm_channel = f"7{DISCORD_USER[1:]}"  # the stand-in's DM channel for the user

    def start() -> Process:
        return _start(tmp_path, env, "discord", CHANNEL_ID, 15)

    def alerts() -> list[str]:
        return _alert_lines([p.body.get("content") or "" for p in discord.posted(dm_channel)],
                            paper_id)

    bot = start()
    try:
        digest = wait_for(lambda: [p for p in discord.posted(CHANNEL_ID)
                                   if _dc_buttons(p.body)], 60, "the compact channel digest")
        number = _dc_buttons(digest[0].body)[2]["custom_id"]
        paper_id = number.split(":")[1].rsplit("v", 1)[0]
        depth = _depth(discord, digest[0], number)
        assert "reading list" in _toggle(discord, depth, "Save")
        assert bot.stop() == 0
        assert not alerts()

        _announce_v2(fake_arxiv, paper_id)
        bot = start()
        [line] = wait_for(alerts, 30, "the version alert in the saver's DMs")
        assert paper_id in line and f"备注更新为「{NEW_COMMENT}」" in line
        assert bot.stop() == 0
        _restart_repeats_nothing(tmp_path, env, fake_arxiv, start, alerts)
        log = "\n".join(bot.stderr)
        assert "Traceback" not in log
    finally:
        bot.stop(signal.SIGKILL)
        discord.stop()
