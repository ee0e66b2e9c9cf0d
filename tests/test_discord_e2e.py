"""End to end: the real `paperbot run` process on Discord, against the Discord, arXiv and LLM
stand-ins. One process serves the whole module (starting it costs seconds); the tests drive
it as people would: slash commands in a guild channel and in DMs, and a channel digest
posted through injected 429s."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.commands.specs import COMMANDS
from tests.cli_helpers import listing_papers, stand_in_env
from tests.conftest import ROOT
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_discord import (
    CHANNEL_ID,
    EPHEMERAL,
    MANAGE_CHANNELS,
    FakeDiscord,
    Invocation,
    validate_message,
)
from tests.fakes.fake_llm import FakeLLM
from tests.test_run_e2e import Process, wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals"),
]

TZ = "Asia/Shanghai"
OTHER_CHANNEL = "900000000000000201"  # a guild channel that is not configured
DM_CHANNEL = "900000000000000400"
CHANNEL_429S = 3
DIGEST_IN = 20  # seconds from writing the config to the channel's digest slot


@dataclass
class Bot:
    discord: FakeDiscord
    arxiv: FakeArxiv
    llm: FakeLLM
    process: Process


def _config(path: Path) -> Path:
    slot = (datetime.now(ZoneInfo(TZ)) + timedelta(seconds=DIGEST_IN)).strftime("%H:%M:%S")
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    path.write_text(
        example
        + f"""
[[channels]]
platform = "discord"
chat = "{CHANNEL_ID}"
topics = ["R1_Reasoning"]
time = "{slot}"
timezone = "{TZ}"
language = "en"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    tmp = tmp_path_factory.mktemp("discord-e2e")
    with FakeArxiv() as arxiv, FakeLLM() as llm:
        arxiv.set_listing(listing_papers())
        discord = FakeDiscord().start()
        discord.channels.add(OTHER_CHANNEL)
        # Discord's 429s on the channel (with the Via header discord.py needs to retry).
        discord.fail("POST", f"/channels/{CHANNEL_ID}/messages", 429, times=CHANNEL_429S,
                     retry_after=0.3)
        env = stand_in_env(tmp, arxiv, llm, key=True)
        env.pop("TELEGRAM_BOT_TOKEN", None)
        env.update(
            DISCORD_BOT_TOKEN=discord.token,
            PAPERBOT_DISCORD_API_BASE=discord.api_base,
            PAPERBOT_DISCORD_GATEWAY_URL=discord.gateway_url,
            PAPERBOT_BOT_DELIVERY_LEASE_SECONDS="2",
        )
        process = Process(["run", "--config", str(_config(tmp / "paperbot.toml"))], env)
        try:
            process.wait_ready()
            yield Bot(discord, arxiv, llm, process)
            assert process.stop() == 0, "\n".join(process.stderr)
        finally:
            process.stop(signal.SIGKILL)
            discord.stop()


def answers(inv: Invocation, within: float = 30) -> list[dict[str, Any]]:
    """The messages a user sees for one interaction: the direct answer, or the follow-ups
    that replace a deferred one (a DELETE removes the public "thinking" message)."""

    def ready() -> bool:
        if not inv.callbacks:
            return False
        return inv.callbacks[0]["type"] == 4 or any(
            f["method"] != "DELETE" for f in inv.followups
        )

    wait_for(ready, within, f"an answer to interaction {inv.id}")
    time.sleep(0.3)  # a multi-message answer comes as several follow-ups
    first = inv.callbacks[0]
    shown = [first["data"]] if first["type"] == 4 else []
    return shown + [f for f in inv.followups if f["method"] != "DELETE"]


def one_line_error(inv: Invocation) -> str:
    (message,) = answers(inv)
    assert message.get("flags", 0) & EPHEMERAL, f"error not ephemeral: {message}"
    assert "\n" not in message["content"] and message["content"], message
    return str(message["content"])


