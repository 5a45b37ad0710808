"""Follow-the-sun working hours, in each region's IANA time zone.

The framework asks for "structured handoff calls at region boundaries" and "clear escalation
paths across time zones". A region's day ends at its local end time whatever the UTC offset is
that day, so every boundary is built as a local wall-clock time in the region's zone and only
then compared with the (UTC) clock: daylight-saving changes move the UTC instant, never the
local hour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .config import RegionHours


def _at(day: date, clock: time, hours: RegionHours) -> datetime:
    """`clock` local time on `day` in the region's zone, as an aware UTC datetime.

    On the night a clock is skipped (spring forward) a time inside the gap is read with the
    offset from before the gap (fold=0), which lands just after it: the boundary still happens
    that day, at most an hour late.
    """
    return datetime.combine(day, clock, tzinfo=hours.timezone).astimezone(UTC)


def local_date(now: datetime, hours: RegionHours) -> date:
    return now.astimezone(hours.timezone).date()


def in_hours(now: datetime, hours: RegionHours) -> bool:
    """Whether `now` is in the region's working hours (an end before the start spans midnight)."""
    clock = now.astimezone(hours.timezone).time().replace(tzinfo=None)
    if hours.start < hours.end:
        return hours.start <= clock < hours.end
    return clock >= hours.start or clock < hours.end


def last_end(now: datetime, hours: RegionHours) -> datetime:
    """The most recent end of the region's working day at or before `now`."""
    today = local_date(now, hours)
    for day in (today, today - timedelta(days=1), today - timedelta(days=2)):
        end = _at(day, hours.end, hours)
        if end <= now:
            return end
    raise AssertionError("a working day ends at least once in two days")  # pragma: no cover


def next_start(now: datetime, hours: RegionHours) -> datetime:
    """The next start of the region's working day after `now` (now itself when it starts now)."""
    today = local_date(now, hours)
    for day in (today, today + timedelta(days=1), today + timedelta(days=2)):
        start = _at(day, hours.start, hours)
        if start >= now:
            return start
    raise AssertionError("a working day starts at least once in two days")  # pragma: no cover


def next_region(now: datetime, regions: Any, leaving: str) -> tuple[str | None, datetime | None]:
    """Whom to hand off to: a region at work now (the one with the most of its day left), else
    the region that starts soonest. Returns the region and when it is (or was) at work from."""
    at_work = [
        (name, hours) for name, hours in regions.items() if name != leaving and in_hours(now, hours)
    ]
    if at_work:
        name, _ = max(at_work, key=lambda item: _next_end(now, item[1]))
        return name, now
    upcoming = [
        (next_start(now, hours), name) for name, hours in regions.items() if name != leaving
    ]
    if not upcoming:
        return None, None
    start, name = min(upcoming)
    return name, start


def _next_end(now: datetime, hours: RegionHours) -> datetime:
    today = local_date(now, hours)
    for day in (today, today + timedelta(days=1)):
        end = _at(day, hours.end, hours)
        if end > now:
            return end
    return _at(today + timedelta(days=2), hours.end, hours)  # pragma: no cover


__all__ = ["in_hours", "last_end", "local_date", "next_region", "next_start"]
