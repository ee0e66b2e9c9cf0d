"""End to end: the real `paperbot run` process on Discord, against the Discord, arXiv and LLM
stand-ins. One process serves the whole module (starting it costs seconds); the tests drive
it as people would: slash commands in a guild channel and in DMs, and a channel digest
posted through injected 429s."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.commands.specs import COMMANDS
from tests.cli_helpers import Process, listing_papers, stand_in_env, wait_for
from tests.conftest import ROOT
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_discord import (
    CHANNEL_ID,
    EPHEMERAL,
    MANAGE_CHANNELS,
    USER_ID,
    FakeDiscord,
    Invocation,
    validate_message,
)
from tests.fakes.fake_llm import FakeLLM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals"),
]

TZ = "Asia/Shanghai"
COMPACT_LINK = re.compile(r"\]\((https://arxiv\.org/abs/[^)]+)\)")
OTHER_CHANNEL = "900000000000000201"  # a guild channel that is not configured
DM_CHANNEL = "900000000000000400"
CHANNEL_429S = 3
SUBSCRIBER = "900000000000000301"  # a user who takes the daily digest in their DMs
LEAD = 25  # seconds from writing the config to the digest slot (start-up takes ~10)


@dataclass
class Bot:
    discord: FakeDiscord
    arxiv: FakeArxiv
    llm: FakeLLM
    process: Process
    args: list[str]
    env: dict[str, str]
    slot_at: datetime  # the channel's digest slot, and every new subscriber's
    before_restart: dict[str, int] = field(default_factory=dict)  # messages per channel


def _slot(lead: float) -> datetime:
    return (datetime.now(ZoneInfo(TZ)) + timedelta(seconds=lead)).replace(microsecond=0)


def _a_sunday_now() -> str:
    """Now, moved back to the latest Sunday (UTC): arXiv announces nothing in the 24 hours
    before, so whether a day is quiet does not depend on when the tests run. The time of
    day is kept because APScheduler fires the slots on the real clock."""
    now = datetime.now(UTC)
    return (now - timedelta(days=(now.weekday() - 6) % 7)).isoformat()


def _config(path: Path, slot_at: datetime) -> Path:
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    path.write_text(
        example
        + f"""
[[channels]]
platform = "discord"
chat = "{CHANNEL_ID}"
topics = ["R1_Reasoning"]
time = "{slot_at:%H:%M:%S}"
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
        discord.users.add(SUBSCRIBER)
        # Discord's 429s on the channel (with the Via header discord.py needs to retry).
        discord.fail("POST", f"/channels/{CHANNEL_ID}/messages", 429, times=CHANNEL_429S,
                     retry_after=0.3)
        slot_at = _slot(LEAD)
        env = stand_in_env(tmp, arxiv, llm, key=True)
        env.pop("TELEGRAM_BOT_TOKEN", None)
        env.update(
            DISCORD_BOT_TOKEN=discord.token,
            PAPERBOT_DISCORD_API_BASE=discord.api_base,
            PAPERBOT_DISCORD_GATEWAY_URL=discord.gateway_url,
            PAPERBOT_BOT_DELIVERY_LEASE_SECONDS="2",
            PAPERBOT_NOW=_a_sunday_now(),
            # `/settings time` takes HH:MM; a new subscriber's default may have seconds.
            PAPERBOT_BOT_DIGEST_TIME=f"{slot_at:%H:%M:%S}",
        )
        args = ["run", "--config", str(_config(tmp / "paperbot.toml", slot_at))]
        bot = Bot(discord, arxiv, llm, Process(args, env), args, env, slot_at)
        try:
            bot.process.wait_ready()
            yield bot
            assert bot.process.stop() == 0, "\n".join(bot.process.stderr)
        finally:
            bot.process.stop(signal.SIGKILL)
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
    """The paper count a digest header announces: "… · 14 papers" on full digests,
    "14 of 16 matching papers" on compact ones (a channel's by default)."""
    match = re.search(r"(\d+) (?:of \d+ matching )?papers", header)
    assert match is not None, header
    return int(match.group(1))


