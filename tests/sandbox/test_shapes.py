"""The sandbox answers with GitLab's documented shapes (keys and JSON types).

Each test makes the sandbox hold non-empty values (a closed issue with an assignee, labels, a due
date...) so that types are compared, not only keys.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import gitlab
import pytest

from automation.sandbox import Sandbox

from .shapes import shape_errors
from .support import documented, make_labels, project_of

API_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HOOK_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$")

# The documented note example shows an old author shape; GitLab's note entity uses UserBasic,
# which has no email or created_at.
NOTE_AUTHOR = frozenset({"author.email", "author.created_at"})
# Paid-tier or unmodelled fields of the documented examples.
PAID = frozenset({"weight", "source_issue.weight", "target_issue.weight"})


def _busy_issue(bot: gitlab.Gitlab) -> Any:
    """A closed issue with labels, an assignee, a due date, tasks and a comment."""
    make_labels(bot, "bug")
    issue = project_of(bot).issues.create(
        {
            "title": "Checkout fails",
            "description": "- [x] look\n- [ ] fix",
            "labels": "bug",
            "assignee_ids": [2],
            "due_date": "2026-12-10",
        }
    )
    issue.notes.create({"body": "Investigating."})
    issue.state_event = "close"
    issue.save()
    return issue


def test_single_issue_has_the_documented_shape(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    issue = _busy_issue(bot)
    answer = bot.http_get(f"/projects/1/issues/{issue.iid}")
    assert shape_errors(documented("issue.json"), answer) == []
    assert API_TIME.match(answer["created_at"]) and API_TIME.match(answer["closed_at"])
    assert answer["web_url"] == f"{sandbox.url}/support/incidents/-/issues/{issue.iid}"
    assert answer["references"]["full"] == f"support/incidents#{issue.iid}"
    assert answer["id"] != answer["iid"]


def test_issue_list_has_the_documented_shape(bot: gitlab.Gitlab) -> None:
    _busy_issue(bot)
    answer = bot.http_list("/projects/1/issues", get_all=True)
    assert shape_errors(documented("issues_list.json"), answer) == []


def test_notes_have_the_documented_shape(bot: gitlab.Gitlab) -> None:
    issue = _busy_issue(bot)
    issue.notes.create({"body": "Internal detail", "internal": True})
    answer = bot.http_list(f"/projects/1/issues/{issue.iid}/notes", get_all=True)
    assert shape_errors(documented("notes_list.json"), answer, ignore=NOTE_AUTHOR) == []
    assert any(note["internal"] for note in answer)


def test_resource_events_have_the_documented_shape(bot: gitlab.Gitlab) -> None:
    issue = _busy_issue(bot)
    labels = bot.http_list(f"/projects/1/issues/{issue.iid}/resource_label_events", get_all=True)
    states = bot.http_list(f"/projects/1/issues/{issue.iid}/resource_state_events", get_all=True)
    assert shape_errors(documented("resource_label_events.json"), labels) == []
    assert shape_errors(documented("resource_state_events.json"), states) == []
    assert labels[0]["resource_id"] == issue.id


def test_issue_links_have_the_documented_shape(bot: gitlab.Gitlab) -> None:
    first = _busy_issue(bot)
    second = project_of(bot).issues.create({"title": "Related", "labels": "bug"})
    created = bot.http_post(
        f"/projects/1/issues/{first.iid}/links",
        post_data={"target_project_id": 1, "target_issue_iid": second.iid},
    )
    assert shape_errors(documented("issue_link_created.json"), created, ignore=PAID) == []
    listed = bot.http_get(f"/projects/1/issues/{first.iid}/links")
    assert shape_errors(documented("issue_links_list.json"), listed, ignore=PAID) == []


def test_labels_have_the_documented_shape(bot: gitlab.Gitlab) -> None:
    _busy_issue(bot)
    project_of(bot).labels.create({"name": "confirmed", "color": "#d9534f", "priority": 1})
    answer = bot.http_list("/projects/1/labels", query_data={"with_counts": True}, get_all=True)
    assert shape_errors(documented("labels_list.json"), answer) == []


@pytest.mark.parametrize("tier", ["free", "premium"])
def test_premium_adds_weight(tier: str) -> None:
    with Sandbox(tier=tier) as instance:
        client = instance.client()
        issue = project_of(client).issues.create({"title": "x"})
        assert ("weight" in issue.attributes) == (tier == "premium")


def test_issue_hook_has_the_documented_shape(
    sandbox: Sandbox, bot: gitlab.Gitlab, alice: gitlab.Gitlab
) -> None:
    issue = _busy_issue(bot)
    sandbox.clock.advance(timedelta(minutes=1))
    project_of(alice).issues.update(issue.iid, {"labels": "bug,regression"})
    payload = sandbox.deliveries()[-1].payload
    unmodelled = frozenset(
        {
            "object_attributes.weight",
            "object_attributes.health_status",
            "object_attributes.escalation_status",
            "object_attributes.escalation_policy",
        }
    )
    assert shape_errors(documented("webhook_issue.json"), payload, ignore=unmodelled) == []
    assert payload["object_attributes"]["action"] == "update"
    assert HOOK_TIME.match(payload["changes"]["updated_at"]["current"])
    assert payload["object_attributes"]["created_at"].endswith("Z")


def test_note_hook_has_the_documented_shape(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    issue = _busy_issue(bot)
    issue.notes.create({"body": "Hello world"})
    payload = sandbox.deliveries()[-1].payload
    legacy = frozenset({"issue.position", "issue.branch_name"})
    assert shape_errors(documented("webhook_note_issue.json"), payload, ignore=legacy) == []
    attributes = payload["object_attributes"]
    assert attributes["noteable_id"] == issue.id  # the issue's global id, not its iid
    assert payload["issue"]["iid"] == issue.iid
    assert HOOK_TIME.match(attributes["created_at"])
