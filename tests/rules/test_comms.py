"""comms.py: a request label posts its template once, then the bot removes the label."""

from __future__ import annotations

import pytest

from automation.actions import PostNote
from automation.rules import comms
from tests.conftest import label_event
from tests.rules.support import at, incident, lines, note, run

ACTIVE = ("incident", "incident::active", "severity::2", "region::EMEA")


def request(label: str, event_id: int, user: str = "dave", minutes: int = 20):
    return label_event(label, user=user, at=at(minutes), event_id=event_id)


CASES = [
    ("no request label: nothing", incident(), []),
    (
        "a status update request: the draft, then the label goes",
        incident(
            labels=(*ACTIVE, "comms::status-update"),
            events=[request("comms::status-update", 812)],
        ),
        ["PostNote status-update:request-812 number=1", "RemoveLabels comms::status-update"],
    ),
    (
        "the note landed but the label stayed: only the label goes",
        incident(
            labels=(*ACTIVE, "comms::status-update"),
            events=[request("comms::status-update", 812)],
            notes=[note("status-update", "request-812", 21, number=1)],
        ),
        ["RemoveLabels comms::status-update"],
    ),
    (
        "the next request posts the next update",
        incident(
            labels=(*ACTIVE, "comms::status-update"),
            events=[request("comms::status-update", 812), request("comms::status-update", 977)],
            notes=[note("status-update", "request-812", 21, number=1)],
        ),
        ["PostNote status-update:request-977 number=2", "RemoveLabels comms::status-update"],
    ),
    (
        "each template has its label",
        incident(
            labels=(
                *ACTIVE,
                "comms::executive-update",
                "comms::customer-impact-report",
                "comms::support-resources",
                "comms::technical-handoff",
            ),
            events=[
                request("comms::executive-update", 1),
                request("comms::customer-impact-report", 2),
                request("comms::support-resources", 3),
                request("comms::technical-handoff", 4),
            ],
        ),
        [
            "PostNote executive-update:request-1",
            "RemoveLabels comms::executive-update",
            "PostNote customer-impact-report:request-2",
            "RemoveLabels comms::customer-impact-report",
            "PostNote support-resource-allocation:request-3",
            "RemoveLabels comms::support-resources",
            "PostNote technical-to-support-handoff:request-4",
            "RemoveLabels comms::technical-handoff",
        ],
    ),
    (
        "a resource request never collides with the SMOC's engagement note",
        incident(
            labels=(*ACTIVE, "comms::support-resources"),
            events=[request("comms::support-resources", 1)],
            notes=[note("support-resource-allocation", 1, 2)],
        ),
        ["PostNote support-resource-allocation:request-1", "RemoveLabels comms::support-resources"],
    ),
]


@pytest.mark.parametrize(("name", "snap", "expected"), CASES, ids=[c[0] for c in CASES])
def test_comms(name, snap, expected) -> None:
    assert lines(run(comms.rule, snap, at(30))) == expected


def test_update_numbers_go_up_by_one() -> None:
    snap = incident(
        labels=(*ACTIVE, "comms::status-update"),
        events=[request("comms::status-update", 977)],
        notes=[
            note("status-update", "request-5", 10, number=1),
            note("status-update", "request-9", 15, number=2),
        ],
    )
    posted = [a for a in run(comms.rule, snap, at(30)) if isinstance(a, PostNote)]
    assert "- UPDATE #3" in posted[0].body.splitlines()[0]
    assert dict(posted[0].attrs) == {"number": "3"}


def test_the_resource_request_is_an_update() -> None:
    snap = incident(
        labels=(*ACTIVE, "comms::support-resources"),
        events=[request("comms::support-resources", 3)],
    )
    posted = [a for a in run(comms.rule, snap, at(30)) if isinstance(a, PostNote)]
    assert "**Resource Request Type:** Update" in posted[0].body
