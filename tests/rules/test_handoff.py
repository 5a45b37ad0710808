"""handoff.py: a region change posts the Regional Handoff; the incoming region acknowledges."""

from __future__ import annotations

import pytest

from automation.actions import PostNote
from automation.rules import handoff
from tests.rules.support import at, events, incident, lines, note, run

BASE = ("incident", "incident::active", "severity::2")
PENDING, ACKED = "handoff::pending", "handoff::acknowledged"
HANDED = note("handoff", 1, 20, **{"from": "EMEA", "to": "AMER"})


def labels(*extra: str) -> tuple[str, ...]:
    return (*BASE, *extra)


CASES = [
    ("the filed region: nothing", incident(labels=labels("region::EMEA")), []),
    (
        "a new region: handoff, acknowledgement asked, pending",
        incident(
            labels=labels("region::EMEA", "region::AMER"),
            events=events(("region::EMEA", "incident-bot", 0), ("region::AMER", "alice", 20)),
        ),
        [
            "RemoveLabels region::EMEA",
            "AddLabels handoff::pending",
            "PostNote handoff:1 from=EMEA to=AMER",
            "PostNote handoff-ack-request:1",
        ],
    ),
    (
        "the handoff is on record: nothing until acknowledged",
        incident(labels=labels("region::AMER", PENDING), notes=[HANDED]),
        [],
    ),
    (
        "someone removed the pending label without acknowledging: it comes back",
        incident(labels=labels("region::AMER"), notes=[HANDED]),
        ["AddLabels handoff::pending"],
    ),
    (
        "acknowledged: who and when recorded, pending removed",
        incident(
            labels=labels("region::AMER", PENDING, ACKED),
            notes=[HANDED],
            events=events(("region::AMER", "alice", 19), (ACKED, "frank", 40)),
        ),
        [
            "PostNote handoff-acknowledged:1 at=2026-12-03T14:45Z by=frank",
            "RemoveLabels handoff::pending",
        ],
    ),
    (
        "acknowledged already: nothing",
        incident(
            labels=labels("region::AMER", ACKED),
            notes=[HANDED, note("handoff-acknowledged", 1, 41, by="frank")],
        ),
        [],
    ),
    (
        "the next handoff: the old acknowledgement goes",
        incident(
            labels=labels("region::APAC", ACKED),
            notes=[HANDED, note("handoff-acknowledged", 1, 41, by="frank")],
            events=events(
                ("region::AMER", "alice", 19), (ACKED, "frank", 40), ("region::APAC", "gus", 90)
            ),
        ),
        [
            "AddLabels handoff::pending",
            "RemoveLabels handoff::acknowledged",
            "PostNote handoff:2 from=AMER to=APAC",
            "PostNote handoff-ack-request:2",
        ],
    ),
    (
        "region and acknowledgement in one edit: acknowledged at once",
        incident(
            labels=labels("region::AMER", ACKED),
            events=events(("region::AMER", "frank", 20), (ACKED, "frank", 20)),
        ),
        [
            "PostNote handoff:1 from=EMEA to=AMER",
            "PostNote handoff-acknowledged:1 at=2026-12-03T14:25Z by=frank",
        ],
    ),
    (
        "a closed incident is left alone",
        incident(labels=labels("region::AMER"), state="closed"),
        [],
    ),
]


@pytest.mark.parametrize(("name", "snap", "expected"), CASES, ids=[c[0] for c in CASES])
def test_handoff(name, snap, expected) -> None:
    assert lines(run(handoff.rule, snap, at(60))) == expected


def test_the_handoff_note_is_the_seed_template() -> None:
    snap = incident(labels=labels("region::AMER"), events=events(("region::AMER", "alice", 20)))
    posted = [a for a in run(handoff.rule, snap, at(60)) if isinstance(a, PostNote)]
    body = posted[0].body
    assert body.startswith("## Incident #42 - CI jobs stuck in pending - HANDOFF")
    for line in ("**Current Region:** EMEA", "**Handoff To:** AMER", "### Key Stakeholders"):
        assert line in body
    assert "- CMOC: @alice" in body  # the role holders are the stakeholders
    assert "`handoff::acknowledged`" in posted[1].body


def test_the_acknowledgement_names_who_and_when() -> None:
    snap = incident(
        labels=labels("region::AMER", PENDING, ACKED),
        notes=[HANDED],
        events=events(("region::AMER", "alice", 19), (ACKED, "frank", 40)),
    )
    posted = [a for a in run(handoff.rule, snap, at(60)) if isinstance(a, PostNote)]
    assert "@frank" in posted[0].body and "2026-12-03 14:45 UTC" in posted[0].body
