"""End to end on Telegram: the real `paperbot run` answers every command in a private chat and
in a group (`/cmd@botname` too), and the bad inputs people actually send, against the Bot API,
arXiv and LLM stand-ins. One process serves the module; independent questions go to separate
chats at once, which also shows one slow command holds up nobody.
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.commands.specs import COMMANDS
from tests.cli_helpers import Process, listing_papers, stand_in_env, wait_for
from tests.conftest import ROOT
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_llm import FakeLLM
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.telegram_html import check_message, parse_html

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals"),
]

BOT_NAME = "paperbot_test_bot"
ADMIN, MEMBER = 7, 8
USER = 4242
GROUP = -1002000000001
RTL_AND_FRIENDS = "<b>bold?</b> &amp; $\\alpha$ < 3 — שלום עולם مرحبا 👩‍🔬🧪"
LONG_TEXT = ("Ein langer Satz. " * 300)[:5000].strip()
PHOTO = {"photo": [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}]}
# Simple arguments that make each command do its real work in a fresh chat.
ARGS = {"summarize": "1706.03762", "translate": "Guten Morgen en", "subscribe": "R1_Reasoning",
        "unsubscribe": "all", "settings": "lang en", "unsave": "1706.03762", "export": "bibtex",
        "follow": "Yann LeCun", "unfollow": "Yann LeCun", "seed": "1706.03762"}


@dataclass
class Bot:
    telegram: FakeTelegram
    process: Process


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    tmp = tmp_path_factory.mktemp("telegram-e2e")
    with FakeArxiv() as arxiv, FakeLLM() as llm, FakeTelegram(bot_username=BOT_NAME) as telegram:
        arxiv.set_listing(listing_papers())
        telegram.enforce_rate_limits()  # Telegram's own flood limits, unscaled
        env = stand_in_env(tmp, arxiv, llm, key=True)
        env.pop("DISCORD_BOT_TOKEN", None)
        env.update(TELEGRAM_BOT_TOKEN=telegram.token,
                   PAPERBOT_TELEGRAM_BASE_URL=telegram.api_url)
        process = Process(["run", "--config", str(ROOT / "config.example.toml")], env)
        try:
            process.wait_ready()
            yield Bot(telegram, process)
            assert process.stop() == 0, "\n".join(process.stderr)
        finally:
            process.stop(signal.SIGKILL)


def ask_all(telegram: FakeTelegram, questions: dict[int, str], *, user_id: int = ADMIN,
            chat_type: str = "private", within: float = 45, settle: float = 1.0,
            **kwargs: Any) -> dict[int, list[str]]:
    """Send one message to each chat at once; return each chat's new replies once they
    have stopped coming for `settle` seconds."""
    before = {chat: len(telegram.sent_messages(chat)) for chat in questions}
    for chat, text in questions.items():
        if chat_type != "private":
            telegram.set_admin(chat, ADMIN)
        telegram.user_sends(chat, text, user_id=user_id if chat_type != "private" else chat,
                            chat_type=chat_type, **kwargs)

    def new() -> dict[int, list[str]]:
        return {chat: [m["text"] for m in telegram.sent_messages(chat)[before[chat]:]]
                for chat in questions}

    wait_for(lambda: all(new().values()), within,
             f"a reply in every chat; missing: {[c for c, r in new().items() if not r]}")
    last, stable_since = new(), time.monotonic()
    while time.monotonic() - stable_since < settle:
        time.sleep(0.1)
        now = new()
        if now != last:
            last, stable_since = now, time.monotonic()
    return last


def ask(telegram: FakeTelegram, chat: int, text: str, **kwargs: Any) -> list[str]:
    return ask_all(telegram, {chat: text}, **kwargs)[chat]


def quiet(telegram: FakeTelegram, chat: int, text: str | None, wait: float = 1.5,
          **kwargs: Any) -> None:
    """Send something the bot should not answer, and check it does not."""
    before = len(telegram.sent_messages(chat))
    telegram.user_sends(chat, text, **kwargs)
    time.sleep(wait)
    assert telegram.sent_messages(chat)[before:] == [], "the bot answered what is not for it"


VISIBLE = [c for c in COMMANDS if not c.hidden]


def _question(name: str, addressed: bool) -> str:
    at = f"@{BOT_NAME}" if addressed else ""
    return f"/{name}{at} {ARGS.get(name, '')}".rstrip()


def test_help_lists_every_command_and_each_answers_in_private(bot: Bot) -> None:
    [help_] = ask(bot.telegram, USER, "/help")
    assert all(f"/{c.name}" in help_ for c in VISIBLE)
    chats = {USER + 100 + i: _question(c.name, addressed=False) for i, c in enumerate(COMMANDS)}
    answers = ask_all(bot.telegram, chats)
    for question, replies in zip(chats.values(), answers.values(), strict=True):
        assert replies, question
        assert not any("Something went wrong" in r for r in replies), (question, replies)
    by_name = dict(zip([c.name for c in COMMANDS], answers.values(), strict=True))
    assert "paperbot" in by_name["start"][0]
    assert "Attention Is All You Need" in by_name["summarize"][0]
    assert "[en] Guten Morgen" in by_name["translate"][0]
    assert "R1_Reasoning" in by_name["topics"][0] and "Subscribed" in by_name["subscribe"][0]
    assert "Language set to English." in by_name["settings"][0]


@pytest.mark.parametrize("addressed", [False, True], ids=["plain", "at-botname"])
def test_every_command_answers_in_a_group(bot: Bot, addressed: bool) -> None:
    base = GROUP - (1000 if addressed else 2000)
    chats = {base - i: _question(c.name, addressed) for i, c in enumerate(COMMANDS)}
    answers = ask_all(bot.telegram, chats, chat_type="supergroup")
    for question, replies in zip(chats.values(), answers.values(), strict=True):
        assert replies and not any("Something went wrong" in r for r in replies), question
    by_name = dict(zip([c.name for c in COMMANDS], answers.values(), strict=True))
    assert "Subscribed" in by_name["subscribe"][0]  # ADMIN is an admin of every group
    assert all(f"/{c.name}" in by_name["help"][0] for c in VISIBLE)
    replied = [m for chat in chats for m in bot.telegram.sent_messages(chat)[:1]]
    assert all(m.get("reply_parameters") for m in replied), "group replies quote the command"


def test_a_group_member_who_is_not_admin_cannot_subscribe_it(bot: Bot) -> None:
    group = GROUP - 3000
    bot.telegram.set_admin(group, ADMIN)
    [refused] = ask(bot.telegram, group, f"/subscribe@{BOT_NAME} R1_Reasoning",
                    user_id=MEMBER, chat_type="supergroup")
    assert "Only this chat's admins can use /subscribe here." in refused
    [subs] = ask(bot.telegram, group, "/subscriptions", user_id=MEMBER, chat_type="supergroup")
    assert subs.startswith("Subscriptions (0/"), subs
    [done] = ask(bot.telegram, group, "/subscribe R1_Reasoning", chat_type="supergroup")
    assert "Subscribed" in done


def test_bad_input_gets_a_useful_answer(bot: Bot) -> None:
    questions = {
        USER + 1: "/summarise 1706.03762",
        USER + 2: "/summarize",
        USER + 3: "/summarize 2901.99999",
        USER + 4: "/summarize 2108.04458v2",
        USER + 5: "/translate " + LONG_TEXT,
        USER + 6: "/settings colour blue",
        USER + 7: f"/subscribe@{BOT_NAME}",
        USER + 8: "/summarize not-a-paper",
        USER + 9: "/translate",
    }
    answers = ask_all(bot.telegram, questions)
    replies = {q: r for q, r in zip(questions.values(), answers.values(), strict=True)}
    for question, reply in replies.items():
        assert len(reply) == 1 and reply[0].startswith("⚠️"), (question[:40], reply)
    texts = [r[0] for r in replies.values()]
    assert "Did you mean /summarize?" in texts[0]
    assert "Usage: /summarize" in texts[1]
    assert "arXiv has no paper 2901.99999" in texts[2]
    assert "2108.04458 was withdrawn by its authors" in texts[3] and "Lemma 13" in texts[3]
    assert f"{len(LONG_TEXT):,} characters" in texts[4] and "4,000" in texts[4]
    assert "Unknown setting" in texts[5] and "Usage: /settings" in texts[5]
    assert "Usage: /subscribe" in texts[6]
    assert "not-a-paper" in texts[7] or "arXiv id" in texts[7]
    assert "Usage: /translate" in texts[8]


def test_follow_unfollow_following_and_seed_with_bad_input(bot: Bot) -> None:
    """Issue 12: per-chat followed authors and seed papers, and their bad input."""
    chat = USER + 300
    assert "Following Yann LeCun" in ask(bot.telegram, chat, "/follow Yann LeCun")[0]
    assert "Already following Yann LeCun" in ask(bot.telegram, chat, "/follow LeCun, Yann")[0]
    assert "Yann LeCun" in ask(bot.telegram, chat, "/following")[0]
    assert "1706.03762" in ask(bot.telegram, chat, "/seed 1706.03762")[0]
    assert "No longer following" in ask(bot.telegram, chat, "/unfollow Y. LeCun")[0]
    questions = {chat + 1: "/follow", chat + 2: "/follow " + "x" * 300,
                 chat + 3: "/seed 2901.99999", chat + 4: "/unfollow Nobody Here",
                 chat + 5: "/seed"}
    answers = ask_all(bot.telegram, questions)
    texts = [r[0] for r in answers.values()]
    assert all(len(r) == 1 and r[0].startswith("⚠️") for r in answers.values()), texts
    assert "Usage: /follow" in texts[0]
    assert "300 characters is too long; the most is 100" in texts[1]
    assert "arXiv has no paper 2901.99999" in texts[2]
    assert "does not follow Nobody Here" in texts[3]
    assert "Usage: /seed" in texts[4]


def test_markup_rtl_and_emoji_come_back_as_written(bot: Bot) -> None:
    ask(bot.telegram, USER + 20, f"/translate {RTL_AND_FRIENDS} en")
    [sent] = bot.telegram.sent_messages(USER + 20)
    assert sent["parse_mode"] == "HTML" and "&lt;b&gt;bold?&lt;/b&gt; &amp;amp;" in sent["text"]
    assert RTL_AND_FRIENDS in parse_html(sent["text"]), "what the reader sees is not as typed"


def test_edits_photos_chatter_and_other_bots_get_no_reply_and_no_crash(bot: Bot) -> None:
    chat, group = USER + 30, GROUP - 4000
    quiet(bot.telegram, chat, "/help", edited=True, user_id=chat)
    quiet(bot.telegram, chat, None, extra=PHOTO, user_id=chat)
    quiet(bot.telegram, group, None, extra=PHOTO, chat_type="supergroup")
    quiet(bot.telegram, group, "nice paper everyone", chat_type="supergroup")
    quiet(bot.telegram, group, "/help@some_other_bot", chat_type="supergroup")
    [hint] = ask(bot.telegram, chat, "what can you do?")
    assert "/help" in hint
    assert ask(bot.telegram, chat, "/help")  # still alive and answering


def test_a_digest_on_demand_arrives_whole_within_the_private_pace(bot: Bot) -> None:
    chat = USER + 40
    [subscribed] = ask(bot.telegram, chat, "/subscribe R1_Reasoning")
    assert "Subscribed" in subscribed
    messages = ask(bot.telegram, chat, "/digest", settle=2.5, within=60)
    assert "R1_Reasoning" in messages[0] and len(messages) > 2, messages[:2]
    links = [t for t in messages[1:] if "arxiv.org/abs/" in t]
    assert len(links) == len(messages) - 1 == len(set(links)), "a card is missing or doubled"
    times = [m["at"] for m in bot.telegram.sent_messages(chat)]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.95, "faster than 1/s"


def test_every_reply_passed_the_html_validator_and_the_log_is_clean(bot: Bot) -> None:
    sent = bot.telegram.sent_messages()
    calls = bot.telegram.calls("sendMessage")
    assert len(sent) > 40
    assert bot.telegram.flood is not None
    # Every refusal was a flood 429 (network jitter on a loaded CI machine can squeeze two
    # paced sends together), never bad HTML or an over-long message; and 429s stay rare.
    flooded = len(bot.telegram.flood.refused)
    assert len(calls) - len(sent) == flooded, "the stand-in refused a message (bad HTML, length)"
    assert flooded <= 2, f"{flooded} flood refusals: the bot is not pacing itself"
    for message in sent:
        assert check_message(message["text"], message.get("parse_mode")) is None, message
    log = "\n".join(bot.process.stderr)
    assert "Traceback" not in log and "Unhandled error" not in log


def test_a_chinese_client_is_answered_in_chinese(bot: Bot) -> None:
    """A new user whose Telegram speaks zh-hans: replies, errors and the plain-text hint are
    Chinese; `/settings lang ja` then switches the interface to Japanese."""
    chat = USER + 500
    zh = {"language_code": "zh-hans"}
    [subscribed] = ask(bot.telegram, chat, "/subscribe R1_Reasoning", **zh)
    assert subscribed.startswith("已订阅 R1_Reasoning"), subscribed
    [error] = ask(bot.telegram, chat + 1, "/summarize not-a-paper", **zh)
    assert "不是 arXiv 编号" in error and "用法:/summarize" in error, error
    [unknown] = ask(bot.telegram, chat + 2, "/summarise 1706.03762", **zh)
    assert "你是不是想用 /summarize?" in unknown
    [hint] = ask(bot.telegram, chat + 3, "你好", **zh)
    assert hint == "我只回应命令:发送 /help 看看我能做什么。"
    [switched] = ask(bot.telegram, chat, "/settings lang ja", **zh)
    assert switched == "言語を日本語に設定しました。"
    [paused] = ask(bot.telegram, chat, "/pause", **zh)
    assert paused.startswith("毎日の配信を一時停止しました。")


def test_the_menu_is_registered_in_each_language(bot: Bot) -> None:
    for language, summary in (("", "List commands and how to use them"),
                              ("zh", "列出命令及用法"), ("ja", "コマンドと使い方の一覧")):
        menu = {c["command"]: c["description"]
                for c in bot.telegram.my_commands("all_private_chats", language)}
        assert menu["help"] == summary, language
