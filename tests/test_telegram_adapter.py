"""The real TelegramAdapter (python-telegram-bot) against the Bot API stand-in."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram.error import InvalidToken

from adapters.telegram.adapter import TelegramAdapter, file_url_for
from adapters.telegram.config import TelegramConfig
from adapters.telegram.incoming import ParsedCommand, parse_command
from bot.errors import (
    ChatMoved,
    ConfigError,
    DeliveryUncertain,
    MessageRejected,
    RateLimited,
    RecipientGone,
    UpstreamError,
)
from bot.models import ChatRef, IncomingCommand, Reply
from tests.fakes.fake_telegram import FakeTelegram, RateLimits

USER = 4242
GROUP = -1001000000001
PAYLOAD = {"text": "<b>hi</b> &amp; bye", "parse_mode": "HTML", "plain": "hi & bye",
           "disable_preview": True}


class Core:
    """An in-test command handler: echoes, can be slow, can raise."""

    def __init__(self) -> None:
        self.seen: list[IncomingCommand] = []
        self.delay = 0.0

    async def __call__(self, command: IncomingCommand) -> Reply:
        self.seen.append(command)
        if command.name == "boom":
            raise RuntimeError("secret internals")
        if command.name == "summarize":
            await asyncio.sleep(self.delay)
        return Reply(text=f"{command.name}|{command.args}|<&>")


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def core() -> Core:
    return Core()


@pytest.fixture
async def adapter(fake: FakeTelegram, core: Core) -> AsyncIterator[TelegramAdapter]:
    bot = TelegramAdapter(TelegramConfig(base_url=fake.api_url), fake.token, core,
                          poll_timeout=1, typing_interval=0.1)
    await bot.start()
    yield bot
    await bot.stop()


def test_parse_command_strips_the_bot_name_and_ignores_other_bots() -> None:
    assert parse_command("/help@PaperBot_test_bot  a  b", "paperbot_test_bot") == (
        ParsedCommand("help", "a  b", addressed=True))
    assert parse_command("/help a  b", "x") == ParsedCommand("help", "a  b", addressed=False)
    assert parse_command("/Help@paperbot_test_bot", "paperbot_test_bot").name == "help"
    assert parse_command("/help@other_bot", "paperbot_test_bot") is None
    assert parse_command("hello /help", "paperbot_test_bot") is None
    assert parse_command("/translate\nmulti line", "b").args == "multi line"


def test_file_url_is_derived_from_the_api_url() -> None:
    assert file_url_for("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url_for("http://127.0.0.1:8081/bot/") == "http://127.0.0.1:8081/file/bot"


async def test_start_registers_the_visible_commands(adapter: TelegramAdapter,
                                                   fake: FakeTelegram) -> None:
    for scope in ("default", "all_private_chats", "all_group_chats"):
        names = [c["command"] for c in fake.my_commands(scope)]
        assert "summarize" in names and "help" in names and "start" not in names


async def test_a_command_addressed_to_the_bot_is_routed_and_answered(
    adapter: TelegramAdapter, fake: FakeTelegram, core: Core
) -> None:
    fake.user_sends(USER, "/help@paperbot_test_bot  topics", language_code="zh-hans")
    [sent] = await fake.wait_for_messages(USER)
    assert sent["text"] == "help|topics|&lt;&amp;&gt;" and sent["parse_mode"] == "HTML"
    [command] = core.seen
    assert command.chat == ChatRef("telegram", str(USER), is_private=True)
    assert command.user_id == "42" and command.locale == "zh-hans" and command.user_is_admin


async def test_unknown_commands_reach_the_core_and_other_bots_commands_do_not(
    adapter: TelegramAdapter, fake: FakeTelegram, core: Core
) -> None:
    fake.user_sends(GROUP, "/help@some_other_bot", chat_type="supergroup")
    fake.user_sends(GROUP, "just chatting", chat_type="supergroup")
    fake.user_sends(GROUP, "/sumarize 1706.03762", chat_type="supergroup")
    [sent] = await fake.wait_for_messages(GROUP)
    assert sent["text"].startswith("sumarize|1706.03762")
    assert [c.name for c in core.seen] == ["sumarize"]
    await asyncio.sleep(0.3)
    assert len(fake.sent_messages(GROUP)) == 1


async def test_plain_text_in_private_gets_a_hint_and_edits_are_ignored(
    adapter: TelegramAdapter, fake: FakeTelegram, core: Core
) -> None:
    fake.user_sends(USER, "/help", edited=True)
    fake.user_sends(USER, "hello bot")
    [sent] = await fake.wait_for_messages(USER)
    assert "/help" in sent["text"] and core.seen == []


async def test_group_settings_commands_ask_telegram_who_is_admin(
    adapter: TelegramAdapter, fake: FakeTelegram, core: Core
) -> None:
    fake.set_admin(GROUP, 7)
    fake.user_sends(GROUP, "/subscribe cs.CL", user_id=7, chat_type="supergroup")
    await fake.wait_for_messages(GROUP, 1)
    fake.user_sends(GROUP, "/subscribe cs.CL", user_id=8, chat_type="supergroup")
    await fake.wait_for_messages(GROUP, 2)
    fake.user_sends(-100777, "/pause", chat_type="channel")
    await fake.wait_for_messages(-100777, 1)
    assert [c.user_is_admin for c in core.seen] == [True, False, True]
    assert [c["user_id"] for c in fake.calls("getChatMember")] == [7, 8]
    assert not core.seen[0].chat.is_private


async def test_replied_text_is_passed_along(adapter: TelegramAdapter, fake: FakeTelegram,
                                            core: Core) -> None:
    fake.user_sends(USER, "/translate en", reply_to="这是一个测试")
    await fake.wait_for_messages(USER)
    assert core.seen[0].replied_text == "这是一个测试"


async def test_slow_commands_keep_typing_until_the_reply_is_sent(
    adapter: TelegramAdapter, fake: FakeTelegram, core: Core
) -> None:
    core.delay = 0.5
    fake.user_sends(USER, "/summarize 1706.03762")
    await fake.wait_for_messages(USER)
    actions = fake.chat_actions(USER)
    assert len(actions) >= 3 and {a["action"] for a in actions} == {"typing"}
    await asyncio.sleep(0.3)
    assert len(fake.chat_actions(USER)) == len(actions), "typing went on after the reply"
    fake.user_sends(USER, "/help")
    await fake.wait_for_messages(USER, 2)
    assert len(fake.chat_actions(USER)) == len(actions), "fast commands do not type"


async def test_a_slow_command_does_not_hold_up_other_users(
    adapter: TelegramAdapter, fake: FakeTelegram, core: Core
) -> None:
    core.delay = 1.5
    fake.user_sends(USER, "/summarize 1706.03762")
    await asyncio.sleep(0.2)
    fake.user_sends(USER + 1, "/help", user_id=USER + 1)
    await fake.wait_for_messages(USER + 1, within=1.0)
    assert fake.sent_messages(USER) == [], "the slow reply came first: updates ran in series"
    await fake.wait_for_messages(USER)


async def test_a_crashing_handler_gets_a_reference_not_a_traceback(
    adapter: TelegramAdapter, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="adapters.telegram.adapter"):
        fake.user_sends(USER, "/boom")
        [sent] = await fake.wait_for_messages(USER)
    match = re.fullmatch(r"Something went wrong \(ref ([0-9a-f]{4})\)\. Please try again later\.",
                         sent["text"])
    assert match, sent["text"]
    [record] = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert record.exc_info and "secret internals" in str(record.exc_info[1])
    assert "secret" not in sent["text"]


async def test_refused_html_is_resent_as_plain_text(adapter: TelegramAdapter,
                                                    fake: FakeTelegram) -> None:
    fake.fail_next("parse")
    fake.user_sends(USER, "/help")
    [sent] = await fake.wait_for_messages(USER)
    assert sent["text"] == "help||<&>" and "parse_mode" not in sent


async def test_send_delivers_a_payload_and_returns_the_message_id(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    message_id = await adapter.send(ChatRef("telegram", str(GROUP), is_private=False), PAYLOAD)
    [sent] = fake.sent_messages(GROUP)
    assert message_id == str(sent["message_id"]) and sent["text"] == PAYLOAD["text"]
    assert sent["link_preview_options"] == {"is_disabled": True}


@pytest.mark.parametrize(
    ("fault", "error"),
    [("429", RateLimited), ("403", RecipientGone), ("migrate", ChatMoved),
     ("parse", MessageRejected), ("502", UpstreamError)],
)
async def test_send_maps_telegram_failures_to_core_errors(
    adapter: TelegramAdapter, fake: FakeTelegram, fault: str, error: type[Exception]
) -> None:
    fake.fail_next(fault, retry_after=7, migrate_to=-1009999)
    chat = ChatRef("telegram", str(GROUP), is_private=False)
    with pytest.raises(error) as caught:
        await adapter.send(chat, PAYLOAD)
    assert type(caught.value) is error
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after == 7
    if isinstance(caught.value, ChatMoved):
        assert caught.value.new_chat_id == "-1009999"
    assert fake.sent_messages(GROUP) == []
    assert await adapter.send(chat, PAYLOAD)  # the next one goes through


async def test_send_rejects_markup_the_fake_would_not_parse(adapter: TelegramAdapter) -> None:
    bad = {**PAYLOAD, "text": "<b>unclosed & raw"}
    with pytest.raises(MessageRejected, match=r"(?i)can't parse entities"):
        await adapter.send(ChatRef("telegram", str(USER)), bad)


async def test_enforced_flood_limits_answer_429_with_retry_after(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    # A window three times Telegram's: the bot's own 1/s pacing is not enough for it.
    fake.enforce_rate_limits(RateLimits(per_private_per_second=1, time_scale=3.0))
    chat = ChatRef("telegram", str(USER))
    await adapter.send(chat, PAYLOAD)
    with pytest.raises(RateLimited) as caught:
        await adapter.send(chat, PAYLOAD)
    assert caught.value.retry_after >= 1


async def test_stop_is_clean_and_idempotent(fake: FakeTelegram, core: Core) -> None:
    bot = TelegramAdapter(TelegramConfig(base_url=fake.api_url), fake.token, core,
                          poll_timeout=1)
    await bot.start()
    fake.user_sends(USER, "/help")
    await fake.wait_for_messages(USER)
    await bot.stop()
    await bot.stop()
    assert fake.calls("getMe") and fake.calls("deleteWebhook")


async def test_a_wrong_token_fails_start_cleanly_and_send_refuses(fake: FakeTelegram,
                                                                   core: Core) -> None:
    bot = TelegramAdapter(TelegramConfig(base_url=fake.api_url), "999:wrong", core)
    with pytest.raises(ConfigError, match="rejected") as info:
        await bot.start()
    assert isinstance(info.value.__cause__, InvalidToken)  # mapped at the seam, like Discord
    assert not bot.app.running and fake.calls("getUpdates") == []
    with pytest.raises(UpstreamError, match="not running"):
        await bot.send(ChatRef("telegram", str(USER)), PAYLOAD)
    await bot.stop()


# The stand-in itself: what benchmarks and other tests rely on -------------------------------


_client = httpx.Client(timeout=10)


def _call(fake: FakeTelegram, method: str, **params: object) -> httpx.Response:
    return _client.post(f"{fake.api_url}{fake.token}/{method}", json=params)


def test_stand_in_accepts_json_bodies_and_refuses_a_wrong_token(fake: FakeTelegram) -> None:
    ok = _call(fake, "sendMessage", chat_id=USER, text="a &lt; b", parse_mode="HTML").json()
    assert ok["ok"] and ok["result"]["text"] == "a &lt; b"
    bad = httpx.post(f"{fake.api_url}999:nope/getMe", timeout=5)
    assert bad.status_code == 401 and bad.json()["ok"] is False
    unknown = _call(fake, "sendTelepathy")
    assert unknown.status_code == 404


def test_stand_in_long_polls_until_an_update_arrives(fake: FakeTelegram) -> None:
    started = time.monotonic()
    assert _call(fake, "getUpdates", timeout=1).json()["result"] == []
    assert time.monotonic() - started >= 0.9
    threading.Timer(0.3, fake.user_sends, (USER, "/help")).start()
    started = time.monotonic()
    [update] = _call(fake, "getUpdates", timeout=5).json()["result"]
    assert time.monotonic() - started < 2
    assert update["message"]["entities"][0] == {"type": "bot_command", "offset": 0, "length": 5}
    confirmed = _call(fake, "getUpdates", offset=update["update_id"] + 1, timeout=0).json()
    assert confirmed["result"] == [] and fake.pending_updates() == 0


def test_stand_in_enforces_group_flood_limits_on_a_scaled_clock(fake: FakeTelegram) -> None:
    fake.enforce_rate_limits(RateLimits(per_group_per_minute=20, time_scale=0.03))
    answers = [_call(fake, "sendMessage", chat_id=GROUP, text="x") for _ in range(21)]
    assert [a.status_code for a in answers[:20]] == [200] * 20
    assert answers[20].status_code == 429
    assert answers[20].json()["parameters"]["retry_after"] >= 1
    time.sleep(1.9)  # the 60 s window scaled to 1.8 s
    assert _call(fake, "sendMessage", chat_id=GROUP, text="x").status_code == 200


def test_stand_in_random_faults_are_seeded_and_repeatable() -> None:
    outcomes = []
    for _ in range(2):
        with FakeTelegram() as server:
            server.fail_randomly(0.3, kinds=("429", "403", "502"), seed=11)
            outcomes.append([_call(server, "sendMessage", chat_id=USER, text="x").status_code
                             for _ in range(30)])
    assert outcomes[0] == outcomes[1]
    assert 0 < outcomes[0].count(200) < 30


async def test_group_replies_quote_the_command(adapter: TelegramAdapter,
                                              fake: FakeTelegram) -> None:
    command_id = fake.user_sends(GROUP, "/help", chat_type="supergroup")
    [sent] = await fake.wait_for_messages(GROUP)
    assert sent["reply_parameters"]["message_id"] == command_id


async def test_group_messages_are_evenly_spaced_and_lookups_are_not_paced(
    fake: FakeTelegram, core: Core
) -> None:
    """Group pace on a clock 10× fast: 20 per 6 s is one message every 0.3 s, no burst."""
    bot = TelegramAdapter(TelegramConfig(base_url=fake.api_url), fake.token, core,
                          poll_timeout=1, group_period=6.0)
    await bot.start()
    try:
        chat = ChatRef("telegram", str(GROUP), is_private=False)
        started = time.monotonic()
        await asyncio.gather(*(bot.send(chat, PAYLOAD) for _ in range(4)))
        times = [m["at"] for m in fake.sent_messages(GROUP)]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert len(gaps) == 3 and min(gaps) >= 0.25, gaps  # 0.315 at the bot
        assert time.monotonic() - started < 2
        before = time.monotonic()
        for _ in range(3):  # an admin look-up and "typing…" do not wait for a message slot
            await bot.app.bot.get_chat_member(GROUP, 7)
            await bot.app.bot.send_chat_action(GROUP, "typing")
        assert time.monotonic() - before < 0.3
    finally:
        await bot.stop()


async def test_messages_to_one_user_are_paced_and_other_users_do_not_wait(
    fake: FakeTelegram, core: Core
) -> None:
    """Per-user pace on a clock 3× fast: one message every 0.33 s per private chat."""
    bot = TelegramAdapter(TelegramConfig(base_url=fake.api_url), fake.token, core,
                          poll_timeout=1, private_period=1 / 3)
    await bot.start()
    try:
        one, other = ChatRef("telegram", str(USER)), ChatRef("telegram", str(USER + 1))
        await asyncio.gather(*(bot.send(one, PAYLOAD) for _ in range(3)), bot.send(other, PAYLOAD))
        times = [m["at"] for m in fake.sent_messages(USER)]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert len(gaps) == 2 and min(gaps) >= 0.28, gaps  # 0.35 at the bot
        [first_other] = [m["at"] for m in fake.sent_messages(USER + 1)]
        assert first_other < times[1], "another user waited behind this one"
    finally:
        await bot.stop()


async def test_send_reports_a_garbled_200_as_accepted_but_unconfirmed(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    chat = ChatRef("telegram", str(GROUP), is_private=False)
    fake.fail_next("malformed")
    with pytest.raises(DeliveryUncertain) as caught:
        await adapter.send(chat, PAYLOAD)
    assert caught.value.accepted is True
    assert [m["text"] for m in fake.sent_messages(GROUP)] == [PAYLOAD["text"]]


async def test_send_plain_sends_the_plain_version_or_refuses_without_one(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    chat = ChatRef("telegram", str(USER))
    await adapter.send(chat, PAYLOAD, plain=True)
    [sent] = fake.sent_messages(USER)
    assert sent["text"] == "hi & bye" and "parse_mode" not in sent
    no_plain = {k: v for k, v in PAYLOAD.items() if k != "plain"}
    with pytest.raises(MessageRejected, match="no plain-text version"):
        await adapter.send(chat, no_plain, plain=True)
    assert len(fake.calls("sendMessage")) == 1


@pytest.mark.parametrize("fault", ["malformed", "late"])
async def test_a_reply_telegram_received_is_not_followed_by_an_error(
    adapter: TelegramAdapter, fake: FakeTelegram, fault: str
) -> None:
    """A garbled 200 means delivered; a late answer (past PTB's 5 s) is sent once more."""
    fake.fail_next(fault)
    fake.user_sends(USER, "/help")
    copies = 1 if fault == "malformed" else 2
    await fake.wait_for_messages(USER, copies, within=20)
    await asyncio.sleep(2.5)  # room for a wrong "Something went wrong" (paced 1/s) to arrive
    assert [m["text"] for m in fake.sent_messages(USER)] == ["help||&lt;&amp;&gt;"] * copies
