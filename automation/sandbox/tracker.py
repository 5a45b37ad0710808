"""The issue tracker's rules: what a change does to an issue, and what it leaves behind.

One change (a REST call, or all the quick actions of one note) goes through `Tracker.apply`,
which enforces the tier's rules (scoped labels exclusive and several assignees only on premium),
records label and state changes as resource events, writes system notes for the changes GitLab
writes them for, touches `updated_at`, and hands one webhook event to the event sink.

Callers hold `store.transaction()` around every call, so a change is all-or-nothing.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any, Protocol

from . import sysnotes
from .changes import UNSET, IssueChanges
from .clock import Clock, to_db
from .errors import ApiError, forbidden
from .seed import BOT_USERNAME, REPORTER
from .store import Store

DEFAULT_LABEL_COLOR = "#6699cc"
ISSUE_TYPES = ("issue", "incident", "test_case", "task")
LINK_TYPES = ("relates_to", "blocks", "is_blocked_by")
_INVERSE_LINK = {"relates_to": "relates_to", "blocks": "is_blocked_by", "is_blocked_by": "blocks"}

Row = sqlite3.Row


class EventSink(Protocol):
    """Receives what webhooks report; called inside the transaction that made the change."""

    def issue_event(
        self, issue_id: int, actor_id: int, action: str, before: dict[str, Any] | None
    ) -> None: ...

    def note_event(self, note_id: int, actor_id: int, action: str) -> None: ...


class NullSink:
    def issue_event(
        self, issue_id: int, actor_id: int, action: str, before: dict[str, Any] | None
    ) -> None:
        pass

    def note_event(self, note_id: int, actor_id: int, action: str) -> None:
        pass


def scope_of(label_name: str) -> str | None:
    """`severity::1` -> `severity`; `a::b::c` -> `a::b`; an unscoped label has no scope."""
    if "::" not in label_name:
        return None
    return label_name.rsplit("::", 1)[0]


class Tracker:
    def __init__(self, store: Store, clock: Clock, tier: str = "free") -> None:
        if tier not in ("free", "premium"):
            raise ValueError(f"tier must be free or premium, not {tier!r}")
        self.store = store
        self.clock = clock
        self.tier = tier
        self.events: EventSink = NullSink()

    @property
    def premium(self) -> bool:
        return self.tier == "premium"

    # Lookups ----------------------------------------------------------------------------------

    def user(self, user_id: int) -> Row | None:
        return self.store.one("SELECT * FROM users WHERE id = ?", user_id)

    def user_by_username(self, username: str) -> Row | None:
        return self.store.one("SELECT * FROM users WHERE username = ?", username)

    def user_by_token(self, token: str) -> Row | None:
        return self.store.one("SELECT * FROM users WHERE token = ?", token)

    def bot(self) -> Row:
        user = self.user_by_username(BOT_USERNAME)
        assert user is not None
        return user

    def project(self, ref: str | int) -> Row | None:
        """A project by numeric id or by its full path."""
        text = str(ref)
        if text.isdigit():
            return self.store.one("SELECT * FROM projects WHERE id = ?", int(text))
        return self.store.one("SELECT * FROM projects WHERE path_with_namespace = ?", text)

    def project_by_id(self, project_id: int) -> Row:
        row = self.store.one("SELECT * FROM projects WHERE id = ?", project_id)
        assert row is not None
        return row

    def issue(self, project_id: int, iid: int) -> Row | None:
        return self.store.one(
            "SELECT * FROM issues WHERE project_id = ? AND iid = ?", project_id, iid
        )

    def issue_by_id(self, issue_id: int) -> Row:
        row = self.store.one("SELECT * FROM issues WHERE id = ?", issue_id)
        assert row is not None
        return row

    def labels_of(self, issue_id: int) -> list[Row]:
        """An issue's labels, sorted by name as GitLab lists them."""
        return self.store.all(
            "SELECT labels.* FROM labels JOIN issue_labels ON issue_labels.label_id = labels.id "
            "WHERE issue_labels.issue_id = ? ORDER BY labels.name",
            issue_id,
        )

    def assignees_of(self, issue_id: int) -> list[Row]:
        return self.store.all(
            "SELECT users.* FROM users JOIN issue_assignees ON issue_assignees.user_id = users.id "
            "WHERE issue_assignees.issue_id = ? ORDER BY issue_assignees.position",
            issue_id,
        )

    def label_named(self, project_id: int, name: str) -> Row | None:
        return self.store.one(
            "SELECT * FROM labels WHERE project_id = ? AND name = ?", project_id, name
        )

    def label_by_id(self, project_id: int, label_id: int) -> Row | None:
        return self.store.one(
            "SELECT * FROM labels WHERE project_id = ? AND id = ?", project_id, label_id
        )

    def reference(self, issue: Row, from_project_id: int) -> str:
        """`#3` within a project, `group/project#3` from another one."""
        if issue["project_id"] == from_project_id:
            return f"#{issue['iid']}"
        return f"{self.project_by_id(issue['project_id'])['path_with_namespace']}#{issue['iid']}"

    # Rights -----------------------------------------------------------------------------------

    @staticmethod
    def can_admin(user: Row) -> bool:
        """Reporters and above may label, assign, close and reopen any issue."""
        return bool(user["access_level"] >= REPORTER)

    def can_read(self, user: Row, issue: Row) -> bool:
        """Confidential issues are visible to reporters and above, the author and assignees."""
        if not issue["confidential"] or self.can_admin(user):
            return True
        if issue["author_id"] == user["id"]:
            return True
        return any(row["id"] == user["id"] for row in self.assignees_of(issue["id"]))

    def can_edit(self, user: Row, issue: Row) -> bool:
        return self.can_admin(user) or issue["author_id"] == user["id"]

    # Snapshots for webhook `changes` ----------------------------------------------------------

    def snapshot(self, issue_id: int) -> dict[str, Any]:
        issue = self.issue_by_id(issue_id)
        data = dict(issue)
        data["label_ids"] = [row["id"] for row in self.labels_of(issue_id)]
        data["assignee_ids"] = [row["id"] for row in self.assignees_of(issue_id)]
        return data

    # Labels -----------------------------------------------------------------------------------

    def create_label(
        self,
        project_id: int,
        name: str,
        color: str = DEFAULT_LABEL_COLOR,
        description: str | None = None,
        priority: int | None = None,
    ) -> Row:
        now = to_db(self.clock.now())
        label_id = self.store.insert(
            "labels",
            project_id=project_id,
            name=name,
            color=color,
            description=description,
            priority=priority,
            created_at=now,
            updated_at=now,
        )
        row = self.store.one("SELECT * FROM labels WHERE id = ?", label_id)
        assert row is not None
        return row

    def _resolve_labels(self, project_id: int, names: list[str]) -> list[Row]:
        """Labels by name, creating the unknown ones (what the REST API does)."""
        rows: list[Row] = []
        for name in names:
            name = name.strip()
            if not name:
                continue
            row = self.label_named(project_id, name) or self.create_label(project_id, name)
            rows.append(row)
        return rows

    def _exclusive_scopes(self, labels: list[Row]) -> list[Row]:
        """Premium: one label per scope; a later label (a newly added one) wins."""
        kept: list[Row] = []
        seen_scopes: set[str] = set()
        for row in reversed(labels):
            scope = scope_of(row["name"])
            if scope is not None:
                if scope in seen_scopes:
                    continue
                seen_scopes.add(scope)
            kept.append(row)
        kept.reverse()
        return kept

    # Notes ------------------------------------------------------------------------------------

    def add_note(
        self, issue: Row, author_id: int, body: str, *, system: bool = False, internal: bool = False
    ) -> int:
        now = to_db(self.clock.now())
        note_id = self.store.insert(
            "notes",
            issue_id=issue["id"],
            author_id=author_id,
            body=body,
            system=int(system),
            internal=int(internal),
            created_at=now,
            updated_at=now,
        )
        # A note touches its issue, so `updated_after` finds issues with new comments.
        self.store.execute("UPDATE issues SET updated_at = ? WHERE id = ?", now, issue["id"])
        return note_id

    # Creating and changing issues -------------------------------------------------------------

    def create_issue(
        self,
        project: Row,
        actor: Row,
        *,
        title: str,
        description: str | None,
        issue_type: str = "issue",
        confidential: bool = False,
        changes: IssueChanges | None = None,
    ) -> Row:
        """Insert an issue and apply its initial labels, assignees and due date; one `open` hook."""
        now = to_db(self.clock.now())
        iid = (
            self.store.scalar(
                "SELECT COALESCE(MAX(iid), 0) FROM issues WHERE project_id = ?", project["id"]
            )
            + 1
        )
        issue_id = self.store.insert(
            "issues",
            project_id=project["id"],
            iid=iid,
            title=title,
            description=description,
            state="opened",
            author_id=actor["id"],
            confidential=int(confidential),
            issue_type=issue_type,
            created_at=now,
            updated_at=now,
        )
        issue = self.issue_by_id(issue_id)
        if changes is not None:
            self.apply(issue, actor, changes, creating=True)
        self.events.issue_event(issue_id, actor["id"], "open", None)
        return self.issue_by_id(issue_id)

    def update(self, issue: Row, actor: Row, changes: IssueChanges) -> bool:
        """Apply a change and report it with one Issue Hook (close, reopen or update).

        Returns whether anything changed; an empty change fires no hook.
        """
        before = self.snapshot(issue["id"])
        changed = self.apply(issue, actor, changes)
        if changed:
            after = self.issue_by_id(issue["id"])
            action = "update"
            if before["state"] != after["state"]:
                action = "close" if after["state"] == "closed" else "reopen"
            self.events.issue_event(issue["id"], actor["id"], action, before)
        return changed

    def apply(
        self, issue: Row, actor: Row, changes: IssueChanges, *, creating: bool = False
    ) -> bool:
        """Apply `changes` to `issue` without reporting a webhook (the caller reports it)."""
        changed = False
        now = self.clock.now()
        issue_id = issue["id"]
        updates: dict[str, Any] = {}
        notes: list[str] = []

        if changes.title is not None and changes.title != issue["title"]:
            updates["title"] = changes.title
            notes.append(sysnotes.title_changed(issue["title"], changes.title))
        if changes.description is not None and changes.description != (issue["description"] or ""):
            updates["description"] = changes.description
            notes.append(sysnotes.description_changed())
        if "title" in updates or "description" in updates:
            updates["last_edited_at"] = to_db(now)
            updates["last_edited_by_id"] = actor["id"]

        if self._apply_labels(issue, actor, changes, now):
            changed = True
        note = self._apply_assignees(issue, changes)
        if note:
            notes.append(note)

        if changes.confidential is not None and bool(changes.confidential) != bool(
            issue["confidential"]
        ):
            updates["confidential"] = int(changes.confidential)
            notes.append(sysnotes.confidentiality_changed(bool(changes.confidential)))
        if changes.due_date is not UNSET and changes.due_date != issue["due_date"]:
            updates["due_date"] = changes.due_date
            due = date.fromisoformat(changes.due_date) if changes.due_date else None
            notes.append(sysnotes.due_date_changed(due))
        if changes.discussion_locked is not None and bool(changes.discussion_locked) != bool(
            issue["discussion_locked"]
        ):
            updates["discussion_locked"] = int(changes.discussion_locked)
            notes.append(sysnotes.discussion_lock_changed(bool(changes.discussion_locked)))
        if changes.issue_type is not None and changes.issue_type != issue["issue_type"]:
            updates["issue_type"] = changes.issue_type
            notes.append(sysnotes.issue_type_changed(issue["issue_type"], changes.issue_type))
        for name in ("moved_to_id", "duplicated_to_id"):
            value = getattr(changes, name)
            if value is not None and value != issue[name]:
                updates[name] = value

        if changes.state_event == "close" and issue["state"] == "opened":
            updates.update(state="closed", closed_at=to_db(now), closed_by_id=actor["id"])
            self._state_event(issue_id, actor, "closed", now)
        elif changes.state_event == "reopen" and issue["state"] == "closed":
            updates.update(state="opened", closed_at=None, closed_by_id=None)
            self._state_event(issue_id, actor, "reopened", now)

        if updates or notes:
            changed = True
        if changed:
            updates["updated_at"] = to_db(now)
            updates["updated_by_id"] = actor["id"]
            self.store.update("issues", issue_id, **updates)
        # GitLab writes no system notes for what an issue is created with.
        if not creating:
            for body in notes:
                self.add_note(self.issue_by_id(issue_id), actor["id"], body, system=True)
        return changed

    def _state_event(self, issue_id: int, actor: Row, state: str, now: Any) -> None:
        self.store.insert(
            "state_events",
            issue_id=issue_id,
            user_id=actor["id"],
            state=state,
            created_at=to_db(now),
        )

    def _apply_labels(self, issue: Row, actor: Row, changes: IssueChanges, now: Any) -> bool:
        if changes.labels is None and not changes.add_labels and not changes.remove_labels:
            return False
        project_id = issue["project_id"]
        current = self.labels_of(issue["id"])
        wanted = (
            self._resolve_labels(project_id, changes.labels)
            if changes.labels is not None
            else list(current)
        )
        wanted += self._resolve_labels(project_id, changes.add_labels)
        removed_names = {name.strip() for name in changes.remove_labels}
        unique: dict[int, Row] = {}
        for row in wanted:
            if row["name"] not in removed_names:
                unique.pop(row["id"], None)
                unique[row["id"]] = row
        target = list(unique.values())
        if self.premium:
            target = self._exclusive_scopes(target)
        current_ids = {row["id"] for row in current}
        target_ids = {row["id"] for row in target}
        added = sorted(target_ids - current_ids)
        removed = sorted(current_ids - target_ids)
        if not added and not removed:
            return False
        for label_id in added:
            self.store.execute(
                "INSERT INTO issue_labels (issue_id, label_id) VALUES (?, ?)", issue["id"], label_id
            )
        for label_id in removed:
            self.store.execute(
                "DELETE FROM issue_labels WHERE issue_id = ? AND label_id = ?",
                issue["id"],
                label_id,
            )
        stamp = to_db(now)
        for action, label_ids in (("add", added), ("remove", removed)):
            for label_id in label_ids:
                self.store.insert(
                    "label_events",
                    issue_id=issue["id"],
                    user_id=actor["id"],
                    label_id=label_id,
                    action=action,
                    created_at=stamp,
                )
        return True

    def _apply_assignees(self, issue: Row, changes: IssueChanges) -> str | None:
        """Change assignees; returns the system note text, or None when nothing changed."""
        if (
            changes.assignee_ids is None
            and not changes.add_assignee_ids
            and not changes.remove_assignee_ids
        ):
            return None
        current = [row["id"] for row in self.assignees_of(issue["id"])]
        ids = list(changes.assignee_ids) if changes.assignee_ids is not None else list(current)
        ids += [user_id for user_id in changes.add_assignee_ids if user_id not in ids]
        ids = [user_id for user_id in ids if user_id not in changes.remove_assignee_ids]
        # Unknown users (and 0, GitLab's "nobody") are dropped, as GitLab drops non-members.
        ids = [user_id for user_id in dict.fromkeys(ids) if user_id and self.user(user_id)]
        if not self.premium:
            ids = ids[:1]  # the free tier keeps one assignee: the first given
        if ids == current:
            return None
        self.store.execute("DELETE FROM issue_assignees WHERE issue_id = ?", issue["id"])
        for position, user_id in enumerate(ids):
            self.store.insert(
                "issue_assignees", issue_id=issue["id"], user_id=user_id, position=position
            )
        added = [self._username(user_id) for user_id in ids if user_id not in current]
        removed = [self._username(user_id) for user_id in current if user_id not in ids]
        if not added and not removed:
            return None  # only the order changed
        return sysnotes.assignees_changed(added, removed)

    def _username(self, user_id: int) -> str:
        user = self.user(user_id)
        return user["username"] if user else str(user_id)

    # Links and moves --------------------------------------------------------------------------

    def link(self, source: Row, target: Row, link_type: str, actor: Row) -> int:
        """Relate two issues (both ways); system notes on both, as GitLab writes them."""
        if link_type in ("blocks", "is_blocked_by") and not self.premium:
            raise forbidden("Blocked issues not available for current license")
        if source["id"] == target["id"]:
            raise ApiError(400, {"message": "Cannot assign an issue to itself"})
        existing = self.store.one(
            "SELECT id FROM issue_links WHERE (source_issue_id = ? AND target_issue_id = ?) "
            "OR (source_issue_id = ? AND target_issue_id = ?)",
            source["id"],
            target["id"],
            target["id"],
            source["id"],
        )
        if existing is not None:
            raise ApiError(409, {"message": "Issue(s) already assigned"})
        now = to_db(self.clock.now())
        link_id = self.store.insert(
            "issue_links",
            source_issue_id=source["id"],
            target_issue_id=target["id"],
            link_type=link_type,
            created_at=now,
            updated_at=now,
        )
        self.add_note(
            source,
            actor["id"],
            sysnotes.linked(link_type, self.reference(target, source["project_id"])),
            system=True,
        )
        self.add_note(
            target,
            actor["id"],
            sysnotes.linked(_INVERSE_LINK[link_type], self.reference(source, target["project_id"])),
            system=True,
        )
        return link_id

    def links_of(self, issue: Row) -> list[tuple[Row, Row, str]]:
        """(link row, the other issue, link type as seen from `issue`), oldest first."""
        rows = self.store.all(
            "SELECT * FROM issue_links WHERE source_issue_id = ? OR target_issue_id = ? "
            "ORDER BY created_at, id",
            issue["id"],
            issue["id"],
        )
        result = []
        for row in rows:
            if row["source_issue_id"] == issue["id"]:
                other, link_type = self.issue_by_id(row["target_issue_id"]), row["link_type"]
            else:
                other = self.issue_by_id(row["source_issue_id"])
                link_type = _INVERSE_LINK[row["link_type"]]
            result.append((row, other, link_type))
        return result

    def move(self, issue: Row, target_project: Row, actor: Row) -> Row:
        """Move an issue: a copy opens in the target project and the original closes."""
        labels = [
            row["name"]
            for row in self.labels_of(issue["id"])
            if self.label_named(target_project["id"], row["name"])
        ]
        copy = self.create_issue(
            target_project,
            self.user(issue["author_id"]) or actor,
            title=issue["title"],
            description=issue["description"],
            issue_type=issue["issue_type"],
            confidential=bool(issue["confidential"]),
            changes=IssueChanges(
                labels=labels,
                assignee_ids=[row["id"] for row in self.assignees_of(issue["id"])],
                due_date=issue["due_date"],
            ),
        )
        self.add_note(
            copy,
            actor["id"],
            sysnotes.moved_from(self.reference(issue, copy["project_id"])),
            system=True,
        )
        self.add_note(
            issue,
            actor["id"],
            sysnotes.moved_to(self.reference(copy, issue["project_id"])),
            system=True,
        )
        return copy
