"""One incident behind `responses`, answered from memory, with a log of every request.

Only the REST calls a reconcile makes are answered, in GitLab's shapes: the issue, its notes and
label events, label and state updates, notes, user look-ups, the issue search and creation that
action items need, and issue links. People's actions (a label applied, the issue closed, the
description edited) are methods, so that a test can walk an incident through its life.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses

from automation.timefmt import to_gitlab

URL = "http://localhost"
API = f"{URL}/api/v4"
PROJECT = 7
BOT = "incident-bot"
USERS = {BOT: 1, "alice": 2, "bob": 3, "carol": 4, "dave": 5}


class IncidentStub:
    def __init__(self, mock: responses.RequestsMock, description: str, now: datetime) -> None:
        self.now = now
        self.issue: dict[str, Any] = {
            "id": 1042,
            "iid": 42,
            "project_id": PROJECT,
            "title": "CI jobs stuck in pending",
            "description": description,
            "state": "opened",
            "labels": [],
            "author": {"username": "alice"},
            "assignees": [],
            "confidential": False,
            "created_at": to_gitlab(now),
            "updated_at": to_gitlab(now),
            "web_url": f"{URL}/support/incidents/-/issues/42",
            "references": {"full": "support/incidents#42"},
        }
        self.notes: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.created: list[dict[str, Any]] = []  # issues the bot opened
        self.links: list[dict[str, Any]] = []
        self.log: list[str] = []
        self.failures: list[tuple[str, int]] = []  # (request line prefix, status), used once
        self._ids = iter(range(100, 100_000))
        issue = rf"{API}/projects/{PROJECT}/issues/42"
        for method, pattern, callback in (
            ("GET", rf"{issue}(\?.*)?$", self._get_issue),
            ("PUT", rf"{issue}$", self._update),
            ("GET", rf"{issue}/notes(\?.*)?$", self._list_notes),
            ("POST", rf"{issue}/notes$", self._create_note),
            ("GET", rf"{issue}/resource_label_events(\?.*)?$", self._list_events),
            ("GET", rf"{issue}/links(\?.*)?$", self._list_links),
            ("POST", rf"{issue}/links$", self._create_link),
            ("GET", rf"{API}/users\?.*$", self._users),
            ("GET", rf"{API}/projects/{PROJECT}/issues\?.*$", self._search),
            ("POST", rf"{API}/projects/{PROJECT}/issues$", self._create_issue),
        ):
            mock.add_callback(method, re.compile(pattern), callback=self._logged(callback))

    # What people do ---------------------------------------------------------------------------

    def apply_label(self, label: str, user: str = "alice") -> None:
        if label not in self.issue["labels"]:
            self.issue["labels"].append(label)
            self._event(label, "add", user)

    def set_state(self, state: str) -> None:
        self.issue["state"] = state

    def edit_description(self, description: str) -> None:
        self.issue["description"] = description
        self._note("changed the description", "alice", system=True)

    def writes(self) -> list[str]:
        return [line for line in self.log if not line.startswith("GET ")]

    def markers(self) -> list[str]:
        return re.findall(r"<!-- incident-bot:(\S+)", "".join(n["body"] for n in self.notes))

    # Answering --------------------------------------------------------------------------------

    def _logged(self, callback: Any) -> Any:
        def answer(request: Any) -> tuple[int, dict[str, str], str]:
            path = urlsplit(request.url).path.removeprefix("/api/v4")
            line = f"{request.method} {path}"
            if request.method != "GET":
                line += " " + _summary(json.loads(request.body or "{}"))
            self.log.append(line)
            for failure in self.failures:
                if line.startswith(failure[0]):
                    self.failures.remove(failure)
                    return failure[1], {"Content-Type": "application/json"}, '{"message": "boom"}'
            status, body = callback(request)
            return status, {"Content-Type": "application/json"}, json.dumps(body)

        return answer

    def _get_issue(self, request: Any) -> tuple[int, Any]:
        return 200, self.issue

    def _update(self, request: Any) -> tuple[int, Any]:
        data = json.loads(request.body)
        for label in filter(None, data.get("add_labels", "").split(",")):
            self.apply_label(label, BOT)
        for label in filter(None, data.get("remove_labels", "").split(",")):
            if label in self.issue["labels"]:
                self.issue["labels"].remove(label)
                self._event(label, "remove", BOT)
        if "assignee_ids" in data:
            names = {uid: name for name, uid in USERS.items()}
            self.issue["assignees"] = [{"username": names[i]} for i in data["assignee_ids"]]
        if data.get("confidential"):
            self.issue["confidential"] = True
        return 200, self.issue

    def _list_notes(self, request: Any) -> tuple[int, Any]:
        return 200, self.notes

    def _create_note(self, request: Any) -> tuple[int, Any]:
        data = json.loads(request.body)
        return 201, self._note(data["body"], BOT, internal=bool(data.get("internal")))

    def _list_events(self, request: Any) -> tuple[int, Any]:
        return 200, self.events

    def _users(self, request: Any) -> tuple[int, Any]:
        name = parse_qs(urlsplit(request.url).query)["username"][0]
        return 200, [{"id": USERS[name], "username": name}] if name in USERS else []

    def _search(self, request: Any) -> tuple[int, Any]:
        wanted = parse_qs(urlsplit(request.url).query)["search"][0]
        return 200, [i for i in self.created if wanted in i["title"] + i["description"]]

    def _create_issue(self, request: Any) -> tuple[int, Any]:
        data = json.loads(request.body)
        issue = {
            "id": next(self._ids),
            "iid": 43 + len(self.created),
            "project_id": PROJECT,
            "author": {"username": BOT},
            "created_at": to_gitlab(self.now),
            **data,
        }
        self.created.append(issue)
        return 201, issue

    def _list_links(self, request: Any) -> tuple[int, Any]:
        return 200, self.links

    def _create_link(self, request: Any) -> tuple[int, Any]:
        data = json.loads(request.body)
        link = {"iid": data["target_issue_iid"], "project_id": data["target_project_id"]}
        self.links.append(link)
        return 201, {"source_issue": {"iid": 42}, "target_issue": link, "link_type": "relates_to"}

    def _note(self, body: str, author: str, *, system: bool = False, internal: bool = False):
        note = {
            "id": next(self._ids),
            "body": body,
            "author": {"username": author},
            "created_at": to_gitlab(self.now),
            "system": system,
            "internal": internal,
        }
        self.notes.append(note)
        return note

    def _event(self, label: str, action: str, user: str) -> None:
        self.events.append(
            {
                "id": next(self._ids),
                "user": {"username": user},
                "created_at": to_gitlab(self.now),
                "label": {"id": 1, "name": label},
                "action": action,
            }
        )


def _summary(data: dict[str, Any]) -> str:
    """A write's body in a line: a note by its marker, an issue by its title, else its fields."""
    if "body" in data:
        found = re.search(r"<!-- incident-bot:(\S+)", data["body"])
        return found.group(1) if found else "(no marker)"
    if "title" in data:
        return f"{data['title']!r}"
    return " ".join(f"{key}={value}" for key, value in sorted(data.items()))