def _paper_urls(messages: list[dict[str, Any]]) -> list[str]:
    """The papers messages show: a full card's embed URL, or a compact entry's link."""
    urls: list[str] = []
    for m in messages:
        for e in m["embeds"]:
            if e.get("url"):
                urls.append(e["url"].rstrip("#."))
            else:
                urls += COMPACT_LINK.findall(e.get("description", ""))
    return urls


def dm(bot: Bot, name: str, options: dict[str, str] | None = None) -> Invocation:
    return bot.discord.invoke(name, options, guild=False, channel_id=DM_CHANNEL)


def test_a_dm_subscriber_subscribes_before_the_slot(bot: Bot) -> None:
    """First, so the subscription exists before the slot; its digest is checked below."""
    def ask(name: str, options: dict[str, str]) -> str:
        inv = bot.discord.invoke(name, options, guild=False, channel_id=DM_CHANNEL,
                                 user_id=SUBSCRIBER)
        return str(answers(inv)[0]["content"])

    subscribed = ask("subscribe", {"topic": "R1_Reasoning"})
    assert f"daily at {bot.slot_at:%H:%M:%S} ({TZ})" in subscribed
    assert ask("settings", {"setting": "lang", "value": "en"}) == "Language set to English."
    assert datetime.now(UTC) < bot.slot_at - timedelta(seconds=2), "too late: raise LEAD"


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
    assert "cs.CL" in embed["description"]  # categories and comment under the authors
    assert "arXiv:1706.03762v" in values[-1]
    assert "15 pages, 5 figures" in embed["description"]  # the author's comment
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

    # A time of its own first, so this chat is not due at the test's slot.
    (when,) = answers(dm(bot, "settings", {"setting": "time", "value": "8:30"}))
    assert when["content"] == f"Daily digest time set to 08:30 ({TZ})."
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


def test_follow_unfollow_following_and_seed_with_bad_input(bot: Bot) -> None:
    """Issue 12: per-chat followed authors and seed papers, through the real `paperbot run`."""
    channel = "880000000000000001"

    def say(name: str, options: dict[str, str] | None = None) -> str:
        inv = bot.discord.invoke(name, options, guild=False, channel_id=channel)
        return str(answers(inv)[0]["content"])

    assert "Following Yann LeCun" in say("follow", {"name": "Yann LeCun"})
    assert "Already following Yann LeCun" in say("follow", {"name": "LeCun, Yann"})
    assert "Yann LeCun" in say("following")
    assert "1706.03762" in say("seed", {"ids": "1706.03762"})
    assert "No longer following" in say("unfollow", {"name": "Y. LeCun"})
    assert "no authors" in say("following")
    invoke = bot.discord.invoke
    long_name = one_line_error(invoke("follow", {"name": "x" * 300}, guild=False,
                                      channel_id=channel))
    assert "300 characters is too long; the most is 100" in long_name
    unknown = one_line_error(invoke("seed", {"ids": "2901.99999"}, guild=False,
                                    channel_id=channel))
    assert "arXiv has no paper 2901.99999" in unknown
    nobody = one_line_error(invoke("unfollow", {"name": "Nobody Here"}, guild=False,
                                   channel_id=channel))
    assert "does not follow Nobody Here" in nobody


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
    assert "[en] zh" in answer["content"]  # given as text, it is text (in en-US's language)


def test_translate_text_ending_in_a_language_code_is_all_text(bot: Bot) -> None:
    (answer,) = answers(bot.discord.invoke("translate", {"text": "Bonjour de"}, locale="ja"))
    assert "[ja] Bonjour de" in answer["content"]  # a new chat's language: the user's locale


def test_mentions_never_ping(bot: Bot) -> None:
    (answer,) = answers(bot.discord.invoke("translate", {"text": "@everyone hi", "lang": "en"}))
    assert "@everyone" not in answer["content"]  # broken with a zero-width space
    assert answer["allowed_mentions"] == {"parse": []}


