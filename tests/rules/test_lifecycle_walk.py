"""An incident's whole life against GitLab's REST API (stubbed with `responses`).

Each step is what a person does (apply a label, tick the exit criteria, close, reopen), then a
reconcile run twice: the first makes exactly the calls listed, the second only reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import gitlab
import pytest
import responses

from automation.errors import UserError
from automation.reconcile import reconcile
from tests.conftest import T0
from tests.rules.rest_stub import URL, IncidentStub
from tests.rules.support import QUIET, ticked

# SEV3 (a status update every 4 hours) and EMEA working hours: the walk is about the lifecycle,
# so no reminder falls due while it lasts.
DESCRIPTION = QUIET.replace("severity: SEV2", "severity: SEV3")
ISSUE = "/projects/7/issues/42"
READ = [f"GET {ISSUE}", f"GET {ISSUE}/notes"]
READ_EVENTS = [*READ, f"GET {ISSUE}/resource_label_events"]


@pytest.fixture
def gl() -> gitlab.Gitlab:
    return gitlab.Gitlab(URL, private_token="token", retry_transient_errors=False, per_page=100)


@pytest.fixture
def stub() -> Iterator[IncidentStub]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield IncidentStub(mock, DESCRIPTION, T0)


def action_item(title: str, iid: int) -> list[str]:
    """Look for the marker among the incident's links, then by search; create; search again
    (a concurrent run's duplicate?); link."""
    return [
        f"GET {ISSUE}/links",
        "GET /projects/7/issues",
        "GET /users",
        f"POST /projects/7/issues {title!r}",
        "GET /projects/7/issues",
        f"POST {ISSUE}/links link_type=relates_to target_issue_iid={iid} target_project_id=7",
    ]


def close() -> Callable[[IncidentStub], None]:
    def act(stub: IncidentStub) -> None:
        stub.edit_description(ticked(DESCRIPTION))
        stub.set_state("closed")

    return act


STEPS = [
    (
        "filed",
        None,
        [
            *READ,
            f"PUT {ISSUE} add_labels=incident,incident::triage,severity::3,region::EMEA",
            "GET /users",
            f"PUT {ISSUE} assignee_ids=[2]",
            f"POST {ISSUE}/notes initial-status-update:1",
            f"POST {ISSUE}/notes roles:1",
        ],
    ),
    (
        "active",
        lambda stub: stub.apply_label("incident::active"),
        [
            *READ_EVENTS,
            f"PUT {ISSUE} remove_labels=incident::triage",
            f"POST {ISSUE}/notes lifecycle:1",
        ],
    ),
    (
        "monitoring",
        lambda stub: stub.apply_label("incident::monitoring", "carol"),
        [
            *READ_EVENTS,
            f"PUT {ISSUE} remove_labels=incident::active",
            f"POST {ISSUE}/notes lifecycle:2",
        ],
    ),
    (
        "resolved",
        lambda stub: stub.apply_label("incident::resolved", "carol"),
        [
            *READ_EVENTS,
            f"PUT {ISSUE} remove_labels=incident::monitoring",
            f"POST {ISSUE}/notes lifecycle:3",
            f"POST {ISSUE}/notes resolution-update:1",
            f"POST {ISSUE}/notes exit-criteria:1",
            f"POST {ISSUE}/notes post-incident-support-summary:1",
        ],
    ),
    (
        "criteria ticked and closed: action items",
        close(),
        [
            *READ,
            f"POST {ISSUE}/notes lifecycle:4",
            *action_item("Add a runner queue-depth alert to the support dashboard", 43),
            *action_item('Write a macro for "pipelines pending" tickets', 44),
            f"POST {ISSUE}/notes action-items:*",
        ],
    ),
    (
        "reopened: back to active",
        lambda stub: stub.set_state("opened"),
        [
            *READ,
            f"PUT {ISSUE} add_labels=incident::active remove_labels=incident::resolved",
            f"POST {ISSUE}/notes lifecycle:5",
        ],
    ),
    (
        "closed again: no second action item",
        lambda stub: stub.set_state("closed"),
        [*READ, f"POST {ISSUE}/notes lifecycle:6"],
    ),
]


def test_an_incident_from_filing_to_closure_twice(gl, stub, config) -> None:
    for minutes, (name, act, expected) in enumerate(STEPS):
        stub.now = T0 + timedelta(minutes=1 + 10 * minutes)
        if act is not None:
            act(stub)
        stub.log.clear()
        assert reconcile(gl, 7, 42, config, now=stub.now).ok, name
        assert len(stub.log) == len(expected), (name, stub.log)
        for line, wanted in zip(stub.log, expected, strict=True):
            assert line.startswith(wanted[:-1]) if wanted.endswith("*") else line == wanted, name
        stub.log.clear()
        reconcile(gl, 7, 42, config, now=stub.now)
        assert stub.writes() == [], (name, "second run")
    assert len(stub.created) == 2 and len(stub.links) == 2
    assert [line.split(" ")[0] for line in stub.markers() if line.startswith("lifecycle")] == [
        f"lifecycle:{n}" for n in range(1, 7)
    ]


def test_a_request_label_that_failed_to_go_is_only_removed_next_time(gl, stub, config) -> None:
    stub.issue["labels"] = ["incident", "incident::active", "severity::3", "region::EMEA"]
    stub.notes.append(
        {
            "id": 1,
            "body": "**Severity:** SEV3\n<!-- incident-bot:initial-status-update:1 -->",
            "author": {"username": "incident-bot"},
            "created_at": "2026-12-03T14:06:00.000Z",
            "system": False,
            "internal": True,
        }
    )
    stub.notes.append(
        {**stub.notes[0], "id": 2, "body": "<!-- incident-bot:lifecycle:1 state=active -->"}
    )
    stub.now = T0 + timedelta(minutes=30)
    stub.apply_label("comms::status-update", "dave")
    stub.failures = [(f"PUT {ISSUE}", 500), (f"PUT {ISSUE}", 500)]  # the retry fails too
    with pytest.raises(UserError):
        reconcile(gl, 7, 42, config, now=stub.now)
    assert stub.writes()[0].startswith(f"POST {ISSUE}/notes status-update:request-")
    stub.log.clear()
    reconcile(gl, 7, 42, config, now=stub.now)
    assert stub.writes() == [f"PUT {ISSUE} remove_labels=comms::status-update"]
    assert sum(m.startswith("status-update:") for m in stub.markers()) == 1
