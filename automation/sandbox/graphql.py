"""`POST /api/graphql`, for the one query the bot sends: the scan's page of incidents.

Not a GraphQL engine. The sandbox recognises the scan's operation (`IncidentBotScan`, see
`automation/gitlab_graphql.py`), reads its variables, and answers with the fields that query
selects, the way GitLab answers them: a project by full path, its issues filtered by `state`,
`labelName` (all of them), `not: {labelName}` (none of them), `updatedAfter` and `closedAfter`,
newest first, `first` at a time (at most 100) after an opaque keyset cursor, and each issue's
newest comments (`notes(last:, filter: ONLY_COMMENTS)`, so no system notes; internal ones only
for reporters and above). Any other query gets a GraphQL error, as an unknown field would.

Authentication is GitLab's: a `PRIVATE-TOKEN` or `Authorization: Bearer` token; a wrong token
is a 401, and without one a private project is simply not there (`project: null`).
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .api import Response
from .clock import from_db

if TYPE_CHECKING:
    from .server import Sandbox

PATH = "/api/graphql"
OPERATION = "IncidentBotScan"
MAX_PAGE_SIZE = 100

Row = sqlite3.Row


def handle(
    sandbox: Sandbox, method: str, headers: Mapping[str, str], body: Mapping[str, Any]
) -> tuple[Response, str | None]:
    """The response to one request, and the username it was made as (for the request log)."""
    if method != "POST":
        return Response(405, {"errors": [{"message": "GraphQL queries are POSTed"}]}), None
    tracker = sandbox.tracker
    token = _token(headers)
    actor = tracker.user_by_token(token) if token else None
    if token and actor is None:
        return Response(401, {"errors": [{"message": "Invalid token"}]}), None
    query = str(body.get("query") or "")
    if f"query {OPERATION}" not in query:
        return _error("the sandbox answers only incident-bot's scan query"), _name(actor)
    variables = body.get("variables") or {}
    with tracker.store.transaction():
        project = tracker.project(str(variables.get("project") or ""))
        if project is None or actor is None:
            return Response(200, {"data": {"project": None}}), _name(actor)
        data = {
            "project": {
                "id": f"gid://gitlab/Project/{project['id']}",
                "issues": _issues(sandbox, project, actor, variables),
            }
        }
    return Response(200, {"data": data}), _name(actor)


def _issues(
    sandbox: Sandbox, project: Row, actor: Row, variables: Mapping[str, Any]
) -> dict[str, Any]:
    tracker = sandbox.tracker
    rows = tracker.store.all(
        "SELECT * FROM issues WHERE project_id = ? ORDER BY created_at DESC, id DESC",
        project["id"],
    )
    state = variables.get("state") or "all"
    wanted = set(variables.get("labels") or ())
    unwanted = set(((variables.get("not") or {}).get("labelName")) or ())
    updated_after = _time(variables.get("updatedAfter"))
    closed_after = _time(variables.get("closedAfter"))
    chosen = []
    for row in rows:
        if state != "all" and row["state"] != state:
            continue
        if not tracker.can_read(actor, row):
            continue
        names = {label["name"] for label in tracker.labels_of(row["id"])}
        if not wanted <= names or unwanted & names:
            continue
        if updated_after and from_db(row["updated_at"]) < updated_after:
            continue
        if closed_after and (not row["closed_at"] or from_db(row["closed_at"]) < closed_after):
            continue
        chosen.append(row)
    after = _decode(variables.get("after"))
    if after is not None:
        chosen = [row for row in chosen if (row["created_at"], row["id"]) < after]
    size = max(0, min(int(variables.get("first") or MAX_PAGE_SIZE), MAX_PAGE_SIZE))
    page = chosen[:size]
    notes = max(0, min(int(variables.get("notes") or MAX_PAGE_SIZE), MAX_PAGE_SIZE))
    return {
        "pageInfo": {
            "hasNextPage": len(chosen) > len(page),
            "endCursor": _encode(page[-1]) if page else None,
        },
        "nodes": [_node(sandbox, row, actor, notes) for row in page],
    }


def _node(sandbox: Sandbox, issue: Row, actor: Row, last: int) -> dict[str, Any]:
    tracker = sandbox.tracker
    author = tracker.user(issue["author_id"])
    comments = [
        row
        for row in tracker.store.all(
            "SELECT * FROM notes WHERE issue_id = ? AND system = 0 ORDER BY created_at, id",
            issue["id"],
        )
        if not row["internal"] or tracker.can_admin(actor)
    ]
    shown = comments[len(comments) - last :] if last else []
    return {
        "id": f"gid://gitlab/Issue/{issue['id']}",
        "iid": str(issue["iid"]),
        "title": issue["title"],
        "description": issue["description"],
        "state": issue["state"],
        "confidential": bool(issue["confidential"]),
        "createdAt": _iso(issue["created_at"]),
        "updatedAt": _iso(issue["updated_at"]),
        "closedAt": _iso(issue["closed_at"]),
        "webUrl": sandbox.presenter.issue_web_url(issue),
        "author": {"username": author["username"] if author else None},
        "assignees": {
            "nodes": [{"username": user["username"]} for user in tracker.assignees_of(issue["id"])]
        },
        "labels": {"nodes": [{"title": label["name"]} for label in tracker.labels_of(issue["id"])]},
        "notes": {
            "pageInfo": {"hasPreviousPage": len(comments) > len(shown)},
            "nodes": [_note(sandbox, row) for row in shown],
        },
    }


def _note(sandbox: Sandbox, note: Row) -> dict[str, Any]:
    author = sandbox.tracker.user(note["author_id"])
    return {
        "id": f"gid://gitlab/Note/{note['id']}",
        "body": note["body"],
        "createdAt": _iso(note["created_at"]),
        "system": bool(note["system"]),
        "internal": bool(note["internal"]),
        "author": {"username": author["username"] if author else None},
    }


def _token(headers: Mapping[str, str]) -> str | None:
    lowered = {key.lower(): value for key, value in headers.items()}
    token = lowered.get("private-token")
    authorization = lowered.get("authorization", "")
    if token is None and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    return token


def _name(actor: Row | None) -> str | None:
    return actor["username"] if actor is not None else None


def _error(message: str) -> Response:
    return Response(200, {"errors": [{"message": message}]})


def _iso(value: str | None) -> str | None:
    """GraphQL's `Time`: ISO 8601 to the second, in UTC."""
    moment = from_db(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _encode(row: Row) -> str:
    raw = json.dumps({"created_at": row["created_at"], "id": row["id"]})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(cursor: Any) -> tuple[str, int] | None:
    if not cursor:
        return None
    data = json.loads(base64.urlsafe_b64decode(str(cursor).encode()))
    return data["created_at"], int(data["id"])
