"""The real DiscordAdapter (discord.py) against the FakeDiscord REST + gateway stand-in."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import discord
import pytest

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.config import DiscordConfig
from adapters.discord.render import DiscordRenderer
from bot.commands.specs import COMMANDS
from bot.errors import ConfigError, MessageRejected, RateLimited, RecipientGone, UpstreamError
from bot.models import CardText, ChatRef, Digest, IncomingCommand, Paper, PaperCard, Reply
from tests.fakes.fake_discord import (
    CHANNEL_ID,
    EPHEMERAL,
    MANAGE_CHANNELS,
    USER_ID,
    FakeDiscord,
    restore_discord_endpoints,
)

PAPER = Paper("1706.03762", 7, "Attention Is All You Need", ("Ashish Vaswani",),
              "The dominant sequence transduction models...", ("cs.CL",), "cs.CL")
CARD = PaperCard(PAPER, CardText("A transformer.", ("Attention only",), "注意力就是一切",
                                 "主流的序列转换模型……", "llm", "zh"))


class Core:
    """An in-test command handler and completer that record what the adapter passed."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.commands: list[IncomingCommand] = []
        self.completions: list[tuple[str, str, ChatRef]] = []
        self.replies: dict[str, Reply] = {}
        self.acked_before_reply: bool | None = None

    async def handle(self, command: IncomingCommand) -> Reply:
        self.commands.append(command)
        if command.name == "summarize":
            # Slow work: the interaction must already be acknowledged while we "think".
            await asyncio.sleep(0.2)
            self.acked_before_reply = all(i.callbacks for i in self.fake.invocations.values())
        reply = self.replies.get(command.name, Reply(text=f"ok {command.name}"))
        if isinstance(reply, Exception):
            raise reply
        return reply

    def complete(self, kind: str, prefix: str, chat: ChatRef) -> list[str]:
        self.completions.append((kind, prefix, chat))
        return [t for t in ("nlp", "nlp-agents", "vision") if t.startswith(prefix)]


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    server = FakeDiscord().start()
    yield server
    server.stop()


@pytest.fixture
async def core_adapter(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
                       ) -> AsyncIterator[tuple[Core, DiscordAdapter]]:
    restore_discord_endpoints(monkeypatch)
    core = Core(fake)
    config = DiscordConfig(api_base=fake.api_base, gateway_url=fake.gateway_url)
    adapter = DiscordAdapter(config, "fake-token", core.handle, core.complete,
                             guild_ready_timeout=0.05, ready_timeout=10)
    await adapter.start()
    yield core, adapter
    await adapter.stop()


