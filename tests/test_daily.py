"""The daily cycle on a fixed clock: the real SQLite store in memory, arXiv and the LLM faked
at their ports, digests read back from the outbox rows they became."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from bot.config import ChannelConfig, Config
from bot.models import ChatRef, ChatSettings, Subscription, Topic
from bot.ports import Listing
from bot.services.cards import CardService
from bot.services.daily import DailyCycle
from bot.services.digests import DigestService, assign
from storage.store import SqliteStore
from tests.fakes.ports import AnnouncingSource, FixedClock, ListingRenderer, ScriptedLLM, paper

LANGUAGE = Topic("Language", ("cs.CL",))
AGENTS = Topic("Agents", ("cs.AI",))
VISION = Topic("Vision", ("cs.CV",))
ALICE = ChatRef("telegram", "1001")
BOB = ChatRef("telegram", "1002")
CAROL = ChatRef("telegram", "1003")
CHANNEL = ChatRef("telegram", "-100777", is_private=False)
# Monday 23 November 2026, 20:00 US Eastern is 01:00 UTC on the 24th, 09:00 in Shanghai;
# its listing is dated the 24th. The [bot] default slot is 10:00 Shanghai (02:00 UTC).
TUESDAY_SLOT = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


class World:
    """One paperbot's daily cycle; `restart()` builds a new one on the same database."""

    def __init__(self, now: datetime, config: Config | None = None) -> None:
        self.clock = FixedClock(now)
        self.config = config or Config()
        self.store = SqliteStore.open(":memory:", now=self.clock.now)
        self.source = AnnouncingSource()
        self.llm = ScriptedLLM()
        self.restart()

    def restart(self) -> None:
        digests = DigestService(
            self.store, self.source, CardService(self.store, self.llm), self.clock
        )
        self.cycle = DailyCycle(
            self.config, self.store, self.store, self.store, self.source, digests,
            {"telegram": ListingRenderer()}, self.clock,
        )

    def announce(self, day: date, *papers: object) -> None:
        self.source.announced = day
        self.source.listed = list(papers)  # type: ignore[arg-type]

    def subscribe(self, chat: ChatRef, *topics: Topic) -> None:
        for topic in topics:
            self.store.add_subscription(Subscription(chat, topic))

    def outbox(self, chat: ChatRef) -> list[dict]:
        found = self.store.db.execute(
            "SELECT payload FROM outbox WHERE chat_key = ? ORDER BY id", [chat.key]
        ).fetchall()
        return [json.loads(row[0]) for row in found]

    def ids(self, chat: ChatRef) -> list[str]:
        return [i for payload in self.outbox(chat) for i in payload["ids"]]

    def send_all(self) -> None:
        """What the dispatcher does: every row sent, its papers recorded as delivered."""
        while claimed := self.store.claim_due(self.clock.now(), 60, 100):
            for row in claimed:
                self.store.mark_sent(row.row_id, "m", self.clock.now())

    async def serve_all(self) -> int:
        return sum([await self.cycle.serve(d.chat.key) for d in self.cycle.destinations()])


@pytest.fixture
def world() -> Iterator[World]:
    w = World(TUESDAY_SLOT)
    yield w
    w.store.close()


def cl(pid: str, **kw: object) -> object:
    return paper(pid, categories=("cs.CL",), primary_category="cs.CL", **kw)


def ai(pid: str, **kw: object) -> object:
    return paper(pid, categories=("cs.AI",), primary_category="cs.AI", **kw)


def cv(pid: str, *cross: str) -> object:
    return paper(pid, categories=("cs.CV", *cross), primary_category="cs.CV")


async def test_two_topics_sharing_a_paper_show_it_once(world: World) -> None:
    both = paper("2611.00001", categories=("cs.CL", "cs.AI"), primary_category="cs.CL")
    world.announce(date(2026, 11, 24), both, ai("2611.00002"), cl("2611.00003"))
    world.subscribe(ALICE, LANGUAGE, AGENTS)
    await world.cycle.fetch()
    assert await world.cycle.serve(ALICE.key) == 2
    by_topic = {p["topic"]: p["ids"] for p in world.outbox(ALICE)}
    assert by_topic == {"Language": ["2611.00001", "2611.00003"], "Agents": ["2611.00002"]}
    assert await world.cycle.serve(ALICE.key) == 0  # a second slot adds nothing


