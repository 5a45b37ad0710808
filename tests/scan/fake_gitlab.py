"""A project of incidents behind `responses`: the GraphQL query the scan sends, and the REST calls
it makes, answered from memory, so that a scan can be run twice and its requests counted.

Only what the scan uses is answered, the way GitLab answers it: GraphQL pages of issues with
their newest comments (`labelName`, `not`, `state`, `updatedAfter`, `closedAfter`, `first`,
`after`, `notes(last:)`), and over REST the project, an issue, its notes and label events,
note creation, label updates and user look-ups.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses

from automation.timefmt import parse_time, to_gitlab

URL = "http://localhost"
API = f"{URL}/api/v4"
PROJECT_ID = 7
PROJECT_PATH = "support/incidents"
BOT = "incident-bot"
USERS = {"incident-bot": 1, "alice": 2, "bob": 3, "carol": 4, "dave": 5, "erin": 6}


@dataclass
class Issue:
    iid: int
    title: str
    description: str
    labels: list[str] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)  # REST shape, oldest first
    label_events: list[dict[str, Any]] = field(default_factory=list)
    state: str = "opened"
    created_at: datetime = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    updated_at: datetime = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    closed_at: datetime | None = None
    assignees: list[str] = field(default_factory=list)
    confidential: bool = False

    def rest(self) -> dict[str, Any]:
        return {
            "id": 1000 + self.iid,
            "iid": self.iid,
            "project_id": PROJECT_ID,
            "title": self.title,
            "description": self.description,
            "state": self.state,
            "labels": list(self.labels),
            "author": {"username": "alice"},
            "assignees": [{"username": name} for name in self.assignees],
            "confidential": self.confidential,
            "created_at": to_gitlab(self.created_at),
            "updated_at": to_gitlab(self.updated_at),
            "closed_at": to_gitlab(self.closed_at) if self.closed_at else None,
            "web_url": f"{URL}/{PROJECT_PATH}/-/issues/{self.iid}",
            "references": {"full": f"{PROJECT_PATH}#{self.iid}"},
        }

    def node(self, notes_window: int) -> dict[str, Any]:
        comments = [note for note in self.notes if not note["system"]]
        shown = comments[-notes_window:] if notes_window else []
        return {
            "id": f"gid://gitlab/Issue/{1000 + self.iid}",
            "iid": str(self.iid),
            "title": self.title,
            "description": self.description,
            "state": self.state,
            "confidential": self.confidential,
            "createdAt": to_gitlab(self.created_at),
            "updatedAt": to_gitlab(self.updated_at),
            "closedAt": to_gitlab(self.closed_at) if self.closed_at else None,
            "webUrl": f"{URL}/{PROJECT_PATH}/-/issues/{self.iid}",
            "author": {"username": "alice"},
            "assignees": {"nodes": [{"username": name} for name in self.assignees]},
            "labels": {"nodes": [{"title": label} for label in self.labels]},
            "notes": {
                "pageInfo": {"hasPreviousPage": len(comments) > len(shown)},
                "nodes": [
                    {
                        "id": f"gid://gitlab/Note/{note['id']}",
                        "body": note["body"],
                        "createdAt": note["created_at"],
                        "system": note["system"],
                        "internal": note["internal"],
                        "author": note["author"],
                    }
                    for note in shown
                ],
            },
        }


@dataclass
class Stub:
    """A status to answer instead of success, once, for the next matching request."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = field(default_factory=lambda: {"message": "error"})


