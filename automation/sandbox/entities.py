"""The JSON shapes of GitLab's REST API v4, built from the sandbox's rows.

Field names and types follow GitLab's documented responses (the fixtures in
`tests/fixtures/gitlab/` are copies of those examples, and the tests check every documented key
is here with the same type). Premium-only fields (`weight`) appear only on the premium tier.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from typing import Any

from .clock import api_time, from_db
from .tracker import Tracker

Row = sqlite3.Row

_TASK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[([ xX~])\]", re.MULTILINE)


def text_color(background: str) -> str:
    """GitLab picks dark or light text for a label from its background's luminance."""
    value = background.lstrip("#")
    if len(value) != 6 or not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        return "#FFFFFF"
    red, green, blue = (int(value[index : index + 2], 16) for index in (0, 2, 4))
    luminance = (0.299 * red + 0.587 * green + 0.114 * blue) / 255
    return "#1F1E24" if luminance > 0.5 else "#FFFFFF"


class Presenter:
    """Turns rows into API entities; `base_url` is read when called (the port is set on start)."""

    def __init__(self, tracker: Tracker, base_url: Callable[[], str]) -> None:
        self.tracker = tracker
        self._base_url = base_url

    @property
    def base_url(self) -> str:
        return self._base_url()

    # Users ------------------------------------------------------------------------------------

    def user_basic(self, user: Row) -> dict[str, Any]:
        return {
            "id": user["id"],
            "username": user["username"],
            "public_email": None,
            "name": user["name"],
            "state": "active",
            "locked": False,
            "avatar_url": None,
            "web_url": f"{self.base_url}/{user['username']}",
        }

    def user_full(self, user: Row, *, own: bool = False) -> dict[str, Any]:
        """`GET /users/:id`, and `GET /user` (own=True adds the private fields)."""
        data = self.user_basic(user) | {
            "created_at": api_time(from_db(user["created_at"])),
            "bio": "",
            "location": "",
            "linkedin": "",
            "twitter": "",
            "discord": "",
            "website_url": "",
            "organization": "",
            "job_title": "",
            "pronouns": None,
            "bot": False,
            "work_information": None,
            "followers": 0,
            "following": 0,
            "local_time": None,
        }
        if own:
            data |= {
                "email": user["email"],
                "commit_email": user["email"],
                "last_sign_in_at": None,
                "confirmed_at": data["created_at"],
                "last_activity_on": None,
                "theme_id": 1,
                "color_scheme_id": 1,
                "projects_limit": 100000,
                "current_sign_in_at": None,
                "identities": [],
                "can_create_group": True,
                "can_create_project": True,
                "two_factor_enabled": False,
                "external": False,
                "private_profile": False,
                "is_admin": False,
            }
        return data

    # Projects ---------------------------------------------------------------------------------

    def project(self, project: Row, actor: Row) -> dict[str, Any]:
        path = project["path_with_namespace"]
        namespace, _, name_path = path.rpartition("/")
        web_url = f"{self.base_url}/{path}"
        api = f"{self.base_url}/api/v4/projects/{project['id']}"
        created = api_time(from_db(project["created_at"]))
        open_issues = self.tracker.store.scalar(
            "SELECT COUNT(*) FROM issues WHERE project_id = ? AND state = 'opened'", project["id"]
        )
        return {
            "id": project["id"],
            "description": project["description"],
            "name": project["name"],
            "name_with_namespace": f"{namespace.title()} / {project['name']}",
            "path": name_path,
            "path_with_namespace": path,
            "created_at": created,
            "default_branch": "main",
            "tag_list": [],
            "topics": [],
            "ssh_url_to_repo": f"git@sandbox.example:{path}.git",
            "http_url_to_repo": f"{web_url}.git",
            "web_url": web_url,
            "readme_url": None,
            "avatar_url": None,
            "forks_count": 0,
            "star_count": 0,
            "last_activity_at": created,
            "namespace": {
                "id": 1,
                "name": namespace.title(),
                "path": namespace,
                "kind": "group",
                "full_path": namespace,
                "parent_id": None,
                "avatar_url": None,
                "web_url": f"{self.base_url}/groups/{namespace}",
            },
            "visibility": "private",
            "archived": False,
            "empty_repo": True,
            "issues_enabled": True,
            "open_issues_count": open_issues,
            "_links": {
                "self": api,
                "issues": f"{api}/issues",
                "labels": f"{api}/labels",
                "events": f"{api}/events",
                "members": f"{api}/members",
            },
            "permissions": {
                "project_access": {"access_level": actor["access_level"], "notification_level": 3},
                "group_access": None,
            },
        }

    # Issues -----------------------------------------------------------------------------------

    def issue_web_url(self, issue: Row) -> str:
        project = self.tracker.project_by_id(issue["project_id"])
        return f"{self.base_url}/{project['path_with_namespace']}/-/issues/{issue['iid']}"

    def issue(
        self, issue: Row, *, single: bool = False, labels_details: bool = False
    ) -> dict[str, Any]:
        tracker = self.tracker
        project = tracker.project_by_id(issue["project_id"])
        author = tracker.user(issue["author_id"])
        assert author is not None
        assignees = [self.user_basic(user) for user in tracker.assignees_of(issue["id"])]
        label_rows = tracker.labels_of(issue["id"])
        closed_by = tracker.user(issue["closed_by_id"]) if issue["closed_by_id"] else None
        api = f"{self.base_url}/api/v4/projects/{project['id']}/issues/{issue['iid']}"
        description = issue["description"]
        tasks = _TASK.findall(description or "")
        done = sum(1 for mark in tasks if mark in "xX~")
        duplicate_of = (
            tracker.issue_by_id(issue["duplicated_to_id"]) if issue["duplicated_to_id"] else None
        )
        data: dict[str, Any] = {
            "id": issue["id"],
            "iid": issue["iid"],
            "project_id": issue["project_id"],
            "title": issue["title"],
            "description": description,
            "state": issue["state"],
            "created_at": api_time(from_db(issue["created_at"])),
            "updated_at": api_time(from_db(issue["updated_at"])),
            "closed_at": api_time(from_db(issue["closed_at"])),
            "closed_by": self.user_basic(closed_by) if closed_by else None,
            "labels": (
                [self.label_details(row) for row in label_rows]
                if labels_details
                else [row["name"] for row in label_rows]
            ),
            "milestone": None,
            "assignees": assignees,
            "author": self.user_basic(author),
            "type": issue["issue_type"].upper(),
            "assignee": assignees[0] if assignees else None,
            "user_notes_count": tracker.store.scalar(
                "SELECT COUNT(*) FROM notes WHERE issue_id = ? AND system = 0", issue["id"]
            ),
            "merge_requests_count": 0,
            "upvotes": 0,
            "downvotes": 0,
            "due_date": issue["due_date"],
            "imported": False,
            "imported_from": "none",
            "confidential": bool(issue["confidential"]),
            "discussion_locked": (
                None if issue["discussion_locked"] is None else bool(issue["discussion_locked"])
            ),
            "issue_type": issue["issue_type"],
            "severity": "UNKNOWN",
            "web_url": self.issue_web_url(issue),
            "time_stats": {
                "time_estimate": 0,
                "total_time_spent": 0,
                "human_time_estimate": None,
                "human_total_time_spent": None,
            },
            "task_completion_status": {"count": len(tasks), "completed_count": done},
            "has_tasks": bool(tasks),
            "task_status": f"{done} of {len(tasks)} checklist items completed" if tasks else "",
            "_links": {
                "self": api,
                "notes": f"{api}/notes",
                "award_emoji": f"{api}/award_emoji",
                "project": f"{self.base_url}/api/v4/projects/{project['id']}",
                "closed_as_duplicate_of": (
                    f"{self.base_url}/api/v4/projects/{duplicate_of['project_id']}"
                    f"/issues/{duplicate_of['iid']}"
                    if duplicate_of
                    else None
                ),
            },
            "references": {
                "short": f"#{issue['iid']}",
                "relative": f"#{issue['iid']}",
                "full": f"{project['path_with_namespace']}#{issue['iid']}",
            },
            "moved_to_id": issue["moved_to_id"],
            "service_desk_reply_to": None,
        }
        if single:
            data["subscribed"] = True
        if tracker.premium:
            data["weight"] = None
        return data

    # Notes and events -------------------------------------------------------------------------

    def note(self, note: Row) -> dict[str, Any]:
        issue = self.tracker.issue_by_id(note["issue_id"])
        author = self.tracker.user(note["author_id"])
        assert author is not None
        return {
            "id": note["id"],
            "type": None,
            "body": note["body"],
            "attachment": None,
            "author": self.user_basic(author),
            "created_at": api_time(from_db(note["created_at"])),
            "updated_at": api_time(from_db(note["updated_at"])),
            "system": bool(note["system"]),
            "noteable_id": issue["id"],
            "noteable_type": "Issue",
            "project_id": issue["project_id"],
            "noteable_iid": issue["iid"],
            "resolvable": False,
            "confidential": bool(note["internal"]),
            "internal": bool(note["internal"]),
            "imported": False,
            "imported_from": "none",
            "commands_changes": {},
        }

    def label_details(self, label: Row) -> dict[str, Any]:
        return {
            "id": label["id"],
            "name": label["name"],
            "color": label["color"],
            "description": label["description"],
            "description_html": label["description"] or "",
            "text_color": text_color(label["color"]),
        }

    def label(self, label: Row, *, with_counts: bool = False) -> dict[str, Any]:
        data = self.label_details(label) | {
            "subscribed": False,
            "priority": label["priority"],
            "is_project_label": True,
            "archived": False,
        }
        if with_counts:
            counts = {
                state: self.tracker.store.scalar(
                    "SELECT COUNT(*) FROM issue_labels "
                    "JOIN issues ON issues.id = issue_labels.issue_id "
                    "WHERE issue_labels.label_id = ? AND issues.state = ?",
                    label["id"],
                    state,
                )
                for state in ("opened", "closed")
            }
            data |= {
                "open_issues_count": counts["opened"],
                "closed_issues_count": counts["closed"],
                "open_merge_requests_count": 0,
            }
        return data

    def _event_user(self, user_id: int) -> dict[str, Any]:
        user = self.tracker.user(user_id)
        assert user is not None
        basic = self.user_basic(user)
        return {
            key: basic[key] for key in ("id", "name", "username", "state", "avatar_url", "web_url")
        }

    def label_event(self, event: Row) -> dict[str, Any]:
        label = self.tracker.store.one("SELECT * FROM labels WHERE id = ?", event["label_id"])
        return {
            "id": event["id"],
            "user": self._event_user(event["user_id"]),
            "created_at": api_time(from_db(event["created_at"])),
            "resource_type": "Issue",
            "resource_id": event["issue_id"],
            "label": (
                {
                    "id": label["id"],
                    "name": label["name"],
                    "color": label["color"],
                    "description": label["description"] or "",
                }
                if label
                else None  # GitLab answers null for a deleted label
            ),
            "action": event["action"],
        }

    def state_event(self, event: Row) -> dict[str, Any]:
        return {
            "id": event["id"],
            "user": self._event_user(event["user_id"]),
            "created_at": api_time(from_db(event["created_at"])),
            "resource_type": "Issue",
            "resource_id": event["issue_id"],
            "state": event["state"],
        }

    # Links ------------------------------------------------------------------------------------

    def linked_issue(self, other: Row, link: Row, link_type: str) -> dict[str, Any]:
        """One entry of `GET .../links`: the other issue plus the link's fields."""
        return self.issue(other) | {
            "issue_link_id": link["id"],
            "link_type": link_type,
            "link_created_at": api_time(from_db(link["created_at"])),
            "link_updated_at": api_time(from_db(link["updated_at"])),
        }

    def link(self, source: Row, target: Row, link_type: str) -> dict[str, Any]:
        return {
            "source_issue": self.issue(source, single=True),
            "target_issue": self.issue(target, single=True),
            "link_type": link_type,
        }