def test_assign_gives_each_paper_to_its_first_topic_only() -> None:
    """What `paperbot digest` and the daily cycle both build from."""
    both = paper("2611.00001", categories=("cs.CL", "cs.AI"))
    got = assign([LANGUAGE, AGENTS], [both, ai("2611.00002")])  # type: ignore[list-item]
    assert [[p.id for p in kept] for _, kept, _ in got] == [["2611.00001"], ["2611.00002"]]


async def test_cross_lists_are_relative_to_the_topic_not_the_shared_feed() -> None:
    """[cs.CL, cs.AI, cs.LG] without cross-lists plus [cs.CV] share one RSS request, where a
    cs.CV paper cross-listed to cs.CL is "new"."""
    text = Topic("Text", ("cs.CL", "cs.AI", "cs.LG"), include_cross_lists=False)
    world = World(TUESDAY_SLOT)
    world.announce(date(2026, 11, 24), cl("2611.00001"), cv("2611.00002", "cs.CL"))
    world.subscribe(ALICE, text, VISION)
    await world.cycle.fetch()
    assert world.source.requests == [("cs.CL", "cs.AI", "cs.LG", "cs.CV")]
    await world.cycle.serve(ALICE.key)
    by_topic = {p["topic"]: p["ids"] for p in world.outbox(ALICE)}
    assert by_topic == {"Text": ["2611.00001"], "Vision": ["2611.00002"]}
    [listed] = [p for p in (await world.source.listing(["cs.CL", "cs.CV"])).papers
                if p.id == "2611.00002"]
    assert listed.announce_type == "new" and not text.matches(listed)


@pytest.mark.parametrize(
    "now",
    [
        pytest.param(datetime(2026, 11, 21, 2, 0, tzinfo=UTC), id="after-friday"),
        pytest.param(datetime(2026, 11, 22, 2, 0, tzinfo=UTC), id="after-saturday"),
    ],
)
async def test_quiet_day_brings_one_notice_to_private_chats_only(now: datetime) -> None:
    channel = ChannelConfig(platform="telegram", chat=CHANNEL.chat_id, topics=("Language",))
    world = World(datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
                  Config(topics=(LANGUAGE,), channels=(channel,)))
    world.subscribe(ALICE, LANGUAGE)
    world.announce(date(2026, 11, 20), cl("2611.00001"))  # Thursday evening's, on Friday
    await world.cycle.fetch()
    await world.serve_all()
    assert world.ids(ALICE) == world.ids(CHANNEL) == ["2611.00001"]

    world.clock.at = now
    world.announce(None)  # arXiv's RSS is empty when nothing was announced  # type: ignore[arg-type]
    assert await world.cycle.fetch() is False
    assert world.cycle.quiet_day()
    await world.serve_all()
    await world.serve_all()  # a second slot the same day adds nothing
    assert [p["quiet"] for p in world.outbox(ALICE)] == [None, "quiet_day"]
    assert [p["quiet"] for p in world.outbox(CHANNEL)] == [None]
    assert world.ids(ALICE) == ["2611.00001"]


