"""The scan against a fake project: what it writes, what it reads, and how it survives failures."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from automation import scan as scanning
from automation.config import Config
from tests.conftest import T0, example
from tests.scan.fake_gitlab import PROJECT_PATH, FakeGitLab, Stub
from tests.scan.support import description

MINUTE = timedelta(minutes=1)
UPDATE = "## Incident #{iid} - {title} - UPDATE #1\n**Status:** In Progress\n"


def run(gl, fake: FakeGitLab, config: Config, *, minutes: float = 0, **options):
    fake.now = T0 + minutes * MINUTE
    options.setdefault("pacer", None)
    return scanning.scan(gl, PROJECT_PATH, config, now=fake.now, **options)


def file_incidents(fake: FakeGitLab, count: int, **fields) -> None:
    for iid in range(1, count + 1):
        fake.file(iid, description(), **fields)


@pytest.fixture
def steady(gl, fake, config, pacer):
    """Three incidents taken in by a first scan at T0 (their filing webhooks were lost)."""
    file_incidents(fake, 3)
    first = run(gl, fake, config, pacer=pacer)
    assert [o.status for o in first.outcomes] == ["acted"] * 3, [o.line() for o in first.outcomes]
    return fake


def test_a_lost_filing_webhook_is_repaired(steady) -> None:
    for iid in (1, 2, 3):
        assert "incident" in steady.issues[iid].labels
        assert steady.markers(iid) == ["initial-status-update:1", "roles:1"]


def test_a_second_run_posts_nothing(gl, steady, config, pacer) -> None:
    again = run(gl, steady, config, pacer=pacer)
    assert again.writes == 0 and again.ok
    assert {o.status for o in again.outcomes} == {"unchanged"}


def test_overdue_updates_are_reminded_once_per_slot_and_cleared_by_an_update(
    gl, steady, config, pacer
) -> None:
    report = run(gl, steady, config, minutes=61, pacer=pacer)
    assert report.ok and report.count("acted") == 3
    assert all("update::overdue" in issue.labels for issue in steady.issues.values())
    assert all(m[-1].startswith("overdue-reminder:") for m in map(steady.markers, (1, 2, 3)))
    retried = run(gl, steady, config, minutes=62, pacer=pacer)
    assert retried.writes == 0

    issue = steady.issues[2]
    steady.comment(2, UPDATE.format(iid=2, title=issue.title), at=T0 + 70 * MINUTE)
    run(gl, steady, config, minutes=75, pacer=pacer)
    assert "update::overdue" not in issue.labels
    assert "update::overdue" in steady.issues[1].labels


def test_the_pacer_is_consulted_for_every_note(gl, steady, config, pacer) -> None:
    before, waits = len(steady.bot_notes()), pacer.waits
    run(gl, steady, config, minutes=61, pacer=pacer)
    assert pacer.waits - waits == len(steady.bot_notes()) - before == 3


def test_a_scan_shares_one_pacer_that_keeps_under_the_notes_limit(gl, fake, config) -> None:
    from automation.gitlab_adapter import NotePacer

    clock, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    file_incidents(fake, 5)
    shared = NotePacer(per_minute=2, clock=lambda: clock[0], sleep=sleep)
    run(gl, fake, config, pacer=shared)
    # Two notes each (the initial update and the roles), two a minute: notes 1 and 2 at once,
    # then a minute's wait before every further pair.
    assert len(fake.bot_notes()) == 10 and slept == [60.0] * 4


@pytest.mark.parametrize("count", [10, 100])
def test_reads_grow_with_pages_not_incidents(gl, fake, config, pacer, count) -> None:
    file_incidents(fake, count)
    run(gl, fake, config, pacer=pacer)
    report = run(gl, fake, config, minutes=10, pacer=pacer)
    assert report.ok and report.writes == 0
    assert report.reads <= math.ceil(count / 10) + 3, report.summary()
    assert report.reads < count + math.ceil(count / 100)  # reading each incident over REST


def test_label_events_are_read_only_for_incidents_whose_rules_need_them(
    gl, steady, config, pacer
) -> None:
    quiet = run(gl, steady, config, minutes=5, pacer=pacer)
    steady.issues[1].labels.append("handoff::acknowledged")
    needing = run(gl, steady, config, minutes=6, pacer=pacer)
    assert needing.reads == quiet.reads + 1


def test_a_long_incident_is_read_whole_only_when_its_window_might_mislead(
    gl, steady, config, pacer
) -> None:
    for minute in range(1, 40):
        steady.comment(1, f"investigating, step {minute}", at=T0 + minute * MINUTE)
    report = run(gl, steady, config, minutes=45, pacer=pacer, notes_window=20)
    long_one = next(o for o in report.outcomes if o.iid == 1)
    assert long_one.full_read and long_one.status == "unchanged"
    # The intake is not posted again.
    assert steady.markers(1) == ["initial-status-update:1", "roles:1"]
    assert not any(o.full_read for o in report.outcomes if o.iid != 1)


def test_an_invalid_front_matter_is_reported_and_the_others_proceed(
    gl, steady, config, pacer
) -> None:
    steady.file(9, example("broken-incident.md"), labels=["incident"])
    report = run(gl, steady, config, minutes=61, pacer=pacer)
    broken = next(o for o in report.outcomes if o.iid == 9)
    assert broken.status == "needs-info" and not report.ok
    assert steady.markers(9)[0].startswith("validation-error:")
    assert report.count("acted") == 3
    assert "needs info" in broken.line()


def test_a_failed_write_on_one_incident_does_not_stop_the_others(gl, steady, config, pacer) -> None:
    steady.note_stubs.append(Stub(500, body={"message": "500 Internal Server Error"}))
    report = run(gl, steady, config, minutes=61, pacer=pacer)
    failed = [o for o in report.outcomes if o.status == "failed"]
    assert len(failed) == 1 and "not retried" in failed[0].error
    assert report.count("acted") == 2 and not report.ok
    assert "FAILED" in failed[0].line()


def test_an_exception_on_one_incident_does_not_stop_the_others(
    gl, steady, config, pacer, monkeypatch
) -> None:
    real = scanning.reconcile

    def flaky(gl, project_id, iid, *args, **kwargs):
        if iid == 2:
            raise RuntimeError("boom")
        return real(gl, project_id, iid, *args, **kwargs)

    monkeypatch.setattr(scanning, "reconcile", flaky)
    report = run(gl, steady, config, minutes=61, pacer=pacer)
    statuses = {o.iid: o.status for o in report.outcomes}
    assert statuses == {1: "acted", 2: "failed", 3: "acted"}
    assert "RuntimeError: boom" in next(o.error for o in report.outcomes if o.iid == 2)


def test_a_429_in_the_middle_of_a_scan_is_waited_out(
    gl, steady, config, pacer, monkeypatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    limited = {"message": {"error": "This endpoint has been requested too many times."}}

    def after_first(outcome) -> None:
        if outcome.iid == 3:  # newest first: the first page's first incident
            steady.note_stubs.append(Stub(429, {"Retry-After": "7"}, limited))
            steady.graphql_stubs.append(Stub(429, {"Retry-After": "3"}, limited))

    report = run(gl, steady, config, minutes=61, pacer=pacer, page_size=1, on_outcome=after_first)
    assert report.ok and report.count("acted") == 3
    assert 7 in slept and 3 in slept
    reminders = [[m for m in steady.markers(iid) if "overdue" in m] for iid in (1, 2, 3)]
    assert [len(found) for found in reminders] == [1, 1, 1]


def test_a_page_that_cannot_be_read_is_reported_and_later_passes_still_run(
    gl, steady, config, pacer, monkeypatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)

    def break_next_page(outcome) -> None:
        if outcome.iid == 3:  # every try at the next page fails: 1 + 5 retries
            steady.graphql_stubs.extend([Stub(500, body={"message": "500"})] * 6)

    steady.file(8, description(), created_at=T0 + 30 * MINUTE)  # unlabelled: the second pass
    report = run(
        gl, steady, config, minutes=61, pacer=pacer, page_size=1, on_outcome=break_next_page
    )
    assert not report.ok and report.errors and "open incidents" in report.errors[0]
    assert "incident" in steady.issues[8].labels
    assert sum(slept) < 5  # a few quick retries, not minutes


def test_dry_run_writes_nothing_and_says_what_it_would_do(gl, steady, config, pacer) -> None:
    report = run(gl, steady, config, minutes=61, pacer=pacer, dry_run=True)
    assert report.writes == 0 and report.count("planned") == 3
    line = next(o.line() for o in report.outcomes)
    assert "would" in line and "overdue-reminder" in line


def test_incidents_closed_long_ago_are_not_read(gl, steady, config, pacer) -> None:
    steady.issues[1].state = "closed"
    steady.issues[1].closed_at = T0 - timedelta(days=3)
    report = run(gl, steady, config, minutes=61, pacer=pacer)
    assert 1 not in {o.iid for o in report.outcomes}


def test_the_query_asks_for_each_pass(gl, steady, config, pacer) -> None:
    steady.queries.clear()
    run(gl, steady, config, minutes=5, pacer=pacer)
    passes = [(q["state"], q["labels"], q["not"]) for q in steady.queries]
    assert passes == [
        ("opened", ["incident"], None),
        ("opened", None, {"labelName": ["incident"]}),
        ("closed", ["incident"], None),
    ]
    assert steady.queries[1]["updatedAfter"] == "2026-12-02T14:10:00.000Z"
