"""arXiv's announcement calendar over real dates: DST, Thanksgiving, weekends, windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import calendar as cal

ET = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def et(y: int, m: int, d: int, hh: int = 20, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=ET)


def test_announcement_is_20_eastern_in_both_daylight_and_standard_time() -> None:
    summer = cal.last_announcement(datetime(2026, 7, 15, 12, 0, tzinfo=UTC))
    winter = cal.last_announcement(datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    assert summer is not None and winter is not None
    assert summer.astimezone(UTC) == datetime(2026, 7, 15, 0, 0, tzinfo=UTC)  # EDT, UTC-4
    assert winter.astimezone(UTC) == datetime(2026, 1, 15, 1, 0, tzinfo=UTC)  # EST, UTC-5


def test_dst_switch_weekends() -> None:
    # Spring forward Sun 8 Mar 2026 at 02:00: that Sunday's announcement is at 00:00 UTC.
    sunday = cal.next_announcement(datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    assert sunday == et(2026, 3, 8)
    assert sunday.astimezone(UTC) == datetime(2026, 3, 9, 0, 0, tzinfo=UTC)
    # Fall back Sun 1 Nov 2026: back to 01:00 UTC.
    autumn = cal.next_announcement(datetime(2026, 10, 31, 12, 0, tzinfo=UTC))
    assert autumn.astimezone(UTC) == datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def test_friday_and_saturday_have_no_announcement() -> None:
    assert not cal.is_announcement_day(date(2026, 11, 20))  # Friday
    assert not cal.is_announcement_day(date(2026, 11, 21))  # Saturday
    assert cal.is_announcement_day(date(2026, 11, 22))  # Sunday
    # From Friday morning the last announcement was Thursday's, the next is Sunday's.
    friday = et(2026, 11, 20, 9)
    assert cal.last_announcement(friday) == et(2026, 11, 19)
    assert cal.next_announcement(friday) == et(2026, 11, 22)


def test_sunday_evening_before_and_after_20() -> None:
    assert cal.last_announcement(et(2026, 11, 22, 19, 59)) == et(2026, 11, 19)
    assert cal.last_announcement(et(2026, 11, 22, 20, 0)) == et(2026, 11, 22)
    assert cal.next_announcement(et(2026, 11, 22, 20, 0)) == et(2026, 11, 23)  # strictly after
    # Sunday 20:00 ET is Monday 09:00 in Shanghai in winter; the listing is dated Monday.
    assert et(2026, 11, 22).astimezone(SHANGHAI).hour == 9
    assert cal.announcement_date(et(2026, 11, 22)) == date(2026, 11, 23)


def test_thanksgiving_week_2026() -> None:
    week = cal.announcements_between(et(2026, 11, 22, 0), et(2026, 11, 29, 23))
    days = [m.date() for m in week]
    # Thu 26 Nov is Thanksgiving; Fri/Sat never announce.
    assert days == [date(2026, 11, d) for d in (22, 23, 24, 25, 29)]
    assert cal.holiday(date(2026, 11, 26)) == "Thanksgiving"


def test_announcement_date_matches_real_rss_pubdate(samples) -> None:  # type: ignore[no-untyped-def]
    # The real feed fetched on Thanksgiving 2024 is dated Thu 28 Nov: Wednesday's announcement.
    text = (samples / "rss" / "aioarxiv__rss2_all_archives_2024-11-28.xml").read_text()
    assert "<pubDate>Thu, 28 Nov 2024 00:00:00 -0500</pubDate>" in text
    fetched = datetime(2024, 11, 28, 14, 47, 20, tzinfo=UTC)  # its lastBuildDate
    moment = cal.last_announcement(fetched)
    assert moment == et(2024, 11, 27)
    assert cal.announcement_date(moment) == date(2024, 11, 28)
    assert cal.announcement_for(date(2024, 11, 28)) == moment
    assert cal.is_listing_date(date(2024, 11, 28))
    assert not cal.is_listing_date(date(2024, 11, 29))  # Thanksgiving evening skipped


def test_between_is_half_open_and_empty_when_reversed() -> None:
    monday = et(2026, 11, 23)
    assert cal.announcements_between(monday, monday + timedelta(days=1)) == [et(2026, 11, 24)]
    assert cal.announcements_between(monday, monday - timedelta(days=3)) == []


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        cal.last_announcement(datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("announcement", "start", "end"),
    [
        # Tuesday: Monday 14:00 to Tuesday 14:00 ET.
        (et(2026, 11, 24), et(2026, 11, 23, 14), et(2026, 11, 24, 14)),
        # Sunday: Thursday 14:00 to Friday 14:00 (arXiv's table).
        (et(2026, 11, 22), et(2026, 11, 19, 14), et(2026, 11, 20, 14)),
        # Monday: Friday 14:00 to Monday 14:00.
        (et(2026, 11, 23), et(2026, 11, 20, 14), et(2026, 11, 23, 14)),
        # Sunday after Thanksgiving: Wednesday 14:00 to Friday 14:00 (Thursday folded in).
        (et(2026, 11, 29), et(2026, 11, 25, 14), et(2026, 11, 27, 14)),
    ],
)
def test_submission_window(announcement: datetime, start: datetime, end: datetime) -> None:
    got = cal.submission_window(announcement)
    assert got == (start.astimezone(UTC), end.astimezone(UTC))
    assert got[0].tzinfo is UTC


def test_every_holiday_is_a_day_arxiv_would_otherwise_announce() -> None:
    # A Friday or Saturday entry would be dead weight hiding a mistyped date.
    assert all(d.weekday() not in (4, 5) for d in cal.HOLIDAYS)
    assert {d.year for d in cal.HOLIDAYS} == {2024, 2025, 2026, 2027}
