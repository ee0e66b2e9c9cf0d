"""End to end: the real `paperbot run` on arXiv's calendar (PAPERBOT_NOW shifts its clock).

Quiet days (a Saturday, Thanksgiving) bring one short notice to private chats and nothing to
channels; a Monday after an outage brings the missed Thursday-evening announcement, fetched
through the API by submission window, beside Monday's listing, each paper once.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.labels import label
from bot.models import Paper
from bot.services.subscriptions import parse_topic_spec
from tests.cli_helpers import Process, listing_papers, wait_for
from tests.fakes.fake_telegram import FakeTelegram
from tests.test_run_subscribers import ABS_ID, TZ, config_file, run_env, slot_in

USER = 810_001
CHANNEL = -1001000000777
QUIET = label("zh", "quiet_quiet_day")  # in the example config's language
SPEC = "cs.CR cs.SE"


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def _with_channel(path: Path, time_hhmm: str) -> Path:
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[[channels]]\nplatform = "telegram"\nchat = "{CHANNEL}"\ntopics = ["Security"]\n'
        f'time = "{time_hhmm}"\ntimezone = "{TZ}"\n',
        encoding="utf-8",
    )
    return path


def _texts(telegram: FakeTelegram, chat: int) -> list[str]:
    return [m["text"] for m in telegram.sent_messages(chat)]


def _ids(telegram: FakeTelegram, chat: int) -> list[str]:
    return [i for t in _texts(telegram, chat) for i in ABS_ID.findall(t)[:1]]


@pytest.mark.e2e
@pytest.mark.parametrize(
    "now",
    [
        pytest.param("2026-11-21T15:00:00+00:00", id="saturday"),
        pytest.param("2026-11-27T02:00:00+00:00", id="thanksgiving"),  # Thu 21:00 Eastern
    ],
)
def test_quiet_day_notice_for_private_chats_only(
    tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram, now: str
) -> None:
    fake_arxiv.set_listing([])  # what arXiv's RSS serves when nothing was announced
    slot = slot_in(15)
    config = _with_channel(config_file(tmp_path), slot)
    env = run_env(tmp_path, fake_arxiv, fake_llm, telegram, PAPERBOT_NOW=now,
                  PAPERBOT_BOT_DIGEST_TIME=slot)
    bot = Process(["run", "--config", str(config)], env)
    try:
        bot.wait_ready()
        telegram.user_sends(USER, f"/subscribe {SPEC}", user_id=USER, language_code="zh-hans")
        wait_for(lambda: len(_texts(telegram, USER)) >= 2, 40, "the quiet-day notice")
        time.sleep(3)  # the channel's slot is the same second: give it time to (not) post
        # A holiday's notice names it, in the reader's language.
        said = "arXiv 今天不发布新论文:感恩节。" if "11-27" in now else QUIET
        notices = [t for t in _texts(telegram, USER) if said in t]
        assert len(notices) == 1 and len(_texts(telegram, USER)) == 2, _texts(telegram, USER)
        assert _texts(telegram, CHANNEL) == [], "channels default to no quiet-day notice"
        assert fake_llm.count == 0
        assert bot.stop(signal.SIGTERM) == 0
    finally:
        bot.stop(signal.SIGKILL)


def _published(moment: str, paper: Paper) -> Paper:
    return replace(paper, published=datetime.fromisoformat(moment).astimezone(UTC))


@pytest.mark.e2e
def test_monday_after_an_outage_has_the_missed_announcement_once(
    tmp_path: Path, fake_arxiv, fake_llm, telegram: FakeTelegram
) -> None:
    topic = parse_topic_spec(SPEC, [], ["cs.AI"])
    papers = listing_papers()
    mine = [p for p in papers if topic.matches(p)]
    others = [p for p in papers if not topic.matches(p)][:5]
    thursday, missed, monday = mine[:2], mine[2:4], mine[4:6]
    assert len(monday) == 2

    # Thursday morning in Shanghai: Wednesday evening's announcement, dated 19 November.
    fake_arxiv.set_listing([*thursday, *others], date(2026, 11, 19))
    config = config_file(tmp_path)
    env = run_env(tmp_path, fake_arxiv, fake_llm, telegram, PAPERBOT_NOW="2026-11-19T02:00Z",
                  PAPERBOT_BOT_DIGEST_TIME=slot_in(20))
    first = Process(["run", "--config", str(config)], env)
    try:
        first.wait_ready()
        telegram.user_sends(USER, f"/subscribe {SPEC}", user_id=USER, language_code="zh-hans")
        wait_for(lambda: len(_ids(telegram, USER)) >= 2, 40, "Thursday's digest")
        assert first.stop(signal.SIGTERM) == 0
    finally:
        first.stop(signal.SIGKILL)
    assert sorted(_ids(telegram, USER)) == sorted(p.id for p in thursday)

    # Down until Monday 10:00 Shanghai (Sunday 21:00 Eastern). Thursday evening's
    # announcement (submitted Wed 14:00 to Thu 14:00 Eastern) is only in the API now;
    # the RSS shows Monday's, with one of Thursday's papers cross-listed again.
    fake_arxiv.window_papers = [
        *(_published("2026-11-19T10:00:00-05:00", p) for p in missed),
        *(_published("2026-11-20T10:00:00-05:00", p) for p in monday),  # Sunday's window
    ]
    again = replace(thursday[0], announce_type="cross")
    fake_arxiv.set_listing([*monday, again, *others], date(2026, 11, 23))
    before = len(telegram.sent_messages(USER))
    env["PAPERBOT_NOW"] = "2026-11-23T02:00:00+00:00"
    second = Process(["run", "--config", str(config)], env)
    try:
        second.wait_ready()
        wanted = {p.id for p in [*thursday, *missed, *monday]}
        wait_for(lambda: set(_ids(telegram, USER)) >= wanted, 40, "the catch-up digests")
        time.sleep(3)
        assert sorted(_ids(telegram, USER)) == sorted(wanted), "a paper came twice or not at all"
        after = _ids(telegram, USER)[len(thursday):]
        # (within it, the topic's own papers come before its cross-lists)
        assert set(after[:2]) == {p.id for p in missed}, "the missed announcement comes first"
        windows = [r.query.get("search_query", "") for r in fake_arxiv.api_requests()]
        assert any("submittedDate:[202611181900" in q for q in windows), windows
        assert not any(QUIET in t for t in _texts(telegram, USER)[before:])
        assert second.stop(signal.SIGTERM) == 0
    finally:
        second.stop(signal.SIGKILL)
