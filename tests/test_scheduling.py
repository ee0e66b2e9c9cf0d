"""The real APScheduler firing real cron jobs seconds ahead, retries, and catch-up maths."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling import (
    FETCH_KEY,
    RetryPolicy,
    Scheduler,
    SystemClock,
    daily_trigger,
    missed_slot,
)

ET = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")
FAST = RetryPolicy(interval=timedelta(milliseconds=40), give_up_after=timedelta(milliseconds=200))


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture
async def scheduler():  # type: ignore[no-untyped-def]
    made: list[Scheduler] = []

    def make(clock: object | None = None, retry: RetryPolicy = FAST) -> Scheduler:
        s = Scheduler(clock, retry=retry)  # type: ignore[arg-type]
        made.append(s)
        return s

    yield make
    for s in made:
        s.shutdown()


def seconds_ahead(tz: ZoneInfo, seconds: float) -> str:
    return (datetime.now(tz) + timedelta(seconds=seconds)).strftime("%H:%M:%S")


async def test_daily_job_fires_at_its_local_time(scheduler) -> None:  # type: ignore[no-untyped-def]
    s = scheduler(SystemClock())
    fired: list[datetime] = []
    done = asyncio.Event()

    async def deliver() -> None:
        fired.append(datetime.now(UTC))
        done.set()

    s.add_daily("telegram:42", seconds_ahead(SHANGHAI, 2), "Asia/Shanghai", deliver)
    s.start()
    assert s.running
    await asyncio.wait_for(done.wait(), timeout=6)
    assert len(fired) == 1
    # It was not due yet at start: the next run is now tomorrow's slot.
    nxt = s.next_runs()["telegram:42"]
    assert timedelta(hours=23) < nxt - fired[0] <= timedelta(hours=24)


async def test_failing_job_does_not_stop_the_others(scheduler) -> None:  # type: ignore[no-untyped-def]
    s = scheduler(SystemClock())
    done = asyncio.Event()
    ran: list[str] = []

    async def broken() -> None:
        ran.append("broken")
        raise RuntimeError("boom")

    async def fine() -> None:
        done.set()

    s.add_daily("a", seconds_ahead(ET, 1), "America/New_York", broken)
    s.add_daily("b", seconds_ahead(ET, 2), "America/New_York", fine)
    s.start()
    await asyncio.wait_for(done.wait(), timeout=6)
    assert ran == ["broken"]
    assert s.running


def test_same_key_replaces_and_remove_forgets() -> None:
    s = Scheduler(FixedClock(datetime(2026, 11, 22, 0, 0, tzinfo=UTC)))

    async def noop() -> None:
        return None

    s.add_daily("discord:7", "09:00", "Asia/Shanghai", noop)
    s.add_daily("discord:7", "18:30", "Asia/Shanghai", noop)
    assert s.keys() == ["discord:7"]
    now = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    assert s.next_runs(now)["discord:7"] == datetime(2026, 11, 22, 18, 30, tzinfo=SHANGHAI)
    assert s.remove("discord:7") is True
    assert s.remove("discord:7") is False
    assert s.next_runs(now) == {}


def test_daily_slot_follows_dst_in_its_zone() -> None:
    trigger = daily_trigger("09:00", "America/New_York")
    before = trigger.get_next_fire_time(None, datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    after = trigger.get_next_fire_time(None, datetime(2026, 3, 8, 15, 0, tzinfo=UTC))
    assert before.astimezone(UTC).hour == 14  # EST
    assert after.astimezone(UTC).hour == 13  # EDT


@pytest.mark.parametrize("bad", ["9am", "25:00", "", "08:30:00:00"])
def test_bad_daily_times_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        daily_trigger(bad, "UTC")


def test_missed_slot() -> None:
    tz = "Asia/Shanghai"
    now = datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)
    today = datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI)
    # Down since before today's 09:00: deliver today's slot once.
    assert missed_slot("09:00", tz, today - timedelta(days=1), now) == today
    # Down three days: the missed days coalesce into the latest slot.
    assert missed_slot("09:00", tz, today - timedelta(days=3), now) == today
    # Already delivered today, or today's slot not reached yet: nothing to catch up.
    assert missed_slot("09:00", tz, today + timedelta(minutes=1), now) is None
    assert missed_slot("11:00", tz, now - timedelta(hours=20), now) is None
    # Never delivered: wait for the next slot rather than surprise at start.
    assert missed_slot("09:00", tz, None, now) is None


def test_missed_through_the_scheduler_uses_its_clock() -> None:
    now = datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)
    s = Scheduler(FixedClock(now))

    async def noop() -> None:
        return None

    s.add_daily("console:me", "09:00", "Asia/Shanghai", noop)
    assert s.missed("console:me", now - timedelta(days=1)) == now.replace(hour=9)


def test_announcement_fetch_runs_sunday_to_thursday_after_20_eastern() -> None:
    s = Scheduler(retry=RetryPolicy(delay_after_announcement=timedelta(minutes=5)))

    async def fetch() -> bool:
        return True

    s.add_announcement_fetch(fetch)
    s.add_announcement_fetch(fetch)  # rebuilding jobs at start must not double them
    assert s.keys() == [FETCH_KEY]
    friday = datetime(2026, 11, 20, 12, 0, tzinfo=ET)
    assert s.next_runs(friday)[FETCH_KEY] == datetime(2026, 11, 22, 20, 5, tzinfo=ET)
    wednesday_late = datetime(2026, 11, 25, 21, 0, tzinfo=ET)
    assert s.next_runs(wednesday_late)[FETCH_KEY] == datetime(2026, 11, 26, 20, 5, tzinfo=ET)


class Listing:
    """Answers "not yet" a given number of times, then the announcement."""

    def __init__(self, empty_times: int, error: bool = False) -> None:
        self.empty_times = empty_times
        self.error = error
        self.calls = 0
        self.done = asyncio.Event()

    async def fetch(self) -> bool:
        self.calls += 1
        if self.calls > self.empty_times:
            self.done.set()
            return True
        if self.error:
            raise ConnectionError("arXiv hiccup")
        return False


@pytest.mark.parametrize("error", [False, True])
async def test_not_yet_is_retried_until_the_listing_appears(scheduler, error: bool) -> None:  # type: ignore[no-untyped-def]
    tuesday_evening = datetime(2026, 11, 24, 20, 5, tzinfo=ET)
    s = scheduler(FixedClock(tuesday_evening))
    listing = Listing(empty_times=2, error=error)
    s.add_announcement_fetch(listing.fetch)
    s.fetch_now()
    s.start()
    await asyncio.wait_for(listing.done.wait(), timeout=3)
    await asyncio.sleep(0.2)
    assert listing.calls == 3  # two "not yet", then the listing; no more after it


async def test_retries_give_up(scheduler) -> None:  # type: ignore[no-untyped-def]
    s = scheduler(FixedClock(datetime(2026, 11, 24, 20, 5, tzinfo=ET)))
    listing = Listing(empty_times=1000)
    s.add_announcement_fetch(listing.fetch)
    s.fetch_now()
    s.start()
    await asyncio.sleep(0.8)
    assert listing.calls == 1 + FAST.max_retries == 6


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 11, 26, 20, 6, tzinfo=ET),  # Thanksgiving: not expected
        datetime(2026, 11, 21, 11, 0, tzinfo=ET),  # Saturday start-up catch-up
    ],
)
async def test_no_retries_when_no_announcement_is_expected(scheduler, at: datetime) -> None:  # type: ignore[no-untyped-def]
    s = scheduler(FixedClock(at))
    listing = Listing(empty_times=1000)
    s.add_announcement_fetch(listing.fetch)
    s.fetch_now()
    s.start()
    await asyncio.sleep(0.4)
    assert listing.calls == 1
