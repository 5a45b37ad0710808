"""The scheduled scan over 1,000 sandbox incidents, over real HTTP: the right reminders, once.

The incidents are made in bulk through the sandbox's own tracker (the rules a REST call goes
through, without 2,000 HTTP round trips), each already taken in by the bot: labelled, its
Initial Status Update draft posted by the bot's account. So the scan has only its own work to
do. The sandbox's notes rate limit stays off: with the clock standing still, gitlab.com's 60
notes a minute would never refill, and pacing is the NotePacer's job (tested on its own).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from automation import markers
from automation import scan as scanning
from automation.config import default_config
from automation.gitlab_adapter import NotePacer
from automation.sandbox import INCIDENTS_PROJECT, INCIDENTS_PROJECT_ID, Sandbox
from automation.sandbox.changes import IssueChanges
from tests.conftest import T0, example

SCAN_AT = T0 + timedelta(hours=3)  # 17:05 UTC: EMEA's day has ended, AMER's has begun


@dataclass(frozen=True)
class Group:
    name: str
    count: int
    severity: str
    updated_minutes_ago: int
    labels: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # further bot markers, `kind:key`
    region: str = "AMER"


GROUPS = (
    # SEV2, hourly: 70 minutes since the update is one missed slot: remind the CMOC.
    Group("sev2-overdue", 100, "SEV2", 70),
    # SEV1, every 30 minutes: 65 minutes is two missed slots: the SMOC is mentioned too.
    Group("sev1-overdue", 50, "SEV1", 65, ("smoc::engaged",), ("support-resource-allocation:1",)),
    Group("sev2-on-time", 700, "SEV2", 30),
    Group("sev3-on-time", 100, "SEV3", 180),
    Group("sev2-paused", 50, "SEV2", 180, ("reminders::paused",), ("reminders-paused:1",)),
)


def description(severity: str, region: str) -> str:
    text = example("ci-runners-degraded.md")
    for trigger in ("multiple_customers_affected", "bulk_communications_needed", "sla_risk"):
        text = text.replace(f"{trigger}: true", f"{trigger}: false")
    return text.replace("severity: SEV2", f"severity: {severity}").replace(
        "region: EMEA", f"region: {region}"
    )


def populate(sandbox: Sandbox) -> dict[int, Group]:
    """The groups' incidents, filed and taken in at the right moments; iid -> group."""
    tracker, store = sandbox.tracker, sandbox.store
    project = tracker.project(INCIDENTS_PROJECT_ID)
    alice, bot = tracker.user_by_username("alice"), tracker.bot()
    groups: dict[int, Group] = {}
    with store.transaction():
        for group in GROUPS:
            sandbox.clock.set(SCAN_AT - timedelta(minutes=group.updated_minutes_ago))
            severity = group.severity[-1]
            labels = ["incident", "incident::active", f"severity::{severity}", "region::AMER"]
            text = description(group.severity, group.region)
            for _ in range(group.count):
                issue = tracker.create_issue(
                    project,
                    alice,
                    title=f"{group.name} incident",
                    description=text,
                    changes=IssueChanges(add_labels=[*labels, *group.labels]),
                )
                groups[issue["iid"]] = group
                intake = f"**Severity:** {group.severity}"
                refs = ["initial-status-update:1", "lifecycle:1", *group.notes]
                for ref in refs:
                    kind, key = ref.split(":")
                    attrs = {"from": "triage", "state": "active"} if kind == "lifecycle" else {}
                    body = markers.append(intake, markers.make(kind, key, **attrs))
                    tracker.add_note(issue, bot["id"], body, internal=True)
    sandbox.clock.set(SCAN_AT)
    return groups


@pytest.fixture(scope="module")
def scanned() -> Iterator[tuple[Sandbox, dict[int, Group], scanning.Report]]:
    with Sandbox() as sandbox:
        groups = populate(sandbox)
        report = scanning.scan(
            sandbox.client(),
            INCIDENTS_PROJECT,
            default_config(),
            now=SCAN_AT,
            pacer=NotePacer(per_minute=10**6),
        )
        yield sandbox, groups, report


def reminders(sandbox: Sandbox) -> dict[int, list[str]]:
    """iid -> bodies of the overdue reminders the bot posted (read from the sandbox's store)."""
    rows = sandbox.store.all(
        "SELECT issues.iid, notes.body FROM notes JOIN issues ON issues.id = notes.issue_id "
        "JOIN users ON users.id = notes.author_id "
        "WHERE users.username = 'incident-bot' "
        "AND notes.body LIKE '%incident-bot:overdue-reminder:%'"
    )
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row["iid"], []).append(row["body"])
    return found


def notifies(body: str, name: str) -> bool:
    return re.search(rf"(?<![\w`\\])@{name}\b", body) is not None


def test_every_overdue_incident_gets_one_reminder_for_the_right_people(scanned) -> None:
    sandbox, groups, report = scanned
    assert report.ok, report.summary()
    assert len(report.outcomes) == 1000
    assert report.count("acted") == 150
    found = reminders(sandbox)
    by_group = Counter(groups[iid].name for iid in found)
    assert by_group == {"sev2-overdue": 100, "sev1-overdue": 50}
    for iid, bodies in found.items():
        assert len(bodies) == 1
        body, group = bodies[0], groups[iid]
        assert notifies(body, "alice")  # the CMOC, always
        assert notifies(body, "bob") == (group.name == "sev1-overdue")  # the SMOC from 2 missed


def test_the_overdue_label_marks_exactly_the_overdue(scanned) -> None:
    sandbox, groups, _ = scanned
    rows = sandbox.store.all(
        "SELECT issues.iid FROM issues JOIN issue_labels ON issue_labels.issue_id = issues.id "
        "JOIN labels ON labels.id = issue_labels.label_id WHERE labels.name = 'update::overdue'"
    )
    labelled = Counter(groups[row["iid"]].name for row in rows)
    assert labelled == {"sev2-overdue": 100, "sev1-overdue": 50}


def test_the_scan_reads_in_pages_and_writes_only_the_reminders(scanned) -> None:
    _, _, report = scanned
    # One reminder note and one label request per overdue incident, nothing else.
    assert report.writes == 2 * 150
    # 1,000 open incidents at 50 a page and the two lookback passes, plus one look at the
    # newest notes before each reminder (so a receiver posting it meanwhile is not doubled).
    assert report.reads <= 1000 // 50 + 3 + 150
