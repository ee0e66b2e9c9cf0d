"""Times of day and time zones as people type them, with one set of rules for chat
commands and the config file alike: `8:30`, `08:30:15`, `Asia/Shanghai`, `Shanghai`, `UTC+8`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache
from zoneinfo import available_timezones

from bot.errors import UserError
from bot.i18n import N_


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")  # seconds: tests aim at one
_TIME_HINT = N_("Use 24-hour HH:MM, e.g. 08:30 or 21:00.")


def parse_time(text: str) -> str:
    """`8:30` → `08:30`; rejects `25:00` and `9am` with a hint."""
    raw = text.strip().replace("：", ":")
    match = _TIME.match(raw)
    if not match:
        raise UserError("'{value}' is not a time.", _TIME_HINT, value=raw[:20])
    hour, minute, second = int(match.group(1)), int(match.group(2)), match.group(3)
    if hour > 23 or minute > 59 or (second is not None and int(second) > 59):
        raise UserError("'{value}' is not a time of day.", _TIME_HINT, value=raw)
    return f"{hour:02d}:{minute:02d}" + (f":{second}" if second is not None else "")


# Abbreviations people type; the ambiguous ones (CST, IST) get an error that says why.
_ALIASES = {
    "utc": "UTC", "gmt": "UTC", "z": "UTC", "zulu": "UTC",
    "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "ct": "America/Chicago", "cdt": "America/Chicago",
    "mt": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver",
    "pt": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "bst": "Europe/London", "cet": "Europe/Berlin", "cest": "Europe/Berlin",
    "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "hkt": "Asia/Hong_Kong", "sgt": "Asia/Singapore",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
    "beijing": "Asia/Shanghai", "peking": "Asia/Shanghai", "北京": "Asia/Shanghai",
    "china": "Asia/Shanghai", "上海": "Asia/Shanghai", "东京": "Asia/Tokyo",
}
_AMBIGUOUS = {
    "cst": "China (Asia/Shanghai) or US Central (America/Chicago)",
    "ist": "India (Asia/Kolkata), Israel (Asia/Jerusalem) or Ireland (Europe/Dublin)",
}
_OFFSET = re.compile(r"^(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$")
_ZONE_HINT = N_("Time zones look like Asia/Shanghai, Europe/Berlin or UTC.")


@cache
def _zones() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Zone names by casefold, and by casefold city (last component, spaces as '_')."""
    names = {z for z in available_timezones() if not z.startswith(("posix/", "right/"))}
    by_fold = {z.casefold(): z for z in names}
    by_city: dict[str, list[str]] = {}
    for zone in sorted(names):
        if "/" in zone:
            by_city.setdefault(zone.rsplit("/", 1)[1].casefold(), []).append(zone)
    return by_fold, by_city


def parse_timezone(text: str) -> str:
    """An IANA zone name (any case), a city (`Shanghai`), an alias (`EST`) or `UTC+8`."""
    raw = text.strip()
    if not raw:
        raise UserError("Which time zone?", _ZONE_HINT)
    folded = raw.casefold()
    if folded in _AMBIGUOUS:
        raise UserError(
            "{value} is ambiguous: {meanings}.", "Send the zone name.",
            value=raw, meanings=_AMBIGUOUS[folded],
        )
    if folded in _ALIASES:
        return _ALIASES[folded]
    by_fold, by_city = _zones()
    if folded in by_fold:
        return by_fold[folded]
    offset = _OFFSET.match(folded)
    if offset:
        return _offset_zone(raw, *offset.groups())
    city = folded.rsplit("/", 1)[-1].replace(" ", "_")
    if city in _ALIASES:
        return _ALIASES[city]
    if len(by_city.get(city, [])) == 1:
        return by_city[city][0]
    candidates = list(by_fold) + list(by_city)
    close = difflib.get_close_matches(folded.replace(" ", "_"), candidates, n=6, cutoff=0.6)
    zones = _unique(z for c in close for z in ([by_fold[c]] if c in by_fold else by_city[c]))
    hint = (
        N_("Did you mean {options}? Time zones look like Asia/Shanghai, Europe/Berlin or UTC.")
        if zones
        else _ZONE_HINT
    )
    raise UserError(
        "Unknown time zone '{value}'.", hint, value=raw[:40], options=", ".join(zones[:3])
    )


def _offset_zone(raw: str, sign: str, hours: str, minutes: str | None) -> str:
    """`UTC+8` → `Etc/GMT-8` (POSIX names invert the sign); whole hours only."""
    if minutes and minutes != "00":
        raise UserError(
            "{value} has no fixed-offset zone.", "Send a city zone, e.g. Asia/Kolkata.", value=raw
        )
    hour = int(hours)
    if hour == 0:
        return "UTC"
    if (sign == "+" and hour > 14) or (sign == "-" and hour > 12):
        raise UserError("{value} is not a real UTC offset.", _ZONE_HINT, value=raw)
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hour}"
