"""Webhook payloads in the shapes of GitLab's "Webhook events" documentation.

Times use the formats of the documented examples, which differ by field on purpose: issue
attributes like `2013-12-03T17:15:43Z`, `changes` and note attributes like
`2015-05-17 17:06:40 UTC`, label timestamps like `2019-06-05T14:32:20.211Z`. A receiver must
parse all of them, and the sandbox makes sure it is exercised on each.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from .clock import api_time, from_db, hook_iso_time, hook_time
from .entities import Presenter

Row = sqlite3.Row

_STATE_IDS = {"opened": 1, "closed": 2}


class Payloads:
    def __init__(self, presenter: Presenter) -> None:
        self.presenter = presenter
        self.tracker = presenter.tracker

    # Shared parts -----------------------------------------------------------------------------

    def user(self, user: Row) -> dict[str, Any]:
        return {
            "id": user["id"],
            "name": user["name"],
            "username": user["username"],
            "avatar_url": None,
            # GitLab redacts addresses that are not public.
            "email": "[REDACTED]",
        }

    def project(self, project: Row) -> dict[str, Any]:
        base = self.presenter.base_url
        path = project["path_with_namespace"]
        namespace = path.rpartition("/")[0]
        return {
            "id": project["id"],
            "name": project["name"],
            "description": project["description"],
            "web_url": f"{base}/{path}",
            "avatar_url": None,
            "git_ssh_url": f"git@sandbox.example:{path}.git",
            "git_http_url": f"{base}/{path}.git",
            "namespace": namespace.title(),
            "visibility_level": 0,
            "path_with_namespace": path,
            "default_branch": "main",
            "ci_config_path": None,
            "homepage": f"{base}/{path}",
            "url": f"git@sandbox.example:{path}.git",
            "ssh_url": f"git@sandbox.example:{path}.git",
            "http_url": f"{base}/{path}.git",
        }

    def repository(self, project: Row) -> dict[str, Any]:
        base = self.presenter.base_url
        path = project["path_with_namespace"]
        return {
            "name": project["name"],
            "url": f"git@sandbox.example:{path}.git",
            "description": project["description"],
            "homepage": f"{base}/{path}",
        }

    def label(self, label: Row) -> dict[str, Any]:
        return {
            "id": label["id"],
            "title": label["name"],
            "color": label["color"],
            "project_id": label["project_id"],
            "created_at": api_time(from_db(label["created_at"])),
            "updated_at": api_time(from_db(label["updated_at"])),
            "template": False,
            "description": label["description"],
            "type": "ProjectLabel",
            "group_id": None,
        }

    def _labels(self, label_ids: list[int]) -> list[dict[str, Any]]:
        rows = [
            self.tracker.store.one("SELECT * FROM labels WHERE id = ?", label_id)
            for label_id in label_ids
        ]
        return [self.label(row) for row in rows if row is not None]

    def _users(self, user_ids: list[int]) -> list[dict[str, Any]]:
        users = [self.tracker.user(user_id) for user_id in user_ids]
        return [self.user(user) for user in users if user is not None]

    def issue_attributes(self, issue: Row, time_format: Any = hook_iso_time) -> dict[str, Any]:
        """GitLab's issue hook attributes (`IssueBuilder`): also the `issue` of a note hook."""
        assignee_ids = [row["id"] for row in self.tracker.assignees_of(issue["id"])]
        return {
            "author_id": issue["author_id"],
            "closed_at": time_format(from_db(issue["closed_at"])),
            "confidential": bool(issue["confidential"]),
            "created_at": time_format(from_db(issue["created_at"])),
            "description": issue["description"],
            "discussion_locked": (
                None if issue["discussion_locked"] is None else bool(issue["discussion_locked"])
            ),
            "due_date": issue["due_date"],
            "id": issue["id"],
            "iid": issue["iid"],
            "last_edited_at": time_format(from_db(issue["last_edited_at"])),
            "last_edited_by_id": issue["last_edited_by_id"],
            "milestone_id": None,
            "moved_to_id": issue["moved_to_id"],
            "duplicated_to_id": issue["duplicated_to_id"],
            "project_id": issue["project_id"],
            "relative_position": None,
            "state_id": _STATE_IDS[issue["state"]],
            "time_estimate": 0,
            "title": issue["title"],
            "updated_at": time_format(from_db(issue["updated_at"])),
            "updated_by_id": issue["updated_by_id"],
            "type": "Incident" if issue["issue_type"] == "incident" else "Issue",
            "url": self.presenter.issue_web_url(issue),
            "total_time_spent": 0,
            "time_change": 0,
            "human_total_time_spent": None,
            "human_time_change": None,
            "human_time_estimate": None,
            "assignee_ids": assignee_ids,
            "assignee_id": assignee_ids[0] if assignee_ids else None,
            "labels": self._labels([row["id"] for row in self.tracker.labels_of(issue["id"])]),
            "state": issue["state"],
            "severity": "unknown",
            "customer_relations_contacts": [],
        }

    # Issue Hook -------------------------------------------------------------------------------

    def issue_changes(
        self, before: dict[str, Any] | None, after: dict[str, Any]
    ) -> dict[str, dict[str, Any]]:
        """`changes`: each changed field as `{previous, current}` (labels as label objects)."""
        changes: dict[str, dict[str, Any]] = {}
        previous = before or {}
        plain = (
            "title",
            "description",
            "confidential",
            "due_date",
            "discussion_locked",
            "moved_to_id",
            "duplicated_to_id",
            "updated_by_id",
            "last_edited_by_id",
        )
        if before is None:
            plain += ("author_id", "id", "iid", "project_id")
        for name in plain:
            old, new = previous.get(name), after.get(name)
            if old != new:
                if name in ("confidential", "discussion_locked"):
                    old = None if old is None else bool(old)
                    new = None if new is None else bool(new)
                changes[name] = {"previous": old, "current": new}
        for name in ("created_at", "updated_at", "closed_at", "last_edited_at"):
            old, new = previous.get(name), after.get(name)
            # Every change moves `updated_at` on GitLab; with a frozen sandbox clock the value may
            # not move, but the field is still reported, as receivers rely on it.
            if old != new or name == "updated_at":
                changes[name] = {
                    "previous": hook_time(from_db(old)),
                    "current": hook_time(from_db(new)),
                }
        old_state = previous.get("state")
        if old_state != after["state"]:
            changes["state_id"] = {
                "previous": _STATE_IDS.get(old_state) if old_state else None,
                "current": _STATE_IDS[after["state"]],
            }
        if previous.get("label_ids", []) != after["label_ids"]:
            changes["labels"] = {
                "previous": self._labels(previous.get("label_ids", [])),
                "current": self._labels(after["label_ids"]),
            }
        if previous.get("assignee_ids", []) != after["assignee_ids"]:
            changes["assignees"] = {
                "previous": self._users(previous.get("assignee_ids", [])),
                "current": self._users(after["assignee_ids"]),
            }
        return changes

    def issue_hook(
        self, issue_id: int, actor_id: int, action: str, before: dict[str, Any] | None
    ) -> dict[str, Any]:
        tracker = self.tracker
        issue = tracker.issue_by_id(issue_id)
        project = tracker.project_by_id(issue["project_id"])
        actor = tracker.user(actor_id)
        assert actor is not None
        after = tracker.snapshot(issue_id)
        attributes = self.issue_attributes(issue) | {"action": action}
        payload: dict[str, Any] = {
            "object_kind": "issue",
            "event_type": "confidential_issue" if issue["confidential"] else "issue",
            "user": self.user(actor),
            "project": self.project(project),
            "object_attributes": attributes,
            "labels": attributes["labels"],
            "changes": self.issue_changes(before, after),
            "repository": self.repository(project),
        }
        assignees = self._users(after["assignee_ids"])
        # As in GitLab, the assignee keys are left out when the issue has no assignee.
        if assignees:
            payload["assignees"] = assignees
            payload["assignee"] = assignees[0]
        return payload

    # Note Hook --------------------------------------------------------------------------------

    def note_hook(self, note_id: int, actor_id: int, action: str) -> dict[str, Any]:
        tracker = self.tracker
        note = tracker.store.one("SELECT * FROM notes WHERE id = ?", note_id)
        assert note is not None
        issue = tracker.issue_by_id(note["issue_id"])
        project = tracker.project_by_id(issue["project_id"])
        actor = tracker.user(actor_id)
        assert actor is not None
        confidential = bool(note["internal"]) or bool(issue["confidential"])
        return {
            "object_kind": "note",
            "event_type": "confidential_note" if confidential else "note",
            "user": self.user(actor),
            "project_id": project["id"],
            "project": self.project(project),
            "object_attributes": {
                "attachment": None,
                "author_id": note["author_id"],
                "change_position": None,
                "commit_id": None,
                "created_at": hook_time(from_db(note["created_at"])),
                "discussion_id": f"{note['id']:040x}",
                "id": note["id"],
                "line_code": None,
                "note": note["body"],
                "noteable_id": issue["id"],
                "noteable_type": "Issue",
                "original_position": None,
                "position": None,
                "project_id": project["id"],
                "resolved_at": None,
                "resolved_by_id": None,
                "resolved_by_push": None,
                "st_diff": None,
                "system": bool(note["system"]),
                "type": None,
                "updated_at": hook_time(from_db(note["updated_at"])),
                "updated_by_id": None,
                "description": note["body"],
                "url": f"{self.presenter.issue_web_url(issue)}#note_{note['id']}",
                "action": action,
                "internal": bool(note["internal"]),
                "confidential": bool(note["internal"]),
            },
            "repository": self.repository(project),
            "issue": self.issue_attributes(issue, time_format=hook_time),
        }