async def test_start_syncs_the_command_table_with_minimal_intents(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    visible = [c for c in COMMANDS if not c.hidden]
    assert sorted(c["name"] for c in fake.commands) == sorted(c.name for c in visible)
    summarize = next(c for c in fake.commands if c["name"] == "summarize")
    options = {o["name"]: o for o in summarize["options"]}
    assert options["id"]["required"] is True and options["id"]["type"] == 3
    assert options["id"]["description"] == "arXiv id or URL, e.g. 1706.03762"
    assert options["lang"]["required"] is False and options["lang"]["autocomplete"] is True
    assert fake.identify is not None
    assert fake.identify["intents"] == discord.Intents(guilds=True).value
    assert not discord.Intents._from_value(fake.identify["intents"]).message_content
    assert fake.identify["token"] == "fake-token" and fake.heartbeats >= 1


async def test_slow_command_is_deferred_then_followed_up_with_the_card(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    core, _ = core_adapter
    core.replies["summarize"] = Reply(cards=(CARD,))
    inv = fake.invoke("summarize", {"id": "1706.03762", "lang": "zh"},
                      permissions=MANAGE_CHANNELS, locale="zh-CN")
    assert (await inv.callback())["type"] == 5  # deferred, "thinking"
    followups = await inv.followup()
    assert core.acked_before_reply is True
    assert followups[0]["embeds"][0]["title"] == "Attention Is All You Need"
    assert followups[0]["allowed_mentions"] == {"parse": []}
    assert core.commands == [IncomingCommand(
        "summarize", "", ChatRef("discord", CHANNEL_ID, is_private=False),
        USER_ID, user_is_admin=True, locale="zh-CN",
        options=(("id", "1706.03762"), ("lang", "zh")))]


async def test_fast_command_is_answered_directly(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    core, _ = core_adapter
    inv = fake.invoke("topics")
    callback = await inv.callback()
    assert callback["type"] == 4 and callback["data"]["content"] == "ok topics"
    assert not callback["data"].get("flags", 0) & EPHEMERAL
    await asyncio.sleep(0.1)
    assert inv.followups == []
    assert core.commands[0].user_is_admin is False  # no Manage Channels in a guild


async def test_error_replies_are_ephemeral_fast_and_slow(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    core, _ = core_adapter
    core.replies["subscribe"] = Reply(text="Unknown topic 'nl'.", is_error=True)
    core.replies["summarize"] = Reply(text="No such paper 9999.99999.", is_error=True)
    fast = fake.invoke("subscribe", {"topic": "nl"})
    callback = await fast.callback()
    assert callback["data"]["content"] == "Unknown topic 'nl'."
    assert callback["data"]["flags"] & EPHEMERAL
    slow = fake.invoke("summarize", {"id": "9999.99999"})
    await slow.callback()
    deleted, followup = await slow.followup(2)
    assert deleted == {"method": "DELETE"}  # the public "thinking" message goes away
    assert followup["flags"] & EPHEMERAL and "No such paper" in followup["content"]


async def test_unexpected_failure_shows_a_ref_that_the_log_has(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter],
    caplog: pytest.LogCaptureFixture,
) -> None:
    core, _ = core_adapter
    core.replies["topics"] = RuntimeError("secret internals")  # type: ignore[assignment]
    with caplog.at_level(logging.ERROR, logger="adapters.discord.adapter"):
        callback = await fake.invoke("topics").callback()
        content = callback["data"]["content"]
    match = re.fullmatch(r"Something went wrong \(ref ([0-9a-f]{4})\)\..*", content)
    assert match and "secret" not in content
    assert callback["data"]["flags"] & EPHEMERAL
    record = next(r for r in caplog.records if match.group(1) in r.getMessage())
    assert record.exc_info and "secret internals" in str(record.exc_info[1])


async def test_autocomplete_offers_the_completers_values(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    core, _ = core_adapter
    callback = await fake.invoke("subscribe", {"topic": "nl"}, focused="topic").callback()
    assert callback["type"] == 8
    assert [c["value"] for c in callback["data"]["choices"]] == ["nlp", "nlp-agents"]
    assert core.completions == [("topic", "nl", ChatRef("discord", CHANNEL_ID, False))]
    assert core.commands == []  # suggesting is not running the command


async def test_dm_commands_are_private_to_the_user_and_admin(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    core, _ = core_adapter
    await fake.invoke("pause", guild=False, channel_id="800000000000000001").callback()
    command = core.commands[0]
    assert command.chat == ChatRef("discord", USER_ID, is_private=True)
    assert command.user_is_admin is True


async def test_send_survives_429s_without_duplicates(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    _, adapter = core_adapter
    fake.fail("POST", f"/channels/{CHANNEL_ID}/messages", 429, times=2, retry_after=0.05)
    payload = {"content": "digest", "embeds": [], "allowed_mentions": {"parse": []}}
    message_id = await adapter.send(ChatRef("discord", CHANNEL_ID, False), payload)
    assert message_id.isdigit()
    assert [r.status for r in fake.requests_to("POST", "/channels/")] == [429, 429, 200]
    assert [m["content"] for m in fake.messages[CHANNEL_ID]] == ["digest"]


async def test_a_long_rate_limit_is_handed_back_to_the_outbox(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    _, adapter = core_adapter
    fake.fail("POST", f"/channels/{CHANNEL_ID}/messages", 429, retry_after=120)
    payload = {"content": "digest", "embeds": [], "allowed_mentions": {"parse": []}}
    started = time.monotonic()
    with pytest.raises(RateLimited) as limited:
        await adapter.send(ChatRef("discord", CHANNEL_ID, False), payload)
    assert limited.value.retry_after == 120 and time.monotonic() - started < 5
    assert CHANNEL_ID not in fake.messages


async def test_digest_command_sends_every_card_over_several_followups(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    core, _ = core_adapter
    cards = tuple(PaperCard(replace(PAPER, id=f"2511.{i:05d}", title=f"Paper {i}"), CARD.text)
                  for i in range(30))
    digest = Digest("nlp", date(2026, 11, 20), "zh", cards, datetime(2026, 11, 21, tzinfo=UTC))
    core.replies["digest"] = Reply(digests=(digest,))
    expected = DiscordRenderer().reply(core.replies["digest"])
    assert len(expected) >= 3
    inv = fake.invoke("digest")
    assert (await inv.callback())["type"] == 5
    followups = await inv.followup(len(expected))
    titles = [e["title"] for f in followups for e in f["embeds"]]
    assert titles == [f"Paper {i}" for i in range(30)]
    assert "**nlp**" in followups[0]["content"]


async def test_send_maps_failures_to_bot_errors(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    _, adapter = core_adapter
    channel = ChatRef("discord", CHANNEL_ID, False)
    ok = {"content": "hi", "embeds": [], "allowed_mentions": {"parse": []}}
    with pytest.raises(RecipientGone):
        await adapter.send(ChatRef("discord", "123456789012345678", False), ok)
    fake.fail("POST", f"/channels/{CHANNEL_ID}/messages", 403)
    with pytest.raises(RecipientGone):
        await adapter.send(channel, ok)
    fake.fail("POST", f"/channels/{CHANNEL_ID}/messages", 503)
    with pytest.raises(UpstreamError) as upstream:
        await adapter.send(channel, ok)
    assert not isinstance(upstream.value, RecipientGone | MessageRejected)
    with pytest.raises(MessageRejected, match="2000"):
        await adapter.send(channel, {**ok, "content": "x" * 2001})
    assert CHANNEL_ID not in fake.messages


async def test_send_to_a_subscriber_opens_their_dm(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    _, adapter = core_adapter
    payload = {"content": "your digest", "embeds": [], "allowed_mentions": {"parse": []}}
    await adapter.send(ChatRef("discord", USER_ID, True), payload)
    [opened] = fake.requests_to("POST", "/users/@me/channels")
    assert str(opened.body["recipient_id"]) == USER_ID
    [(channel, messages)] = fake.messages.items()
    assert channel != CHANNEL_ID and messages[0]["content"] == "your digest"
    with pytest.raises(RecipientGone):
        await adapter.send(ChatRef("discord", "123456789012345670", True), payload)


async def test_start_fails_clearly_on_a_bad_token(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    restore_discord_endpoints(monkeypatch)
    core = Core(fake)
    config = DiscordConfig(api_base=fake.api_base, gateway_url=fake.gateway_url)
    adapter = DiscordAdapter(config, "wrong-token", core.handle, core.complete)
    with pytest.raises(ConfigError, match="DISCORD_BOT_TOKEN"):
        await adapter.start()
    await adapter.stop()


async def test_send_plain_flattens_the_embeds_discord_refused_into_text(
    fake: FakeDiscord, core_adapter: tuple[Core, DiscordAdapter]
) -> None:
    _, adapter = core_adapter
    [payload] = DiscordRenderer().reply(Reply(cards=(CARD,)))
    assert payload["embeds"], "the card should render as an embed"
    await adapter.send(ChatRef("discord", CHANNEL_ID, False), payload, plain=True)
    [sent] = fake.messages[CHANNEL_ID]
    assert not sent.get("embeds")
    embed = payload["embeds"][0]
    assert embed["title"] in sent["content"] and embed["url"] in sent["content"]
    assert len(sent["content"]) <= 2000
