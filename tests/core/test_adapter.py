"""The GitLab adapter against `responses` at the HTTP seam: what GitLab receives."""

from __future__ import annotations

import json
from datetime import date

import gitlab
import pytest
import responses
from responses import matchers

from automation import markers
from automation.actions import AddLabels, Assign, CreateIssue, Plan, PostNote, RemoveLabels
from automation.errors import UserError
from automation.gitlab_adapter import Applier, NotePacer, WriteFailed, connect, read_snapshot
from tests.conftest import bot_note, snapshot

API = "http://localhost/api/v4"
ISSUE = f"{API}/projects/7/issues/42"


@pytest.fixture
def gl():
    return gitlab.Gitlab(
        "http://localhost", private_token="secret-token", retry_transient_errors=False, per_page=100
    )


def note_json(note_id: int, body: str, author: str = "incident-bot") -> dict:
    return {
        "id": note_id,
        "body": body,
        "author": {"id": 1, "username": author},
        "created_at": "2026-12-03T14:06:00.000Z",
        "system": False,
        "internal": True,
        "noteable_iid": 42,
        "noteable_type": "Issue",
    }


NOTE = PostNote("initial-status-update", "1", "## Incident #42 - hello")
PLAN = Plan(
    7,
    42,
    (
        AddLabels(("incident", "severity::2")),
        RemoveLabels(("incident-bot::needs-info",)),
        Assign(("alice",)),
        NOTE,
    ),
)


@responses.activate
def test_a_plan_goes_out_as_gitlab_expects(gl, config) -> None:
    put_labels = responses.put(
        ISSUE,
        json={"iid": 42},
        match=[
            matchers.json_params_matcher(
                {"add_labels": "incident,severity::2", "remove_labels": "incident-bot::needs-info"}
            )
        ],
    )
    users = responses.get(
        f"{API}/users",
        json=[{"id": 11, "username": "alice"}],
        match=[matchers.query_param_matcher({"username": "alice"}, strict_match=False)],
    )
    put_assignee = responses.put(
        ISSUE, json={"iid": 42}, match=[matchers.json_params_matcher({"assignee_ids": [11]})]
    )
    post = responses.post(f"{ISSUE}/notes", json=note_json(5, "x"), status=201)
    snap = snapshot("", labels=("incident-bot::needs-info",))
    done = Applier(gl, config).apply(PLAN, snap)
    assert put_labels.call_count == 1 and users.call_count == 1 and put_assignee.call_count == 1
    sent = json.loads(post.calls[0].request.body)
    assert sent["internal"] is True
    assert sent["body"].startswith("## Incident #42 - hello")
    assert sent["body"].rstrip().endswith("<!-- incident-bot:initial-status-update:1 -->")
    assert post.calls[0].request.headers["PRIVATE-TOKEN"] == "secret-token"
    assert "assigned @alice" in done


@responses.activate
def test_the_same_plan_applied_twice_posts_once(gl, config) -> None:
    post = responses.post(f"{ISSUE}/notes", json=note_json(5, "x"), status=201)
    plan = Plan(7, 42, (NOTE,))
    Applier(gl, config).apply(plan, snapshot(""))
    after = snapshot("", notes=(bot_note("initial-status-update", 1),))
    Applier(gl, config).apply(plan, after)
    assert post.call_count == 1


@responses.activate
def test_a_502_after_which_the_note_landed_gives_one_note(gl, config) -> None:
    post = responses.post(f"{ISSUE}/notes", json={"message": "502 Bad Gateway"}, status=502)
    landed = markers.append(NOTE.body, NOTE.marker)
    check = responses.get(f"{ISSUE}/notes", json=[note_json(9, landed)])
    done = Applier(gl, config).apply(Plan(7, 42, (NOTE,)), snapshot(""))
    assert post.call_count == 1 and check.call_count == 1
    assert done == [NOTE.describe()]


@responses.activate
def test_a_502_without_the_note_is_not_retried_blindly(gl, config) -> None:
    post = responses.post(f"{ISSUE}/notes", json={"message": "502 Bad Gateway"}, status=502)
    forged = markers.append("fake", NOTE.marker)
    responses.get(f"{ISSUE}/notes", json=[note_json(9, forged, author="mallory")])
    with pytest.raises(WriteFailed, match="not retried"):
        Applier(gl, config).apply(Plan(7, 42, (NOTE,)), snapshot(""))
    assert post.call_count == 1


