"""Free and premium differ where GitLab differs: scoped labels, assignees, blocking links."""

from __future__ import annotations

import gitlab
import pytest

from automation.sandbox import Sandbox

from .support import project_of


def test_free_tier_scoped_labels_are_not_exclusive(bot: gitlab.Gitlab) -> None:
    issues = project_of(bot).issues
    issue = issues.create({"title": "x", "labels": "severity::2"})
    issues.update(issue.iid, {"add_labels": "severity::1"})
    assert issues.get(issue.iid).labels == ["severity::1", "severity::2"]


def test_premium_scoped_labels_are_exclusive(premium: Sandbox) -> None:
    issues = project_of(premium.client()).issues
    issue = issues.create({"title": "x", "labels": "severity::2,incident"})
    issues.update(issue.iid, {"add_labels": "severity::1"})
    assert issues.get(issue.iid).labels == ["incident", "severity::1"]
    # Within one request the last label of a scope wins.
    issues.update(issue.iid, {"labels": "a::b::c,a::b::d"})
    assert issues.get(issue.iid).labels == ["a::b::d"]


def test_free_tier_keeps_the_first_assignee(bot: gitlab.Gitlab) -> None:
    issue = project_of(bot).issues.create({"title": "x", "assignee_ids": [3, 2]})
    assert [user["username"] for user in issue.assignees] == ["bob"]
    assert issue.assignee["username"] == "bob"


def test_premium_keeps_every_assignee(premium: Sandbox) -> None:
    issue = project_of(premium.client()).issues.create({"title": "x", "assignee_ids": [3, 2]})
    assert [user["username"] for user in issue.assignees] == ["bob", "alice"]


def test_blocking_links_need_premium(bot: gitlab.Gitlab, premium: Sandbox) -> None:
    for client, allowed in ((bot, False), (premium.client(), True)):
        issues = project_of(client).issues
        first, second = issues.create({"title": "a"}), issues.create({"title": "b"})
        data = {"target_project_id": 1, "target_issue_iid": second.iid, "link_type": "blocks"}
        if allowed:
            first.links.create(data)
            links = first.links.list(get_all=True)
            assert [(link.iid, link.link_type) for link in links] == [(second.iid, "blocks")]
            assert [link.link_type for link in second.links.list()] == ["is_blocked_by"]
        else:
            with pytest.raises(gitlab.GitlabCreateError) as failure:
                first.links.create(data)
            assert failure.value.response_code == 403


def test_relates_to_works_on_free_and_across_projects(bot: gitlab.Gitlab) -> None:
    incident = project_of(bot).issues.create({"title": "incident"})
    action = project_of(bot, 2).issues.create({"title": "follow-up"})
    source, target = incident.links.create({"target_project_id": 2, "target_issue_iid": action.iid})
    assert (source.iid, target.project_id) == (incident.iid, 2)
    assert [link.title for link in incident.links.list()] == ["follow-up"]
    notes = [note.body for note in action.notes.list(get_all=True)]
    assert notes == [f"marked this issue as related to support/incidents#{incident.iid}"]
    with pytest.raises(gitlab.GitlabCreateError) as failure:
        incident.links.create({"target_project_id": 2, "target_issue_iid": action.iid})
    assert failure.value.response_code == 409
