"""severity.py: one severity label, the change announced with its cadence, roles re-evaluated."""

from __future__ import annotations

import pytest

from automation.decide import decide
from automation.rules import severity
from tests.rules.support import QUIET, at, events, incident, lines, note, run

ACTIVE = ("incident", "incident::active", "region::EMEA")


def labels(*severities: int) -> tuple[str, ...]:
    return (*ACTIVE, *(f"severity::{n}" for n in severities))


CASES = [
    ("the severity the initial update announced: nothing", incident(labels=labels(2)), []),
    (
        "before intake nothing is announced: the initial update does it",
        incident(labels=labels(1), intake=False),
        [],
    ),
    (
        "escalated by a label: announced once",
        incident(labels=labels(1)),
        ["PostNote severity-change:1 from=SEV2 severity=SEV1"],
    ),
    (
        "announced already",
        incident(labels=labels(1), notes=[note("severity-change", 1, 5, severity="SEV1")]),
        [],
    ),
    (
        "free tier: both labels, the newest wins and the old one goes",
        incident(
            labels=labels(2, 1),
            events=events(("severity::2", "incident-bot", 0), ("severity::1", "carol", 20)),
        ),
        ["RemoveLabels severity::2", "PostNote severity-change:1 from=SEV2 severity=SEV1"],
    ),
    (
        "lowered after an escalation",
        incident(labels=labels(3), notes=[note("severity-change", 1, 5, severity="SEV1")]),
        ["PostNote severity-change:2 from=SEV1 severity=SEV3"],
    ),
    (
        "a front-matter edit is not a change: the label is",
        incident(labels=labels(2), description=QUIET.replace("severity: SEV2", "severity: SEV1")),
        [],
    ),
    ("a closed incident is left alone", incident(labels=labels(1), state="closed"), []),
]


@pytest.mark.parametrize(("name", "snap", "expected"), CASES, ids=[c[0] for c in CASES])
def test_severity(name, snap, expected) -> None:
    assert lines(run(severity.rule, snap, at(30))) == expected


def test_the_change_names_the_new_cadence() -> None:
    (posted,) = run(severity.rule, incident(labels=labels(1)), at(30))
    assert "raised from SEV2 to SEV1" in posted.body
    assert "every 30 minutes" in posted.body
    # The new cadence counts from the last update (14:05), as the overdue reminder does.
    assert "2026-12-03 14:35 UTC" in posted.body


def test_escalating_to_sev1_engages_the_smoc(config) -> None:
    """The plan, not just the rule: engagement runs after the change and sees SEV1."""
    snap = incident(
        labels=labels(2, 1),
        notes=[note("lifecycle", 1, 2, state="active")],
        events=events(("severity::2", "incident-bot", 0), ("severity::1", "carol", 20)),
    )
    got = lines(decide(snap, config, at(25)).actions)
    assert got[:5] == [
        "RemoveLabels severity::2",
        "PostNote severity-change:1 from=SEV2 severity=SEV1",
        "AddLabels smoc::engaged",
        "Assign bob",
        "PostNote support-resource-allocation:1",
    ]


def test_without_smoc_on_sev1_the_smoc_is_not_engaged(config) -> None:
    from dataclasses import replace

    snap = incident(labels=labels(1), notes=[note("lifecycle", 1, 2, state="active")])
    got = lines(decide(snap, replace(config, smoc_on_sev1=False), at(25)).actions)
    assert "AddLabels smoc::engaged" not in got
    assert "PostNote severity-change:1 from=SEV2 severity=SEV1" in got
