"""End to end: 200 Telegram subscribers of the real `paperbot run` each get exactly their
papers, once, in their language, through a Bot API stand-in that enforces flood limits.

The helpers here (a subscribed crowd, what each member should get) are shared with the
SIGKILL recovery test in test_run_recovery.py.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from bot.models import Paper, Topic
from bot.services.subscriptions import parse_topic_spec
from tests.cli_helpers import Process, listing_papers, slot_in, stand_in_env, wait_for
from tests.conftest import ROOT
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.telegram_flood import RateLimits

TZ = "Asia/Shanghai"
# Tuesday 10:00 in Shanghai: Monday's 20:00 ET announcement, dated 24 November, is the latest.
NOW = "2026-11-24T02:00:00+00:00"
ANNOUNCED = date(2026, 11, 24)
FIRST_USER = 700_000
SECURITY = Topic("Security", ("cs.CR",))
# What users type: a configured topic, a category, and a category with a quoted keyword.
TYPED = ("Security", "cs.LG graph", 'cs.CL "language model"')
ABS_ID = re.compile(r"arxiv\.org/abs/(\d{4}\.\d{4,5})")


def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "paperbot.toml"
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    path.write_text(
        example + '\n[[topics]]\nname = "Security"\ncategories = ["cs.CR"]\n', encoding="utf-8"
    )
    return path


def run_env(tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram, **extra: str) -> dict:
    env = stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True)
    env.update(
        TELEGRAM_BOT_TOKEN=telegram.token,
        PAPERBOT_TELEGRAM_BASE_URL=telegram.api_url,
        PAPERBOT_NOW=NOW,
    )
    env.update(extra)
    env.pop("DISCORD_BOT_TOKEN", None)
    return env


def announced_papers() -> list[Paper]:
    return [replace(p, announced=ANNOUNCED) for p in listing_papers()]


@dataclass(frozen=True)
class Member:
    chat_id: int
    typed: tuple[str, ...]
    language: str

    def topics(self) -> list[Topic]:
        return [parse_topic_spec(t, [SECURITY], ["cs.AI"]) for t in self.typed]

    def expected(self, papers: list[Paper]) -> set[str]:
        return {p.id for p in papers for t in self.topics() if t.matches(p)}

    def commands(self) -> list[str]:
        lang = ["/settings lang en"] if self.language == "en" else []
        return [f"/subscribe {t}" for t in self.typed] + lang


def crowd(size: int) -> list[Member]:
    """Every non-empty combination of the three topics in turn; every other member in English."""
    combos = [tuple(t for bit, t in enumerate(TYPED) if mask >> bit & 1) for mask in range(1, 8)]
    return [
        Member(FIRST_USER + i, combos[i % len(combos)], "en" if i % 2 else "zh")
        for i in range(size)
    ]


def act(telegram: FakeTelegram, members: list[Member], per_second: int = 20) -> None:
    """Members type their commands, one each per round, about `per_second` users a second
    (a crowd, not one instant), then every command must have had its reply."""
    rounds = max(len(m.commands()) for m in members)
    for n in range(rounds):
        doing = [m for m in members if len(m.commands()) > n]
        for start in range(0, len(doing), per_second):
            for member in doing[start : start + per_second]:
                telegram.user_sends(member.chat_id, member.commands()[n], user_id=member.chat_id,
                                    language_code="zh-hans" if member.language == "zh" else "en")
            time.sleep(1)

    def answered() -> bool:
        return all(len(telegram.sent_messages(m.chat_id)) >= len(m.commands()) for m in members)

    wait_for(answered, 30, "a reply to every command")
    for member in members:
        replies = [m["text"] for m in telegram.sent_messages(member.chat_id)]
        # Chinese clients are answered in Chinese (已订阅), English ones in English.
        assert all(("已订阅" if member.language == "zh" else "Subscribed to") in r
                   or "English" in r for r in replies), replies


def delivered(telegram: FakeTelegram, member: Member) -> list[str]:
    """Paper ids of the cards this member received, in order (one card per message)."""
    ids: list[str] = []
    for message in telegram.sent_messages(member.chat_id):
        found = set(ABS_ID.findall(message["text"]))
        assert len(found) <= 1, message["text"]
        ids.extend(found)
    return ids


def all_delivered(telegram: FakeTelegram, members: list[Member], papers: list[Paper]) -> bool:
    return all(set(delivered(telegram, m)) >= m.expected(papers) for m in members)


def assert_exactly_once(telegram: FakeTelegram, members: list[Member], papers: list[Paper]) -> None:
    for member in members:
        got = delivered(telegram, member)
        assert sorted(got) == sorted(member.expected(papers)), (member, got)
        cards = [m["text"] for m in telegram.sent_messages(member.chat_id)
                 if ABS_ID.search(m["text"])]
        marked = ["[zh]" in c for c in cards]
        assert all(marked) if member.language == "zh" else not any(marked), member


def llm_calls_needed(members: list[Member], papers: list[Paper]) -> int:
    """One card per (paper, language) that some member needs."""
    return len({(pid, m.language) for m in members for pid in m.expected(papers)})


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        # Telegram's own limits (30/s overall, 1/s per private chat): the bot must pace
        # itself to them; faults are injected separately once everyone has subscribed.
        fake.enforce_rate_limits(RateLimits())
        yield fake


@pytest.mark.e2e
def test_two_hundred_subscribers_get_their_papers_once(
    tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram
) -> None:
    papers = announced_papers()
    fake_arxiv.set_listing(papers, ANNOUNCED)
    members = crowd(200)
    env = run_env(tmp_path, fake_arxiv, fake_llm, telegram,
                  PAPERBOT_BOT_DIGEST_TIME=slot_in(40))
    bot = Process(["run", "--config", str(config_file(tmp_path))], env)
    try:
        bot.wait_ready()
        act(telegram, members)
        assert fake_llm.count == 0, "subscribing made no cards"
        telegram.fail_randomly(0.05, kinds=("429", "502"), seed=7)  # the digests meet faults
        wait_for(lambda: all_delivered(telegram, members, papers), 150, "every digest")
        time.sleep(2)  # anything sent twice would show up now
        assert_exactly_once(telegram, members, papers)
        assert len(telegram.calls("sendMessage")) > len(telegram.sent_messages()), "no fault met"
        assert fake_llm.count == llm_calls_needed(members, papers)
        rss = [r for r in fake_arxiv.requests if r.kind == "rss"]
        assert len(rss) <= 2, f"{len(rss)} listing requests for one announcement"
        assert bot.stop(signal.SIGTERM) == 0
        assert any("stopped; 0 messages wait in the outbox" in ln for ln in bot.stderr)
    finally:
        bot.stop(signal.SIGKILL)
