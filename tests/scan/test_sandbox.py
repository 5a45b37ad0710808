"""The scan end to end against the embedded sandbox, over real HTTP, with its clock moved."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta

import pytest

from automation import scan as scanning
from automation.decide import decide
from automation.gitlab_adapter import NotePacer, read_snapshot
from automation.gitlab_graphql import Selection, pages
from automation.sandbox import INCIDENTS_PROJECT, INCIDENTS_PROJECT_ID, Sandbox
from tests.conftest import T0
from tests.scan.support import description

MINUTE = timedelta(minutes=1)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as instance:
        instance.clock.set(T0)
        yield instance


def file(sandbox: Sandbox, count: int) -> None:
    project = sandbox.client_for("alice").projects.get(INCIDENTS_PROJECT_ID, lazy=True)
    for number in range(count):
        project.issues.create({"title": f"Incident {number + 1}", "description": description()})


def scan_at(sandbox: Sandbox, config, minutes: float, **options) -> scanning.Report:
    now = sandbox.clock.set(T0 + minutes * MINUTE)
    # The sandbox's clock stands still while the bot writes: real pacing would only wait.
    options.setdefault("pacer", NotePacer(per_minute=10**6))
    return scanning.scan(sandbox.client(), INCIDENTS_PROJECT, config, now=now, **options)


def test_a_day_of_incidents_against_the_sandbox(sandbox, config) -> None:
    file(sandbox, 3)
    first = scan_at(sandbox, config, 1)
    assert first.ok and first.count("acted") == 3, first.summary()
    assert scan_at(sandbox, config, 2).writes == 0

    overdue = scan_at(sandbox, config, 62)
    assert overdue.ok and overdue.count("acted") == 3
    issue = sandbox.client().projects.get(INCIDENTS_PROJECT_ID, lazy=True).issues.get(1)
    assert "update::overdue" in issue.labels
    bodies = [note.body for note in issue.notes.list(get_all=True)]
    assert sum("incident-bot:overdue-reminder:" in body for body in bodies) == 1
    assert scan_at(sandbox, config, 63).writes == 0


def test_reads_against_the_sandbox(sandbox, config) -> None:
    count = 10  # 100 and 1,000: benchmarks/bench_scan.py
    file(sandbox, count)
    scan_at(sandbox, config, 1)
    sandbox.reset_requests()
    report = scan_at(sandbox, config, 5)
    logged = sandbox.requests()
    assert report.ok and report.writes == 0
    assert report.reads == len(logged) <= math.ceil(count / 10) + 3
    assert {entry.path for entry in logged} == {"/api/graphql"}


def test_the_batched_snapshot_decides_as_the_rest_one(sandbox, config) -> None:
    file(sandbox, 2)
    scan_at(sandbox, config, 1)
    now = T0 + 90 * MINUTE
    bot = sandbox.client()
    selection = Selection("opened", labels=("incident",))
    for batched in next(pages(bot, INCIDENTS_PROJECT, selection, config)):
        rest = read_snapshot(bot, INCIDENTS_PROJECT_ID, batched.snapshot.iid, config)
        assert batched.notes_complete
        assert decide(batched.snapshot, config, now) == decide(rest, config, now)
        assert batched.snapshot.labels == rest.labels
        assert [n.id for n in batched.snapshot.notes] == [n.id for n in rest.notes if not n.system]


def test_the_sandbox_answers_only_the_scan_query(sandbox) -> None:
    bot = sandbox.client()
    from automation.gitlab_graphql import GraphQLError, execute

    with pytest.raises(GraphQLError, match="only incident-bot's scan query"):
        execute(bot, "query { currentUser { username } }", {})


def test_a_lost_close_webhook_is_repaired_once(sandbox, config) -> None:
    file(sandbox, 1)
    scan_at(sandbox, config, 1)
    sandbox.clock.set(T0 + 100 * MINUTE)
    issue = sandbox.client_for("alice").projects.get(INCIDENTS_PROJECT_ID, lazy=True).issues.get(1)
    issue.state_event = "close"
    issue.save()
    closing = scan_at(sandbox, config, 101)
    assert closing.ok and any("create issue" in line for line in closing.outcomes[0].done)
    assert scan_at(sandbox, config, 102).writes == 0
    assert not scan_at(sandbox, config, 100 + 25 * 60).outcomes  # out of the lookback