def _count(header: str) -> int:
    """The paper count a digest header announces ("… · 14 papers")."""
    return int(header.split(" papers")[0].rsplit(" ", 1)[-1])


def dm(bot: Bot, name: str, options: dict[str, str] | None = None) -> Invocation:
    return bot.discord.invoke(name, options, guild=False, channel_id=DM_CHANNEL)


def test_summarize_is_deferred_then_followed_by_the_card(bot: Bot) -> None:
    inv = bot.discord.invoke("summarize", {"id": "1706.03762", "lang": "zh"})
    messages = answers(inv)
    assert inv.callbacks[0]["type"] == 5, "a slow command must be deferred first"
    (embed,) = messages[0]["embeds"]
    assert embed["title"] == "Attention Is All You Need"
    assert embed["url"] == "https://arxiv.org/abs/1706.03762"
    assert "Attention Is All You Need" in embed["description"]  # the fake LLM's summary
    values = [f["value"] for f in embed["fields"]]
    assert any(v.startswith("1. ") for v in values), "no key takeaways"
    assert any("[zh]" in v for v in values), "no translated abstract"
    assert any("papers.cool/arxiv/1706.03762" in v for v in values)
    assert "cs.CL" in embed["footer"]["text"]
    assert "arXiv:1706.03762v" in embed["footer"]["text"]
    assert "15 pages, 5 figures" in embed["footer"]["text"]  # the author's comment
    assert not messages[0].get("flags", 0) & EPHEMERAL  # a card is for the whole channel


def test_a_bad_id_is_a_private_one_line_error(bot: Bot) -> None:
    inv = bot.discord.invoke("summarize", {"id": "not-a-paper"})
    text = one_line_error(inv)
    # It was deferred in public, so the "thinking" message is deleted, not left to hang.
    assert inv.callbacks[0]["type"] == 5 and inv.followups[0]["method"] == "DELETE"
    assert "not-a-paper" in text or "arXiv id" in text


def test_every_command_in_the_table_answers(bot: Bot) -> None:
    registered = {c["name"] for c in bot.discord.commands}
    assert registered == {c.name for c in COMMANDS if not c.hidden}

    (help_,) = answers(bot.discord.invoke("help"))
    assert all(f"/{c.name}" in help_["content"] for c in COMMANDS if not c.hidden)
    (topics,) = answers(bot.discord.invoke("topics"))
    assert "R1\\_Reasoning" in topics["content"]  # Markdown-escaped underscore

    (translated,) = answers(bot.discord.invoke("translate", {"text": "这是一个测试",
                                                             "lang": "en"}))
    assert "[en] 这是一个测试" in translated["content"]

    assert "Subscribed" in answers(dm(bot, "subscribe", {"topic": "R1_Reasoning"}))[0]["content"]
    (subs,) = answers(dm(bot, "subscriptions"))
    assert "R1\\_Reasoning" in subs["content"]
    (lang,) = answers(dm(bot, "settings", {"setting": "lang", "value": "en"}))
    assert lang["content"] == "Language set to English."
    bad = one_line_error(dm(bot, "settings", {"setting": "colour", "value": "red"}))
    assert "Unknown setting" in bad and "Usage: /settings" in bad
    assert "paused" in answers(dm(bot, "pause"))[0]["content"]
    assert "resumed" in answers(dm(bot, "resume"))[0]["content"]

    digest = dm(bot, "digest")
    messages = answers(digest, within=45)
    assert digest.callbacks[0]["type"] == 5
    assert "R1\\_Reasoning" in messages[0]["content"]  # the header
    assert sum(len(m["embeds"]) for m in messages) == _count(messages[0]["content"]) > 0

    (gone,) = answers(dm(bot, "unsubscribe", {"topic": "R1_Reasoning"}))
    assert gone["content"] == "Unsubscribed from R1\\_Reasoning."
    none = one_line_error(dm(bot, "digest"))
    assert "no subscriptions" in none


