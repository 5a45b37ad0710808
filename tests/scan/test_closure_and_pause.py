"""Resolved-but-open nudges, and pausing reminders on one incident."""

from __future__ import annotations

from datetime import timedelta

import pytest

from automation.decide import decide
from automation.rules import cadence, closure, handoff_reminders, pause
from tests.conftest import label_event
from tests.scan.support import MINUTE, T0, actions, bot_note, notes_of, running

HOUR = timedelta(hours=1)
RESOLVED_AT = T0 + 2 * HOUR
RESOLVED = bot_note("lifecycle", 2, at=RESOLVED_AT, state="resolved", **{"from": "active"})


def resolved(**options):
    options.setdefault("notes", (RESOLVED,))
    return running(state="resolved", **options)


CLOSURE_CASES = [
    ("not yet a day", resolved(), 23, []),
    ("a day after resolution", resolved(), 24, ["PostNote closure-nudge:2026-12-04"]),
    ("later the same UTC day", resolved(), 31, ["PostNote closure-nudge:2026-12-04"]),
    ("the next UTC day", resolved(), 34, ["PostNote closure-nudge:2026-12-05"]),
    ("every exit criterion ticked", resolved(ticked=6), 30, []),
    ("some ticked, some pending", resolved(ticked=4), 30, ["PostNote closure-nudge:2026-12-04"]),
    ("closed", resolved(closed=True), 30, []),
    ("paused", resolved(labels=("reminders::paused",)), 30, []),
    ("still active", running(), 30, []),
    ("resolution time unknown", resolved(notes=()), 30, []),
    (
        "the label event's time wins",
        resolved(label_events=(label_event("incident::resolved", at=T0 + 10 * HOUR),)),
        31,
        [],
    ),
]


@pytest.mark.parametrize(
    ("name", "snap", "hours", "expected"), CLOSURE_CASES, ids=[c[0] for c in CLOSURE_CASES]
)
def test_closure_nudge(config, name, snap, hours, expected) -> None:
    assert actions(closure.rule, snap, config, RESOLVED_AT + hours * HOUR) == expected


def test_the_nudge_lists_what_is_pending(config) -> None:
    (note,) = notes_of(closure.rule, resolved(ticked=4), config, RESOLVED_AT + 25 * HOUR)
    assert "- [ ] Documented final status" in note.body
    assert "- [ ] Handback to regular support flow" in note.body
    assert "Customer communications stable" not in note.body
    assert "@alice" in note.body


PAUSED = "reminders::paused"
PAUSE_CASES = [
    ("a pause is put on record once", (PAUSED,), (), ["PostNote reminders-paused:1"]),
    ("a recorded pause is quiet", (PAUSED,), (bot_note("reminders-paused", 1),), []),
    (
        "a resume is put on record",
        (),
        (bot_note("reminders-paused", 1),),
        ["PostNote reminders-resumed:1"],
    ),
    (
        "the second pause has its own number",
        (PAUSED,),
        (bot_note("reminders-paused", 1), bot_note("reminders-resumed", 1)),
        ["PostNote reminders-paused:2"],
    ),
    (
        "after a resume nothing more",
        (),
        (bot_note("reminders-paused", 1), bot_note("reminders-resumed", 1)),
        [],
    ),
    ("never paused", (), (), []),
]


@pytest.mark.parametrize(
    ("name", "labels", "notes", "expected"), PAUSE_CASES, ids=[c[0] for c in PAUSE_CASES]
)
def test_pause_notes(config, name, labels, notes, expected) -> None:
    snap = running(labels=labels, notes=notes)
    assert actions(pause.rule, snap, config, T0 + HOUR) == expected


def test_no_reminder_of_any_kind_while_paused(config) -> None:
    late = T0 + 30 * HOUR  # overdue, EMEA's day over, the handoff unacknowledged
    snap = running(
        labels=(PAUSED, "update::overdue", "handoff::pending"),
        notes=(
            bot_note("reminders-paused", 1, at=T0 + MINUTE),
            bot_note("handoff", 1, at=T0 + 2 * MINUTE, to="EMEA", **{"from": "AMER"}),
        ),
    )
    assert actions(cadence.rule, snap, config, late) == ["RemoveLabels update::overdue"]
    assert actions(handoff_reminders.rule, snap, config, late) == []
    lines = [action.describe() for action in decide(snap, config, late).actions]
    assert not [line for line in lines if "reminder" in line or "escalation" in line], lines


def test_the_clock_restarts_when_reminders_resume(config) -> None:
    resumed_at = T0 + 5 * HOUR
    snap = running(
        notes=(
            bot_note("reminders-paused", 1, at=T0 + HOUR),
            bot_note("reminders-resumed", 1, at=resumed_at, note_id=7001),
        )
    )
    assert actions(cadence.rule, snap, config, resumed_at + 59 * MINUTE) == []
    assert actions(cadence.rule, snap, config, resumed_at + 60 * MINUTE) == [
        "AddLabels update::overdue",
        "PostNote overdue-reminder:7001-1",
    ]


def test_the_pause_notes_say_how_to_undo_them(config) -> None:
    (paused,) = notes_of(pause.rule, running(labels=(PAUSED,)), config, T0)
    assert "`reminders::paused`" in paused.body
    (resumed,) = notes_of(
        pause.rule, running(notes=(bot_note("reminders-paused", 1),)), config, T0 + HOUR
    )
    assert "on again" in resumed.body and "2026-12-03 16:05 UTC" in resumed.body
