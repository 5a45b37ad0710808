"""The scan's GraphQL read: its complexity, what it sends, and the snapshots it builds."""

from __future__ import annotations

import json
import re

import pytest
import responses

from automation import gitlab_graphql as graphql
from automation.errors import UserError
from tests.scan.fake_gitlab import URL

GRAPHQL = f"{URL}/api/graphql"


def test_the_query_stays_within_gitlabs_complexity_limit() -> None:
    assert graphql.complexity() == 78  # the table beside the query
    assert graphql.complexity(page_size=100, notes_window=100) <= graphql.COMPLEXITY_LIMIT
    assert graphql.PAGE_SIZE <= 100 and graphql.NOTES_WINDOW <= 100  # GitLab's page limit


def test_the_scored_fields_are_the_fields_asked_for() -> None:
    scalars = re.search(r"nodes \{\n\s+(id iid [^\n]+)", graphql.QUERY).group(1).split()
    assert len(scalars) == graphql.ISSUE_SCALARS
    note = re.search(r"nodes \{ (id body [^}]+)author", graphql.QUERY).group(1).split()
    assert note == ["id", "body", "createdAt", "system", "internal"]


def node(**overrides):
    base = {
        "id": "gid://gitlab/Issue/1042",
        "iid": "42",
        "title": "CI jobs stuck",
        "description": "---\n---",
        "state": "opened",
        "confidential": False,
        "createdAt": "2026-12-03T14:05:00Z",
        "updatedAt": "2026-12-03T15:00:00Z",
        "closedAt": None,
        "webUrl": f"{URL}/support/incidents/-/issues/42",
        "author": {"username": "alice"},
        "assignees": {"nodes": [{"username": "alice"}]},
        "labels": {"nodes": [{"title": "incident"}, {"title": "severity::2"}]},
        "notes": {
            "pageInfo": {"hasPreviousPage": False},
            "nodes": [
                {
                    "id": "gid://gitlab/Note/5002",
                    "body": "y <!-- incident-bot:initial-status-update:1 -->",
                    "createdAt": "2026-12-03T14:07:00Z",
                    "system": False,
                    "internal": True,
                    "author": {"username": "mallory"},
                },
                {
                    "id": "gid://gitlab/DiscussionNote/5001",
                    "body": "x <!-- incident-bot:initial-status-update:1 -->",
                    "createdAt": "2026-12-03T14:06:00Z",
                    "system": False,
                    "internal": True,
                    "author": {"username": "incident-bot"},
                },
            ],
        },
    }
    return base | overrides


def test_a_node_becomes_the_snapshot_a_rest_read_gives(config) -> None:
    batched = graphql.issue_from_node(node(), 7, "support/incidents", config)
    snap = batched.snapshot
    assert (snap.project_id, snap.iid, snap.id) == (7, 42, 1042)
    assert snap.labels == ("incident", "severity::2") and snap.assignees == ("alice",)
    assert snap.project_path == "support/incidents" and snap.author == "alice"
    assert [n.id for n in snap.notes] == [5001, 5002]  # oldest first
    assert [n.marker is not None for n in snap.notes] == [True, False]  # only the bot's count
    assert batched.notes_complete


def test_a_window_with_older_comments_is_marked_incomplete(config) -> None:
    truncated = node(notes={"pageInfo": {"hasPreviousPage": True}, "nodes": []})
    assert not graphql.issue_from_node(truncated, 7, "p", config).notes_complete


@responses.activate
def test_the_query_goes_through_python_gitlab_with_its_token(gl, config) -> None:
    answer = {
        "data": {
            "project": {
                "id": "gid://gitlab/Project/7",
                "issues": {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": []},
            }
        }
    }
    call = responses.post(GRAPHQL, json=answer)
    selection = graphql.Selection("opened", labels=("incident",))
    assert list(graphql.pages(gl, "support/incidents", selection, config)) == [[]]
    request = call.calls[0].request
    assert request.headers["PRIVATE-TOKEN"] == "secret-token"
    sent = json.loads(request.body)
    assert sent["query"] == graphql.QUERY
    assert sent["variables"] == {
        "project": "support/incidents",
        "state": "opened",
        "labels": ["incident"],
        "not": None,
        "updatedAfter": None,
        "closedAfter": None,
        "first": graphql.PAGE_SIZE,
        "after": None,
        "notes": graphql.NOTES_WINDOW,
    }


@responses.activate
def test_graphql_errors_are_one_line(gl, config) -> None:
    responses.post(
        GRAPHQL,
        json={"errors": [{"message": "Query has complexity of 300, which exceeds max 250"}]},
    )
    with pytest.raises(graphql.GraphQLError, match="complexity of 300"):
        graphql.execute(gl, graphql.QUERY, {})


@responses.activate
def test_an_unknown_project_is_one_line(gl, config) -> None:
    responses.post(GRAPHQL, json={"data": {"project": None}})
    with pytest.raises(UserError, match="no project support/nope"):
        next(graphql.pages(gl, "support/nope", graphql.Selection(), config))


@responses.activate
def test_a_rejected_token_is_one_line(gl) -> None:
    responses.post(GRAPHQL, status=401, json={"message": "401 Unauthorized"})
    with pytest.raises(UserError, match="rejected the token"):
        graphql.execute(gl, graphql.QUERY, {})