async def test_an_arxiv_holiday_is_a_quiet_day() -> None:
    # Thanksgiving (Thursday 26 November 2026): no announcement at 20:00 Eastern.
    world = World(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    world.subscribe(ALICE, LANGUAGE)
    assert not world.cycle.quiet_day()  # Wednesday evening's announcement is an hour old
    world.clock.at = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Thursday 21:00 Eastern
    assert world.cycle.quiet_day()
    assert await world.cycle.serve(ALICE.key) == 1
    assert [p["quiet"] for p in world.outbox(ALICE)] == ["quiet_day"]


async def test_restart_after_a_served_slot_does_not_serve_it_again(world: World) -> None:
    world.subscribe(ALICE, LANGUAGE)
    world.announce(date(2026, 11, 24), cl("2611.00001"))
    assert world.cycle.missed_slots() == []  # never served: its first digest is at its slot
    await world.cycle.fetch()
    await world.cycle.serve(ALICE.key)
    world.clock.at = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    world.restart()
    assert world.cycle.missed_slots() == []
    await world.cycle.fetch()
    assert await world.serve_all() == 0
    assert world.ids(ALICE) == ["2611.00001"]


async def test_restart_after_a_missed_slot_serves_it_at_once(world: World) -> None:
    world.subscribe(ALICE, LANGUAGE)
    world.clock.at = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday's slot
    world.announce(date(2026, 11, 23), cl("2611.00001"))
    await world.cycle.fetch()
    await world.cycle.serve(ALICE.key)
    # Down from Monday noon until Tuesday 13:00 in Shanghai: Tuesday's 10:00 slot was missed.
    world.clock.at = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    world.announce(date(2026, 11, 24), cl("2611.00002"))
    world.restart()
    await world.cycle.fetch()
    assert [d.chat for d in world.cycle.missed_slots()] == [ALICE]
    assert await world.cycle.serve(ALICE.key) == 1
    assert world.ids(ALICE) == ["2611.00001", "2611.00002"]
    assert world.cycle.missed_slots() == []


async def test_new_subscription_between_fetch_and_slot(world: World) -> None:
    """The stored listing still serves the old categories; only the new one is fetched."""
    world.announce(date(2026, 11, 24), cl("2611.00001"), cv("2611.00002"))
    world.subscribe(ALICE, LANGUAGE)
    world.clock.at = datetime(2026, 11, 24, 1, 10, tzinfo=UTC)
    await world.cycle.fetch()
    world.subscribe(BOB, VISION)  # a category nobody had
    world.subscribe(CAROL, Topic("cs.CL", ("cs.CL",)))  # a category already stored
    world.clock.at = TUESDAY_SLOT
    await world.serve_all()
    assert world.source.requests == [("cs.CL",), ("cs.CV",)]
    assert world.ids(ALICE) == world.ids(CAROL) == ["2611.00001"]
    assert world.ids(BOB) == ["2611.00002"]


async def test_slots_firing_together_share_one_fetch(world: World) -> None:
    world.announce(date(2026, 11, 24), cl("2611.00001"), cv("2611.00002"))
    world.subscribe(ALICE, LANGUAGE)
    world.subscribe(BOB, VISION)
    world.subscribe(CAROL, LANGUAGE, VISION)
    await asyncio.gather(*(world.cycle.serve(c.key) for c in (ALICE, BOB, CAROL)))
    assert len(world.source.requests) == 1
    assert world.ids(CAROL) == ["2611.00001", "2611.00002"]


async def test_a_missed_announcement_is_caught_up_first_and_each_paper_once() -> None:
    # Served Thursday 19 November; down until Monday 10:00 in Shanghai. Thursday evening's
    # announcement (dated the 20th) is only in the API by now; RSS has Monday's.
    world = World(datetime(2026, 11, 19, 2, 0, tzinfo=UTC))
    world.subscribe(ALICE, LANGUAGE)
    seen = cl("2611.00001")
    world.announce(date(2026, 11, 19), seen)
    await world.cycle.fetch()
    await world.cycle.serve(ALICE.key)
    world.send_all()

    world.clock.at = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    submitted = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)  # Thursday 10:00 Eastern
    world.source.submitted = [cl("2611.00002", published=submitted),
                              cl("2611.00003", published=submitted)]
    world.announce(date(2026, 11, 23), cl("2611.00004"), cl("2611.00003"), seen)
    world.restart()
    assert await world.cycle.fetch()
    assert len(world.source.windows) == 1
    stored = world.store.get_listing(["cs.CL"], date(2026, 11, 20))
    assert isinstance(stored, Listing) and len(stored.papers) == 2
    assert [d.chat for d in world.cycle.missed_slots()] == [ALICE]
    await world.cycle.serve(ALICE.key)
    assert [p["announced"] for p in world.outbox(ALICE)] == [
        "2026-11-19", "2026-11-20", "2026-11-23"]
    assert world.ids(ALICE) == ["2611.00001", "2611.00002", "2611.00003", "2611.00004"]
    await world.cycle.fetch()  # stored now: not asked again
    assert len(world.source.windows) == 1


async def test_settings_a_chat_never_changed_are_the_bot_defaults(world: World) -> None:
    world.subscribe(ALICE, LANGUAGE)
    world.subscribe(CHANNEL, LANGUAGE)
    world.store.save_settings(ChatSettings(BOB, "en", "08:30", "Europe/Paris", paused=True))
    world.subscribe(BOB, LANGUAGE)
    dests = {d.chat.key: d for d in world.cycle.destinations()}
    bot = world.config.bot
    assert (dests[ALICE.key].language, dests[ALICE.key].time, dests[ALICE.key].timezone) == (
        bot.language, bot.digest_time, bot.timezone)
    assert dests[ALICE.key].quiet_day_notice and not dests[CHANNEL.key].quiet_day_notice
    assert (dests[BOB.key].time, dests[BOB.key].paused) == ("08:30", True)