class FakeGitLab:
    def __init__(self, mock: responses.RequestsMock, now: datetime) -> None:
        self.now = now
        self.issues: dict[int, Issue] = {}
        self.next_note_id = 5001
        self.next_event_id = 9001
        self.graphql_stubs: list[Stub] = []
        self.note_stubs: list[Stub] = []
        self.queries: list[dict[str, Any]] = []
        self._register(mock)

    # Building the project ---------------------------------------------------------------------

    def file(self, iid: int, description: str, *, title: str = "", **fields: Any) -> Issue:
        issue = Issue(iid, title or f"Incident {iid}", description, **fields)
        issue.created_at = fields.get("created_at", self.now)
        issue.updated_at = fields.get("updated_at", issue.created_at)
        self.issues[iid] = issue
        return issue

    def comment(self, iid: int, body: str, *, author: str = "alice", at: datetime | None = None):
        return self._add_note(self.issues[iid], body, author, at or self.now, internal=False)

    def bot_notes(self, iid: int | None = None) -> list[dict[str, Any]]:
        issues = [self.issues[iid]] if iid is not None else self.issues.values()
        return [
            note for issue in issues for note in issue.notes if note["author"]["username"] == BOT
        ]

    def markers(self, iid: int) -> list[str]:
        found = []
        for note in self.bot_notes(iid):
            match = re.search(r"<!-- incident-bot:([a-z0-9-]+:[^ >]+)", note["body"])
            if match:
                found.append(match.group(1))
        return found

    # Answering --------------------------------------------------------------------------------

    def _register(self, mock: responses.RequestsMock) -> None:
        issue = rf"{API}/projects/(?:{PROJECT_ID}|support%2Fincidents)/issues/(\d+)"
        mock.add_callback(responses.POST, f"{URL}/api/graphql", callback=self._graphql)
        mock.add_callback(responses.GET, f"{API}/user", callback=self._me)
        mock.add_callback(responses.GET, re.compile(rf"{API}/users\?.*"), callback=self._users)
        mock.add_callback(
            responses.GET,
            re.compile(rf"{API}/projects/(?:{PROJECT_ID}|support%2Fincidents)(?:\?.*)?$"),
            callback=self._project,
        )
        mock.add_callback(responses.GET, re.compile(rf"{issue}(?:\?.*)?$"), callback=self._issue)
        mock.add_callback(responses.PUT, re.compile(rf"{issue}(?:\?.*)?$"), callback=self._update)
        mock.add_callback(
            responses.GET, re.compile(rf"{issue}/notes(?:\?.*)?$"), callback=self._notes
        )
        mock.add_callback(
            responses.POST, re.compile(rf"{issue}/notes(?:\?.*)?$"), callback=self._create_note
        )
        mock.add_callback(
            responses.GET,
            re.compile(rf"{issue}/resource_label_events(?:\?.*)?$"),
            callback=self._label_events,
        )

    @staticmethod
    def _json(status: int, body: Any, headers: dict[str, str] | None = None):
        return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)

    def _stubbed(self, stubs: list[Stub]):
        if stubs:
            stub = stubs.pop(0)
            return self._json(stub.status, stub.body, stub.headers)
        return None

    def _graphql(self, request: Any):
        if (stubbed := self._stubbed(self.graphql_stubs)) is not None:
            return stubbed
        sent = json.loads(request.body)
        variables = sent["variables"]
        self.queries.append(variables)
        if variables["project"] not in (PROJECT_PATH,):
            return self._json(200, {"data": {"project": None}})
        chosen = [issue for issue in self.issues.values() if _selected(issue, variables)]
        chosen.sort(key=lambda issue: issue.iid, reverse=True)  # newest first, as GitLab
        # Keyset cursors, as GitLab's: the page after an issue starts below it, however the
        # set changed meanwhile (the scan labels issues it reads).
        if variables["after"]:
            chosen = [issue for issue in chosen if issue.iid < int(variables["after"])]
        page = chosen[: variables["first"]]
        cursor = str(page[-1].iid) if page else None
        data = {
            "project": {
                "id": f"gid://gitlab/Project/{PROJECT_ID}",
                "issues": {
                    "pageInfo": {"hasNextPage": len(chosen) > len(page), "endCursor": cursor},
                    "nodes": [issue.node(variables["notes"]) for issue in page],
                },
            }
        }
        return self._json(200, {"data": data})

    def _me(self, request: Any):
        return self._json(200, {"id": 1, "username": BOT})

    def _users(self, request: Any):
        name = parse_qs(urlsplit(request.url).query).get("username", [""])[0]
        found = [{"id": USERS[name], "username": name}] if name in USERS else []
        return self._json(200, found)

    def _project(self, request: Any):
        return self._json(200, {"id": PROJECT_ID, "path_with_namespace": PROJECT_PATH})

    def _find(self, request: Any) -> Issue:
        iid = int(re.search(r"/issues/(\d+)", request.url).group(1))
        return self.issues[iid]

    def _issue(self, request: Any):
        return self._json(200, self._find(request).rest())

    def _update(self, request: Any):
        issue = self._find(request)
        sent = json.loads(request.body or "{}")
        for label in filter(None, str(sent.get("add_labels", "")).split(",")):
            if label not in issue.labels:
                issue.labels.append(label)
                issue.label_events.append(self._event(label, "add"))
        for label in filter(None, str(sent.get("remove_labels", "")).split(",")):
            if label in issue.labels:
                issue.labels.remove(label)
                issue.label_events.append(self._event(label, "remove"))
        if "assignee_ids" in sent:
            names = {uid: name for name, uid in USERS.items()}
            issue.assignees = [names[uid] for uid in sent["assignee_ids"]]
        if sent.get("confidential"):
            issue.confidential = True
        issue.updated_at = self.now
        return self._json(200, issue.rest())

    def _event(self, label: str, action: str) -> dict[str, Any]:
        self.next_event_id += 1
        return {
            "id": self.next_event_id,
            "action": action,
            "label": {"name": label},
            "user": {"username": BOT},
            "created_at": to_gitlab(self.now),
        }

    def _notes(self, request: Any):
        return self._json(200, self._find(request).notes)

    def _label_events(self, request: Any):
        return self._json(200, self._find(request).label_events)

    def _create_note(self, request: Any):
        if (stubbed := self._stubbed(self.note_stubs)) is not None:
            return stubbed
        issue = self._find(request)
        sent = json.loads(request.body)
        note = self._add_note(issue, sent["body"], BOT, self.now, bool(sent.get("internal")))
        return self._json(201, note)

    def _add_note(
        self, issue: Issue, body: str, author: str, at: datetime, internal: bool
    ) -> dict[str, Any]:
        note = {
            "id": self.next_note_id,
            "body": body,
            "author": {"username": author},
            "created_at": to_gitlab(at),
            "system": False,
            "internal": internal,
        }
        self.next_note_id += 1
        issue.notes.append(note)
        issue.updated_at = at
        return note


def _selected(issue: Issue, variables: dict[str, Any]) -> bool:
    if variables["state"] != issue.state:
        return False
    if variables.get("labels") and not set(variables["labels"]) <= set(issue.labels):
        return False
    negated = (variables.get("not") or {}).get("labelName") or []
    if set(negated) & set(issue.labels):
        return False
    if variables.get("updatedAfter") and issue.updated_at < parse_time(variables["updatedAfter"]):
        return False
    closed_after = variables.get("closedAfter")
    return not (
        closed_after and (issue.closed_at is None or issue.closed_at < parse_time(closed_after))
    )
