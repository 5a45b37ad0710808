"""Webhook deliveries: GitLab's headers and payloads, in order, recorded, and re-deliverable."""

from __future__ import annotations

import re

import gitlab

from automation.sandbox import Sandbox

from .conftest import Receiver
from .support import make_labels, project_of

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_deliveries_carry_gitlabs_headers(
    sandbox: Sandbox, bot: gitlab.Gitlab, receiver: Receiver
) -> None:
    sandbox.set_webhook(receiver.url, "s3cret")
    issue = project_of(bot).issues.create({"title": "x"})
    issue.notes.create({"body": "hello"})
    assert sandbox.flush_webhooks(timeout=5)

    assert receiver.events() == ["Issue Hook", "Note Hook"]
    headers = receiver.received[0].headers
    assert headers["X-Gitlab-Token"] == "s3cret"
    assert headers["X-Gitlab-Instance"] == sandbox.url
    assert headers["User-Agent"].startswith("GitLab/")
    assert headers["Content-Type"] == "application/json"
    for name in ("X-Gitlab-Event-UUID", "X-Gitlab-Webhook-UUID", "Idempotency-Key"):
        assert UUID.match(headers[name]), name
    assert receiver.received[0].body["object_attributes"]["action"] == "open"
    assert [d.status for d in sandbox.deliveries()] == ["delivered", "delivered"]
    assert [d.response_status for d in sandbox.deliveries()] == [200, 200]


def test_every_change_fires_in_order(
    sandbox: Sandbox, bot: gitlab.Gitlab, alice: gitlab.Gitlab, receiver: Receiver
) -> None:
    sandbox.set_webhook(receiver.url)
    issues = project_of(alice).issues
    issue = issues.create({"title": "x"})
    issues.update(issue.iid, {"state_event": "close"})
    issues.update(issue.iid, {"state_event": "reopen"})
    # The bot's own label changes fire too, with the labels' before and after.
    project_of(bot).issues.update(issue.iid, {"add_labels": "incident"})
    sandbox.flush_webhooks(timeout=5)
    actions = [item.body["object_attributes"]["action"] for item in receiver.received]
    assert actions == ["open", "close", "reopen", "update"]
    last = receiver.received[-1].body
    assert last["user"]["username"] == "incident-bot"
    assert last["changes"]["labels"]["previous"] == []
    assert [label["title"] for label in last["changes"]["labels"]["current"]] == ["incident"]
    assert receiver.received[1].body["changes"]["state_id"] == {"previous": 1, "current": 2}


def test_confidential_issues_and_internal_notes_use_confidential_hooks(
    sandbox: Sandbox, bot: gitlab.Gitlab, receiver: Receiver
) -> None:
    sandbox.set_webhook(receiver.url)
    public = project_of(bot).issues.create({"title": "public"})
    public.notes.create({"body": "internal", "internal": True})
    secret = project_of(bot).issues.create({"title": "secret", "confidential": True})
    secret.notes.create({"body": "on a confidential issue"})
    sandbox.flush_webhooks(timeout=5)
    assert receiver.events() == [
        "Issue Hook",
        "Confidential Note Hook",
        "Confidential Issue Hook",
        "Confidential Note Hook",
    ]
    kinds = [(item.body["object_kind"], item.body["event_type"]) for item in receiver.received]
    assert kinds == [
        ("issue", "issue"),
        ("note", "confidential_note"),
        ("issue", "confidential_issue"),
        ("note", "confidential_note"),
    ]


def test_commands_only_note_fires_the_issue_hook_only(
    sandbox: Sandbox, alice: gitlab.Gitlab
) -> None:
    make_labels(alice, "incident::active")
    issue = project_of(alice).issues.create({"title": "x"})
    before = sandbox.deliveries()[-1].id
    alice.http_post(
        f"/projects/1/issues/{issue.iid}/notes", post_data={"body": "/label ~incident::active"}
    )
    events = [
        (d.event, d.payload["object_attributes"].get("action")) for d in sandbox.deliveries(before)
    ]
    assert events == [("Issue Hook", "update")]


def test_redelivery_keeps_the_idempotency_key(
    sandbox: Sandbox, bot: gitlab.Gitlab, receiver: Receiver
) -> None:
    sandbox.set_webhook(receiver.url)
    project_of(bot).issues.create({"title": "x"})
    sandbox.flush_webhooks(timeout=5)
    original = sandbox.deliveries()[0]
    again = sandbox.redeliver(original.id)
    sandbox.flush_webhooks(timeout=5)
    first, second = receiver.received
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert first.headers["X-Gitlab-Event-UUID"] == second.headers["X-Gitlab-Event-UUID"]
    assert first.headers["X-Gitlab-Webhook-UUID"] != second.headers["X-Gitlab-Webhook-UUID"]
    assert first.body == second.body
    assert sandbox.deliveries(original.id)[0].redelivery_of == original.id == again - 1


def test_failures_are_recorded_not_retried(
    sandbox: Sandbox, bot: gitlab.Gitlab, receiver: Receiver
) -> None:
    receiver.status = 500
    sandbox.set_webhook(receiver.url)
    project_of(bot).issues.create({"title": "x"})
    sandbox.flush_webhooks(timeout=5)
    sandbox.set_webhook("http://127.0.0.1:9/unreachable")
    project_of(bot).issues.create({"title": "y"})
    sandbox.flush_webhooks(timeout=5)
    first, second = sandbox.deliveries()
    assert (first.status, first.response_status) == ("failed", 500)
    assert (second.status, second.response_status) == ("failed", None) and second.error
    assert len(receiver.received) == 1


def test_without_a_url_deliveries_are_recorded_only(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    project_of(bot).issues.create({"title": "x"})
    assert sandbox.flush_webhooks(timeout=1)
    assert [(d.event, d.status) for d in sandbox.deliveries()] == [("Issue Hook", "skipped")]
