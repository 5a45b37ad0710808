"""Batched reads for the scheduled scan: a page of incidents, with their recent notes, per request.

Over REST, listing N incidents and reading each one's notes costs N + ceil(N/100) requests at
least. GitLab's GraphQL API returns a page of issues with their labels, assignees and latest
comments in one request, so the scan's reads grow with pages of incidents instead. Each issue
becomes the same `IssueSnapshot` the REST read gives (through `gitlab_adapter.snapshot_from_api`),
so `decide` cannot tell the two apart.

The query goes out through python-gitlab's own client (`Gitlab.http_post`): one client talks to
GitLab, with the same token, timeout and handling of 429 (python-gitlab waits out `Retry-After`)
as every REST call, and tests stub it with `responses` like the rest of the adapter.

What a page does not carry, and how the scan makes up for it (see scan.py):
- Older comments. Each issue brings its newest `NOTES_WINDOW` comments (system notes excluded:
  they carry no markers). `notes_complete` is False when there are older ones; a marker among
  those may matter, and the scan reads the whole issue when it does.
- Label events. They are not in GitLab's GraphQL issue type; the scan reads them over REST for
  the few incidents whose rules need them (`gitlab_adapter.needs_label_events`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gitlab import exceptions as gle

from .config import Config
from .errors import UserError
from .gitlab_adapter import snapshot_from_api, translate_errors
from .snapshot import IssueSnapshot
from .timefmt import to_gitlab

PAGE_SIZE = 50  # issues per request; GitLab's most is 100, half keeps a page's response moderate
NOTES_WINDOW = 100  # newest comments per issue; GitLab's most per connection is 100

# The complexity of this query, as GitLab scores it (limit 250 for authenticated requests).
#
# GitLab gives every field 1 plus its children's total (Types::BaseField). A field resolved by
# a resolver instead scores (children + resolver's own) x (1 + limit x 0.01), limit being the
# page size it may load (`first`/`last`, else 100): loading 100 items doubles the cost. The
# resolver's own cost is 1, +1 with a sort (issues always have one by default), +2 when
# filtered by label name. Scored with PAGE_SIZE 50 and NOTES_WINDOW 100:
#
#   note node: id body createdAt system internal (5) + author{username} (2)           =  7
#   notes: nodes (1+7) + pageInfo{hasPreviousPage} (2) = 10; (10+1) x (1+1.00)         = 22
#   labels: nodes{title} (2); (2+1) x (1+1.00), no `first`, so 100                     =  6
#   assignees{nodes{username}}: a plain connection, 1 + 2                             =  3
#   issue node: 10 scalars + author (2) + assignees (3) + labels (6) + notes (22)      = 43
#   issues: nodes (1+43) + pageInfo{hasNextPage endCursor} (3) = 47;
#           (47 + 1 + 1 sort + 2 labelName) x (1+0.50)                                = 76
#   project: id (1) + issues (76) + its resolver (1)                                   = 78
#
# 78 of 250. The issue's own fields are counted once, not once per issue: that is how GitLab
# scores connections. `complexity()` below repeats the sum and a test keeps it under the limit.
QUERY = """
query IncidentBotScan(
  $project: ID!, $state: IssuableState!, $labels: [String!], $not: NegatedIssueFilterInput,
  $updatedAfter: Time, $closedAfter: Time, $first: Int!, $after: String, $notes: Int!
) {
  project(fullPath: $project) {
    id
    issues(state: $state, labelName: $labels, not: $not, updatedAfter: $updatedAfter,
           closedAfter: $closedAfter, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id iid title description state confidential createdAt updatedAt closedAt webUrl
        author { username }
        assignees { nodes { username } }
        labels { nodes { title } }
        notes(last: $notes, filter: ONLY_COMMENTS) {
          pageInfo { hasPreviousPage }
          nodes { id body createdAt system internal author { username } }
        }
      }
    }
  }
}
"""

COMPLEXITY_LIMIT = 250
MAX_RETRIES = 5  # 429s and 5xx answers; backoff for 5xx totals 3 s
ISSUE_SCALARS = 10


def _connection(children: int, own: int, limit: int) -> int:
    return math.floor((children + own) * (1 + min(limit, 100) * 0.01))


def complexity(page_size: int = PAGE_SIZE, notes_window: int = NOTES_WINDOW) -> int:
    """This query's complexity score, computed as GitLab computes it (see the table above)."""
    note = 5 + 2
    notes = _connection((1 + note) + 2, 1, notes_window)
    labels = _connection(2, 1, 100)
    issue = ISSUE_SCALARS + 2 + 3 + labels + notes
    issues = _connection((1 + issue) + 3, 1 + 1 + 2, page_size)
    return 1 + issues + 1


