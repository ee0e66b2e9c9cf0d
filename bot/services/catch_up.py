"""How far back the daily cycle reaches after downtime, counted in arXiv announcements.

The RSS listing only ever shows the latest announcement; earlier ones missed while paperbot
was down are fetched through the API by submission window, up to CATCH_UP_DAYS of them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot import calendar

CATCH_UP_DAYS = 3


def catch_up_floor(now: datetime) -> datetime:
    """Just before the CATCH_UP_DAYS-th announcement ahead of the latest one.

    Counted in announcements, not days: a Monday morning in Asia is 3 days and an hour after
    Thursday evening's announcement, so a 3-day floor always lost it over a weekend.
    """
    moment = calendar.last_announcement(now) or now
    for _ in range(CATCH_UP_DAYS):
        moment = calendar.last_announcement(moment - timedelta(microseconds=1)) or moment
    return moment - timedelta(microseconds=1)


def missed_announcements(last_served: date, now: datetime) -> list[datetime]:
    """Announcement moments after the one dated `last_served` and before the latest (which
    the RSS listing shows), no further back than the floor."""
    since = max(calendar.announcement_for(last_served), catch_up_floor(now))
    return calendar.announcements_between(since, now)[:-1]
