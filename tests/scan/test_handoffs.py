"""Handoff reminders across daylight-saving changes, and unacknowledged handoffs escalated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from automation import workhours
from automation.rules import handoff_reminders
from tests.scan.support import MINUTE, T0, actions, bot_note, notes_of, running

HOUR = timedelta(hours=1)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# The region's day ends at 17:00 local, whatever the UTC offset is that day.
# America/Los_Angeles: PDT from 2026-03-08 to 2026-11-01. Europe/Dublin: IST from 2026-03-29
# to 2026-10-25.
DAYS = [
    ("AMER", "2026-03-06", "2026-03-07 01:00"),  # PST, before spring forward
    ("AMER", "2026-03-08", "2026-03-09 00:00"),  # the switch day itself
    ("AMER", "2026-03-09", "2026-03-10 00:00"),  # PDT
    ("AMER", "2026-10-30", "2026-10-31 00:00"),  # PDT, before fall back
    ("AMER", "2026-11-01", "2026-11-02 01:00"),  # the switch day
    ("AMER", "2026-11-02", "2026-11-03 01:00"),  # PST
    ("EMEA", "2026-03-27", "2026-03-27 17:00"),  # GMT
    ("EMEA", "2026-03-29", "2026-03-29 16:00"),  # the switch day
    ("EMEA", "2026-03-30", "2026-03-30 16:00"),  # IST
    ("EMEA", "2026-10-23", "2026-10-23 16:00"),  # IST
    ("EMEA", "2026-10-25", "2026-10-25 17:00"),  # the switch day
    ("EMEA", "2026-10-26", "2026-10-26 17:00"),  # GMT
]


@pytest.mark.parametrize(("region", "day", "end"), DAYS, ids=[f"{d[0]}-{d[1]}" for d in DAYS])
def test_the_region_day_ends_at_its_local_time(config, region, day, end) -> None:
    ends = utc(end)
    snap = running(region=region, filed_at=ends - 8 * HOUR)
    assert actions(handoff_reminders.rule, snap, config, ends - MINUTE) == []
    expected = [f"PostNote handoff-reminder:{region}-{day}"]
    assert actions(handoff_reminders.rule, snap, config, ends) == expected
    assert actions(handoff_reminders.rule, snap, config, ends + 5 * HOUR) == expected


def test_one_reminder_per_region_day(config) -> None:
    snap = running(region="EMEA", filed_at=utc("2026-12-02 09:00"))
    first = actions(handoff_reminders.rule, snap, config, utc("2026-12-02 17:30"))
    night = actions(handoff_reminders.rule, snap, config, utc("2026-12-03 06:00"))
    day = actions(handoff_reminders.rule, snap, config, utc("2026-12-03 12:00"))
    next_day = actions(handoff_reminders.rule, snap, config, utc("2026-12-03 17:00"))
    assert first == night == ["PostNote handoff-reminder:EMEA-2026-12-02"]
    assert day == []
    assert next_day == ["PostNote handoff-reminder:EMEA-2026-12-03"]


def test_the_reminder_names_the_region_at_work(config) -> None:
    snap = running(region="EMEA", filed_at=utc("2026-12-02 09:00"))
    (note,) = notes_of(handoff_reminders.rule, snap, config, utc("2026-12-02 17:05"))
    assert "@alice" in note.body and "EMEA" in note.body
    assert "`region::AMER`" in note.body  # 09:05 in Los Angeles
    snap = running(region="AMER", filed_at=utc("2026-03-06 18:00"))
    (note,) = notes_of(handoff_reminders.rule, snap, config, utc("2026-03-07 01:00"))
    assert "`region::APAC`" in note.body  # 12:00 in Sydney


def test_no_reminder_for_a_day_that_ended_before_the_region_took_the_incident(config) -> None:
    filed_at_night = running(region="EMEA", filed_at=utc("2026-12-02 20:00"))
    assert actions(handoff_reminders.rule, filed_at_night, config, utc("2026-12-02 21:00")) == []
    handed_late = running(
        region="EMEA",
        filed_at=utc("2026-12-02 09:00"),
        notes=(bot_note("handoff", 1, at=utc("2026-12-02 18:00"), to="EMEA", **{"from": "AMER"}),),
    )
    assert actions(handoff_reminders.rule, handed_late, config, utc("2026-12-02 19:00")) == []


def test_no_reminder_once_handed_off_or_resolved_or_paused(config) -> None:
    at = utc("2026-12-02 17:30")
    handed = running(region="AMER", filed_at=utc("2026-12-02 09:00"))  # AMER works at 09:30 PST
    assert actions(handoff_reminders.rule, handed, config, at) == []
    resolved = running(region="EMEA", state="resolved", filed_at=utc("2026-12-02 09:00"))
    assert actions(handoff_reminders.rule, resolved, config, at) == []
    paused = running(region="EMEA", labels=("reminders::paused",), filed_at=utc("2026-12-02 09:00"))
    assert actions(handoff_reminders.rule, paused, config, at) == []


def handoff_note(at: datetime, number: int = 1):
    return bot_note("handoff", number, at=at, to="APAC", **{"from": "EMEA"})


def test_an_unacknowledged_handoff_is_escalated_to_the_smoc_once(config) -> None:
    handed = T0 + 10 * MINUTE  # 14:15 UTC: EMEA's day is not over, only the handoff is chased
    snap = running(region="APAC", labels=("handoff::pending",), notes=(handoff_note(handed),))
    # APAC was handed the incident at 01:15 Sydney time: no APAC day ended on its watch.
    assert actions(handoff_reminders.rule, snap, config, handed + 29 * MINUTE) == []
    assert actions(handoff_reminders.rule, snap, config, handed + 30 * MINUTE) == [
        "PostNote handoff-escalation:1"
    ]
    (note,) = notes_of(handoff_reminders.rule, snap, config, handed + 45 * MINUTE)
    assert "@bob" in note.body and "APAC" in note.body and "45 minutes" in note.body


def test_an_acknowledged_handoff_is_not_escalated(config) -> None:
    handed = T0 + 10 * MINUTE
    snap = running(region="APAC", notes=(handoff_note(handed),))
    assert actions(handoff_reminders.rule, snap, config, handed + 2 * HOUR) == []


def test_each_handoff_is_escalated_under_its_own_number(config) -> None:
    first, second = T0, T0 + 3 * HOUR
    snap = running(
        region="APAC",
        labels=("handoff::pending",),
        notes=(
            handoff_note(first, 1),
            bot_note("handoff-escalation", 1, at=first + 30 * MINUTE),
            handoff_note(second, 2),
        ),
    )
    assert actions(handoff_reminders.rule, snap, config, second + 31 * MINUTE) == [
        "PostNote handoff-escalation:2"
    ]


def test_working_hours_that_span_midnight(config) -> None:
    from automation.config import RegionHours

    night = RegionHours(config.regions["EMEA"].timezone, *map(_time, ("22:00", "06:00")))
    assert workhours.in_hours(utc("2026-12-02 23:00"), night)
    assert workhours.in_hours(utc("2026-12-03 05:59"), night)
    assert not workhours.in_hours(utc("2026-12-03 06:00"), night)
    assert workhours.last_end(utc("2026-12-03 07:00"), night) == utc("2026-12-03 06:00")
    assert workhours.last_end(utc("2026-12-03 05:00"), night) == utc("2026-12-02 06:00")


def _time(text: str):
    from datetime import time

    return time.fromisoformat(text)