def test_subscribe_in_a_guild_channel_needs_manage_channels(bot: Bot) -> None:
    refused = one_line_error(bot.discord.invoke("subscribe", {"topic": "R1_Reasoning"},
                                                channel_id=OTHER_CHANNEL))
    assert "Only this chat's admins" in refused
    admin = bot.discord.invoke("subscribe", {"topic": "R1_Reasoning"},
                               channel_id=OTHER_CHANNEL, permissions=MANAGE_CHANNELS)
    assert "Subscribed" in answers(admin)[0]["content"]
    unsub = bot.discord.invoke("unsubscribe", {"topic": "all"}, channel_id=OTHER_CHANNEL,
                               permissions=MANAGE_CHANNELS)
    assert not answers(unsub)[0].get("flags", 0) & EPHEMERAL


def test_translate_needs_its_text_on_discord(bot: Bot) -> None:
    """`/translate lang:zh` would translate the word "zh": Discord must ask for the text."""
    translate = next(c for c in bot.discord.commands if c["name"] == "translate")
    options = {o["name"]: o for o in translate["options"]}
    assert options["text"]["required"] is True and options["lang"]["required"] is False
    with pytest.raises(ValueError, match="missing required"):
        bot.discord.invoke("translate", {"lang": "zh"})
    (answer,) = answers(bot.discord.invoke("translate", {"text": "zh"}))
    assert "[zh] zh" in answer["content"]  # given as text, it is text


def test_mentions_never_ping(bot: Bot) -> None:
    (answer,) = answers(bot.discord.invoke("translate", {"text": "@everyone hi", "lang": "en"}))
    assert "@everyone" not in answer["content"]  # broken with a zero-width space
    assert answer["allowed_mentions"] == {"parse": []}


def test_channel_digest_arrives_complete_and_once_through_429s(bot: Bot) -> None:
    fake = bot.discord
    messages = wait_for(lambda: fake.messages.get(CHANNEL_ID), 60, "the channel digest")
    header = messages[0]["content"]
    assert header.startswith("**R1\\_Reasoning**"), header
    expected = _count(header)
    wait_for(lambda: sum(len(m["embeds"]) for m in fake.messages[CHANNEL_ID]) >= expected,
             30, f"{expected} cards in the channel")
    time.sleep(3)  # more than the delivery lease: a re-sent message would show by now
    urls = [e["url"].rstrip("#.") for m in fake.messages[CHANNEL_ID] for e in m["embeds"]]
    assert len(urls) == expected == len(set(urls)), "a card is missing or was posted twice"
    statuses = [r.status for r in fake.requests_to("POST", f"/channels/{CHANNEL_ID}/messages")]
    assert statuses.count(429) == CHANNEL_429S
    assert statuses.count(200) == len(fake.messages[CHANNEL_ID])


def test_every_message_passed_the_validator_and_pings_nobody(bot: Bot) -> None:
    bodies: list[dict[str, Any]] = []
    for request in bot.discord.requests:
        if request.method not in ("POST", "PATCH") or not isinstance(request.body, dict):
            continue
        if "/callback" in request.path:
            if request.body.get("type") != 4:
                continue  # a deferral carries no message
            bodies.append(request.body["data"])
        elif request.path.startswith(("/channels/", "/webhooks/")):
            bodies.append(request.body)
    assert len(bodies) > 20
    for body in bodies:
        assert validate_message(body) == {}, body
        assert body.get("allowed_mentions") == {"parse": []}, body
    assert not [r for r in bot.discord.requests if r.status == 400]


def test_the_log_is_quiet_and_names_the_platforms(bot: Bot) -> None:
    log = "\n".join(bot.process.stderr)
    assert "discord: started" in log
    assert "telegram: skipped because TELEGRAM_BOT_TOKEN is unset" in log
    assert "voice will NOT be supported" not in log  # paperbot never joins voice
    assert "Traceback" not in log and " ERROR " not in log