class GraphQLError(UserError):
    """GitLab answered the query with errors (a changed schema, a complexity limit...)."""


@dataclass(frozen=True)
class Selection:
    """Which issues a pass reads. Times are UTC."""

    state: str = "opened"
    labels: tuple[str, ...] | None = None
    without_labels: tuple[str, ...] | None = None
    updated_after: datetime | None = None
    closed_after: datetime | None = None

    def variables(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "labels": list(self.labels) if self.labels else None,
            "not": {"labelName": list(self.without_labels)} if self.without_labels else None,
            "updatedAfter": to_gitlab(self.updated_after) if self.updated_after else None,
            "closedAfter": to_gitlab(self.closed_after) if self.closed_after else None,
        }


@dataclass(frozen=True)
class BatchedIssue:
    snapshot: IssueSnapshot
    notes_complete: bool  # False: older comments exist beyond the window


def execute(gl: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """POST one query to `/api/graphql`; returns `data`, raises GraphQLError or UserError.

    A read is safe to repeat, so transient 5xx answers are retried here (python-gitlab's
    backoff), unlike writes; a few times only, so that a GitLab in trouble costs the scan
    seconds, not minutes. A 429 is waited out for as long as its `Retry-After` says.
    """
    url = f"{gl.url}/api/graphql"
    with translate_errors(gl.url):
        try:
            answer = gl.http_post(
                url,
                post_data={"query": query, "variables": variables},
                retry_transient_errors=True,
                max_retries=MAX_RETRIES,
            )
        except gle.GitlabParsingError:
            raise GraphQLError("GitLab's GraphQL answer was not JSON") from None
    if not isinstance(answer, dict):
        raise GraphQLError("GitLab's GraphQL answer was not JSON")
    errors = answer.get("errors") or []
    if errors:
        messages = "; ".join(str(error.get("message", error)) for error in errors[:3])
        raise GraphQLError(f"GitLab's GraphQL API refused the scan's query: {messages}")
    return answer.get("data") or {}


def pages(
    gl: Any,
    project_path: str,
    selection: Selection,
    config: Config,
    *,
    page_size: int = PAGE_SIZE,
    notes_window: int = NOTES_WINDOW,
) -> Iterator[list[BatchedIssue]]:
    """The issues `selection` names, one page (one request) at a time."""
    after: str | None = None
    while True:
        variables = {
            "project": project_path,
            **selection.variables(),
            "first": page_size,
            "after": after,
            "notes": notes_window,
        }
        project = execute(gl, QUERY, variables).get("project")
        if project is None:
            raise UserError(
                f"GitLab has no project {project_path}, or the token cannot see it: check --project"
            )
        project_id = gid_number(project["id"])
        connection = project["issues"]
        yield [
            issue_from_node(node, project_id, project_path, config) for node in connection["nodes"]
        ]
        info = connection["pageInfo"]
        if not info.get("hasNextPage"):
            return
        after = info["endCursor"]


def issue_from_node(
    node: dict[str, Any], project_id: int, project_path: str, config: Config
) -> BatchedIssue:
    """One GraphQL issue node as the REST shapes `snapshot_from_api` reads."""
    iid = int(node["iid"])
    issue = {
        "project_id": project_id,
        "iid": iid,
        "id": gid_number(node["id"]),
        "title": node.get("title"),
        "description": node.get("description"),
        "state": node.get("state"),
        "labels": [label["title"] for label in (node.get("labels") or {}).get("nodes") or ()],
        "author": node.get("author") or {},
        "assignees": (node.get("assignees") or {}).get("nodes") or [],
        "confidential": node.get("confidential"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "closed_at": node.get("closedAt"),
        "web_url": node.get("webUrl"),
        "references": {"full": f"{project_path}#{iid}"},
    }
    notes_connection = node.get("notes") or {}
    notes = [
        {
            "id": gid_number(note["id"]),
            "body": note.get("body"),
            "created_at": note.get("createdAt"),
            "system": note.get("system"),
            "internal": note.get("internal"),
            "author": note.get("author") or {},
        }
        for note in notes_connection.get("nodes") or ()
    ]
    complete = not (notes_connection.get("pageInfo") or {}).get("hasPreviousPage")
    return BatchedIssue(snapshot_from_api(issue, notes, (), config), complete)


def gid_number(gid: str | int) -> int:
    """`gid://gitlab/Issue/1042` -> 1042 (the REST id)."""
    return int(str(gid).rsplit("/", 1)[-1])


__all__ = [
    "NOTES_WINDOW",
    "PAGE_SIZE",
    "QUERY",
    "BatchedIssue",
    "GraphQLError",
    "Selection",
    "complexity",
    "execute",
    "pages",
]