def complete_digest(fake: FakeDiscord, channel: str, within: float = 80) -> int:
    """Wait for a digest in `channel`; assert every card it announces came, each once."""
    messages = wait_for(lambda: fake.messages.get(channel), within, f"a digest in {channel}")
    header = messages[0]["content"]
    assert header.startswith("**R1\\_Reasoning**"), header
    expected = _count(header)
    wait_for(lambda: len(_paper_urls(fake.messages[channel])) >= expected,
             30, f"{expected} papers in {channel}")
    time.sleep(3)  # more than the delivery lease: a re-sent message would show by now
    urls = _paper_urls(fake.messages[channel])
    assert len(urls) == expected == len(set(urls)), "a card is missing or was posted twice"
    return len(fake.messages[channel])


def test_channel_digest_arrives_complete_and_once_through_429s(bot: Bot) -> None:
    fake = bot.discord
    posted = complete_digest(fake, CHANNEL_ID)
    statuses = [r.status for r in fake.requests_to("POST", f"/channels/{CHANNEL_ID}/messages")]
    assert statuses.count(429) == CHANNEL_429S
    assert statuses.count(200) == posted


def test_the_dm_subscriber_gets_the_digest_in_their_dms(bot: Bot) -> None:
    fake = bot.discord
    dm_channel = f"7{SUBSCRIBER[1:]}"  # the stand-in's DM channel with this user
    complete_digest(fake, dm_channel)
    assert fake.requests_to("POST", "/users/@me/channels")[0].body == {
        "recipient_id": int(SUBSCRIBER)}
    assert not fake.messages.get(f"7{USER_ID[1:]}"), "unsubscribed, yet sent a digest"


def test_a_restart_after_the_slot_does_not_repost_the_channel_digest(bot: Bot) -> None:
    fake = bot.discord
    bot.before_restart = {channel: len(messages) for channel, messages in fake.messages.items()}
    assert bot.process.stop() == 0
    bot.process = Process(bot.args, bot.env)
    bot.process.wait_ready()
    time.sleep(4)  # the catch-up at start would have sent by now
    assert len(fake.messages[CHANNEL_ID]) == bot.before_restart[CHANNEL_ID]


def test_a_restart_after_the_slot_sends_the_dm_subscriber_nothing_more(bot: Bot) -> None:
    dm_channel = f"7{SUBSCRIBER[1:]}"
    after = [m.get("content", "") for m in bot.discord.messages[dm_channel]]
    assert len(after) == bot.before_restart[dm_channel], after[-1]


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
    # No 400 (invalid body), no 404 (an interaction acknowledged after Discord's 3 s).
    refused = [(r.method, r.path, r.status) for r in bot.discord.requests
               if r.status >= 400 and r.status != 429]
    assert not refused


def test_the_log_is_quiet_and_names_the_platforms(bot: Bot) -> None:
    log = "\n".join(bot.process.stderr)
    assert "discord: started" in log
    assert "telegram: skipped because TELEGRAM_BOT_TOKEN is unset" in log
    assert "voice will NOT be supported" not in log  # paperbot never joins voice
    assert "Traceback" not in log and " ERROR " not in log


def test_a_chinese_client_is_answered_in_chinese(bot: Bot) -> None:
    """A new user whose Discord speaks zh-CN: replies and errors are Chinese, and the slash
    commands carry their Chinese descriptions."""
    def ask(name: str, options: dict[str, str] | None = None) -> str:
        inv = bot.discord.invoke(name, options, guild=False, channel_id=DM_CHANNEL,
                                 user_id="900000000000000777", locale="zh-CN")
        return str(answers(inv)[0]["content"])

    assert ask("subscriptions").startswith("订阅(0/")
    assert "不是 arXiv 编号" in ask("summarize", {"id": "not-a-paper"})
    assert ask("settings", {"setting": "lang", "value": "zh-tw"}) == "語言已設為中文 (繁體)。"
    assert ask("pause").startswith("每日推送已暫停。")
    help_ = next(c for c in bot.discord.commands if c["name"] == "help")
    assert help_["description"] == "List commands and how to use them"
    assert help_["description_localizations"]["zh-CN"] == "列出命令及用法"
    assert help_["description_localizations"]["ja"] == "コマンドと使い方の一覧"
    assert help_["options"][0]["description_localizations"]["zh-TW"] == "要解釋的命令,如 summarize"
