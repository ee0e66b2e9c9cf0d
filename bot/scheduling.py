"""When things run: one daily cron job per destination slot, and the arXiv listing fetch.

APScheduler 3.11's `AsyncIOScheduler` with an in-memory job store only: the database is the
truth, and the composition root rebuilds every job from it at start. A slot missed while the
process was down is caught up at start (`missed_slot`), because `misfire_grace_time` only
covers a loop that was busy, not a process that was gone.

Testing "fires within seconds" stays honest: `add_daily` accepts `HH:MM:SS` as well as
`HH:MM`, so a test schedules the real cron path two seconds ahead instead of faking time.
APScheduler sleeps on the real clock, so firing and retry times are real time; the injected
clock decides what the calendar expects (is a listing due?) and feeds `missed`/`next_runs`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot import calendar
from bot.ports import Clock

log = logging.getLogger(__name__)

FETCH_KEY = "arxiv-announcement"
_RETRY_KEY = "arxiv-announcement-retry"


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock:
    """Real time shifted so that it started at `start`: replays a past day, and lets an
    end-to-end test run the real process on a chosen Monday (`PAPERBOT_NOW`)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for a listing that is "not yet" there (arXiv's feed and API lag)."""

    delay_after_announcement: timedelta = timedelta(minutes=5)
    interval: timedelta = timedelta(minutes=10)
    give_up_after: timedelta = timedelta(hours=6)

    @property
    def max_retries(self) -> int:
        return int(self.give_up_after / self.interval)


def daily_trigger(time_hhmm: str, tz: str) -> CronTrigger:
    """A cron trigger at local `HH:MM` (or `HH:MM:SS`) every day in `tz`, DST-aware."""
    parts = time_hhmm.split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"daily time must be HH:MM or HH:MM:SS, got {time_hhmm!r}")
    hour, minute = int(parts[0]), int(parts[1])
    second = int(parts[2]) if len(parts) == 3 else 0
    return CronTrigger(hour=hour, minute=minute, second=second, timezone=ZoneInfo(tz))


