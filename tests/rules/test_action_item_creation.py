"""Creating an action item exactly once, also when two runs create it at the same moment."""

from __future__ import annotations

import json
from datetime import date

import gitlab
import pytest
import responses

from automation import markers
from automation.actions import CreateIssue, Plan
from automation.gitlab_adapter import Applier
from tests.conftest import snapshot

API = "http://localhost/api/v4"
ITEM = CreateIssue(
    "action-item",
    "7-42-0123456789ab",
    7,
    "Add an alert",
    "Details",
    labels=("incident-action-item",),
    due_date=date(2026, 12, 17),
)
LINKED = {
    "source_issue": {"iid": 42, "project_id": 7},
    "target_issue": {"iid": 50, "project_id": 7},
    "link_type": "relates_to",
}


@pytest.fixture
def gl() -> gitlab.Gitlab:
    return gitlab.Gitlab("http://localhost", private_token="t", retry_transient_errors=False)


def found(iid: int, author: str = "incident-bot") -> dict:
    body = markers.append("Details", ITEM.marker)
    return {
        "id": 900 + iid,
        "iid": iid,
        "project_id": 7,
        "description": body,
        "author": {"username": author},
    }


@responses.activate
def test_a_concurrent_duplicate_is_closed_and_the_oldest_kept(gl, config) -> None:
    # This run searched before the other run's issue (#50) existed, and created #51.
    search = responses.get(f"{API}/projects/7/issues", json=[])
    responses.post(f"{API}/projects/7/issues", status=201, json=found(51))
    research = responses.get(f"{API}/projects/7/issues", json=[found(51), found(50)])
    close = responses.put(f"{API}/projects/7/issues/51", json={"iid": 51, "state": "closed"})
    responses.get(f"{API}/projects/7/issues/42/links", json=[{"iid": 50, "project_id": 7}])
    done = Applier(gl, config).apply(Plan(7, 42, (ITEM,)), snapshot(""))
    assert search.call_count == 1 and research.call_count == 1
    assert json.loads(close.calls[0].request.body) == {"state_event": "close"}
    assert "closed #51, a duplicate of #50" in done
    # The oldest is the one linked: the link to #50 exists, so no new link is made.
    assert not [
        c
        for c in responses.calls
        if c.request.url.endswith("/links") and c.request.method == "POST"
    ]


@responses.activate
def test_the_oldest_is_kept_whatever_order_the_search_returns(gl, config) -> None:
    responses.get(f"{API}/projects/7/issues", json=[found(52), found(50), found(51, "mallory")])
    responses.get(f"{API}/projects/7/issues/42/links", json=[])
    link = responses.post(f"{API}/projects/7/issues/42/links", status=201, json=LINKED)
    Applier(gl, config).apply(Plan(7, 42, (ITEM,)), snapshot(""))
    assert json.loads(link.calls[0].request.body)["target_issue_iid"] == 50
    assert not [
        c
        for c in responses.calls
        if c.request.method in ("PUT", "POST") and "links" not in c.request.url
    ]


@responses.activate
def test_a_lone_creation_closes_nothing(gl, config) -> None:
    responses.get(f"{API}/projects/7/issues", json=[])
    responses.post(f"{API}/projects/7/issues", status=201, json=found(50))
    responses.get(f"{API}/projects/7/issues", json=[found(50)])
    responses.get(f"{API}/projects/7/issues/42/links", json=[])
    responses.post(f"{API}/projects/7/issues/42/links", status=201, json=LINKED)
    Applier(gl, config).apply(Plan(7, 42, (ITEM,)), snapshot(""))
    assert not [c for c in responses.calls if c.request.method == "PUT"]
