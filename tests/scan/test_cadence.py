"""Overdue status updates, time-travelled across cadence boundaries."""

from __future__ import annotations

import pytest

from automation.rules import cadence
from tests.conftest import person_note
from tests.scan.support import INTAKE_NOTE_ID, MINUTE, T0, actions, bot_note, notes_of, running

OVERDUE = "update::overdue"
FIRST = f"PostNote overdue-reminder:{INTAKE_NOTE_ID}-1"
SECOND = f"PostNote overdue-reminder:{INTAKE_NOTE_ID}-2"

CASES = [
    # severity, minutes since the last update, labels already on, expected
    ("SEV2", 59, (), []),
    ("SEV2", 60, (), [f"AddLabels {OVERDUE}", FIRST]),
    ("SEV2", 61, (), [f"AddLabels {OVERDUE}", FIRST]),
    ("SEV2", 119, (OVERDUE,), [FIRST]),
    ("SEV2", 120, (OVERDUE,), [SECOND]),
    ("SEV1", 29, (), []),
    ("SEV1", 30, (), [f"AddLabels {OVERDUE}", FIRST]),
    ("SEV1", 45, (), [f"AddLabels {OVERDUE}", FIRST]),
    ("SEV3", 45, (), []),
    ("SEV3", 239, (), []),
    ("SEV3", 240, (), [f"AddLabels {OVERDUE}", FIRST]),
    ("SEV3", 0, (OVERDUE,), [f"RemoveLabels {OVERDUE}"]),
]


@pytest.mark.parametrize(
    ("severity", "minutes", "labels", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[1]}min{'-labelled' if c[2] else ''}" for c in CASES],
)
def test_slots(config, severity, minutes, labels, expected) -> None:
    snap = running(severity=severity, labels=labels)
    assert actions(cadence.rule, snap, config, T0 + minutes * MINUTE) == expected


def test_the_reminder_mentions_the_cmoc_and_says_by_how_long(config) -> None:
    (note,) = notes_of(cadence.rule, running(), config, T0 + 75 * MINUTE)
    assert "@alice" in note.body and "@bob" not in note.body
    assert "15 minutes" in note.body and "2026-12-03 15:05 UTC" in note.body
    assert note.internal


def test_after_missed_slots_the_smoc_is_mentioned_too(config) -> None:
    assert config.smoc_after_missed == 2
    (note,) = notes_of(cadence.rule, running(), config, T0 + 121 * MINUTE)
    assert "@alice" in note.body and "@bob" in note.body


def test_a_persons_update_restarts_the_clock_and_clears_the_label(config) -> None:
    update = person_note(
        "## Incident #42 - CI jobs stuck in pending - UPDATE #1\n**Status:** In Progress\n",
        at=T0 + 70 * MINUTE,
        note_id=6001,
    )
    snap = running(labels=(OVERDUE,), notes=(update,))
    assert actions(cadence.rule, snap, config, T0 + 80 * MINUTE) == [f"RemoveLabels {OVERDUE}"]
    later = running(notes=(update,))
    assert actions(cadence.rule, later, config, T0 + 130 * MINUTE) == [
        f"AddLabels {OVERDUE}",
        "PostNote overdue-reminder:6001-1",
    ]


def test_the_issues_updated_at_is_not_an_update(config) -> None:
    chatter = person_note("still looking", at=T0 + 59 * MINUTE, note_id=6002)
    snap = running(notes=(chatter,))
    assert FIRST in actions(cadence.rule, snap, config, T0 + 61 * MINUTE)


@pytest.mark.parametrize("state", ["resolved"])
def test_a_resolved_incident_needs_no_updates(config, state) -> None:
    snap = running(state=state, labels=(OVERDUE,))
    assert actions(cadence.rule, snap, config, T0 + 300 * MINUTE) == [f"RemoveLabels {OVERDUE}"]
    assert actions(cadence.rule, running(state=state), config, T0 + 300 * MINUTE) == []


def test_a_closed_incident_needs_no_updates(config) -> None:
    snap = running(closed=True)
    assert actions(cadence.rule, snap, config, T0 + 300 * MINUTE) == []


def test_triage_and_monitoring_still_need_updates(config) -> None:
    for state in ("triage", "monitoring"):
        assert FIRST in actions(cadence.rule, running(state=state), config, T0 + 61 * MINUTE)


def test_no_reminder_before_the_initial_draft_is_posted(config) -> None:
    snap = running()
    bare = type(snap)(**{**snap.__dict__, "notes": ()})
    assert actions(cadence.rule, bare, config, T0 + 300 * MINUTE) == []


def test_a_reminder_already_posted_is_asked_for_again_and_posted_once(config) -> None:
    """The rule is level-triggered: the Applier skips a marker that is already there."""
    posted = bot_note("overdue-reminder", f"{INTAKE_NOTE_ID}-1", at=T0 + 61 * MINUTE)
    snap = running(labels=(OVERDUE,), notes=(posted,))
    (note,) = notes_of(cadence.rule, snap, config, T0 + 90 * MINUTE)
    assert note.marker.ref in snap.marker_refs()