def last_slot(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The most recent fire time ≤ now within the past two days (a daily slot always is)."""
    latest = None
    moment = trigger.get_next_fire_time(None, now - timedelta(days=2))
    while moment is not None and moment <= now:
        latest = moment
        moment = trigger.get_next_fire_time(moment, moment)
    return latest


def missed_slot(
    time_hhmm: str, tz: str, last_run: datetime | None, now: datetime
) -> datetime | None:
    """The latest daily slot in (last_run, now], to deliver once at start; None if none.

    A destination that never ran (`last_run` None) gets its first digest at its next slot,
    not a surprise one at start. Several missed days coalesce into the latest.
    """
    if last_run is None:
        return None
    slot = last_slot(daily_trigger(time_hhmm, tz), now)
    return slot if slot is not None and slot > last_run else None


class Scheduler:
    """Cron jobs keyed by destination slot, plus the announcement fetch with retries."""

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        misfire_grace_seconds: int = 3600,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.retry = retry or RetryPolicy()
        self._aps = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": misfire_grace_seconds,
            },
        )
        self._slots: dict[str, tuple[str, str]] = {}
        self._fetch: Callable[[], Awaitable[bool]] | None = None

    # --- daily digests -------------------------------------------------------------

    def add_daily(
        self, key: str, time_hhmm: str, tz: str, callback: Callable[[], Awaitable[None]]
    ) -> None:
        """Run `callback` daily at local time in `tz`; replaces a job with the same key."""
        trigger = daily_trigger(time_hhmm, tz)
        self._drop(key)
        self._aps.add_job(
            self._run_daily, trigger, args=(key, callback), id=key, name=key,
            replace_existing=True,
        )
        self._slots[key] = (time_hhmm, tz)
        log.info("scheduled %s daily at %s %s", key, time_hhmm, tz)

    def remove(self, key: str) -> bool:
        """Forget a job; returns whether it existed."""
        self._slots.pop(key, None)
        if self._aps.get_job(key) is None:
            return False
        self._aps.remove_job(key)
        return True

    def _drop(self, job_id: str) -> None:
        """Replace by remove-then-add: before start APScheduler would keep both copies."""
        if self._aps.get_job(job_id) is not None:
            self._aps.remove_job(job_id)

    def keys(self) -> list[str]:
        return sorted(job.id for job in self._aps.get_jobs())

    def missed(self, key: str, last_run: datetime | None) -> datetime | None:
        """`missed_slot` for a scheduled daily key (KeyError if unknown), at the clock's now."""
        time_hhmm, tz = self._slots[key]
        return missed_slot(time_hhmm, tz, last_run, self.clock.now())

    async def _run_daily(self, key: str, callback: Callable[[], Awaitable[None]]) -> None:
        try:
            await callback()
        except Exception:  # one destination's failure must not stop the scheduler
            log.exception("daily job %s failed", key)

    # --- arXiv announcement fetch -------------------------------------------------

    def add_announcement_fetch(self, callback: Callable[[], Awaitable[bool]]) -> None:
        """Fetch shortly after each 20:00 ET announcement, Sunday to Thursday.

        `callback` returns True when the listing showed the announcement, False for "not
        yet": then it is retried every `retry.interval` until `retry.give_up_after`. On a
        known arXiv holiday one attempt is made (a listing there is accepted) without retries.
        """
        delay = self.retry.delay_after_announcement
        at = datetime(2000, 1, 1, 20, 0) + delay
        trigger = CronTrigger(
            day_of_week="sun,mon,tue,wed,thu", hour=at.hour, minute=at.minute, second=at.second,
            timezone=calendar.EASTERN,
        )
        self._fetch = callback
        self._drop(FETCH_KEY)
        self._aps.add_job(
            self._fetch_started, trigger, id=FETCH_KEY, name=FETCH_KEY, replace_existing=True
        )

    def fetch_now(self) -> None:
        """Start a fetch (with retries) as soon as the scheduler runs: catch-up at start."""
        self._drop(_RETRY_KEY)
        self._aps.add_job(
            self._fetch_started, DateTrigger(run_date=datetime.now(UTC)), id=_RETRY_KEY,
            name=_RETRY_KEY, replace_existing=True,
        )

    async def _fetch_started(self) -> None:
        """Retry only while an expected announcement is recent enough to be worth waiting for."""
        now = self.clock.now()
        moment = calendar.last_announcement(now)
        budget = self.retry.delay_after_announcement + self.retry.give_up_after
        expected = moment is not None and now - moment < budget
        await self._attempt(retries_left=self.retry.max_retries if expected else 0)

    async def _attempt(self, *, retries_left: int) -> None:
        if self._fetch is None:
            return
        try:
            done = await self._fetch()
        except Exception:  # treated as "not yet": the next attempt may succeed
            log.exception("arXiv announcement fetch failed")
            done = False
        if done:
            log.info("arXiv announcement fetched")
        elif retries_left <= 0:
            log.warning("no arXiv listing yet; not retrying until the next announcement")
        else:
            # APScheduler sleeps on real time, so the retry is timed on it too.
            retry_at = datetime.now(UTC) + self.retry.interval
            log.info("arXiv listing not there yet; retrying at %s", retry_at.isoformat())
            self._aps.add_job(
                self._attempt, DateTrigger(run_date=retry_at), id=_RETRY_KEY, name=_RETRY_KEY,
                kwargs={"retries_left": retries_left - 1}, replace_existing=True,
            )

    # --- lifecycle and introspection -----------------------------------------------

    def next_runs(self, now: datetime | None = None) -> dict[str, datetime]:
        """Each job's next fire time, for logs and tests (computed from `now` if given)."""
        runs: dict[str, datetime] = {}
        for job in self._aps.get_jobs():
            when = (
                job.trigger.get_next_fire_time(None, now)
                if now is not None
                else getattr(job, "next_run_time", None)
                or job.trigger.get_next_fire_time(None, self.clock.now())
            )
            if when is not None:
                runs[job.id] = when
        return runs

    @property
    def running(self) -> bool:
        return bool(self._aps.running)

    def start(self) -> None:
        """Start on the running event loop (call from async code)."""
        self._aps.start()
        for key, when in sorted(self.next_runs().items()):
            log.info("next run of %s at %s", key, when.isoformat())

    def shutdown(self) -> None:
        if self._aps.running:
            self._aps.shutdown(wait=False)
