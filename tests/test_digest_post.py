"""End to end: `paperbot digest --post` delivers to configured channels through the outbox,
so a second run repeats nothing and a run killed half-way is finished by the next one."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import Process, paperbot, wait_for
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.telegram_flood import RateLimits
from tests.test_run_subscribers import (
    ABS_ID,
    ANNOUNCED,
    TZ,
    announced_papers,
    config_file,
    run_env,
)

ONE = -1001000000101  # Security: 3 papers
TWO = -1001000000202  # Security + Graphs: 5 papers (one in both topics), 2 headers


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def _config(tmp_path: Path) -> Path:
    path = config_file(tmp_path)
    extra = '\n[[topics]]\nname = "Graphs"\ncategories = ["cs.LG"]\nkeywords = ["graph"]\n'
    for chat, topics in ((ONE, '["Security"]'), (TWO, '["Security", "Graphs"]')):
        extra += (
            f'\n[[channels]]\nplatform = "telegram"\nchat = "{chat}"\ntopics = {topics}\n'
            f'time = "10:00"\ntimezone = "{TZ}"\nstyle = "full"\n'  # a card each
        )
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def _post(config: Path, env: dict[str, str], *chats: int) -> subprocess.CompletedProcess:
    args = [a for c in chats for a in ("--channel", str(c))]
    return paperbot("digest", "--post", *args, "--config", str(config), env=env)


def _texts(telegram: FakeTelegram, chat: int) -> list[str]:
    return [m["text"] for m in telegram.sent_messages(chat)]


def _cards(telegram: FakeTelegram, chat: int) -> list[str]:
    return [ABS_ID.findall(t)[0] for t in _texts(telegram, chat) if ABS_ID.search(t)]


def _summary(result: subprocess.CompletedProcess) -> str:
    return next(ln for ln in result.stdout.splitlines() if ln.startswith("paperbot:"))


@pytest.mark.e2e
def test_post_one_channel_then_all_then_nothing_new(
    tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram
) -> None:
    fake_arxiv.set_listing(announced_papers(), ANNOUNCED)
    config = _config(tmp_path)
    env = run_env(tmp_path, fake_arxiv, fake_llm, telegram)

    first = _post(config, env, ONE)
    assert first.returncode == 0, first.stderr
    assert _summary(first) == "paperbot: 4 messages planned, 4 sent, 0 still queued"
    assert sorted(_cards(telegram, ONE)) == ["2607.09528", "2607.09532", "2607.09653"]
    assert _texts(telegram, TWO) == [], "--channel posts to that channel only"

    second = _post(config, env)
    assert second.returncode == 0, second.stderr
    assert _summary(second) == "paperbot: 7 messages planned, 7 sent, 0 still queued"
    assert len(_texts(telegram, ONE)) == 4, "the first channel's digest was posted again"
    cards = _cards(telegram, TWO)
    assert sorted(cards) == sorted(set(cards)), "a paper of both topics was posted twice"
    assert set(cards) == {"2607.09528", "2607.09532", "2607.09653", "2607.09645", "2607.09546"}

    llm_calls = fake_llm.count
    third = _post(config, env)
    assert third.returncode == 0, third.stderr
    assert _summary(third) == "paperbot: 0 messages planned, 0 sent, 0 still queued"
    assert len(telegram.sent_messages()) == 11
    assert fake_llm.count == llm_calls, "cards are cached: a re-run asks the LLM nothing"


@pytest.mark.e2e
def test_post_killed_half_way_is_finished_by_the_next_run(
    tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram
) -> None:
    fake_arxiv.set_listing(announced_papers(), ANNOUNCED)
    config = _config(tmp_path)
    # The killed run holds a claimed row (queued in PTB's 20/min group pacing): a short
    # lease lets the next run take it over in seconds rather than a minute.
    env = run_env(tmp_path, fake_arxiv, fake_llm, telegram,
                  PAPERBOT_BOT_DELIVERY_LEASE_SECONDS="8")
    # Three messages per group per (scaled) minute: the post stalls on 429s part-way.
    telegram.enforce_rate_limits(RateLimits(per_group_per_minute=3, time_scale=0.1))
    killed = Process(["digest", "--post", "--channel", str(TWO), "--config", str(config)], env)
    try:
        wait_for(lambda: len(_texts(telegram, TWO)) >= 3, 60, "the first messages")
        wait_for(lambda: len(telegram.calls("sendMessage")) > 3, 10, "a 429")
        assert killed.proc.poll() is None, "the post finished before it could be killed"
    finally:
        killed.stop(signal.SIGKILL)
    before = _texts(telegram, TWO)
    assert 3 <= len(before) < 7

    telegram.flood = None
    again = _post(config, env, TWO)
    assert again.returncode == 0, again.stderr
    assert _summary(again).endswith(f"{7 - len(before)} sent, 0 still queued"), again.stdout
    texts = _texts(telegram, TWO)
    assert texts[: len(before)] == before and len(texts) == 7
    assert len(set(texts)) == 7, "a message was posted twice"
