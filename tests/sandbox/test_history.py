"""What an issue remembers: label and state changes as resource events, the rest as system notes."""

from __future__ import annotations

from datetime import timedelta

import gitlab

from automation.sandbox import Sandbox

from .support import START, project_of


def test_label_and_state_changes_are_events_not_notes(
    sandbox: Sandbox, bot: gitlab.Gitlab, alice: gitlab.Gitlab
) -> None:
    issue = project_of(bot).issues.create({"title": "x", "labels": "incident::triage"})
    sandbox.clock.advance(timedelta(minutes=5))
    project_of(alice).issues.update(
        issue.iid,
        {"add_labels": "incident::active", "remove_labels": "incident::triage"},
    )
    sandbox.clock.advance(timedelta(minutes=5))
    project_of(alice).issues.update(issue.iid, {"state_event": "close"})
    project_of(alice).issues.update(issue.iid, {"state_event": "reopen"})

    assert issue.notes.list(get_all=True) == []
    events = [
        (event.action, event.label["name"], event.user["username"], event.created_at)
        for event in issue.resourcelabelevents.list(get_all=True)
    ]
    assert events == [
        ("add", "incident::triage", "incident-bot", "2026-12-03T14:05:00.000Z"),
        ("add", "incident::active", "alice", "2026-12-03T14:10:00.000Z"),
        ("remove", "incident::triage", "alice", "2026-12-03T14:10:00.000Z"),
    ]
    states = [(event.state, event.user["username"]) for event in issue.resourcestateevents.list()]
    assert states == [("closed", "alice"), ("reopened", "alice")]


def test_other_changes_write_system_notes(bot: gitlab.Gitlab, alice: gitlab.Gitlab) -> None:
    issues = project_of(alice).issues
    issue = issues.create({"title": "Checkout slow"})
    issues.update(issue.iid, {"title": "Checkout down", "description": "Details"})
    issues.update(issue.iid, {"assignee_ids": [3]})
    issues.update(issue.iid, {"assignee_ids": [4]})
    issues.update(issue.iid, {"confidential": True, "due_date": "2026-12-24"})
    issues.update(issue.iid, {"due_date": ""})
    notes = issue.notes.list(get_all=True, sort="asc")
    assert all(note.system for note in notes)
    assert [note.body for note in notes] == [
        "changed title from **Checkout {-slow-}** to **Checkout {+down+}**",
        "changed the description",
        "assigned to @bob",
        "assigned to @carol and unassigned @bob",
        "made the issue confidential",
        "changed due date to December 24, 2026",
        "removed due date",
    ]
    assert issues.get(issue.iid).user_notes_count == 0


def test_timestamps_follow_the_clock(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    issue = project_of(bot).issues.create({"title": "x"})
    assert issue.created_at == "2026-12-03T14:05:00.000Z"
    sandbox.clock.set(START + timedelta(hours=1, milliseconds=250))
    note = issue.notes.create({"body": "an hour later"})
    assert note.created_at == "2026-12-03T15:05:00.250Z"
    assert project_of(bot).issues.get(issue.iid).updated_at == note.created_at
