"""Working hours in a person's own time zone: reminders that can wait are sent only then."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

DEFAULT_HOURS = (9, 17)  # from 9:00 until 17:00, Monday to Friday


def _hours() -> tuple[int, int]:
    start, end = getattr(settings, "RESPONSE_WORKING_HOURS", DEFAULT_HOURS)
    return int(start), int(end)


def zone_of(person) -> ZoneInfo:
    """The person's Slack time zone; the site's (UTC) when Slack has not told us yet."""
    name = getattr(person, "time_zone", "") or settings.TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def in_working_hours(moment: datetime, zone: ZoneInfo) -> bool:
    start, end = _hours()
    local = moment.astimezone(zone)
    return local.weekday() < 5 and start <= local.hour < end


def next_working_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` if it is in working hours, else when they next begin (aware, in `zone`)."""
    if in_working_hours(moment, zone):
        return moment
    start, _end = _hours()
    day: date = moment.astimezone(zone).date()
    while True:
        candidate = datetime.combine(day, time(start), tzinfo=zone)
        if candidate > moment and candidate.weekday() < 5:
            return candidate
        day += timedelta(days=1)