@responses.activate
def test_a_429_is_waited_out_and_the_note_posted_once(gl, config, monkeypatch) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    responses.post(
        f"{ISSUE}/notes",
        status=429,
        headers={"Retry-After": "1"},
        json={"message": {"error": "This endpoint has been requested too many times."}},
    )
    responses.post(f"{ISSUE}/notes", json=note_json(5, "x"), status=201)
    Applier(gl, config).apply(Plan(7, 42, (NOTE,)), snapshot(""))
    posts = [c for c in responses.calls if c.request.method == "POST"]
    assert [c.response.status_code for c in posts] == [429, 201]


@responses.activate
def test_free_tier_keeps_the_one_assignee(gl, config) -> None:
    responses.get(f"{API}/users", json=[{"id": 12, "username": "bob"}])
    done = Applier(gl, config).apply(
        Plan(7, 42, (Assign(("bob",)),)), snapshot("", assignees=("alice",))
    )
    assert not [c for c in responses.calls if c.request.method == "PUT"]
    assert "kept @alice" in done[0]


@responses.activate
def test_labels_already_in_place_are_not_sent(gl, config) -> None:
    Applier(gl, config).apply(
        Plan(7, 42, (AddLabels(("incident",)),)), snapshot("", labels=("incident",))
    )
    assert not responses.calls


ITEM = CreateIssue(
    "action-item",
    "7-42-abc123",
    7,
    "Add an alert",
    "Details",
    labels=("incident-action-item",),
    assignee="dave",
    due_date=date(2026, 12, 17),
    confidential=True,
)


@responses.activate
def test_an_action_item_is_created_once_and_linked(gl, config) -> None:
    search = responses.get(f"{API}/projects/7/issues", json=[])
    responses.get(f"{API}/users", json=[{"id": 14, "username": "dave"}])
    create = responses.post(
        f"{API}/projects/7/issues", status=201, json={"id": 900, "iid": 50, "project_id": 7}
    )
    responses.get(f"{ISSUE}/links", json=[])
    link = responses.post(
        f"{ISSUE}/links",
        status=201,
        json={
            "source_issue": {"iid": 42, "project_id": 7},
            "target_issue": {"iid": 50, "project_id": 7},
            "link_type": "relates_to",
        },
    )
    Applier(gl, config).apply(Plan(7, 42, (ITEM,)), snapshot(""))
    assert "search=7-42-abc123" in search.calls[0].request.url
    sent = json.loads(create.calls[0].request.body)
    assert sent["confidential"] is True and sent["due_date"] == "2026-12-17"
    assert sent["assignee_ids"] == [14] and sent["labels"] == "incident-action-item"
    assert "<!-- incident-bot:action-item:7-42-abc123 -->" in sent["description"]
    assert json.loads(link.calls[0].request.body) == {
        "target_project_id": 7,
        "target_issue_iid": 50,
        "link_type": "relates_to",
    }


@responses.activate
def test_an_existing_action_item_is_not_created_again(gl, config) -> None:
    body = markers.append("Details", ITEM.marker)
    responses.get(
        f"{API}/projects/7/issues",
        json=[
            {
                "id": 900,
                "iid": 50,
                "project_id": 7,
                "description": body,
                "author": {"username": "incident-bot"},
            }
        ],
    )
    responses.get(f"{ISSUE}/links", json=[{"iid": 50, "project_id": 7}])
    Applier(gl, config).apply(Plan(7, 42, (ITEM,)), snapshot(""))
    assert not [c for c in responses.calls if c.request.method == "POST"]


