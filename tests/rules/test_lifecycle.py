"""lifecycle.py: triage → active → monitoring → resolved → closed, and back to active."""

from __future__ import annotations

import pytest

from automation.actions import PostNote
from automation.config import default_config
from automation.facts import Facts
from automation.rules import lifecycle
from tests.rules.support import at, events, incident, lines, note, run

BASE = ("incident", "severity::2", "region::EMEA")


def state(*names: str) -> tuple[str, ...]:
    return (*BASE, *(f"incident::{name}" for name in names))


CASES = [
    ("a new incident in triage: nothing to say", incident(labels=state("triage")), []),
    (
        "filed straight into active: recorded as filed so",
        incident(labels=state("active"), intake=False),
        ["PostNote lifecycle:1 state=active"],
    ),
    (
        "triage to active",
        incident(labels=state("active")),
        ["PostNote lifecycle:1 from=triage state=active"],
    ),
    (
        "the move already recorded: nothing",
        incident(labels=state("active"), notes=[note("lifecycle", 1, 5, state="active")]),
        [],
    ),
    (
        "two state labels (free tier): the newest stays, the other goes",
        incident(
            labels=state("active", "monitoring"),
            notes=[note("lifecycle", 1, 5, state="active")],
            events=events(("incident::active", "alice", 5), ("incident::monitoring", "carol", 9)),
        ),
        [
            "RemoveLabels incident::active",
            "PostNote lifecycle:2 from=active state=monitoring",
        ],
    ),
    (
        "a skipped step is noted, not refused",
        incident(labels=state("resolved"), notes=[note("lifecycle", 1, 5, state="active")]),
        ["PostNote lifecycle:2 from=active state=resolved"],
    ),
    (
        "a backward move is noted",
        incident(labels=state("active"), notes=[note("lifecycle", 2, 5, state="monitoring")]),
        ["PostNote lifecycle:3 from=monitoring state=active"],
    ),
    (
        "closing is recorded",
        incident(
            labels=state("resolved"),
            state="closed",
            notes=[note("lifecycle", 3, 5, state="resolved")],
        ),
        ["PostNote lifecycle:4 from=resolved state=closed"],
    ),
    (
        "a closed incident's labels are left alone",
        incident(
            labels=state("resolved", "active"),
            state="closed",
            notes=[note("lifecycle", 4, 5, state="closed")],
        ),
        [],
    ),
    (
        "a reopen goes back to active",
        incident(labels=state("resolved"), notes=[note("lifecycle", 4, 5, state="closed")]),
        [
            "AddLabels incident::active",
            "RemoveLabels incident::resolved",
            "PostNote lifecycle:5 from=closed state=active",
        ],
    ),
]


@pytest.mark.parametrize(("name", "snap", "expected"), CASES, ids=[c[0] for c in CASES])
def test_lifecycle(name, snap, expected) -> None:
    assert lines(run(lifecycle.rule, snap, at(30))) == expected


def test_a_skip_names_the_states_left_out() -> None:
    snap = incident(labels=state("resolved"), notes=[note("lifecycle", 1, 5, state="active")])
    (posted,) = run(lifecycle.rule, snap, at(30))
    assert "skipping monitoring" in posted.body
    closed = incident(
        labels=state("active"), state="closed", notes=[note("lifecycle", 1, 5, state="active")]
    )
    (posted,) = run(lifecycle.rule, closed, at(30))
    assert "skipping monitoring, resolved" in posted.body


def test_a_reopen_says_so() -> None:
    snap = incident(labels=state("resolved"), notes=[note("lifecycle", 4, 5, state="closed")])
    posted = [a for a in run(lifecycle.rule, snap, at(30)) if isinstance(a, PostNote)]
    assert posted[0].body.startswith("**Reopened: back to active.**")


def test_rounds_count_the_times_an_incident_left_resolution() -> None:
    moves = [
        note("lifecycle", 1, 1, state="resolved"),
        note("lifecycle", 2, 2, state="closed", **{"from": "resolved"}),
        note("lifecycle", 3, 3, state="active", **{"from": "closed"}),
        note("lifecycle", 4, 4, state="resolved", **{"from": "active"}),
        note("lifecycle", 5, 5, state="monitoring", **{"from": "resolved"}),
    ]
    facts = Facts(incident(notes=moves), default_config(), at(9))
    assert lifecycle.round_number(facts) == 3
    assert lifecycle.last_state(facts) == "monitoring"
