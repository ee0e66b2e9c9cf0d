"""arXiv's announcement calendar: when a new listing is expected, and which date it carries.

arXiv announces Sunday to Thursday at 20:00 US Eastern (America/New_York, so DST-aware), never
on Friday or Saturday, and skips a few holidays a year. The holiday table below is arXiv's
published schedule as best known (info.arxiv.org/help/availability.html lists each year's
"deferred mailings"); years not yet published follow the same pattern. It is a forecast, not the
truth: the listing is. An empty listing on a calendar day is treated as "not yet" and retried; a
listing on a day this table does not expect is accepted.

Dates: a digest is labelled with the listing's *mailing date*, the US Eastern date after the
20:00 announcement. That is the date arXiv puts in the RSS `pubDate` (Wednesday 20:00 ET is
"Thu, 28 Nov 2024 00:00:00 -0500"), so the calendar and fetched listings always agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_

EASTERN = ZoneInfo("America/New_York")
ANNOUNCE_AT = time(20, 0)  # US Eastern
CUTOFF_AT = time(14, 0)  # US Eastern submission deadline, Monday to Friday
_ANNOUNCE_WEEKDAYS = frozenset({6, 0, 1, 2, 3})  # Sunday .. Thursday
_LOOKAROUND_DAYS = 60  # no arXiv closure has ever been this long

# US Eastern dates on which the 20:00 announcement does not happen, with the holiday's name
# (a msgid: notices say it in the reader's language).
# 2025 is arXiv's published list; 2024, 2026 and 2027 follow the pattern arXiv has used since
# 2023: New Year, MLK day, Juneteenth, Independence Day, Labor Day, Thanksgiving, Christmas.
# A holiday that falls on a Friday defers the Sunday announcement (as on Sun 6 July 2025).
# arXiv does not list Memorial Day or Presidents' Day, so neither is here.
HOLIDAYS: dict[date, str] = {
    date(2024, 1, 1): N_("New Year's Day"),
    date(2024, 1, 15): N_("Martin Luther King Jr. Day"),
    date(2024, 6, 19): N_("Juneteenth"),
    date(2024, 7, 4): N_("Independence Day"),
    date(2024, 9, 2): N_("Labor Day"),
    date(2024, 11, 28): N_("Thanksgiving"),
    date(2024, 12, 25): N_("Christmas"),
    date(2025, 1, 1): N_("New Year's Day"),
    date(2025, 1, 20): N_("Martin Luther King Jr. Day"),
    date(2025, 6, 19): N_("Juneteenth"),
    date(2025, 7, 6): N_("Independence Day (Friday 4 July)"),
    date(2025, 9, 1): N_("Labor Day"),
    date(2025, 11, 27): N_("Thanksgiving"),
    date(2025, 12, 25): N_("Christmas"),
    date(2026, 1, 1): N_("New Year's Day"),
    date(2026, 1, 19): N_("Martin Luther King Jr. Day"),
    date(2026, 6, 21): N_("Juneteenth (Friday 19 June)"),
    date(2026, 7, 5): N_("Independence Day (observed Friday 3 July)"),
    date(2026, 9, 7): N_("Labor Day"),
    date(2026, 11, 26): N_("Thanksgiving"),
    date(2026, 12, 27): N_("Christmas (Friday 25 December)"),
    date(2027, 1, 3): N_("New Year's Day (Friday 1 January)"),
    date(2027, 1, 18): N_("Martin Luther King Jr. Day"),
    date(2027, 6, 20): N_("Juneteenth (observed Friday 18 June)"),
    date(2027, 7, 5): N_("Independence Day (observed)"),
    date(2027, 9, 6): N_("Labor Day"),
    date(2027, 11, 25): N_("Thanksgiving"),
    date(2027, 12, 26): N_("Christmas (observed Friday 24 December)"),
}


def _eastern(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"calendar needs an aware datetime, got naive {moment.isoformat()}")
    return moment.astimezone(EASTERN)


def _moment(day: date) -> datetime:
    """20:00 US Eastern on `day`; DST changes at 02:00, so 20:00 always exists once."""
    return datetime.combine(day, ANNOUNCE_AT, tzinfo=EASTERN)


def holiday(day: date) -> str | None:
    """Why arXiv does not announce on this US Eastern date, if it is a known closure."""
    return HOLIDAYS.get(day)


def skipped_holiday(at: datetime) -> str | None:
    """The latest holiday whose 20:00 announcement was skipped since the last announcement
    before `at` (the name a quiet-day notice gives), or None for a plain weekend."""
    local = _eastern(at)
    last = last_announcement(at)
    day = local.date()
    while last is None or _moment(day) > last:
        if day in HOLIDAYS and _moment(day) <= local:
            return HOLIDAYS[day]
        day -= timedelta(days=1)
        if last is None and local.date() - day > timedelta(days=_LOOKAROUND_DAYS):
            return None
    return None


def is_announcement_day(day: date) -> bool:
    """Whether arXiv is expected to announce at 20:00 US Eastern on this (Eastern) date."""
    return day.weekday() in _ANNOUNCE_WEEKDAYS and day not in HOLIDAYS


def last_announcement(at: datetime) -> datetime | None:
    """The most recent expected announcement moment ≤ `at` (in US Eastern time)."""
    local = _eastern(at)
    day = local.date() if local.time() >= ANNOUNCE_AT else local.date() - timedelta(days=1)
    for _ in range(_LOOKAROUND_DAYS):
        if is_announcement_day(day):
            return _moment(day)
        day -= timedelta(days=1)
    return None


def next_announcement(after: datetime) -> datetime:
    """The first expected announcement moment strictly after `after` (in US Eastern time)."""
    local = _eastern(after)
    day = local.date() if local.time() < ANNOUNCE_AT else local.date() + timedelta(days=1)
    for _ in range(_LOOKAROUND_DAYS):
        if is_announcement_day(day):
            return _moment(day)
        day += timedelta(days=1)
    raise ValueError(f"no arXiv announcement expected within {_LOOKAROUND_DAYS} days of {after}")


def announcements_between(start: datetime, end: datetime) -> list[datetime]:
    """Expected announcement moments in (start, end]: what a process down then has missed."""
    moments: list[datetime] = []
    if _eastern(end) <= _eastern(start):
        return moments
    moment = next_announcement(start)
    while moment <= end:
        moments.append(moment)
        moment = next_announcement(moment)
    return moments


def announcement_date(moment: datetime) -> date:
    """The date a digest of this announcement is labelled with: the mailing (RSS pubDate) date,
    the US Eastern day after the 20:00 announcement."""
    return _eastern(moment).date() + timedelta(days=1)


def announcement_for(listing_date: date) -> datetime:
    """The 20:00 US Eastern moment whose listing carries `listing_date` (inverse of the above)."""
    return _moment(listing_date - timedelta(days=1))


def is_listing_date(listing_date: date) -> bool:
    """Whether a listing dated `listing_date` (RSS pubDate) is expected at all."""
    return is_announcement_day(listing_date - timedelta(days=1))


def _last_cutoff(at: datetime) -> datetime:
    """The latest Monday–Friday 14:00 US Eastern submission deadline ≤ `at`."""
    local = _eastern(at)
    day = local.date() if local.time() >= CUTOFF_AT else local.date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, CUTOFF_AT, tzinfo=EASTERN)


def submission_window(announcement: datetime) -> tuple[datetime, datetime]:
    """[start, end) in UTC of submissions this announcement made public, for API catch-up.

    The end is the last 14:00 ET deadline before it (Friday's for a Sunday announcement); the
    start is the previous announcement's end, so skipped holidays fold into the next window.
    arXiv's own table: Thu 14:00–Fri 14:00 → Sunday, Fri 14:00–Mon 14:00 → Monday.
    """
    end = _last_cutoff(announcement)
    previous = last_announcement(_eastern(announcement) - timedelta(microseconds=1))
    start = _last_cutoff(previous) if previous else end - timedelta(days=1)
    if start >= end:  # called with a moment between a deadline and its announcement
        start = end - timedelta(days=1)
    return start.astimezone(UTC), end.astimezone(UTC)