@responses.activate
def test_read_snapshot_trusts_markers_only_on_the_bots_notes(gl, config) -> None:
    responses.get(
        ISSUE,
        json={
            "id": 1042,
            "iid": 42,
            "project_id": 7,
            "title": "T",
            "description": "---\n---",
            "state": "opened",
            "labels": ["incident"],
            "author": {"username": "alice"},
            "assignees": [{"username": "alice"}],
            "confidential": False,
            "created_at": "2026-12-03T14:05:00.000Z",
            "updated_at": "2026-12-03T14:06:00.000Z",
            "web_url": "http://localhost/g/p/-/issues/42",
        },
    )
    marker = "<!-- incident-bot:initial-status-update:1 -->"
    responses.get(
        f"{ISSUE}/notes",
        json=[note_json(1, f"x {marker}"), note_json(2, f"y {marker}", author="mallory")],
    )
    snap = read_snapshot(gl, 7, 42, config)
    assert [n.marker is not None for n in snap.notes] == [True, False]
    assert snap.assignees == ("alice",) and snap.labels == ("incident",)
    assert len(responses.calls) == 2  # no label events needed for this issue


@responses.activate
def test_a_rejected_token_is_one_line() -> None:
    responses.get(f"{API}/user", status=401, json={"message": "401 Unauthorized"})
    with pytest.raises(UserError, match="rejected the token"):
        connect("http://localhost", "bad-token")


def test_unreachable_gitlab_is_one_line() -> None:
    with pytest.raises(UserError, match="cannot reach"):
        connect("http://127.0.0.1:9", "token", timeout=2)


def test_the_note_pacer_keeps_under_the_limit() -> None:
    clock = [0.0]
    slept = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    pacer = NotePacer(per_minute=3, clock=lambda: clock[0], sleep=sleep)
    for _ in range(7):
        pacer.wait()
        clock[0] += 1
    assert slept == [57.0, 57.0]


@responses.activate
def test_with_recheck_a_note_a_concurrent_run_posted_is_not_posted_again(gl, config) -> None:
    landed = markers.append(NOTE.body, NOTE.marker)
    check = responses.get(f"{ISSUE}/notes", json=[note_json(9, landed)])
    post = responses.post(f"{ISSUE}/notes", json=note_json(5, "x"), status=201)
    done = Applier(gl, config, recheck_notes=True).apply(Plan(7, 42, (NOTE,)), snapshot(""))
    assert check.call_count == 1 and post.call_count == 0
    assert "concurrent run" in done[0]


@responses.activate
def test_an_action_item_linked_to_the_incident_is_found_without_searching(gl, config) -> None:
    """GitLab's search may not see a key inside an HTML comment; the incident's links do."""
    body = markers.append("Details", ITEM.marker)
    links = responses.get(
        f"{ISSUE}/links",
        json=[
            {
                "id": 900,
                "iid": 50,
                "project_id": 7,
                "description": body,
                "author": {"username": "incident-bot"},
                "issue_link_id": 1,
                "link_type": "relates_to",
            }
        ],
    )
    search = responses.get(f"{API}/projects/7/issues", json=[])
    Applier(gl, config).apply(Plan(7, 42, (ITEM,)), snapshot(""))
    assert links.call_count == 1 and search.call_count == 0
    assert not [c for c in responses.calls if c.request.method == "POST"]


def test_the_bots_markers_count_whatever_the_case_of_its_username() -> None:
    """GitLab usernames are case-insensitive: `Incident-Bot` in the config is the same account."""
    from datetime import UTC, datetime

    from automation.snapshot import trusted_note

    moment = datetime(2026, 12, 3, tzinfo=UTC)
    body = markers.append("x", NOTE.marker)
    mine = trusted_note(
        id=1, author="incident-bot", body=body, created_at=moment, bot_username="Incident-Bot"
    )
    theirs = trusted_note(
        id=2, author="incident-bot2", body=body, created_at=moment, bot_username="Incident-Bot"
    )
    assert mine.marker == NOTE.marker and theirs.marker is None


@responses.activate
def test_a_new_cmoc_replaces_the_one_assignee_on_the_free_tier(gl, config) -> None:
    responses.get(f"{API}/users", json=[{"id": 14, "username": "dave"}])
    put = responses.put(
        ISSUE, json={"iid": 42}, match=[matchers.json_params_matcher({"assignee_ids": [14]})]
    )
    plan = Plan(7, 42, (Assign(("dave",), replace=True),))
    Applier(gl, config).apply(plan, snapshot("", assignees=("alice",)))
    assert put.call_count == 1
